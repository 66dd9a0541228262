"""Reads for the workflow pages. Every read goes through the models' declared unit paths (core.scope); queues are
derived from the transition table."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest

from core.scope import get_visible_or_404, scope_for, user_roles, visible_q
from register.selectors import (  # noqa: F401 (the register pages of the workflow read them here)
    access_recognition_by_id,
    district_revocation_risk,
    recognised_counts,
    recognition_list,
)

from .choices import QUEUE_ROLES, TRANSITIONS, ActingLevel
from .filters import DossierFilterSet, QueueFilterSet
from .models import Dossier, DossierDocument, DossierEvent, Notification

_DOSSIER_RELATED = ("province", "district", "commune", "commune__district", "hamlet", "created_by")


def dossier_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[Dossier], DossierFilterSet]:
    qs = Dossier.objects.visible_to(user).select_related(*_DOSSIER_RELATED).order_by("-status_changed_at", "-id")
    filterset = DossierFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_dossier_by_id(*, user: User | AnonymousUser, pk: int) -> Dossier:
    """One dossier in the user's area, or 404 (never 403: the user must not learn it exists)."""
    return get_visible_or_404(Dossier.objects.select_related(*_DOSSIER_RELATED), user, pk=pk)


def access_document_by_id(*, user: User | AnonymousUser, pk: int) -> DossierDocument:
    """A document of a dossier the user may open (the dossier page's rule), or 404."""
    return get_visible_or_404(DossierDocument, user, pk=pk)


def dossier_timeline(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return (
        dossier.events.select_related("actor")
        .prefetch_related(Prefetch("documents", queryset=DossierDocument.objects.order_by("kind", "id")))
        .order_by("at", "id")
    )


def dossier_documents(*, dossier: Dossier) -> QuerySet[DossierDocument]:
    return dossier.documents.select_related("uploaded_by").order_by("kind", "created_at")


# --- queues --------------------------------------------------------------------------------------------------------


def queue_roles(user: User | AnonymousUser) -> list[str]:
    """The supervisor roles this user holds, in workflow order (each has its own queue)."""
    held = user_roles(user)
    return [r for r in QUEUE_ROLES if r in held]


def queue_q(user: User | AnonymousUser, role: str) -> Q:
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
            q |= here & visible_q(Dossier, user, [role])
    return q


def dossier_queue(
    *,
    user: User | AnonymousUser,
    role: str,
    filters: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[QuerySet[Dossier], QueueFilterSet]:
    """Oldest first: the order they arrived in this stage."""
    qs = (
        Dossier.objects.filter(queue_q(user, role))
        .select_related(*_DOSSIER_RELATED)
        .annotate(document_count=Count("documents", distinct=True), posting_count=Count("postings", distinct=True))
        .order_by("stage_entered_at", "id")
    )
    filterset = QueueFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


# --- notifications ---------------------------------------------------------------------------------------------------


def notification_list(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "event", "event__actor")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
