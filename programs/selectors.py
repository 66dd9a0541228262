"""Reads for plan and OCOP pages and the dashboard. Achieved counts come only from the recognition register
(register.Recognition); registered counts from registrations; everything limited to the user's scope."""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune
from communes.services import TWO_TIER_FROM
from core.scope import get_visible_or_404, visible_q
from criteria.choices import SubjectKind
from offices import scope
from register.models import Recognition, RecognitionBasis, RecognitionQuerySet

from .choices import TARGET_RECOGNITION, TargetKind
from .filters import OcopFilterSet, PlanFilterSet
from .models import AnnualPlan, OcopProduct, PlanTarget, Registration

PLAN_RELATED = ["province", "district", "phase"]


# --- plans --------------------------------------------------------------------------------------------------------


def visible_plans(*, user: User | AnonymousUser) -> QuerySet[AnnualPlan]:
    """Plans whose area holds some unit of the user's scope: a province plan for everyone working in the province,
    a district plan for the province and that district (and its communes). Figures inside stay scoped."""
    s = scope.scope_for(user)
    if s.everything:
        return AnnualPlan.objects.all()
    if s.is_empty:
        return AnnualPlan.objects.none()
    return AnnualPlan.objects.filter(
        Q(district__isnull=True, province__in=scope.provinces(user))
        | Q(district__province_id__in=s.province_ids)
        | Q(district_id__in=s.district_ids)
        | Q(district_id__in=Commune.objects.filter(pk__in=s.commune_ids).values("district_id"))
    )


def plan_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[AnnualPlan], PlanFilterSet]:
    qs = (
        visible_plans(user=user)
        .select_related(*PLAN_RELATED)
        .annotate(target_count=Count("targets"))
        .order_by("-year", "province__code", "district__code")
    )
    filterset = PlanFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_plan(*, user: User | AnonymousUser, pk: int) -> AnnualPlan:
    plan = visible_plans(user=user).select_related(*PLAN_RELATED).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Not found or outside your area."))
    return plan


def plan_years(*, user: User | AnonymousUser) -> list[int]:
    return sorted(set(visible_plans(user=user).order_by().values_list("year", flat=True).distinct()), reverse=True)


def _subject_q(plan: AnnualPlan, subject: str) -> Q:
    """Recognitions of `subject` inside the plan's area (the user's scope is applied by the caller)."""
    if subject == SubjectKind.COMMUNE:
        return Q(subject_kind=subject) & plan.area_q("commune")
    if subject == SubjectKind.HAMLET:
        return Q(subject_kind=subject) & plan.area_q("hamlet__commune")
    area = Q(district_id=plan.district_id) if plan.district_id else Q(district__province_id=plan.province_id)
    return Q(subject_kind=subject) & area


@dataclass
class TargetRow:
    kind: str
    label: str
    target: int | None
    registered: int
    achieved: int
    target_obj: PlanTarget | None = None

    @property
    def achieved_pct(self) -> Decimal | None:
        return Decimal(self.achieved) * 100 / self.target if self.target else None

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(0, self.target - self.achieved)


@dataclass
class PlanProgress:
    plan: AnnualPlan
    as_of: datetime.date
    partial: bool
    rows: list[TargetRow] = field(default_factory=list)

    def __iter__(self) -> Iterator[TargetRow]:
        return iter(self.rows)


def _default_plan(*, user: User | AnonymousUser, year: int) -> AnnualPlan | None:
    """The plan a user's dashboard shows for a year: the province's, else their district's."""
    return (
        visible_plans(user=user)
        .filter(year=year)
        .select_related(*PLAN_RELATED)
        # Province plans (no district) first on every database: PostgreSQL sorts NULLs last by default.
        .order_by(F("district__code").asc(nulls_first=True), "province__code")
        .first()
    )


def _results_of(year: int, as_of: datetime.date) -> RecognitionQuerySet:
    """The recognitions for a plan's year counted on `as_of`: during the year, those decided by then; from its end,
    the results of the year, whenever decided (a decision of the following spring for the year counts in its plan),
    not revoked by `as_of`. A recognition carried by a merger is no new result: the plan does not count it."""
    qs = Recognition.objects.filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of)).exclude(
        basis=RecognitionBasis.MERGER
    )
    if as_of < datetime.date(year, 12, 31):
        qs = qs.filter(decision_date__lte=as_of)
    return qs


def plan_progress(
    *,
    user: User | AnonymousUser,
    plan: AnnualPlan | None = None,
    year: int | None = None,
    as_of: datetime.date | None = None,
) -> PlanProgress | None:
    """Target, registered and achieved per target kind of a plan (or of the user's plan for `year`).

    Achieved = recognitions for the plan's year at the kind's level not revoked by `as_of` (today), inside the
    plan's area and the user's scope (`_results_of`). Two queries."""
    if plan is None:
        if year is None:
            return None
        plan = _default_plan(user=user, year=year)
        if plan is None:
            return None
    s = scope.scope_for(user)
    as_of = as_of or timezone.localdate()
    targets = {
        t.kind: t
        for t in PlanTarget.objects.filter(plan=plan).annotate(
            registered=Count("registrations", filter=visible_q(Registration, user, prefix="registrations"))
        )
    }
    counts = (
        _results_of(plan.year, as_of)
        .visible_to(user)
        .filter(year=plan.year)
        .aggregate(
            **{
                str(kind): Count("pk", filter=Q(level=level) & _subject_q(plan, subject))
                for kind, (subject, level) in TARGET_RECOGNITION.items()
            }
        )
    )
    rows = []
    for kind in TargetKind:
        target = targets.get(kind)
        if target is None and not counts[str(kind)]:
            continue
        # A province without a district tier has no district target, unless the plan's year had one (a 2024 plan
        # read after the July 2025 reform keeps its district target).
        two_tier = not plan.province.has_district_tier and datetime.date(plan.year, 1, 1) >= TWO_TIER_FROM
        if kind == TargetKind.DISTRICTS and plan.district_id is None and two_tier:
            continue
        rows.append(
            TargetRow(
                kind=kind,
                label=str(kind.label),
                target=target.target if target else None,
                registered=getattr(target, "registered", 0) if target else 0,
                achieved=counts[str(kind)],
                target_obj=target,
            )
        )
    partial = not (
        s.everything
        or plan.province_id in s.province_ids
        or (plan.district_id is not None and plan.district_id in s.district_ids)
    )
    return PlanProgress(plan=plan, as_of=as_of, partial=partial, rows=rows)


@dataclass
class Shortfall:
    assessment: object
    criteria: list[tuple[object, list[str]]]


def registration_rows(
    *, user: User | AnonymousUser, plan: AnnualPlan, as_of: datetime.date | None = None
) -> list[Registration]:
    """The plan's registrations in the user's scope, each with `achieved` (a recognition in force for the plan's
    year at the target's level) and, for communes not there yet, `shortfall`: the latest assessment against the
    level and the criteria it still misses. Four queries whatever the number of registrations."""
    as_of = as_of or timezone.localdate()
    wanted_level = Case(
        *[When(target__kind=k, then=Value(level)) for k, (_subject, level) in TARGET_RECOGNITION.items()],
        output_field=CharField(),
    )
    wanted_subject = Case(
        *[When(target__kind=k, then=Value(subject)) for k, (subject, _level) in TARGET_RECOGNITION.items()],
        output_field=CharField(),
    )
    recognised = (
        _results_of(plan.year, as_of)
        .filter(year=plan.year, level=OuterRef("wanted_level"), subject_kind=OuterRef("wanted_subject"))
        .filter(
            Q(subject_kind=SubjectKind.COMMUNE, commune_id=OuterRef("commune_id"))
            | Q(subject_kind=SubjectKind.HAMLET, hamlet_id=OuterRef("hamlet_id"))
            | Q(subject_kind=SubjectKind.DISTRICT, district_id=OuterRef("district_id"))
        )
    )
    rows = list(
        Registration.objects.visible_to(user)
        .filter(target__plan=plan)
        .select_related("target", "commune", "commune__district", "hamlet", "district")
        .annotate(
            wanted_level=wanted_level,
            wanted_subject=wanted_subject,
            kind_order=Case(
                *[When(target__kind=k, then=Value(i)) for i, k in enumerate(TargetKind)],
                output_field=IntegerField(),
            ),
        )
        .annotate(achieved=Exists(recognised))
        .order_by("kind_order", "district__code", "commune__district__code", "commune__code", "hamlet__code")
    )
    shortfalls = _shortfalls(
        [(r.commune_id, r.wanted_level) for r in rows if r.wanted_subject == SubjectKind.COMMUNE and not r.achieved],  # type: ignore[misc]  # communes
        year=plan.year,
    )
    for r in rows:
        r.shortfall = shortfalls.get((r.commune_id, r.wanted_level)) if not r.achieved else None  # type: ignore[attr-defined,arg-type]
    return rows  # type: ignore[return-value]  # with their annotations


def _shortfalls(pairs: list[tuple[int, str]], *, year: int) -> dict[tuple[int, str], Shortfall]:
    """Latest assessment (up to `year`) of each (commune, level) and its unmet criteria. Two queries; nothing when
    the criteria app is absent."""
    if not pairs:
        return {}
    try:
        from criteria import evaluation
        from criteria.models import Assessment, CriterionResult
    except ImportError:
        return {}
    wanted = set(pairs)
    latest: dict[tuple[int, str], Assessment] = {}
    for a in (
        Assessment.objects.filter(
            commune_id__in={c for c, _l in wanted},
            criteria_set__subject=SubjectKind.COMMUNE,
            criteria_set__level__in={lvl for _c, lvl in wanted},
            year__lte=year,
        )
        .select_related("criteria_set")
        .order_by("commune_id", "-year", "-criteria_set__year_from")
    ):
        key = (a.commune_id, a.criteria_set.level)
        if key in wanted and key not in latest:
            latest[key] = a
    unmet: dict[int, list[tuple[object, list[str]]]] = {}
    for result in (
        CriterionResult.objects.filter(assessment__in=[a.pk for a in latest.values()], is_met=False)
        .select_related("criterion")
        .order_by("criterion__number")
    ):
        unmet.setdefault(result.assessment_id, []).append(
            (result.criterion, [evaluation.format_reason(d) for d in result.details])
        )
    return {key: Shortfall(assessment=a, criteria=unmet.get(a.pk, [])) for key, a in latest.items()}


# --- OCOP ---------------------------------------------------------------------------------------------------------


def ocop_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[OcopProduct], OcopFilterSet]:
    qs = (OcopProduct.objects.visible_to(user).with_stars().select_related("commune", "commune__district")).order_by(
        "commune__district__code", "commune__code", "-score", "name"
    )
    filterset = OcopFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_ocop_product(*, user: User | AnonymousUser, pk: int) -> OcopProduct:
    return get_visible_or_404(
        OcopProduct.objects.with_stars().select_related("commune", "commune__district", "thematic_program"), user, pk=pk
    )


def ocop_count_by_commune(
    *,
    communes: Iterable[Commune] | None = None,
    user: User | AnonymousUser | None = None,
    on: datetime.date | None = None,
    min_stars: int | None = None,
) -> dict[int, int]:
    """Commune id → number of OCOP products with a certificate in force on `on` (today), optionally of at least
    `min_stars`. One query. What criterion 13 (production) reads."""
    qs = OcopProduct.objects.with_stars().in_force_on(on or timezone.localdate())
    if communes is not None:
        qs = qs.filter(commune__in=communes)
    if user is not None:
        qs = qs.visible_to(user)
    if min_stars:
        qs = qs.filter(stars__gte=min_stars)  # type: ignore[misc]  # annotated by with_stars()
    return dict(qs.order_by().values("commune_id").annotate(n=Count("pk")).values_list("commune_id", "n"))


def ocop_star_summary(*, products: QuerySet[OcopProduct]) -> dict[int, int]:
    """Stars → count for a filtered product list (one query)."""
    return dict(products.order_by().values("stars").annotate(n=Count("pk")).values_list("stars", "n"))  # type: ignore[misc]  # with_stars()
