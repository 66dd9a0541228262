from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from core.scope import get_visible_or_404

from . import registry
from .filters import CommuneFilterSet
from .models import Commune, Hamlet


def commune_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[Commune], CommuneFilterSet]:
    """Communes in the user's scope, filtered; one query whatever the page size."""
    # The hamlet count as a subquery, run only for the page's rows: a join and GROUP BY would aggregate every
    # commune of the country before the page is cut (and again for the count).
    hamlets = Hamlet.objects.filter(commune=OuterRef("pk")).order_by().values("commune").annotate(n=Count("pk"))
    qs: QuerySet[Commune] = (
        Commune.objects.visible_to(user)
        .select_related("province", "district")
        .annotate(hamlet_count=Coalesce(Subquery(hamlets.values("n")), 0))
        .order_by("province__code", "district__code", "code")
    )
    qs = registry.ntm_status.get().annotate(qs)
    filterset = CommuneFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_commune_by_code(*, user: User | AnonymousUser, code: str) -> Commune:
    """The current commune with this official code, or 404 if it does not exist or is outside the user's scope."""
    return get_visible_or_404(
        Commune.objects.select_related("province", "district", "region", "province__region"),
        user,
        code=code,
        valid_to__isnull=True,
    )


def access_commune_by_id(*, user: User | AnonymousUser, pk: int) -> Commune:
    return get_visible_or_404(
        Commune.objects.select_related("province", "district", "region", "province__region"), user, pk=pk
    )
