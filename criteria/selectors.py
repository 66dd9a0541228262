"""Reads for the criteria pages, the dashboards and the other apps. Every query names its joins; counts are the
stored ones (criteria_met / criteria_total on Assessment), never recomputed per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Avg, Count, Expression, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import CombinedExpression
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province
from core.registry import Slot
from core.scope import get_visible_or_404

from . import evaluation
from .choices import COMPARATOR_SYMBOLS, LEVEL_ORDER, Comparator, StandardLevel, SubjectKind, ValueType
from .filters import AssessmentFilterSet
from .models import (
    Assessment,
    CommuneClassification,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)

ASSESSMENT_RELATED = (
    "commune",
    "commune__province",
    "commune__province__region",
    "commune__district",
    "commune__region",
    "criteria_set",
    "locked_by",
)


# --- criteria sets ----------------------------------------------------------------------------------------------


@dataclass
class SetStructure:
    """A set's criteria, indicators and targets, loaded in three queries."""

    criteria_set: CriteriaSet
    criteria: list[Criterion]
    indicators_by_criterion: dict[int, list[Indicator]]
    targets_by_indicator: dict[int, list[IndicatorTarget]]
    indicators_by_id: dict[int, Indicator] = field(default_factory=dict)
    indicators_by_code: dict[str, Indicator] = field(default_factory=dict)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for c in self.criteria for i in self.indicators_by_criterion.get(c.pk, [])]


def criteria_set_structure(*, criteria_set: CriteriaSet) -> SetStructure:
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).select_related("group").order_by("number"))
    indicators = list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by("criterion__number", "order", "code")
    )
    targets = IndicatorTarget.objects.filter(indicator__criterion__criteria_set=criteria_set).select_related("region")
    by_criterion, by_target = defaultdict(list), defaultdict(list)
    for i in indicators:
        by_criterion[i.criterion_id].append(i)
    for t in targets:
        by_target[t.indicator_id].append(t)
    return SetStructure(
        criteria_set=criteria_set,
        criteria=criteria,
        indicators_by_criterion=dict(by_criterion),
        targets_by_indicator=dict(by_target),
        indicators_by_id={i.pk: i for i in indicators},
        indicators_by_code={i.code: i for i in indicators},
    )


def criteria_set_for(
    *, level: str, year: int, subject: str = SubjectKind.COMMUNE, province: Province | None = None
) -> CriteriaSet | None:
    """The set in force for a subject, level and year: a province's own set first, else the national one."""
    sets = CriteriaSet.objects.current_versions().filter(
        subject=subject, level=level, year_from__lte=year, year_to__gte=year
    )
    if province is not None:
        own = sets.filter(province=province).first()
        if own:
            return own
    return sets.filter(province__isnull=True).order_by("-year_from").first()


def commune_sets(*, year: int | None = None) -> QuerySet[CriteriaSet]:
    qs = CriteriaSet.objects.current_versions().filter(subject=SubjectKind.COMMUNE)
    if year:
        qs = qs.filter(year_from__lte=year, year_to__gte=year)
    return qs.order_by("year_from", "level")


# --- commune groups and regions ----------------------------------------------------------------------------------


def classifications_in(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[int | None, int | None]]:
    """(commune id, year) → (target region id, commune group) in force that year; two queries for any number.

    The latest classification from that year or before applies (its region, else the province's); before a
    commune's first classification, its own fields do (the region it had before classifications were recorded)."""
    if not pairs:
        return {}
    commune_ids = {c for c, _year in pairs}
    base = {
        pk: (region or province_region, group)
        for pk, region, province_region, group in Commune.objects.filter(pk__in=commune_ids)
        .values_list("pk", "region_id", "province__region_id", "commune_group")
        .order_by()
    }
    recorded: dict[int, list[tuple[int, int | None, int | None]]] = defaultdict(list)
    rows = (
        CommuneClassification.objects.filter(commune_id__in=commune_ids, year_from__lte=max(y for _c, y in pairs))
        .values_list("commune_id", "year_from", "region_id", "commune__province__region_id", "commune_group")
        .order_by("commune_id", "-year_from")
    )
    for commune_id, year_from, region, province_region, group in rows:
        recorded[commune_id].append((year_from, region or province_region, group))
    found = {}
    for commune_id, year in pairs:
        in_force = next((r for r in recorded.get(commune_id, []) if r[0] <= year), None)
        found[(commune_id, year)] = (in_force[1], in_force[2]) if in_force else base.get(commune_id, (None, None))
    return found


def classification_history(*, commune: Commune) -> list[CommuneClassification]:
    return list(commune.classifications.select_related("region", "created_by").order_by("-year_from"))


# --- assessments ------------------------------------------------------------------------------------------------


def assessment_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[Assessment], AssessmentFilterSet]:
    """Assessments of the communes in the user's scope, filtered; one query whatever the page size."""
    qs = Assessment.objects.visible_to(user).select_related("commune", "commune__district", "criteria_set", "locked_by")
    qs = qs.order_by(
        "-year", "commune__district__code", "commune__code", "criteria_set__year_from", "criteria_set__level"
    )
    filterset = AssessmentFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_assessment(*, user: User | AnonymousUser, pk: int) -> Assessment:
    return get_visible_or_404(Assessment.objects.select_related(*ASSESSMENT_RELATED), user, pk=pk)


def access_evidence(*, user: User | AnonymousUser, pk: int) -> IndicatorValue:
    """An indicator value with an evidence file, in the user's area (whoever reads the scorecard reads its files)."""
    return get_visible_or_404(IndicatorValue.objects.exclude(evidence=""), user, pk=pk)


def latest_assessment(*, commune: Commune, level: str, year: int | None = None) -> Assessment | None:
    """The commune's assessment against the commune set of `level` for `year` (the most recent year when None)."""
    qs = Assessment.objects.filter(
        commune=commune, criteria_set__level=level, criteria_set__subject=SubjectKind.COMMUNE
    ).select_related("criteria_set")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-criteria_set__year_from").first()


def assessment_unmet_reasons(*, assessment: Assessment) -> list[str]:
    """Why the assessment is not all met, one sentence per failing indicator (empty when all met). One query."""
    reasons: list[str] = []
    for result in (
        CriterionResult.objects.filter(assessment=assessment, is_met=False)
        .select_related("criterion")
        .order_by("criterion__number")
    ):
        reasons.extend(evaluation.format_reason(d) for d in result.details)
    return reasons


def commune_year_assessments(*, commune: Commune, year: int) -> list[Assessment]:
    """Every assessment of the commune for the year (one per set), lowest level first."""
    rows = list(
        Assessment.objects.filter(commune=commune, year=year)
        .select_related("criteria_set", "locked_by")
        .order_by("criteria_set__year_from")
    )
    return sorted(rows, key=lambda a: LEVEL_ORDER.index(a.criteria_set.level))


def level_reached(assessments: list[Assessment]) -> str:
    """The highest level reached, climbing from basic: a level counts only if every lower one is also met."""
    met = {a.criteria_set.level for a in assessments if a.is_all_met}
    reached = ""
    for level in LEVEL_ORDER:
        if level not in met:
            break
        reached = level
    return reached


def assessment_years(*, user: User | AnonymousUser) -> list[int]:
    years = Assessment.objects.visible_to(user).values_list("year", flat=True)
    return sorted(set(years.distinct()), reverse=True)


# --- scorecard --------------------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None
    target: IndicatorTarget | None
    is_met: bool
    reason: str

    @property
    def value_display(self) -> str:
        """The value as people write it ("93,7%", "Met"), in the active language."""
        raw = None if self.value is None else self.value.raw_value
        if raw is None:
            return "–"
        if self.indicator.value_type == ValueType.BOOL:
            return str(_("Met") if raw else _("Not met"))
        return evaluation.format_quantity(raw, self.indicator.value_type, self.indicator.unit)

    @property
    def target_display(self) -> str:
        """ "≥ 85%", "≤ 24%", "= Đạt chuẩn", or "Met" for yes/no indicators: written as the value beside it is
        ("Đạt", capitalised, in both columns)."""
        symbol = COMPARATOR_SYMBOLS.get(self.indicator.comparator, "")
        if self.target is None or (self.target.value is None and not self.target.text_value):
            return str(_("Met")) if self.indicator.comparator == Comparator.MET else "–"
        if self.target.text_value:
            shown = self.target.text_value
        elif self.indicator.value_type == ValueType.BOOL:
            shown = str(_("Met") if self.target.value else _("Not met"))
        else:
            shown = evaluation.format_quantity(self.target.value, self.indicator.value_type, self.indicator.unit)
        return f"{symbol} {shown}".strip()


@dataclass
class CriterionRow:
    criterion: Criterion
    is_met: bool
    indicators: list[IndicatorRow]
    reasons: list[str]


@dataclass
class Scorecard:
    assessment: Assessment
    rows: list[CriterionRow]
    others: list[Assessment]
    level_reached: str
    history: list[Any]

    @property
    def marks(self) -> set[str]:
        """Which marks the table carries, for the legend under it: "wording" (an indicator marked *: its number
        or wording not confirmed in public sources), "provisional" (a target not found in public sources) and
        "delegated" (a target the national text leaves to the province)."""
        found: set[str] = set()
        for row in self.rows:
            for i in row.indicators:
                if i.indicator.is_provisional:
                    found.add("wording")
                if i.target is not None and i.target.is_provisional:
                    found.add("provisional")
                if i.target is not None and i.target.is_delegated:
                    found.add("delegated")
        return found


def scorecard(*, assessment: Assessment) -> Scorecard:
    """Everything the scorecard page shows, in a fixed number of queries whatever the number of indicators."""
    structure = criteria_set_structure(criteria_set=assessment.criteria_set)
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(assessment=assessment)}
    results = {r.criterion_id: r for r in CriterionResult.objects.filter(assessment=assessment)}
    commune = assessment.commune
    region_id, commune_group = classifications_in({(commune.pk, assessment.year)})[(commune.pk, assessment.year)]
    reasons_by_code = {}
    for r in results.values():
        for d in r.details:
            reasons_by_code[d.get("code")] = evaluation.format_reason(d)
    rows = []
    for criterion in structure.criteria:
        result = results.get(criterion.pk)
        ind_rows = []
        for indicator in structure.indicators_by_criterion.get(criterion.pk, []):
            target = evaluation.target_for(
                structure.targets_by_indicator.get(indicator.pk, []),
                year=assessment.year,
                region_id=region_id,
                commune_group=commune_group,
            )
            reason = reasons_by_code.get(indicator.code, "")
            ind_rows.append(IndicatorRow(indicator, values.get(indicator.pk), target, not reason, reason))
        rows.append(
            CriterionRow(
                criterion=criterion,
                is_met=bool(result and result.is_met),
                indicators=ind_rows,
                reasons=[evaluation.format_reason(d) for d in (result.details if result else [])],
            )
        )
    others = commune_year_assessments(commune=commune, year=assessment.year)
    history = list(
        assessment.history.select_related("history_user")
        .order_by("-history_date")
        .only("history_id", "history_date", "history_user", "history_change_reason", "history_type", "locked_at")[:20]
    )
    return Scorecard(assessment, rows, others, level_reached(others), history)


# --- gap and risk -----------------------------------------------------------------------------------------------


@dataclass
class GapRow:
    criterion: Criterion
    details: list[dict[str, Any]]  # each: indicator, reason, gap


def gap(*, assessment: Assessment) -> list[GapRow]:
    """The criteria still missing in an assessment and, per failing indicator, by how much."""
    structure = criteria_set_structure(criteria_set=assessment.criteria_set)
    criteria = {c.pk: c for c in structure.criteria}
    rows = []
    for result in CriterionResult.objects.filter(assessment=assessment, is_met=False).order_by("criterion__number"):
        rows.append(
            GapRow(
                criterion=criteria[result.criterion_id],
                details=[
                    {
                        "indicator": structure.indicators_by_code.get(d.get("code")),
                        "reason": evaluation.format_reason(d),
                        "gap": evaluation.format_gap(d),
                    }
                    for d in result.details
                ],
            )
        )
    return rows


def _risk_q() -> tuple[Q, CombinedExpression]:
    """18/2022 rule in SQL on the stored counts (mirrors evaluation.is_revocation_risk)."""
    unmet100 = (F("criteria_total") - F("criteria_met")) * 100
    return Q(criteria_total__gt=0) & (
        Q(unmet_pct__gte=F("criteria_total") * 50)
        | (Q(unmet_pct__gte=F("criteria_total") * 30) & Q(key_criteria_unmet__gt=0))
    ), unmet100


# The register of recognitions sits above criteria (it names criteria's levels) and fills this slot in its
# AppConfig.ready(): (commune_ref=, level_ref=) -> Exists() of a recognition, never revoked, of the outer commune at the
# outer level.
recognised_at_set_level: Slot[Callable[..., Expression]] = Slot(
    "the register's recognised-at-level subquery (register)"
)


def revocation_risk_list(
    *, user: User | AnonymousUser, year: int, level: str | None = None, district: District | None = None
) -> QuerySet[Assessment]:
    """Assessments of the year in the user's scope (and `district`) that meet the 18/2022 revocation rule, with
    `is_recognised` (the commune holds a recognition in force at the set's level, from the register). The one
    source of the revocation-risk list and report."""
    condition, unmet100 = _risk_q()
    recognised = recognised_at_set_level.get()(commune_ref="commune", level_ref="criteria_set__level")
    qs = (
        Assessment.objects.visible_to(user)
        .filter(year=year, criteria_set__subject=SubjectKind.COMMUNE)
        .annotate(unmet_pct=unmet100, is_recognised=recognised)
        .filter(condition)
        .select_related("commune", "commune__district", "criteria_set")
        .order_by("-is_recognised", "criteria_met", "commune__code")
    )
    if level:
        qs = qs.filter(criteria_set__level=level)
    if district is not None:
        qs = qs.filter(commune__district=district)
    return qs


def latest_assessment_pk(*, commune_ref: str, year: int, level: str = StandardLevel.BASIC) -> Subquery:
    """Subquery: the pk of the commune's latest assessment against a commune set of `level` in `year` or before
    (its state as it stood at the end of that year). `commune_ref` names the outer commune id."""
    return Subquery(
        Assessment.objects.filter(
            commune_id=OuterRef(commune_ref),
            year__lte=year,
            criteria_set__level=level,
            criteria_set__subject=SubjectKind.COMMUNE,
        )
        .order_by("-year", "-criteria_set__year_from", "-pk")
        .values("pk")[:1]
    )


def met_summary(*, user: User | AnonymousUser, year: int, level: str = StandardLevel.BASIC) -> dict[str, Any]:
    """Dashboard figures from stored counts, in one query, over each commune's latest assessment up to `year`:
    communes assessed, all met, buckets, average met."""
    qs = Assessment.objects.visible_to(user).filter(
        pk=latest_assessment_pk(commune_ref="commune_id", year=year, level=level)
    )
    return qs.aggregate(
        assessed=Count("id"),
        all_met=Count("id", filter=Q(is_all_met=True)),
        met_15_plus=Count("id", filter=Q(is_all_met=False, criteria_met__gte=15)),
        met_10_14=Count("id", filter=Q(criteria_met__gte=10, criteria_met__lt=15, is_all_met=False)),
        met_below_10=Count("id", filter=Q(criteria_met__lt=10, is_all_met=False)),
        average_met=Avg("criteria_met"),
    )


def today_year() -> int:
    return timezone.localdate().year


def commune_assessment(*, commune: Commune, year: int, criteria_set: CriteriaSet) -> Assessment | None:
    """The commune's assessment against one set for one year (the caller has already checked scope); when it has
    none against this version of the set, its assessment against an earlier version: a scorecard keeps the version
    it was made with."""
    assessments = Assessment.objects.select_related(*ASSESSMENT_RELATED).filter(commune=commune, year=year)
    found = assessments.filter(criteria_set=criteria_set).first()
    if found is None and criteria_set.version > 1:
        found = (
            assessments.filter(criteria_set__series_code=criteria_set.series_code)
            .order_by("-criteria_set__version")
            .first()
        )
    return found


def criteria_set_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> QuerySet[CriteriaSet]:
    """Every criteria set, versions included (national reference data: the page is for staff who maintain sets),
    with its numbers of criteria and indicators counted in the one query."""
    return (
        CriteriaSet.objects.select_related("province")
        .annotate(
            n_criteria=Count("criteria", distinct=True),
            n_indicators=Count("criteria__indicators", distinct=True),
        )
        .order_by("subject", "-year_from", "level", "series_code", "-version")
    )
