"""Every write of the Front's records. Keyword-only, atomic, validated; refusals write nothing.

Who writes what:
- surveys, supervision reports, findings, critiques, closing/reopening findings: a Front monitor (Role.MONITOR)
  whose office covers the unit;
- the answer to a finding: a data-entry editor of the office concerned (or, when no office is named, of an office
  covering the unit);
- moderation of residents' comments: a data-entry editor of an office covering the dossier's unit;
- public comments: anyone, while the dossier is in public consultation and its posting period has not ended (the
  view throttles per address).
A unit outside the actor's area answers 404 (never revealing the record); a role without the right answers 403.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune, Hamlet
from criteria.choices import SubjectKind
from criteria.models import Criterion
from offices.models import Membership, Office
from verification.choices import COMMUNE_STAGE, TERMINAL, DossierStatus, NotificationKind
from verification.models import Dossier
from verification.permissions import require_visible

from . import selectors
from .choices import (
    COMMENT_MAX_LENGTH,
    COMMENT_NAME_MAX_LENGTH,
    FINDING_TRANSITIONS,
    FindingStatus,
    Moderation,
    ReportSubject,
    Severity,
    SurveyStatus,
)
from .models import (
    Critique,
    Finding,
    PublicComment,
    SatisfactionSurvey,
    SupervisionReport,
    SurveyHamletRow,
    SurveyItemResult,
)
from .permissions import (
    can_check_survey,
    can_file_report,
    can_moderate,
    can_monitor_dossier,
    can_respond,
    report_visible,
)


def _out_of_scope() -> Http404:
    return Http404(_("Not found or outside your area."))


def _lock_dossier(dossier: Dossier) -> Dossier:
    """Lock the dossier row so a survey change and a transition reading the rate cannot interleave."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("province", "district", "commune", "hamlet")
        .get(pk=dossier.pk)
    )


# --- surveys -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    hamlet: Hamlet
    households_surveyed: int
    forms_returned: int
    satisfied: int


@dataclass(frozen=True)
class ItemResult:
    """Satisfied answers to one content item in one commune."""

    commune: Commune
    criterion: Criterion
    satisfied: int


def validate_item_results(*, dossier: Dossier, rows: list[SurveyRow], items: Sequence[ItemResult]) -> None:
    """Refuse items of a commune outside the dossier, of a criterion not on the forms, repeated, or with more
    satisfied answers than the commune's forms returned."""
    allowed_communes = {c.pk for c in selectors.survey_item_communes(dossier=dossier)}
    allowed_items = {c.pk for c in selectors.survey_items(dossier=dossier)}
    returned: dict[int, int] = {}
    for row in rows:
        returned[row.hamlet.commune_id] = returned.get(row.hamlet.commune_id, 0) + row.forms_returned
    errors, seen = [], set()
    for item in items:
        where = _("{commune}, item {number}").format(commune=item.commune, number=item.criterion.number)
        if item.commune.pk not in allowed_communes or item.criterion.pk not in allowed_items:
            errors.append(_("{where}: not a content item of this survey.").format(where=where))
            continue
        if (item.commune.pk, item.criterion.pk) in seen:
            errors.append(_("{where}: entered twice.").format(where=where))
        seen.add((item.commune.pk, item.criterion.pk))
        if not isinstance(item.satisfied, int) or item.satisfied < 0:
            errors.append(_("{where}: enter a whole number of zero or more.").format(where=where))
        elif item.satisfied > returned.get(item.commune.pk, 0):
            errors.append(
                _("{where}: {satisfied} satisfied but only {returned} forms returned in the commune.").format(
                    where=where, satisfied=item.satisfied, returned=returned.get(item.commune.pk, 0)
                )
            )
    if errors:
        raise ValidationError(errors)


def _hamlet_in_dossier(hamlet: Hamlet, dossier: Dossier) -> bool:
    if dossier.subject_kind == SubjectKind.HAMLET:
        return hamlet.pk == dossier.hamlet_id
    if dossier.subject_kind == SubjectKind.DISTRICT:
        return hamlet.commune.district_id == dossier.district_id
    return hamlet.commune_id == dossier.commune_id


def validate_survey_rows(*, dossier: Dossier, rows: list[SurveyRow], complete: bool) -> None:
    """Refuse with one message per problem, naming the row and hamlet: hamlets outside the dossier's unit or
    repeated, negative numbers, satisfied > returned or returned > surveyed (per row and in total)."""
    errors = []
    seen = set()
    totals = [0, 0, 0]
    for i, row in enumerate(rows, start=1):
        where = _("Row {n} ({hamlet})").format(n=i, hamlet=row.hamlet)
        if not _hamlet_in_dossier(row.hamlet, dossier):
            errors.append(_("{where}: this hamlet is not in {unit}.").format(where=where, unit=dossier.subject))
        if row.hamlet.pk in seen:
            errors.append(_("{where}: this hamlet already has a row.").format(where=where))
        seen.add(row.hamlet.pk)
        numbers = (row.households_surveyed, row.forms_returned, row.satisfied)
        if any(not isinstance(n, int) or n < 0 for n in numbers):
            errors.append(_("{where}: enter whole numbers of zero or more.").format(where=where))
            continue
        if row.forms_returned > row.households_surveyed:
            errors.append(
                _("{where}: {returned} forms returned but only {surveyed} households surveyed.").format(
                    where=where, returned=row.forms_returned, surveyed=row.households_surveyed
                )
            )
        if row.satisfied > row.forms_returned:
            errors.append(
                _("{where}: {satisfied} satisfied but only {returned} forms returned.").format(
                    where=where, satisfied=row.satisfied, returned=row.forms_returned
                )
            )
        totals = [t + n for t, n in zip(totals, numbers, strict=True)]
    surveyed, returned, satisfied = totals
    if not errors:
        if returned > surveyed:
            errors.append(
                _("Total: {returned} forms returned but only {surveyed} households surveyed.").format(
                    returned=returned, surveyed=surveyed
                )
            )
        if satisfied > returned:
            errors.append(
                _("Total: {satisfied} satisfied but only {returned} forms returned.").format(
                    satisfied=satisfied, returned=returned
                )
            )
    if complete and not rows:
        errors.append(_("A completed survey needs at least one hamlet row."))
    elif complete and not errors and returned == 0:
        errors.append(_("A completed survey needs at least one form returned: the rate cannot be computed."))
    if errors:
        raise ValidationError(errors)


def _validate_period(period_start: date, period_end: date) -> None:
    if period_start is None or period_end is None:
        raise ValidationError({"period_start": _("Enter the survey period.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The survey cannot end before it starts.")})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("The survey cannot start in the future.")})


def _check_survey_actor(actor: User, dossier: Dossier) -> None:
    require_visible(actor, dossier)
    if not can_monitor_dossier(actor, dossier):
        raise PermissionDenied(_("Satisfaction surveys are entered by the Fatherland Front only."))
    if dossier.status not in COMMUNE_STAGE:
        raise ValidationError(
            _("Surveys are entered while the commune prepares the dossier; it is now “{status}”.").format(
                status=dossier.get_status_display()
            )
        )


def _save_items(survey: SatisfactionSurvey, items: Sequence[ItemResult]) -> None:
    keep = {(i.commune.pk, i.criterion.pk) for i in items}
    for old in survey.items.all():
        if (old.commune_id, old.criterion_id) not in keep:
            old.delete()
    existing = {(r.commune_id, r.criterion_id): r for r in survey.items.all()}
    for item in items:
        obj = existing.get((item.commune.pk, item.criterion.pk)) or SurveyItemResult(
            survey=survey, commune=item.commune, criterion=item.criterion
        )
        if obj.pk and obj.satisfied == item.satisfied:
            continue
        obj.satisfied = item.satisfied
        obj.full_clean()
        obj.save()


def _validate_posted(results_posted_on: date | None, period_start: date) -> None:
    if results_posted_on is None:
        return
    if results_posted_on > timezone.localdate():
        raise ValidationError({"results_posted_on": _("The posting date cannot be in the future.")})
    if period_start and results_posted_on < period_start:
        raise ValidationError({"results_posted_on": _("The results cannot be posted before the survey starts.")})


def _save_survey(survey: SatisfactionSurvey, rows: list[SurveyRow], complete: bool) -> SatisfactionSurvey:
    survey.status = SurveyStatus.COMPLETED if complete else SurveyStatus.IN_PROGRESS
    if complete and survey.completed_at is None:
        survey.completed_at = timezone.now()
    if not complete:
        survey.completed_at = None
    survey.full_clean()
    survey.save()
    keep = {row.hamlet.pk for row in rows}
    for old in survey.rows.exclude(hamlet_id__in=keep):
        old.delete()  # one by one, so each removal is in the history
    existing = {r.hamlet_id: r for r in survey.rows.all()}
    for row in rows:
        obj = existing.get(row.hamlet.pk) or SurveyHamletRow(survey=survey, hamlet=row.hamlet)
        changed = (obj.households_surveyed, obj.forms_returned, obj.satisfied) != (
            row.households_surveyed,
            row.forms_returned,
            row.satisfied,
        )
        if obj.pk and not changed:
            continue
        obj.households_surveyed = row.households_surveyed
        obj.forms_returned = row.forms_returned
        obj.satisfied = row.satisfied
        obj.full_clean()
        obj.save()
    return survey


@transaction.atomic
def survey_create(
    *,
    dossier: Dossier,
    actor: User,
    period_start: date,
    period_end: date,
    rows: list[SurveyRow],
    complete: bool = False,
    note: str = "",
    items: Sequence[ItemResult] = (),
    results_posted_on: date | None = None,
) -> SatisfactionSurvey:
    """Record a Front survey for a dossier with one row per hamlet (one form per household) and the satisfied
    answers per content item and commune; `complete` makes it count for the gate."""
    dossier = _lock_dossier(dossier)
    _check_survey_actor(actor, dossier)
    _validate_period(period_start, period_end)
    validate_survey_rows(dossier=dossier, rows=rows, complete=complete)
    validate_item_results(dossier=dossier, rows=rows, items=list(items))
    _validate_posted(results_posted_on, period_start)
    survey = SatisfactionSurvey(
        dossier=dossier,
        period_start=period_start,
        period_end=period_end,
        note=(note or "").strip(),
        results_posted_on=results_posted_on,
        entered_by=actor,
    )
    survey = _save_survey(survey, rows, complete)
    _save_items(survey, list(items))
    return survey


survey_create.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def survey_update(
    *,
    survey: SatisfactionSurvey,
    actor: User,
    period_start: date,
    period_end: date,
    rows: list[SurveyRow],
    complete: bool,
    note: str = "",
    items: Sequence[ItemResult] = (),
    results_posted_on: date | None = None,
) -> SatisfactionSurvey:
    """Correct a survey (its rows and items are replaced); every change is kept in the history. A corrected tally
    needs the higher-level Front's check again."""
    dossier = _lock_dossier(survey.dossier)
    _check_survey_actor(actor, dossier)
    _validate_period(period_start, period_end)
    validate_survey_rows(dossier=dossier, rows=rows, complete=complete)
    validate_item_results(dossier=dossier, rows=rows, items=list(items))
    _validate_posted(results_posted_on, period_start)
    locked = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    before = (
        [
            (r.hamlet_id, r.households_surveyed, r.forms_returned, r.satisfied)
            for r in locked.rows.order_by("hamlet_id")
        ],
        sorted((i.commune_id, i.criterion_id, i.satisfied) for i in locked.items.all()),
    )
    after = (
        sorted((r.hamlet.pk, r.households_surveyed, r.forms_returned, r.satisfied) for r in rows),
        sorted((i.commune.pk, i.criterion.pk, i.satisfied) for i in items),
    )
    if before != after:
        locked.checked_on, locked.checked_by, locked.check_note = None, None, ""
    locked.period_start = period_start
    locked.period_end = period_end
    locked.note = (note or "").strip()
    locked.results_posted_on = results_posted_on
    locked = _save_survey(locked, rows, complete)
    _save_items(locked, list(items))
    return locked


survey_update.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def survey_check(*, survey: SatisfactionSurvey, actor: User, checked_on: date, note: str = "") -> SatisfactionSurvey:
    """The higher-level Front checks the completed survey's tally (a Front office above the commune's)."""
    locked = SatisfactionSurvey.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=survey.pk)
    require_visible(actor, locked.dossier)
    if not can_check_survey(actor, locked.dossier):
        raise PermissionDenied(_("The tally is checked by a Front committee above the commune's."))
    if locked.status != SurveyStatus.COMPLETED:
        raise ValidationError(_("Only a completed survey's tally is checked."))
    if checked_on is None or checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("Enter the day of the check (not in the future).")})
    if checked_on < locked.period_start:
        raise ValidationError({"checked_on": _("The check cannot precede the survey.")})
    locked.checked_on = checked_on
    locked.checked_by = actor
    locked.check_note = (note or "").strip()
    locked.full_clean()
    locked.save()
    return locked


survey_check.alters_data = True  # type: ignore[attr-defined]


# --- supervision reports and findings --------------------------------------------------------------------------


def _report_unit(report: SupervisionReport, *, commune: Commune | None, dossier: Dossier | None) -> None:
    if report.subject_kind == ReportSubject.DOSSIER:
        if dossier is None:
            raise ValidationError({"dossier": _("Choose the dossier supervised.")})
        report.dossier = dossier
        report.province_id = dossier.province_id
        report.district_id = dossier.district_id
        report.commune_id = dossier.commune_id
    elif report.subject_kind == ReportSubject.COMMUNE:
        if commune is None:
            raise ValidationError({"commune": _("Choose the commune supervised.")})
        report.dossier = None
        report.province_id = commune.province_id
        report.district_id = commune.district_id
        report.commune = commune
    else:
        raise ValidationError({"subject_kind": _("Choose what the report is about.")})


def _check_report_actor(actor: User, report: SupervisionReport) -> None:
    if not report_visible(actor, report):
        raise _out_of_scope()
    if not can_file_report(actor, report):
        raise PermissionDenied(_("Supervision reports are filed by the Fatherland Front only."))


@transaction.atomic
def supervision_report_create(
    *,
    actor: User,
    subject_kind: str,
    title: str,
    period_start: date,
    period_end: date,
    summary: str = "",
    commune: Commune | None = None,
    dossier: Dossier | None = None,
) -> SupervisionReport:
    report = SupervisionReport(
        subject_kind=subject_kind,
        title=(title or "").strip(),
        period_start=period_start,
        period_end=period_end,
        summary=(summary or "").strip(),
        created_by=actor,
    )
    _report_unit(report, commune=commune, dossier=dossier)
    _check_report_actor(actor, report)
    report.full_clean()
    report.save()
    return report


supervision_report_create.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def supervision_report_update(
    *, report: SupervisionReport, actor: User, title: str, period_start: date, period_end: date, summary: str = ""
) -> SupervisionReport:
    """Correct the title, period or summary; the subject stays (file a new report for another subject)."""
    locked = (
        SupervisionReport.objects.select_for_update(of=("self",))
        .select_related("commune", "district")
        .get(pk=report.pk)
    )
    _check_report_actor(actor, locked)
    locked.title = (title or "").strip()
    locked.period_start = period_start
    locked.period_end = period_end
    locked.summary = (summary or "").strip()
    locked.full_clean()
    locked.save()
    return locked


supervision_report_update.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def finding_add(
    *,
    report: SupervisionReport,
    actor: User,
    severity: str,
    description: str,
    recommendation: str,
    concerned_office: Office | None = None,
    respond_by: date | None = None,
) -> Finding:
    _check_report_actor(actor, report)
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    if concerned_office is not None and concerned_office.province_id != report.province_id:
        raise ValidationError({"concerned_office": _("The office concerned is not in the report's province.")})
    finding = Finding(
        report=report,
        severity=severity,
        description=(description or "").strip(),
        recommendation=(recommendation or "").strip(),
        concerned_office=concerned_office,
        respond_by=respond_by,
    )
    finding.full_clean()
    finding.save()
    if concerned_office is not None:
        transaction.on_commit(lambda: finding_notify(finding=finding, kind=NotificationKind.FINDING_FILED))
    return finding


finding_add.alters_data = True  # type: ignore[attr-defined]


def finding_notify(*, finding: Finding, kind: str) -> int:
    """Tell the members of the office named in the finding (in-app and by email): it was filed, or its answer is
    due soon. Returns the number of people told."""
    from verification.services import notify_users

    if not finding.concerned_office_id:
        return 0
    report = finding.report
    with translation.override(settings.LANGUAGE_CODE):
        if kind == NotificationKind.FINDING_DUE:
            text = _("{office}: the answer to a Front finding is due on {day}: {finding}").format(
                office=finding.concerned_office,
                day=finding.respond_by.strftime("%d/%m/%Y") if finding.respond_by else "",
                finding=finding.description[:200],
            )
        else:
            text = _("{office}: the Front filed a finding ({severity}) on {subject}: {finding}").format(
                office=finding.concerned_office,
                severity=finding.get_severity_display(),
                subject=report.subject,
                finding=finding.description[:200],
            )
    users = Membership.objects.filter(office_id=finding.concerned_office_id).values_list("user_id", flat=True)
    notes = notify_users(
        user_ids=list(users),
        kind=kind,
        text=text,
        url=reverse("monitoring:report_detail", args=[report.pk]) + f"#finding-{finding.pk}",
        dossier=report.dossier,
    )
    return len(notes)


def finding_reminders_send(*, today: date | None = None) -> int:
    """Remind the offices named in open findings whose answer is due within `NTM_FINDING_REMINDER_DAYS` (once per
    finding). Run daily (manage.py remind_findings). Returns the number of findings reminded."""
    today = today or timezone.localdate()
    due = (
        Finding.objects.filter(
            status=FindingStatus.OPEN,
            concerned_office__isnull=False,
            reminder_sent_on__isnull=True,
            respond_by__gte=today,
            respond_by__lte=today + timedelta(days=settings.NTM_FINDING_REMINDER_DAYS),
        )
        .select_related("report", "report__dossier", "report__commune", "concerned_office")
        .order_by("respond_by", "id")
    )
    count = 0
    for finding in due:
        with transaction.atomic():
            if Finding.objects.filter(pk=finding.pk, reminder_sent_on__isnull=True).update(reminder_sent_on=today):
                finding_notify(finding=finding, kind=NotificationKind.FINDING_DUE)
                count += 1
    return count


def _finding_for_update(finding: Finding, action: str, actor: User) -> Finding:
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("report", "report__commune", "report__district")
        .get(pk=finding.pk)
    )
    if not report_visible(actor, locked.report):
        raise _out_of_scope()
    sources, _target, who = FINDING_TRANSITIONS[action]
    allowed = can_respond(actor, locked) if who == "office" else can_file_report(actor, locked.report)
    if not allowed:
        if who == "office":
            raise PermissionDenied(_("Only an editor of the office concerned answers this finding."))
        raise PermissionDenied(_("Only the Fatherland Front closes or reopens a finding."))
    if locked.status not in sources:
        raise ValidationError(
            _("This is not possible while the finding is “{status}”.").format(status=locked.get_status_display())
        )
    return locked


@transaction.atomic
def finding_respond(*, finding: Finding, actor: User, response: str) -> Finding:
    """The office concerned answers (open → answered; an answered finding may be answered again)."""
    locked = _finding_for_update(finding, "respond", actor)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the office's response.")})
    locked.response = response
    locked.responded_by = actor
    locked.responded_at = timezone.now()
    locked.status = FindingStatus.ANSWERED
    locked.full_clean()
    locked.save()
    return locked


finding_respond.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def finding_close(*, finding: Finding, actor: User, note: str = "") -> Finding:
    locked = _finding_for_update(finding, "close", actor)
    locked.status = FindingStatus.CLOSED
    locked.closed_by = actor
    locked.closed_at = timezone.now()
    locked.front_note = (note or "").strip()
    locked.full_clean()
    locked.save()
    return locked


finding_close.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def finding_reopen(*, finding: Finding, actor: User, note: str) -> Finding:
    locked = _finding_for_update(finding, "reopen", actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the finding is reopened.")})
    locked.status = FindingStatus.OPEN
    locked.closed_by = None
    locked.closed_at = None
    locked.front_note = note
    locked.full_clean()
    locked.save()
    return locked


finding_reopen.alters_data = True  # type: ignore[attr-defined]


# --- critiques -------------------------------------------------------------------------------------------------


@transaction.atomic
def critique_add(*, dossier: Dossier, actor: User, text: str) -> Critique:
    """The Front's critique (phản biện) on a dossier, added to its timeline."""
    require_visible(actor, dossier)
    if not can_monitor_dossier(actor, dossier):
        raise PermissionDenied(_("Critiques are written by the Fatherland Front only."))
    if dossier.status in TERMINAL:
        raise ValidationError(_("The dossier is closed; critiques can no longer be added."))
    critique = Critique(dossier=dossier, text=(text or "").strip(), author=actor)
    critique.full_clean()
    critique.save()
    return critique


critique_add.alters_data = True  # type: ignore[attr-defined]


# --- residents' comments -------------------------------------------------------------------------------------------


def public_comment_allowed(*, client_ip: str) -> bool:
    """Count one comment from this address in the current hour; False once NTM_PUBLIC_COMMENTS_PER_HOUR is used.

    A fixed one-hour window in the cache (shared by every app server when the cache is shared)."""
    limit: int = settings.NTM_PUBLIC_COMMENTS_PER_HOUR
    window = int(timezone.now().timestamp() // 3600)
    key = f"monitoring:comments:{client_ip}:{window}"
    cache.add(key, 0, timeout=3600)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        used = 1
    return used <= limit


class ConsultationClosed(ValidationError):
    """A comment sent after the end of the posting period."""


@transaction.atomic
def public_comment_submit(*, dossier: Dossier, text: str, author_name: str = "") -> PublicComment:
    """A resident's comment; waits for moderation. Refused unless the dossier is in public consultation and the
    posting period has not ended (`ConsultationClosed`)."""
    current = Dossier.objects.filter(pk=dossier.pk).values_list("status", "consultation_started_on").first()
    status, started = current or (None, None)
    if status != DossierStatus.PUBLIC_CONSULTATION:
        raise Http404(_("This dossier is not in public consultation."))
    if selectors.consultation_closed(started):
        raise ConsultationClosed(selectors.consultation_closed_message(started))
    text = (text or "").strip()
    author_name = (author_name or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write your comment.")
    elif len(text) > COMMENT_MAX_LENGTH:
        errors["text"] = _("The comment is {n} characters long; at most {max} are accepted.").format(
            n=len(text), max=COMMENT_MAX_LENGTH
        )
    if len(author_name) > COMMENT_NAME_MAX_LENGTH:
        errors["author_name"] = _("The name may have at most {max} characters.").format(max=COMMENT_NAME_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    comment = PublicComment(dossier_id=dossier.pk, text=text, author_name=author_name)
    comment.full_clean()
    comment.save()
    return comment


public_comment_submit.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def public_comment_moderate(*, comment: PublicComment, actor: User, outcome: str, reply: str = "") -> PublicComment:
    """The commune office publishes (taken into account / explained) or rejects a comment; the outcome is kept."""
    locked = (
        PublicComment.objects.select_for_update(of=("self",))
        .select_related("dossier", "dossier__commune", "dossier__district")
        .get(pk=comment.pk)
    )
    require_visible(actor, locked.dossier)
    if not can_moderate(actor, locked.dossier):
        raise PermissionDenied(_("Comments are moderated by the unit's data-entry office."))
    if outcome not in Moderation.values or outcome == Moderation.PENDING:
        raise ValidationError({"outcome": _("Choose how the comment was handled.")})
    reply = (reply or "").strip()
    if outcome == Moderation.EXPLAINED and not reply:
        raise ValidationError({"reply": _("Write the explanation published with the comment.")})
    locked.outcome = outcome
    locked.reply = reply
    locked.moderated_by = actor
    locked.moderated_at = timezone.now()
    locked.full_clean()
    locked.save()
    return locked


public_comment_moderate.alters_data = True  # type: ignore[attr-defined]
