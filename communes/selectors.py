import datetime
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


def access_commune_by_code(*, user: User | AnonymousUser, code: str, year: int | None = None) -> Commune:
    """The current commune with this official code, or with `year` the one that held the code in that year (a code
    outlives a merger: Tân Khánh's 2024 scorecard is the former commune's, its 2026 one the new commune's); 404 if
    there is none or it is outside the user's scope."""
    qs = Commune.objects.select_related("province", "district", "region", "province__region")
    if year is None:
        return get_visible_or_404(qs, user, code=code, valid_to__isnull=True)
    # The unit that held the code at the end of the year, else the one it started the year with (a unit ended in
    # the year), else the current one.
    day = datetime.date(year, 12, 31)
    found = qs.valid_on(day).filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        found = qs.valid_on(datetime.date(year, 1, 1)).filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        return get_visible_or_404(qs, user, code=code, valid_to__isnull=True)
    return get_visible_or_404(qs, user, pk=found)


def access_commune_by_id(*, user: User | AnonymousUser, pk: int) -> Commune:
    return get_visible_or_404(
        Commune.objects.select_related("province", "district", "region", "province__region"), user, pk=pk
    )


def predecessor_ids(*, commune: Commune) -> list[int]:
    """Every commune this one was formed from, through each earlier reorganisation (a 2025 commune's 2024
    predecessors and theirs), nearest first. One query per reorganisation step."""
    from .models import UnitSuccession

    found: list[int] = []
    frontier = [commune.pk]
    while frontier:
        step = [
            pk
            for pk in UnitSuccession.objects.filter(
                successor_commune_id__in=frontier, predecessor_commune__isnull=False
            )
            .values_list("predecessor_commune_id", flat=True)
            .order_by("predecessor_commune__code")
            if pk != commune.pk and pk not in found
        ]
        found.extend(dict.fromkeys(step))
        frontier = list(dict.fromkeys(step))
    return found
