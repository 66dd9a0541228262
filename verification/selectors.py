"""Reads for the workflow pages. Everything passes through offices.scope; queues are derived from the table."""

from datetime import date

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from criteria.choices import StandardLevel, SubjectKind
from offices.choices import Role
from offices.scope import scope_for, user_roles

from .choices import QUEUE_ROLES, TRANSITIONS, ActingLevel
from .filters import DossierFilterSet, QueueFilterSet, RecognitionFilterSet
from .models import Dossier, DossierDocument, DossierEvent, Notification, Recognition

_DOSSIER_RELATED = ("province", "district", "commune", "commune__district", "hamlet", "created_by")


def dossier_scope_q(user, roles=None) -> Q:
    """Dossiers whose unit the user covers (district dossiers by district, the others by commune)."""
    s = scope_for(user, roles)
    if s.everything:
        return Q()
    return (Q(subject_kind=SubjectKind.DISTRICT) & s.district_q("district")) | (
        ~Q(subject_kind=SubjectKind.DISTRICT) & s.commune_q("commune")
    )


def recognition_scope_q(user) -> Q:
    s = scope_for(user)
    if s.everything:
        return Q()
    return (
        (Q(subject_kind=SubjectKind.DISTRICT) & s.district_q("district"))
        | (Q(subject_kind=SubjectKind.COMMUNE) & s.commune_q("commune"))
        | (Q(subject_kind=SubjectKind.HAMLET) & s.commune_q("hamlet__commune"))
    )


def dossier_list(*, user, filters=None, request=None) -> tuple[QuerySet[Dossier], DossierFilterSet]:
    qs = (
        Dossier.objects.filter(dossier_scope_q(user))
        .select_related(*_DOSSIER_RELATED)
        .order_by("-status_changed_at", "-id")
    )
    filterset = DossierFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_dossier_by_id(*, user, pk: int) -> Dossier:
    """One dossier in the user's area, or 404 (never 403: the user must not learn it exists)."""
    try:
        return Dossier.objects.filter(dossier_scope_q(user)).select_related(*_DOSSIER_RELATED).get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def access_document_by_id(*, user, pk: int) -> DossierDocument:
    """A document of a dossier the user may open (the dossier page's rule), or 404."""
    try:
        return DossierDocument.objects.filter(dossier__in=Dossier.objects.filter(dossier_scope_q(user))).get(pk=pk)
    except DossierDocument.DoesNotExist as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def dossier_timeline(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return (
        dossier.events.select_related("actor")
        .prefetch_related(Prefetch("documents", queryset=DossierDocument.objects.order_by("kind", "id")))
        .order_by("at", "id")
    )


def dossier_documents(*, dossier: Dossier) -> QuerySet[DossierDocument]:
    return dossier.documents.select_related("uploaded_by").order_by("kind", "created_at")


# --- queues --------------------------------------------------------------------------------------------------------


def queue_roles(user) -> list[str]:
    """The supervisor roles this user holds, in workflow order (each has its own queue)."""
    held = user_roles(user)
    return [r for r in QUEUE_ROLES if r in held]


def queue_q(user, role: str) -> Q:
    """Dossiers waiting for `role` at the user's level: every (route, status) the table marks as this role's queue,
    restricted to the districts or provinces where the user holds that role."""
    s = scope_for(user, [role])
    q = Q(pk__in=[])
    for t in TRANSITIONS:
        if not t.queue or role not in t.roles:
            continue
        here = Q(status=t.source, route__in=list(t.routes))
        if s.everything:
            q |= here
        elif t.level == ActingLevel.DISTRICT:
            q |= here & Q(district_id__in=s.district_ids)
        elif t.level == ActingLevel.PROVINCE:
            q |= here & Q(province_id__in=s.province_ids)
        else:
            q |= here & dossier_scope_q(user, [role])
    return q


def dossier_queue(*, user, role: str, filters=None, request=None) -> tuple[QuerySet[Dossier], QueueFilterSet]:
    """Oldest first: the order they arrived in this stage."""
    qs = (
        Dossier.objects.filter(queue_q(user, role))
        .select_related(*_DOSSIER_RELATED)
        .annotate(document_count=Count("documents", distinct=True), posting_count=Count("postings", distinct=True))
        .order_by("stage_entered_at", "id")
    )
    filterset = QueueFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


# --- register ------------------------------------------------------------------------------------------------------


def recognition_list(
    *, user, filters=None, request=None, as_of: date | None = None
) -> tuple[QuerySet[Recognition], RecognitionFilterSet]:
    """The register in the user's area, filtered: THE source of the register page and report. With `as_of`, the
    register as it stood that day: decisions taken by then, each `revoked_by_then` or in force; without, every
    decision as it stands now."""
    qs = Recognition.objects.filter(recognition_scope_q(user))
    if as_of is None:
        revoked = Q(revoked_on__isnull=False)
    else:
        qs, revoked = qs.filter(decision_date__lte=as_of), Q(revoked_on__lte=as_of)
    qs = (
        qs.select_related(
            "commune", "commune__district", "hamlet", "hamlet__commune", "hamlet__commune__district", "district"
        )
        .annotate(
            unit_province_id=Coalesce("district__province_id", "commune__province_id", "hamlet__commune__province_id"),
            revoked_by_then=Case(When(revoked, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("-decision_date", "level", "id")
    )
    filterset = RecognitionFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_recognition_by_id(*, user, pk: int) -> Recognition:
    try:
        return (
            Recognition.objects.filter(recognition_scope_q(user))
            .select_related(
                "commune", "commune__province", "hamlet", "hamlet__commune", "district", "district__province"
            )
            .get(pk=pk)
        )
    except Recognition.DoesNotExist as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def revocation_province_ids(user) -> frozenset | None:
    """Provinces where the user may propose revocations (None: everywhere)."""
    s = scope_for(user, [Role.APPRAISER])
    return None if s.everything else s.province_ids


def can_propose_revocation(user, recognition: Recognition) -> bool:
    if recognition.revoked_on:
        return False
    provinces = revocation_province_ids(user)
    unit = recognition.district or recognition.commune or recognition.hamlet.commune
    return provinces is None or unit.province_id in provinces


def recognised_counts(*, user, as_of: date, subject_kind: str = SubjectKind.COMMUNE, qs=None) -> dict[str, int]:
    """Units recognised and not revoked on `as_of`, per level: THE source of "recognised" figures in the app.

    A unit counts once per level (several decisions for the same unit and level are not double-counted).
    One query.
    """
    unit_field = {SubjectKind.COMMUNE: "commune", SubjectKind.HAMLET: "hamlet", SubjectKind.DISTRICT: "district"}[
        subject_kind
    ]
    base = qs if qs is not None else Recognition.objects.filter(recognition_scope_q(user))
    rows = (
        base.in_force_on(as_of)
        .filter(subject_kind=subject_kind)
        .values("level")
        .annotate(n=Count(unit_field, distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(StandardLevel.values, 0)
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


# --- notifications ---------------------------------------------------------------------------------------------------


def notification_list(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "event", "event__actor")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
