"""Who may see a dossier and who may act on it. The services call these before writing; the pages call them to
show only the buttons and forms the user may use.

Seeing follows the Dossier's declared unit path (core.scope: district dossiers by district, the others by commune);
acting needs, in addition, a role at the level the transition table names (verification.choices.TRANSITIONS).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.utils.translation import gettext as _

from core.scope import covers, scope_for, user_roles
from offices.choices import Role
from register.models import Recognition

from .choices import (
    COMMUNE_STAGE,
    FRONT_DOCUMENTS,
    PROVINCE_APPRAISES,
    QUEUE_ROLES,
    TERMINAL,
    ActingLevel,
    DocumentKind,
    DossierStatus,
    Transition,
    transitions_from,
)
from .models import Dossier


class OutOfScope(Http404):
    """The dossier exists but not in the user's area: answered as "not found"."""


def has_queue(user: User | AnonymousUser) -> bool:
    """A verifier, appraiser or approver: the queues open for it."""
    return bool(user_roles(user) & set(QUEUE_ROLES))


def opens_dossiers(user: User | AnonymousUser) -> bool:
    """A data-entry office somewhere opens recognition dossiers for its units."""
    return not scope_for(user, {Role.EDITOR}).is_empty


def dossier_visible(user: User | AnonymousUser, dossier: Dossier) -> bool:
    return covers(user, dossier)


def require_visible(user: User | AnonymousUser, dossier: Dossier) -> None:
    if not dossier_visible(user, dossier):
        raise OutOfScope(_("Not found or outside your area."))


def acts_at(user: User | AnonymousUser, dossier: Dossier, *, roles: Iterable[str], level: str) -> bool:
    """Whether the user holds one of `roles` in an office at `level` for this dossier's unit."""
    scope = scope_for(user, roles)
    if scope.everything:
        return True
    if level == ActingLevel.UNIT:
        return covers(user, dossier, roles)
    if level == ActingLevel.DISTRICT:
        return dossier.district_id is not None and dossier.district_id in scope.district_ids
    return dossier.province_id in scope.province_ids


def allowed_transitions(user: User | AnonymousUser, dossier: Dossier) -> list[Transition]:
    """Transitions from the dossier's current status that this user may press (gates not checked here)."""
    return [
        t
        for t in transitions_from(dossier.status, dossier.route)
        if acts_at(user, dossier, roles=t.roles, level=t.level)
    ]


def can_review(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """The verifier or appraiser holding the dossier in their queue records the review findings."""
    return any(
        t.queue and t.roles & {Role.VERIFIER, Role.APPRAISER} and acts_at(user, dossier, roles=t.roles, level=t.level)
        for t in transitions_from(dossier.status, dossier.route)
    )


def can_add_document(user: User | AnonymousUser, dossier: Dossier, kind: str | None = None) -> bool:
    """The commune while it prepares the dossier, the Front its own papers, the office holding the dossier its
    reports; nobody once the dossier is closed."""
    if dossier.status in TERMINAL:
        return False
    if dossier.status in COMMUNE_STAGE and acts_at(user, dossier, roles={Role.EDITOR}, level=ActingLevel.UNIT):
        return True
    if (kind is None or kind in FRONT_DOCUMENTS) and acts_at(
        user, dossier, roles={Role.MONITOR}, level=ActingLevel.UNIT
    ):
        return True
    if (kind is None or kind == DocumentKind.SUBMISSION) and can_submit(user, dossier):
        return True
    return any(t.queue for t in allowed_transitions(user, dossier))


# Where the coordination office's submission (tờ trình) proposing the decision is written: around the appraisal.
SUBMISSION_STAGE = frozenset({DossierStatus.VERIFIED, DossierStatus.UNDER_APPRAISAL, DossierStatus.APPRAISED})


def can_submit(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """The provincial coordination office (a data-entry office of the province) files its submission."""
    return dossier.status in SUBMISSION_STAGE and acts_at(
        user, dossier, roles={Role.EDITOR}, level=ActingLevel.PROVINCE
    )


def can_record_appraisal(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """The provincial appraiser holding the dossier records the council's inspection, meeting and vote."""
    return (
        dossier.status == DossierStatus.UNDER_APPRAISAL
        and dossier.route in PROVINCE_APPRAISES
        and acts_at(user, dossier, roles={Role.APPRAISER}, level=ActingLevel.PROVINCE)
    )


def revocation_province_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """Provinces where the user may propose revocations (None: everywhere)."""
    s = scope_for(user, [Role.APPRAISER])
    return None if s.everything else s.province_ids


def can_propose_revocation(user: User | AnonymousUser, recognition: Recognition) -> bool:
    if recognition.revoked_on:
        return False
    provinces = revocation_province_ids(user)
    unit = recognition.district or recognition.commune or recognition.hamlet.commune  # type: ignore[union-attr]
    return provinces is None or unit.province_id in provinces
