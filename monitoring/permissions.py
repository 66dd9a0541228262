"""Who may write the Front's records (see monitoring.services for what each write does).

- surveys, supervision reports, findings, critiques, closing/reopening findings: a Front monitor (Role.MONITOR)
  whose office covers the unit;
- the answer to a finding: a data-entry editor of the office concerned (or, when no office is named, of an office
  covering the unit);
- moderation of residents' comments: a data-entry editor of an office covering the dossier's unit.
Seeing follows the models' declared unit paths (core.scope).
"""

from django.contrib.auth.models import AnonymousUser, User

from core.scope import covers, scope_for
from offices.choices import Role
from offices.models import Membership
from verification.choices import COMMUNE_STAGE, TERMINAL, ActingLevel
from verification.models import Dossier
from verification.permissions import acts_at

from .models import Finding, SupervisionReport

MONITOR = frozenset({Role.MONITOR})
EDITOR = frozenset({Role.EDITOR})


def can_monitor_dossier(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """A Front monitor whose office covers the dossier's unit."""
    return acts_at(user, dossier, roles=MONITOR, level=ActingLevel.UNIT)


def can_enter_survey(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """Surveys are entered while the commune prepares the dossier; once submitted, the verifier relies on them."""
    return dossier.status in COMMUNE_STAGE and can_monitor_dossier(user, dossier)


def can_check_survey(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """A Front committee above the commune's checks the tally: the district's or the province's (the province's for
    a district dossier)."""
    from criteria.choices import SubjectKind

    levels = (
        [ActingLevel.PROVINCE]
        if dossier.subject_kind == SubjectKind.DISTRICT
        else [ActingLevel.DISTRICT, ActingLevel.PROVINCE]
    )
    return any(acts_at(user, dossier, roles=MONITOR, level=level) for level in levels)


def can_critique(user: User | AnonymousUser, dossier: Dossier) -> bool:
    return dossier.status not in TERMINAL and can_monitor_dossier(user, dossier)


def can_moderate(user: User | AnonymousUser, dossier: Dossier) -> bool:
    return acts_at(user, dossier, roles=EDITOR, level=ActingLevel.UNIT)


def is_monitor(user: User | AnonymousUser) -> bool:
    """A Front monitor somewhere: the pages that add the Front's records open for it."""
    return not scope_for(user, MONITOR).is_empty


def moderates_comments(user: User | AnonymousUser) -> bool:
    """A data-entry office somewhere: it moderates the residents' comments on its units' dossiers."""
    return not scope_for(user, EDITOR).is_empty


def report_visible(user: User | AnonymousUser, report: SupervisionReport) -> bool:
    return covers(user, report)


def can_file_report(user: User | AnonymousUser, report: SupervisionReport) -> bool:
    return covers(user, report, MONITOR)


def editor_office_ids(user: User) -> frozenset[int]:
    """Offices where the user holds the data-entry role (one query; pass it to can_respond for many findings)."""
    return frozenset(Membership.objects.filter(user=user, role=Role.EDITOR).values_list("office_id", flat=True))


def can_respond(user: User | AnonymousUser, finding: Finding, office_ids: frozenset[int] | None = None) -> bool:
    """An editor of the office concerned; without a named office, an editor whose office covers the subject."""
    if finding.concerned_office_id:
        if user.is_superuser:
            return True
        office_ids = editor_office_ids(user) if office_ids is None else office_ids  # type: ignore[arg-type]  # signed in
        return finding.concerned_office_id in office_ids
    return covers(user, finding.report, EDITOR)
