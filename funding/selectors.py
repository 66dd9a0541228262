"""Reads for funding pages, the dashboard and the recognition gate. Totals are computed in SQL; every read is
limited to the user's scope (the rows' declared unit paths, core.scope)."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BigIntegerField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from communes.models import Commune, District, Province
from offices import scope

from .choices import SourceGroup
from .filters import LineFilterSet
from .models import CapitalPlanLine, CapitalSource, ConstructionDebt, Disbursement

ZERO = Value(0, output_field=BigIntegerField())


# --- the recognition gate -----------------------------------------------------------------------------------------


def outstanding_construction_debt(*, commune: Commune) -> int:
    """Unsettled construction debt of the commune in đồng (0 if none). One query."""
    total = ConstructionDebt.objects.filter(commune=commune, settled=False).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def debt_list(*, user: User | AnonymousUser) -> QuerySet[ConstructionDebt]:
    return (
        ConstructionDebt.objects.visible_to(user).select_related("commune", "commune__district", "project")
    ).order_by("settled", "commune__district__code", "commune__code", "-as_of")


# --- report -------------------------------------------------------------------------------------------------------


@dataclass
class Amounts:
    planned: int = 0
    mobilised: int = 0
    disbursed: int = 0

    def add(self, other: "Amounts") -> None:
        self.planned += other.planned
        self.mobilised += other.mobilised
        self.disbursed += other.disbursed

    @property
    def mobilised_pct(self) -> Decimal | None:
        return Decimal(self.mobilised) * 100 / self.planned if self.planned else None

    @property
    def disbursed_pct(self) -> Decimal | None:
        """Disbursed as a share of what was mobilised."""
        return Decimal(self.disbursed) * 100 / self.mobilised if self.mobilised else None


@dataclass
class SourceRow(Amounts):
    source: CapitalSource | None = None


@dataclass
class GroupRow(Amounts):
    group: str = ""
    label: str = ""


@dataclass
class UnitRow(Amounts):
    unit: object = None  # a District or Commune; None for lines of the area's own level
    label: str = ""


@dataclass
class CapitalReport:
    year: int
    area: object
    rows: list[SourceRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    total: Amounts = field(default_factory=Amounts)
    credit: Amounts = field(default_factory=Amounts)
    non_credit: Amounts = field(default_factory=Amounts)

    @property
    def credit_share_planned(self) -> Decimal | None:
        return Decimal(self.credit.planned) * 100 / self.total.planned if self.total.planned else None

    @property
    def credit_share_mobilised(self) -> Decimal | None:
        return Decimal(self.credit.mobilised) * 100 / self.total.mobilised if self.total.mobilised else None

    @property
    def unit(self) -> str:
        """One unit for the whole report: billion when the largest total reaches a billion, else million."""
        largest = max(self.total.planned, self.total.mobilised, self.total.disbursed)
        return "billion" if largest >= 1_000_000_000 else "million"

    @property
    def is_empty(self) -> bool:
        return not (self.total.planned or self.total.mobilised or self.total.disbursed)

    def __iter__(self) -> Iterator[SourceRow]:
        return iter(self.rows)


def scoped_lines(*, user: User | AnonymousUser, roles: Iterable[str] | None = None) -> QuerySet[CapitalPlanLine]:
    return CapitalPlanLine.objects.visible_to(user, roles)


def _area_lines(
    *,
    user: User | AnonymousUser,
    year: int,
    province: Province | None = None,
    district: District | None = None,
    commune: Commune | None = None,
) -> QuerySet[CapitalPlanLine]:
    lines = scoped_lines(user=user).filter(year=year)
    if commune is not None:
        return lines.filter(commune=commune)
    if district is not None:
        return lines.filter(district=district)
    if province is not None:
        return lines.filter(province=province)
    return lines


def capital_by_source(
    *,
    user: User | AnonymousUser,
    year: int,
    province: Province | None = None,
    district: District | None = None,
    commune: Commune | None = None,
    paid_by: date | None = None,
    breakdown: bool = True,
) -> CapitalReport:
    """Plan vs mobilised vs disbursed per capital source for a year and area (the user's whole scope when no area
    is given), with totals by group, the credit share and a breakdown one level down. Three queries (one without
    the breakdown).

    `paid_by`: count only disbursements paid on or before that day (figures as they stood then)."""
    lines = _area_lines(user=user, year=year, province=province, district=district, commune=commune)
    by_source = lines.filter(source=OuterRef("pk")).order_by().values("source")
    disbursed = Disbursement.objects.filter(line__source=OuterRef("pk"), line__in=lines.values("pk"))
    if paid_by is not None:
        disbursed = disbursed.filter(paid_on__lte=paid_by)
    sources = CapitalSource.objects.annotate(
        planned=Coalesce(Subquery(by_source.annotate(s=Sum("planned_amount")).values("s")), ZERO),
        mobilised=Coalesce(Subquery(by_source.annotate(s=Sum("mobilised_amount")).values("s")), ZERO),
        disbursed=Coalesce(
            Subquery(disbursed.order_by().values("line__source").annotate(s=Sum("amount")).values("s")), ZERO
        ),
    ).order_by("order", "code")
    report = CapitalReport(year=year, area=commune or district or province)
    groups = {g: GroupRow(group=g, label=str(label)) for g, label in SourceGroup.choices}
    for source in sources:
        if not (source.is_active or source.planned or source.mobilised or source.disbursed):
            continue
        row = SourceRow(source=source, planned=source.planned, mobilised=source.mobilised, disbursed=source.disbursed)
        report.rows.append(row)
        groups[source.group].add(row)
        report.total.add(row)
        (report.credit if source.group == SourceGroup.CREDIT else report.non_credit).add(row)
    report.groups = [g for g in groups.values() if g.planned or g.mobilised or g.disbursed]
    if breakdown:
        report.units = _by_unit(lines, district=district, commune=commune, paid_by=paid_by)
    return report


def _by_unit(
    lines: QuerySet[CapitalPlanLine],
    *,
    district: District | None = None,
    commune: Commune | None = None,
    paid_by: date | None = None,
) -> list[UnitRow]:
    """The area split one level down: by district for a province, by commune for a district."""
    if commune is not None:
        return []
    key = "commune" if district is not None else "district"
    payments = Disbursement.objects.filter(line=OuterRef("pk"))
    if paid_by is not None:
        payments = payments.filter(paid_on__lte=paid_by)
    disbursed = payments.order_by().values("line").annotate(s=Sum("amount")).values("s")
    rows = (
        lines.order_by()
        .annotate(paid=Coalesce(Subquery(disbursed), ZERO))
        .values(f"{key}_id")
        .annotate(planned=Sum("planned_amount"), mobilised=Sum("mobilised_amount"), disbursed=Sum("paid"))
    )
    totals = {r[f"{key}_id"]: r for r in rows}
    model = Commune if key == "commune" else District
    units = {u.pk: u for u in model.objects.filter(pk__in=[k for k in totals if k is not None]).order_by("code")}
    result = []
    for pk, unit in units.items():
        r = totals[pk]
        result.append(
            UnitRow(
                unit=unit, label=unit.name, planned=r["planned"], mobilised=r["mobilised"], disbursed=r["disbursed"]
            )
        )
    if None in totals:
        r = totals[None]
        result.append(
            UnitRow(unit=None, label="", planned=r["planned"], mobilised=r["mobilised"], disbursed=r["disbursed"])
        )
    return result


@dataclass
class YearGroups:
    """Planned and mobilised amounts of one year, per source group (SourceGroup value → Amounts)."""

    year: int
    groups: dict[str, Amounts] = field(default_factory=dict)
    total: Amounts = field(default_factory=Amounts)


def capital_by_year(
    *, user: User | AnonymousUser, up_to: int, last: int = 5, district: District | None = None
) -> list[YearGroups]:
    """Planned and mobilised capital per year and source group for the `last` years up to `up_to` that have lines
    in the user's scope (and `district`), oldest first. One query."""
    lines = scoped_lines(user=user).filter(year__lte=up_to, year__gt=up_to - last)
    if district is not None:
        lines = lines.filter(district=district)
    rows = (
        lines.order_by()
        .values("year", "source__group")
        .annotate(planned=Sum("planned_amount"), mobilised=Sum("mobilised_amount"))
    )
    years: dict[int, YearGroups] = {}
    for r in rows:
        amounts = Amounts(planned=r["planned"] or 0, mobilised=r["mobilised"] or 0)
        entry = years.setdefault(r["year"], YearGroups(year=r["year"]))
        entry.groups[r["source__group"]] = amounts
        entry.total.add(amounts)
    return [years[y] for y in sorted(years) if years[y].total.planned or years[y].total.mobilised]


def report_years(*, user: User | AnonymousUser) -> list[int]:
    years = scoped_lines(user=user).order_by().values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def report_default_year(*, user: User | AnonymousUser) -> int | None:
    """The year the report opens on: the latest with money mobilised or disbursed in the user's scope, else the
    latest planned year (None when the scope has no lines). A plan alone would show a page of zeros."""
    lines = scoped_lines(user=user).order_by()
    with_money = lines.filter(Q(mobilised_amount__gt=0) | Exists(Disbursement.objects.filter(line=OuterRef("pk"))))
    latest = with_money.aggregate(year=Max("year"))["year"]
    return latest if latest is not None else lines.aggregate(year=Max("year"))["year"]  # type: ignore[no-any-return]


def report_areas(*, user: User | AnonymousUser) -> tuple[QuerySet[Province], QuerySet[District]]:
    """Provinces and current districts the user may pick as the report's area."""
    provinces = scope.provinces(user).filter(valid_to__isnull=True).order_by("code")
    districts = scope.districts(user).filter(valid_to__isnull=True).select_related("province").order_by("code")
    return provinces, districts


def default_province(*, user: User | AnonymousUser) -> Province | None:
    return scope.provinces(user).filter(valid_to__isnull=True).order_by("code").first()


# --- plan lines ---------------------------------------------------------------------------------------------------


def line_disbursed_subquery() -> Coalesce:
    return Coalesce(
        Subquery(
            Disbursement.objects.filter(line=OuterRef("pk"))
            .order_by()
            .values("line")
            .annotate(s=Sum("amount"))
            .values("s")
        ),
        ZERO,
    )


def line_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[CapitalPlanLine], LineFilterSet]:
    """Plan lines in the user's scope with the amount disbursed and whether it went above the plan. One query for
    the page whatever its size."""
    qs = (
        scoped_lines(user=user)
        .select_related("province", "district", "commune", "source", "project")
        .annotate(
            disbursed=line_disbursed_subquery(),
            has_over_plan=Exists(Disbursement.objects.filter(line=OuterRef("pk"), exceeds_plan=True)),
        )
        .annotate(over_plan=F("disbursed") - F("planned_amount"))
        .order_by("-year", "province__code", "district__code", "commune__code", "source__order", "component")
    )
    filterset = LineFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_line(*, user: User | AnonymousUser, pk: int) -> CapitalPlanLine:
    from django.http import Http404
    from django.utils.translation import gettext as _

    line = (
        scoped_lines(user=user)
        .select_related("province", "district", "commune", "source", "project")
        .annotate(disbursed=line_disbursed_subquery())
        .filter(pk=pk)
        .first()
    )
    if line is None:
        raise Http404(_("Not found or outside your area."))
    return line


def line_disbursements(*, line: CapitalPlanLine) -> QuerySet[Disbursement]:
    return line.disbursements.order_by("paid_on", "id")
