"""Every write of the recognition workflow. `dossier_transition` is the one way a dossier's status changes."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communes.models import Commune, District, Hamlet
from core import mail
from core.people import full_name
from core.scope import user_roles
from criteria.choices import LEVELS_BY_SET_FROM, StandardLevel, SubjectKind
from criteria.selectors import criteria_set_for
from offices.choices import Role
from offices.models import Membership
from register.models import Recognition

from . import gates
from .choices import (
    ACTIONS,
    APPROVE_ACTIONS,
    ActingLevel,
    ActionKind,
    DocumentKind,
    DossierStatus,
    NotificationKind,
    Route,
    SecurityStatus,
    find_transition,
    roles_for_action,
    stage_of,
    transitions_from,
)
from .models import (
    Appraisal,
    AppraisalCouncil,
    ConsultationPosting,
    Dossier,
    DossierDocument,
    DossierEvent,
    Notification,
    ReportPublication,
    TownshipCheck,
)
from .permissions import acts_at, can_add_document, can_record_appraisal, can_review, require_visible
from .selectors import queue_q

# --- opening a dossier -----------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    actor: User,
    subject_kind: str,
    level: str,
    year: int,
    commune: Commune | None = None,
    hamlet: Hamlet | None = None,
    district: District | None = None,
) -> Dossier:
    """Open a dossier in draft for a commune, hamlet or district in the actor's data-entry scope."""
    if subject_kind == SubjectKind.HAMLET:
        if hamlet is None:
            raise ValidationError({"hamlet": _("Choose the hamlet.")})
        commune = hamlet.commune
    if subject_kind == SubjectKind.DISTRICT:
        if district is None:
            raise ValidationError({"district": _("Choose the district.")})
        commune = hamlet = None
        province = district.province
        route = Route.NATIONAL
    else:
        if commune is None:
            raise ValidationError({"commune": _("Choose the commune.")})
        if not commune.is_ntm_subject or not commune.is_current:
            raise ValidationError({"commune": _("Only current communes (xã) are subjects of the programme.")})
        district, province = commune.district, commune.province
        route = Route.DISTRICT_TIER if province.has_district_tier and district else Route.PROVINCIAL
    dossier = Dossier(
        subject_kind=subject_kind,
        province=province,
        district=district,
        commune=commune,
        hamlet=hamlet if subject_kind == SubjectKind.HAMLET else None,
        level=level,
        year=year,
        route=route,
        created_by=actor,
    )
    require_visible(actor, dossier)
    if not acts_at(actor, dossier, roles={Role.EDITOR}, level=ActingLevel.UNIT):
        raise PermissionDenied(_("Only the unit's data-entry office opens a recognition dossier."))
    _require_level_defined(subject_kind=subject_kind, level=level, year=year, province=province)
    unit: Any = {
        SubjectKind.COMMUNE: {"commune": commune},
        SubjectKind.HAMLET: {"hamlet": hamlet},
        SubjectKind.DISTRICT: {"district": district},
    }[subject_kind]  # type: ignore[index]  # a SubjectKind value
    held = Recognition.objects.filter(
        subject_kind=subject_kind, level=level, year=year, revoked_on__isnull=True, **unit
    )
    if held.exists():
        rec = held.first()
        raise ValidationError(
            _("{unit} is already recognised at this level for {year} (decision {number}).").format(
                unit=dossier.subject,
                year=year,
                number=rec.decision_number,  # type: ignore[union-attr]
            )
        )
    dossier.full_clean()
    dossier.save()
    DossierEvent.objects.create(
        dossier=dossier, action="open", from_status=DossierStatus.DRAFT, to_status=DossierStatus.DRAFT, actor=actor
    )
    return dossier


def _require_level_defined(*, subject_kind: str, level: str, year: int, province: Any) -> None:
    """From 2026 a level exists only through a criteria set covering the year: Decision 51/2025/QĐ-TTg defines no
    advanced or model commune for 2026–2030, so those dossiers are refused, while a set an office loads (the modern
    commune pilot, a province's hamlet set) opens its level with no code change. Earlier years keep the 2021–2025
    rules, which predate sets being required."""
    if year < LEVELS_BY_SET_FROM:
        return
    if criteria_set_for(subject=subject_kind, level=level, year=year, province=province) is None:
        raise ValidationError(
            {
                "level": _(
                    "No criteria set defines the level “{level}” for {year}: under Decision 51/2025/QĐ-TTg the "
                    "2026–2030 period has no advanced or model standard. Choose another level, or load the set "
                    "that defines it first."
                ).format(level=StandardLevel(level).label, year=year)
            }
        )


# --- the transition service -----------------------------------------------------------------------------------------


def _due_days(stage: str) -> int:
    return int(settings.NTM_DUE_DAYS[str(stage)])


def _decision_data(data: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    number = (data.get("decision_number") or "").strip()
    decided = data.get("decision_date")
    signer = (data.get("signer") or "").strip()
    if not number:
        errors["decision_number"] = _("Enter the decision number.")
    if not isinstance(decided, date):
        errors["decision_date"] = _("Enter the decision date.")
    elif decided > timezone.localdate():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return {"decision_number": number, "decision_date": decided, "signer": signer}


def _lock_assessment(dossier: Dossier, actor: User, reason: str) -> None:
    if dossier.subject_kind != SubjectKind.COMMUNE:
        return
    assessment = gates.relied_on_assessment(dossier)
    if assessment is None or assessment.locked_at:
        return
    from criteria.services import assessment_lock

    assessment_lock(assessment=assessment, actor=actor, reason=reason)


@transaction.atomic
def dossier_transition(*, dossier: Dossier, action: str, actor: User, comment: str = "", **data: Any) -> Dossier:
    """Apply `action` to the dossier, following verification.choices.TRANSITIONS.

    Locks the row, then refuses with: OutOfScope (404) outside the actor's area; PermissionDenied (403) without the
    role at the right level; ValidationError when the action is not possible from the current status, a comment or
    decision is missing, or gates are unmet (the message lists every unmet gate). Nothing is written on refusal.
    data: decision_number, decision_date, signer, issuing_body (decisions); document, document_kind (a file to
    attach to the event); started_on (consultation start, default today).
    """
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("province", "district", "commune", "hamlet")
        .get(pk=dossier.pk)
    )
    require_visible(actor, locked)
    if not roles_for_action(action) & user_roles(actor):
        raise PermissionDenied(_("Your role cannot take this action."))
    transition = find_transition(action, locked.status, locked.route)
    if transition is None:
        raise ValidationError(
            _(
                "This action is not possible while the dossier is “{status}”. Reload the page: someone may have acted first."
            ).format(status=locked.get_status_display())
        )
    if not acts_at(actor, locked, roles=transition.roles, level=transition.level):
        raise PermissionDenied(_("This step belongs to another office ({level}).").format(level=transition.level.label))
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": _("Give the reason.")})
    decision = _decision_data(data) if transition.needs_decision else {}
    if action == "open_consultation" and data.get("started_on") and data["started_on"] > timezone.localdate():
        raise ValidationError({"started_on": _("The consultation cannot start in the future.")})
    if data.get("document") and data.get("document_kind"):
        # A document attached to the step counts for its gates (the signed decision with the decision's record).
        locked._document_kinds = set(  # type: ignore[attr-defined]  # read by the gates
            locked.documents.values_list("kind", flat=True)
        ) | {data["document_kind"]}
    problems = gates.unmet(gates.evaluate_gates(locked, transition.gates))
    if problems:
        raise ValidationError(problems)

    now = timezone.now()
    today = timezone.localdate()
    from_status = locked.status
    locked.status = transition.target
    locked.status_changed_at = now
    changed = ["status", "status_changed_at", "updated_at"]
    stage = stage_of(transition.target, locked.route) or ""
    arrived = bool(stage) and stage != locked.stage
    if stage != locked.stage:
        locked.stage = stage
        locked.stage_entered_at = now if stage else None
        locked.due_on = today + timedelta(days=_due_days(stage)) if stage else None
        changed += ["stage", "stage_entered_at", "due_on"]
    if action == "open_consultation":
        locked.consultation_started_on = data.get("started_on") or today
        changed.append("consultation_started_on")
    if transition.kind == ActionKind.RETURN:
        locked.return_reason = comment
        locked.assessment = None  # the commune may correct its scorecard; resubmission fixes the latest one
        changed += ["return_reason", "assessment"]
        _clear_vote(locked)  # a dossier appraised again is voted on again
    elif action == "submit":
        locked.return_reason = ""
        changed.append("return_reason")
        if locked.subject_kind == SubjectKind.COMMUNE:
            locked.assessment = gates.current_assessment(locked)
            changed.append("assessment")
    event_data = {}
    if action == "recognise":
        locked.decision_number = decision["decision_number"]
        locked.decision_date = decision["decision_date"]
        locked.signer = decision["signer"]
        changed += ["decision_number", "decision_date", "signer"]
        _record_recognition(locked, actor, decision, data.get("issuing_body", ""))
    elif action == "revoke":
        _record_revocation(locked, decision, comment)
    if decision:
        event_data = {**decision, "decision_date": decision["decision_date"].isoformat()}
        if data.get("issuing_body"):
            event_data["issuing_body"] = data["issuing_body"]
    if transition.locks_assessment:
        _lock_assessment(
            locked, actor, _("Relied on by dossier {dossier}: {action}.").format(dossier=locked, action=action)
        )
    locked.full_clean()
    locked.save(update_fields=changed)
    event = DossierEvent.objects.create(
        dossier=locked,
        action=action,
        from_status=from_status,
        to_status=transition.target,
        actor=actor,
        at=now,
        comment=comment,
        data=event_data,
    )
    if data.get("document"):
        event.documents.add(
            _document_create(
                dossier=locked,
                actor=actor,
                kind=data.get("document_kind") or DocumentKind.OTHER,
                file=data["document"],
                title=data.get("document_title", ""),
            )
        )
    kind = None
    if transition.kind == ActionKind.RETURN:
        kind = NotificationKind.RETURNED
    elif transition.target in (DossierStatus.RECOGNISED, DossierStatus.REJECTED, DossierStatus.REVOKED):
        kind = NotificationKind.DECIDED
    elif arrived:
        kind = NotificationKind.ARRIVED
    if kind:
        transaction.on_commit(lambda: notify(event_id=event.pk, kind=kind))
    dossier.status = locked.status
    return locked


dossier_transition.alters_data = True  # type: ignore[attr-defined]


@dataclass
class BulkApproval:
    """What a bulk approval did: the dossiers approved, and each one refused with the refusal (nothing was written
    for it)."""

    done: list[Dossier] = field(default_factory=list)
    refused: list[tuple[Dossier, ValidationError | PermissionDenied]] = field(default_factory=list)


def dossier_bulk_approve(
    *, actor: User, role: str, dossier_ids: list[int], comment: str = "", **data: Any
) -> BulkApproval:
    """Approve several dossiers from `role`'s queue: each one is taken up first if it still waits to be, then
    approved, each in its own transaction (oldest in the queue first), so that one whose gates fail is refused and
    left as it was while the others go on. Ids that are not waiting in the actor's queue are ignored.
    data: as dossier_transition (decision_number, decision_date, signer for the approver's decision)."""
    approve = APPROVE_ACTIONS[role]
    waiting = Dossier.objects.filter(queue_q(actor, role), pk__in=dossier_ids).select_related(
        "province", "district", "commune", "hamlet"
    )
    result = BulkApproval()
    for dossier in waiting.order_by("stage_entered_at", "id"):
        try:
            with transaction.atomic():
                if not find_transition(approve, dossier.status, dossier.route):
                    start = next(
                        (t for t in transitions_from(dossier.status, dossier.route) if t.queue and role in t.roles),
                        None,
                    )
                    if start is not None:
                        dossier_transition(dossier=dossier, action=start.action, actor=actor)
                dossier_transition(dossier=dossier, action=approve, actor=actor, comment=comment, **data)
        except (ValidationError, PermissionDenied) as exc:
            result.refused.append((dossier, exc))
        else:
            result.done.append(dossier)
    return result


dossier_bulk_approve.alters_data = True  # type: ignore[attr-defined]


def _clear_vote(dossier: Dossier) -> None:
    appraisal = Appraisal.objects.filter(dossier=dossier).first()
    if appraisal is not None and appraisal.votes_for is not None:
        appraisal.meeting_on = None
        appraisal.members_present = appraisal.votes_for = None
        appraisal.votes_against = appraisal.abstentions = 0
        appraisal.save()


def _record_recognition(dossier: Dossier, actor: User, decision: dict[str, Any], issuing_body: str) -> Recognition:
    if not issuing_body:
        issuing_body = (
            _("Prime Minister") if dossier.subject_kind == SubjectKind.DISTRICT else _("Provincial People's Committee")
        )
    recognition = Recognition(
        subject_kind=dossier.subject_kind,
        commune=dossier.commune,
        hamlet=dossier.hamlet,
        district=dossier.district if dossier.subject_kind == SubjectKind.DISTRICT else None,
        level=dossier.level,
        year=dossier.year,
        decision_number=decision["decision_number"],
        decision_date=decision["decision_date"],
        signer=decision["signer"],
        issuing_body=issuing_body,
        recorded_by=actor,
        dossier=dossier,
    )
    recognition.full_clean()
    recognition.save()
    return recognition


def _record_revocation(dossier: Dossier, decision: dict[str, Any], reason: str) -> None:
    recognition = Recognition.objects.select_for_update().filter(dossier=dossier).first()
    if recognition is None:
        raise ValidationError(_("This dossier has no recognition in the register to revoke."))
    if decision["decision_date"] < recognition.decision_date:
        raise ValidationError({"decision_date": _("A revocation cannot precede the recognition decision.")})
    recognition.revoked_on = decision["decision_date"]
    recognition.revocation_decision = decision["decision_number"]
    recognition.revocation_reason = reason
    recognition.full_clean()
    recognition.save(update_fields=["revoked_on", "revocation_decision", "revocation_reason", "updated_at"])


# --- notifications -------------------------------------------------------------------------------------------------


def _office_q(dossier: Dossier, level: str) -> Q:
    if level == ActingLevel.DISTRICT:
        return Q(office__district_id=dossier.district_id, office__commune__isnull=True)
    if level == ActingLevel.PROVINCE:
        return Q(office__province_id=dossier.province_id, office__district__isnull=True)
    if dossier.subject_kind == SubjectKind.DISTRICT:
        return Q(office__district_id=dossier.district_id, office__commune__isnull=True)
    return Q(office__commune_id=dossier.commune_id)


def notification_recipients(dossier: Dossier, kind: str) -> set[int]:
    """User ids to tell: the next queue's office for arrivals, the unit's office and the opener otherwise."""
    q = Q(pk__in=[])
    if kind == NotificationKind.ARRIVED:
        for t in transitions_from(dossier.status, dossier.route):
            if t.queue:
                q |= Q(role__in=t.roles) & _office_q(dossier, t.level)
    else:
        q = Q(role=Role.EDITOR) & _office_q(dossier, ActingLevel.UNIT)
    ids = set(Membership.objects.filter(q).values_list("user_id", flat=True))
    if kind != NotificationKind.ARRIVED:
        ids.add(dossier.created_by_id)
    return ids


def notify(*, event_id: int, kind: str) -> list[Notification]:
    """In-app notifications and emails about one event (run after the transition commits)."""
    event = DossierEvent.objects.select_related("dossier", "actor").get(pk=event_id)
    dossier = event.dossier
    ids = notification_recipients(dossier, kind) - {event.actor_id}
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    notes = Notification.objects.bulk_create(
        [Notification(recipient=u, dossier=dossier, event=event, kind=kind) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[NTM] {dossier}: {kind}").format(dossier=dossier, kind=NotificationKind(kind).label)
            body = _("{dossier}\nStatus: {status}\nBy: {actor}\n{comment}\n\n{url}").format(
                dossier=dossier,
                status=dossier.get_status_display(),
                actor=full_name(event.actor),
                comment=event.comment,
                url=reverse("verification:dossier_detail", args=[dossier.pk]),
            )
        mail.send_email.enqueue(str(subject), str(body), emails)  # by the background worker
    return notes


def notify_users(
    *, user_ids: Iterable[int], kind: str, text: str, url: str = "", dossier: Dossier | None = None
) -> list[Notification]:
    """A notice the apps above the workflow send to users (a Front finding naming their office): in-app and by
    email. Run it after the write that prompts it commits (transaction.on_commit)."""
    users = list(get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).order_by("pk"))
    notes = Notification.objects.bulk_create(
        [Notification(recipient=u, dossier=dossier, kind=kind, text=text[:500], url=url) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[NTM] {kind}").format(kind=NotificationKind(kind).label)
        mail.send_email.enqueue(str(subject), f"{text}\n\n{url}", emails)  # by the background worker
    return notes


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- review facts, documents, postings ------------------------------------------------------------------------------


@transaction.atomic
def dossier_review_update(
    *,
    dossier: Dossier,
    actor: User,
    security_status: str,
    criteria_confirmed: bool,
    comment: str = "",
    townships: dict[int, tuple[bool, str]] | None = None,  # township id → (meets the standard, reference)
) -> Dossier:
    """The verifier's (or appraiser's) findings: security classification and, for hamlets/districts, criteria;
    for a district, each township's civilised-urban standard (`townships`: township id → (meets, reference))."""
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("province", "district", "commune")
        .get(pk=dossier.pk)
    )
    require_visible(actor, locked)
    if not can_review(actor, locked):
        raise PermissionDenied(_("Only the verifier or appraiser holding the dossier records these findings."))
    if security_status not in SecurityStatus.values:
        raise ValidationError({"security_status": _("Choose a classification.")})
    locked.security_status = security_status
    locked.criteria_confirmed = bool(criteria_confirmed)
    locked.full_clean()
    locked.save(update_fields=["security_status", "criteria_confirmed", "updated_at"])
    data = {"security_status": security_status, "criteria_confirmed": bool(criteria_confirmed)}
    if townships and locked.subject_kind == SubjectKind.DISTRICT:
        allowed = set(district_townships(locked).values_list("pk", flat=True))
        for township_id, (meets, reference) in townships.items():
            if township_id not in allowed:
                raise ValidationError(_("This township is not in the district."))
            TownshipCheck.objects.update_or_create(
                dossier=locked,
                township_id=township_id,
                defaults={"meets_standard": bool(meets), "reference": (reference or "").strip(), "recorded_by": actor},
            )
        data["townships_civilised"] = sorted(t for t, (meets, _r) in townships.items() if meets)
    DossierEvent.objects.create(
        dossier=locked,
        action="review",
        from_status=locked.status,
        to_status=locked.status,
        actor=actor,
        comment=(comment or "").strip(),
        data=data,
    )
    return locked


def district_townships(dossier: Dossier) -> QuerySet[Commune]:
    """The current townships (thị trấn) of a district dossier's district."""
    from communes.choices import CommuneType

    return (
        Commune.objects.current()
        .filter(district_id=dossier.district_id, unit_type=CommuneType.TOWNSHIP)  # type: ignore[misc]
        .order_by("code")
    )


# --- appraisal and the publication of the verification report -----------------------------------------------------


def _not_future(day: date | None, field_name: str, errors: dict[str, Any]) -> None:
    if day and day > timezone.localdate():
        errors[field_name] = _("This date cannot be in the future.")


@transaction.atomic
def appraisal_record(
    *,
    dossier: Dossier,
    actor: User,
    council: AppraisalCouncil,
    inspected_on: date | None = None,
    places_visited: str = "",
    inspection_findings: str = "",
    meeting_on: date | None = None,
    members_present: int | None = None,
    votes_for: int | None = None,
    votes_against: int = 0,
    abstentions: int = 0,
    conclusion: str = "",
) -> Appraisal:
    """The appraisal council's field inspection, meeting and vote on a dossier under provincial appraisal, recorded
    by the appraiser holding it. Refused (nothing written) when the figures do not add up."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("province").get(pk=dossier.pk)
    require_visible(actor, locked)
    if not can_record_appraisal(actor, locked):
        raise PermissionDenied(_("The appraisal is recorded by the appraiser holding the dossier in appraisal."))
    errors = {}
    if council is None or council.province_id != locked.province_id:
        errors["council"] = _("Choose a council of the dossier's province.")
    _not_future(inspected_on, "inspected_on", errors)
    _not_future(meeting_on, "meeting_on", errors)
    votes_against, abstentions = votes_against or 0, abstentions or 0
    if votes_for is not None or members_present is not None:
        if not meeting_on:
            errors["meeting_on"] = _("Enter the date of the meeting that voted.")
        if not members_present:
            errors["members_present"] = _("Enter the number of members present.")
        elif votes_for is None:
            errors["votes_for"] = _("Enter the votes in favour.")
        elif votes_for + votes_against + abstentions > members_present:
            errors["votes_for"] = _("{votes} votes for {present} members present.").format(
                votes=votes_for + votes_against + abstentions, present=members_present
            )
        if members_present and council is not None and "council" not in errors:
            size = council.members.count()
            if size and members_present > size:
                errors["members_present"] = _("{present} members present but the council has {size}.").format(
                    present=members_present, size=size
                )
    if meeting_on and inspected_on and meeting_on < inspected_on:
        errors["meeting_on"] = _("The meeting cannot precede the field inspection.")
    if errors:
        raise ValidationError(errors)
    appraisal = Appraisal.objects.filter(dossier=locked).first() or Appraisal(dossier=locked, recorded_by=actor)
    for name, value in {
        "council": council,
        "inspected_on": inspected_on,
        "places_visited": (places_visited or "").strip(),
        "inspection_findings": (inspection_findings or "").strip(),
        "meeting_on": meeting_on,
        "members_present": members_present,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "abstentions": abstentions,
        "conclusion": (conclusion or "").strip(),
        "recorded_by": actor,
    }.items():
        setattr(appraisal, name, value)
    appraisal.full_clean()
    appraisal.save()
    DossierEvent.objects.create(
        dossier=locked,
        action="appraisal",
        from_status=locked.status,
        to_status=locked.status,
        actor=actor,
        comment=appraisal.conclusion,
        data={
            "council": council.pk,
            "tally": appraisal.tally,
            "meeting_on": meeting_on.isoformat() if meeting_on else "",
        },
    )
    return appraisal


appraisal_record.alters_data = True  # type: ignore[attr-defined]


@transaction.atomic
def verification_publication_add(
    *, dossier: Dossier, actor: User, published_on: date, place: str, comments_summary: str = ""
) -> ReportPublication:
    """Record that the verifier published the verification report for comments (and, later, what came back)."""
    require_visible(actor, dossier)
    if not can_review(actor, dossier) or dossier.status != DossierStatus.UNDER_VERIFICATION:
        raise PermissionDenied(_("The verifier holding the dossier publishes its verification report."))
    errors: dict[str, Any] = {}
    _not_future(published_on, "published_on", errors)
    if not (place or "").strip():
        errors["place"] = _("Say where the report is published.")
    if errors:
        raise ValidationError(errors)
    publication = ReportPublication(
        dossier=dossier,
        published_on=published_on,
        place=place.strip(),
        comments_summary=(comments_summary or "").strip(),
        recorded_by=actor,
    )
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def dossier_document_add(
    *, dossier: Dossier, actor: User, kind: str, file: UploadedFile, title: str = ""
) -> DossierDocument:
    """Attach a document: the commune while it prepares the dossier, the Front its own papers, the office
    holding the dossier its reports."""
    require_visible(actor, dossier)
    if not can_add_document(actor, dossier, kind):
        raise PermissionDenied(_("You cannot add documents to this dossier now."))
    return _document_create(dossier=dossier, actor=actor, kind=kind, file=file, title=title)


def _document_create(*, dossier: Dossier, actor: User, kind: str, file: UploadedFile, title: str) -> DossierDocument:
    document = DossierDocument(dossier=dossier, kind=kind, file=file, title=(title or "").strip(), uploaded_by=actor)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def consultation_posting_add(
    *, dossier: Dossier, actor: User, posted_on: date, place: str, note: str = ""
) -> ConsultationPosting:
    """Record one public posting of the results report during the consultation (Article 5)."""
    require_visible(actor, dossier)
    if not acts_at(actor, dossier, roles={Role.EDITOR}, level=ActingLevel.UNIT):
        raise PermissionDenied(_("Only the unit's data-entry office records postings."))
    if dossier.status != DossierStatus.PUBLIC_CONSULTATION:
        raise ValidationError(_("Postings are recorded while the public consultation is open."))
    if dossier.consultation_started_on and posted_on < dossier.consultation_started_on:
        raise ValidationError({"posted_on": _("The posting cannot precede the start of the consultation.")})
    if posted_on > timezone.localdate():
        raise ValidationError({"posted_on": _("The posting date cannot be in the future.")})
    posting = ConsultationPosting(
        dossier=dossier, posted_on=posted_on, place=place, note=(note or "").strip(), recorded_by=actor
    )
    posting.full_clean()
    posting.save()
    return posting


# --- revocation of a unit recognised before the app -------------------------------------------------------------


@transaction.atomic
def recognition_revocation_propose(*, recognition: Recognition, actor: User, comment: str) -> Dossier:
    """Propose revoking a register entry. Entries recorded before the app have no dossier: one is opened in
    "recognised" from the entry, so the revocation follows the same table, events and queues as any other."""
    rec = (
        Recognition.objects.select_for_update(of=("self",))
        .select_related("commune", "commune__province", "hamlet", "hamlet__commune", "district", "district__province")
        .get(pk=recognition.pk)
    )
    if rec.revoked_on:
        raise ValidationError(_("This recognition was already revoked on {day}.").format(day=rec.revoked_on))
    if rec.dossier_id:
        dossier = rec.dossier
    else:
        commune = rec.commune or (rec.hamlet.commune if rec.hamlet else None)
        if rec.subject_kind == SubjectKind.DISTRICT:
            province, district, route = rec.district.province, rec.district, Route.NATIONAL  # type: ignore[union-attr]
        else:
            province, district = commune.province, commune.district  # type: ignore[union-attr]
            route = Route.DISTRICT_TIER if province.has_district_tier and district else Route.PROVINCIAL
        dossier = Dossier(
            subject_kind=rec.subject_kind,
            province=province,
            district=district,
            commune=commune if rec.subject_kind != SubjectKind.DISTRICT else None,
            hamlet=rec.hamlet,
            level=rec.level,
            year=rec.year,
            route=route,
            status=DossierStatus.RECOGNISED,
            decision_number=rec.decision_number,
            decision_date=rec.decision_date,
            signer=rec.signer,
            created_by=actor,
        )
        require_visible(actor, dossier)
        if not acts_at(actor, dossier, roles={Role.APPRAISER}, level=ActingLevel.PROVINCE):
            raise PermissionDenied(_("Revocations are proposed by the provincial appraisal council."))
        dossier.full_clean()
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier,
            action="register",
            from_status=DossierStatus.RECOGNISED,
            to_status=DossierStatus.RECOGNISED,
            actor=actor,
            comment=_("Opened from the register entry {number} of {day}.").format(
                number=rec.decision_number, day=rec.decision_date.strftime("%d/%m/%Y")
            ),
        )
        rec.dossier = dossier
        rec.save(update_fields=["dossier", "updated_at"])
    return dossier_transition(dossier=dossier, action="propose_revocation", actor=actor, comment=comment)  # type: ignore[arg-type]
