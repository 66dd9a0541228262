"""Reads for the dashboard and the reports. Every figure is computed from records (recognitions, assessments, plans,
funding lines) in SQL, filtered by the user's scope (core.scope), in a fixed number of queries whatever the number of communes.

"As they stood at the end of a year": a recognition counts when its decision is dated on or before 31 December and
it was not revoked by then (`Recognition.objects.in_force_on`); the communes counted are those that existed on
that day (`Commune.objects.valid_on`). A commune counts as NTM when it holds a recognition in force at any level,
as advanced when at the advanced level or above, and so on up `criteria.choices.LEVEL_ORDER`, so that a model
commune is also counted among the advanced ones (as the province reports them: 118 NTM, of which 33 advanced, of
which 10 model).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import CommuneType
from communes.models import Commune, District
from core import cache
from criteria.choices import LEVEL_ORDER, StandardLevel, SubjectKind
from criteria.models import Assessment, Criterion, CriterionResult
from offices import scope
from register.models import Recognition, RecognitionQuerySet, Standing
from register.standings import FIRST_YEAR
from verification.models import Dossier

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from funding.selectors import CapitalReport, YearGroups
    from programs.models import AnnualPlan, Registration
    from programs.selectors import PlanProgress
    from register.filters import RecognitionFilterSet

# Level → the levels that count for it ("at least this level").
AT_LEAST = {level: list(LEVEL_ORDER[i:]) for i, level in enumerate(LEVEL_ORDER)}

# The two readings of "recognised" figures. ON_DATE: as they stood on a date (decided by then, not revoked by then).
# FOR_YEAR: the results of a year (recognised for that year or before, not revoked by its end), as published
# year-end figures count them: a decision of the following spring for the year counts in the year.
ON_DATE = "on_date"
FOR_YEAR = "for_year"
READINGS = (ON_DATE, FOR_YEAR)


def recognitions_counted(as_of: date, reading: str = ON_DATE) -> RecognitionQuerySet:
    """The recognitions a figure counts on `as_of` under `reading`."""
    if reading == FOR_YEAR:
        return Recognition.objects.filter(year__lte=as_of.year).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of)
        )
    return Recognition.objects.in_force_on(as_of)


# --- years ----------------------------------------------------------------------------------------------------------


def year_end(year: int) -> date:
    return date(year, 12, 31)


def data_years(*, user: User | AnonymousUser) -> list[int]:
    """Years the user can choose, newest first: from the first recorded decision or assessment in scope to the
    current year. Cached until a write changes them."""
    return cache.cached(("data_years", _scope_key(user)), _scope_generations(user), lambda: _data_years(user=user))


def _data_years(*, user: User | AnonymousUser) -> list[int]:
    this_year = timezone.localdate().year
    rec = Recognition.objects.visible_to(user).aggregate(
        first=Min(ExtractYear("decision_date")), last=Max(ExtractYear("decision_date"))
    )
    ass = Assessment.objects.visible_to(user).aggregate(first=Min("year"), last=Max("year"))
    firsts = [y for y in (rec["first"], ass["first"]) if y]
    lasts = [y for y in (rec["last"], ass["last"]) if y]
    first = min([*firsts, this_year])
    last = max([*lasts, this_year])
    return list(range(last, first - 1, -1))


def default_year(*, user: User | AnonymousUser, years: list[int] | None = None) -> int:
    """The latest year that has a decision or an assessment in scope (not after the current year)."""
    return cache.cached(("default_year", _scope_key(user)), _scope_generations(user), lambda: _default_year(user=user))


def _default_year(*, user: User | AnonymousUser) -> int:
    this_year = timezone.localdate().year
    rec = (
        Recognition.objects.visible_to(user)
        .filter(decision_date__year__lte=this_year)
        .aggregate(last=Max(ExtractYear("decision_date")))["last"]
    )
    ass = Assessment.objects.visible_to(user).filter(year__lte=this_year).aggregate(last=Max("year"))["last"]
    found = [y for y in (rec, ass) if y]
    return max(found) if found else this_year


# --- building blocks ------------------------------------------------------------------------------------------------


def in_force(as_of: date, subject_kind: str, levels: list[str], reading: str = ON_DATE) -> RecognitionQuerySet:
    return recognitions_counted(as_of, reading).filter(subject_kind=subject_kind, level__in=levels)


def _commune_has(as_of: date, level: str, ref: str = "pk", reading: str = ON_DATE) -> Exists:
    return Exists(in_force(as_of, SubjectKind.COMMUNE, AT_LEAST[level], reading).filter(commune=OuterRef(ref)))


def level_in_force(as_of: date, ref: str = "pk", reading: str = ON_DATE) -> Case:
    """The highest level a commune holds on `as_of` ("" when none), as an SQL expression."""
    whens = [
        When(
            Exists(in_force(as_of, SubjectKind.COMMUNE, [level], reading).filter(commune=OuterRef(ref))),
            then=Value(level),
        )
        for level in reversed(LEVEL_ORDER)
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def xa_valid_on(*, user: User | AnonymousUser, as_of: date, district: District | None = None) -> QuerySet[Commune]:
    """Communes of type xã (the programme's subjects) in scope that existed on `as_of`."""
    qs = scope.communes(user).valid_on(as_of).filter(unit_type=CommuneType.COMMUNE)
    if district is not None:
        qs = qs.filter(district=district)
    return qs


def _model_hamlets(
    *, user: User | AnonymousUser, as_of: date, district: District | None = None, reading: str = ON_DATE
) -> QuerySet[Recognition]:
    qs = in_force(as_of, SubjectKind.HAMLET, AT_LEAST[StandardLevel.MODEL], reading).visible_to(user)
    if district is not None:
        qs = qs.filter(hamlet__commune__district=district)
    return qs


def _districts_valid(
    *, user: User | AnonymousUser, as_of: date, district: District | None = None
) -> QuerySet[District]:
    qs = District.objects.valid_on(as_of).visible_to(user)
    if district is not None:
        qs = qs.filter(pk=district.pk)
    return qs


# --- headline figures and the table by district / commune ------------------------------------------------------------


@dataclass
class UnitRow:
    """One line of the dashboard table: a district (province users) or a commune (district and commune users)."""

    pk: int | None
    code: str
    name: str
    xa_total: int = 0
    ntm: int = 0
    advanced: int = 0
    model: int = 0
    model_hamlets: int = 0
    district_done: bool | None = None  # district rows: the district-level unit completed the task by then
    level: str = ""  # commune rows: highest level in force
    criteria_met: int | None = None  # commune rows: basic criteria met in the year's assessment
    criteria_total: int | None = None

    @property
    def ntm_ratio(self) -> Decimal | None:
        return Decimal(self.ntm) / self.xa_total if self.xa_total else None

    @property
    def level_label(self) -> StrOrPromise:
        return StandardLevel(self.level).label if self.level else ""


@dataclass
class Headline:
    as_of: date
    xa_total: int = 0
    ntm: int = 0
    advanced: int = 0
    model: int = 0
    model_hamlets: int = 0
    districts_total: int = 0
    districts_done: int = 0


@dataclass
class UnitFigures:
    headline: Headline
    by: str  # "district" or "commune"
    rows: list[UnitRow] = field(default_factory=list)


def table_by(*, user: User | AnonymousUser, district: District | None = None) -> str:
    """Province-wide users get one row per district; district and commune users (or a chosen district) per commune."""
    if district is not None:
        return "commune"
    s = scope.scope_for(user)
    if s.everything or s.province_ids or len(s.district_ids) > 1:
        return "district"
    return "commune"


def unit_figures(
    *, user: User | AnonymousUser, as_of: date, district: District | None = None, reading: str = ON_DATE
) -> UnitFigures:
    """Headline figures and the table rows, in a fixed number of queries whatever the number of communes, counted
    on the units that existed on `as_of` (before a merger its old communes, after it the new one) under `reading`.

    At a year's end (the dashboards and year-end reports) they come from the stored standings (register.standings);
    on any other date ("as of today", the dashboard's default) they are computed from the register directly. Both
    are cached per date until a write changes them: every write to the register, the units or a scorecard refreshes
    the standings, which moves the province's generation on (core.cache)."""
    standings = (as_of.month, as_of.day) == (12, 31) and FIRST_YEAR <= as_of.year <= timezone.localdate().year
    return cache.cached(
        ("unit_figures", _scope_key(user), as_of.isoformat(), district.pk if district else None, reading),
        _scope_generations(user),
        lambda: _unit_figures(user=user, as_of=as_of, district=district, standings=standings, reading=reading),
    )


def _scope_key(user: User | AnonymousUser) -> tuple[Any, ...]:
    s = scope.scope_for(user)
    return (s.everything, sorted(s.province_ids), sorted(s.district_ids), sorted(s.commune_ids))


def _scope_generations(user: User | AnonymousUser) -> list[str]:
    """The cache generations a user's figures depend on: the provinces of its area (all of them for a national user).
    Worked out once per user object, like its scope."""
    if "_ntm_generation_names" not in user.__dict__:
        user.__dict__["_ntm_generation_names"] = _generation_names(user)
    return user.__dict__["_ntm_generation_names"]  # type: ignore[no-any-return]


def _generation_names(user: User | AnonymousUser) -> list[str]:
    s = scope.scope_for(user)
    if s.everything:
        return [cache.EVERYTHING]
    provinces = set(s.province_ids)
    if s.district_ids:
        provinces |= set(District.objects.filter(pk__in=s.district_ids).values_list("province_id", flat=True))
    if s.commune_ids:
        provinces |= set(Commune.objects.filter(pk__in=s.commune_ids).values_list("province_id", flat=True))
    return [f"province:{p}" for p in provinces]


def _unit_figures(
    *, user: User | AnonymousUser, as_of: date, district: District | None, standings: bool, reading: str = ON_DATE
) -> UnitFigures:
    by = table_by(user=user, district=district)
    hamlets = _model_hamlets(user=user, as_of=as_of, district=district, reading=reading)
    districts = _districts_valid(user=user, as_of=as_of, district=district)
    level_field = "level_for_year" if reading == FOR_YEAR else "level"

    d_agg = districts.aggregate(total=Count("id"), done=Count("id", filter=_district_done_on(as_of, reading)))
    headline = Headline(as_of=as_of, districts_total=d_agg["total"], districts_done=d_agg["done"])

    rows_qs: Any  # Standing rows or communes, as `standings` says
    if standings:
        rows_qs = Standing.objects.visible_to(user).filter(year=as_of.year, is_xa=True)
        if district is not None:
            rows_qs = rows_qs.filter(district=district)
        counts_of = {
            "xa_total": Count("id"),
            **{key: Count("id", filter=Q(**{f"{level_field}__in": AT_LEAST[level]})) for key, level in _LEVEL_KEYS},
        }
    else:
        rows_qs = xa_valid_on(user=user, as_of=as_of, district=district)
        counts_of = _counts(as_of, reading)
    if by == "district":
        counts = {r["district_id"]: r for r in rows_qs.values("district_id").annotate(**counts_of).order_by()}
        rows = _district_rows(counts=counts, hamlets=hamlets, user=user, as_of=as_of, reading=reading)
    elif standings:
        rows = _standing_commune_rows(standings=rows_qs, hamlets=hamlets, level_field=level_field)
    else:
        rows = _commune_rows(xa=rows_qs, hamlets=hamlets, as_of=as_of, reading=reading)
    for row in rows:
        headline.xa_total += row.xa_total
        headline.ntm += row.ntm
        headline.advanced += row.advanced
        headline.model += row.model
    # Model hamlets are counted on their own (a hamlet may sit in a ward, which is not in the xã rows).
    headline.model_hamlets = hamlets.aggregate(n=Count("hamlet", distinct=True))["n"]
    return UnitFigures(headline=headline, by=by, rows=rows)


_LEVEL_KEYS = (("ntm", StandardLevel.BASIC), ("advanced", StandardLevel.ADVANCED), ("model", StandardLevel.MODEL))


def _district_done_on(as_of: date, reading: str = ON_DATE) -> Exists:
    return Exists(
        recognitions_counted(as_of, reading).filter(subject_kind=SubjectKind.DISTRICT, district=OuterRef("pk"))
    )


def _counts(as_of: date, reading: str = ON_DATE) -> dict[str, Count]:
    return {
        "xa_total": Count("id"),
        "ntm": Count("id", filter=_commune_has(as_of, StandardLevel.BASIC, reading=reading)),
        "advanced": Count("id", filter=_commune_has(as_of, StandardLevel.ADVANCED, reading=reading)),
        "model": Count("id", filter=_commune_has(as_of, StandardLevel.MODEL, reading=reading)),
    }


def _district_rows(
    *,
    counts: dict[int | None, dict[str, Any]],
    hamlets: QuerySet[Recognition],
    user: User | AnonymousUser,
    as_of: date,
    reading: str = ON_DATE,
) -> list[UnitRow]:
    hamlet_counts: dict[int | None, int] = dict(
        hamlets.values("hamlet__commune__district_id")
        .annotate(n=Count("hamlet", distinct=True))
        .values_list("hamlet__commune__district_id", "n")
        .order_by()
    )
    # The rows are the districts that existed on `as_of`; model hamlets of communes whose district was abolished
    # since (the two-tier reform) count on the row without a district, as the units they belong to now.
    valid = set(District.objects.valid_on(as_of).visible_to(user).values_list("pk", flat=True))
    moved = sum(n for k, n in hamlet_counts.items() if k is not None and k not in valid)
    hamlet_counts = {k: n for k, n in hamlet_counts.items() if k is None or k in valid}
    if moved:
        hamlet_counts[None] = hamlet_counts.get(None, 0) + moved
    wanted = Q(pk__in=[k for k in counts if k]) | Q(pk__in=valid)
    districts = District.objects.filter(wanted).annotate(done=_district_done_on(as_of, reading)).order_by("code")
    rows = []
    for d in districts:
        c = counts.get(d.pk, {})
        rows.append(
            UnitRow(
                pk=d.pk,
                code=d.code,
                name=d.name,
                xa_total=c.get("xa_total", 0),
                ntm=c.get("ntm", 0),
                advanced=c.get("advanced", 0),
                model=c.get("model", 0),
                model_hamlets=hamlet_counts.get(d.pk, 0),
                district_done=d.done,
            )
        )
    if None in counts or None in hamlet_counts:  # communes of a two-tier province: no district
        c = counts.get(None, {})
        rows.append(
            UnitRow(
                pk=None,
                code="",
                name=_("No district"),
                xa_total=c.get("xa_total", 0),
                ntm=c.get("ntm", 0),
                advanced=c.get("advanced", 0),
                model=c.get("model", 0),
                model_hamlets=hamlet_counts.get(None, 0),
            )
        )
    return rows


def _standing_commune_rows(
    *, standings: QuerySet[Standing], hamlets: QuerySet[Recognition], level_field: str = "level"
) -> list[UnitRow]:
    """One row per commune from its stored standing: level in force, latest basic scorecard, model hamlets."""
    hamlet_counts = dict(
        hamlets.values("hamlet__commune_id")
        .annotate(n=Count("hamlet", distinct=True))
        .values_list("hamlet__commune_id", "n")
        .order_by()
    )
    rows = []
    for s in standings.select_related("commune").order_by("commune__code"):
        level = getattr(s, level_field)
        rank = _rank(level)
        rows.append(
            UnitRow(
                pk=s.commune_id,
                code=s.commune.code,
                name=s.commune.name,
                xa_total=1,
                ntm=int(rank >= 0),
                advanced=int(rank >= LEVEL_ORDER.index(StandardLevel.ADVANCED)),
                model=int(rank >= LEVEL_ORDER.index(StandardLevel.MODEL)),
                model_hamlets=hamlet_counts.get(s.commune_id, 0),
                level=level,
                criteria_met=s.criteria_met,
                criteria_total=s.criteria_total,
            )
        )
    return rows


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level else -1


def _commune_rows(
    *, xa: QuerySet[Commune], hamlets: QuerySet[Recognition], as_of: date, reading: str = ON_DATE
) -> list[UnitRow]:
    from criteria.selectors import latest_assessment_pk

    # The commune's scorecard as it stood then. No ordering: Assessment's default one joins communes_commune, whose
    # alias would capture the outer commune referenced inside latest_basic.
    basic = Assessment.objects.filter(pk=OuterRef("latest_basic")).order_by()
    hamlet_n = (
        hamlets.filter(hamlet__commune=OuterRef("pk"))
        .order_by()
        .values("hamlet__commune")
        .annotate(n=Count("hamlet", distinct=True))
        .values("n")
    )
    qs = (
        xa.select_related("district")
        .annotate(latest_basic=latest_assessment_pk(commune_ref="pk", year=as_of.year))
        .annotate(
            level_now=level_in_force(as_of, reading=reading),
            met=Subquery(basic.values("criteria_met")[:1]),
            total=Subquery(basic.values("criteria_total")[:1]),
            model_hamlets=Coalesce(Subquery(hamlet_n, output_field=IntegerField()), 0),
        )
        .order_by("code")
    )
    rows = []
    for c in qs:
        rank = LEVEL_ORDER.index(c.level_now) if c.level_now else -1
        rows.append(
            UnitRow(
                pk=c.pk,
                code=c.code,
                name=c.name,
                xa_total=1,
                ntm=int(rank >= 0),
                advanced=int(rank >= LEVEL_ORDER.index(StandardLevel.ADVANCED)),
                model=int(rank >= LEVEL_ORDER.index(StandardLevel.MODEL)),
                model_hamlets=c.model_hamlets,
                level=c.level_now,
                criteria_met=c.met,
                criteria_total=c.total,
            )
        )
    return rows


SORT_KEYS = {
    "code": lambda r: r.code,
    "name": lambda r: r.name,
    "xa_total": lambda r: r.xa_total,
    "ntm": lambda r: r.ntm,
    "ntm_ratio": lambda r: r.ntm_ratio if r.ntm_ratio is not None else Decimal(-1),
    "advanced": lambda r: r.advanced,
    "model": lambda r: r.model,
    "model_hamlets": lambda r: r.model_hamlets,
    "district_done": lambda r: bool(r.district_done),
    "level": lambda r: LEVEL_ORDER.index(r.level) if r.level else -1,
    "criteria_met": lambda r: r.criteria_met if r.criteria_met is not None else -1,
}


def sort_rows(rows: list[UnitRow], sort: str) -> tuple[list[UnitRow], str]:
    """Sort table rows by a column name, "-" first for descending; unknown names keep the official code order."""
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return rows, "code"
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-")), sort


# --- charts ---------------------------------------------------------------------------------------------------------


def assessment_year_for(*, user: User | AnonymousUser, year: int) -> int | None:
    """The latest assessment year not after `year` in scope (the criteria chart shows the latest known state)."""
    return (
        cache.cached(
            ("assessment_year", _scope_key(user), year),
            _scope_generations(user),
            lambda: (
                Assessment.objects.visible_to(user)
                .filter(year__lte=year, criteria_set__subject=SubjectKind.COMMUNE)
                .aggregate(y=Max("year"))["y"]
                or 0
            ),
        )
        or None
    )


def dashboard_sections(
    *, user: User | AnonymousUser, year: int, as_of: date, district: District | None = None
) -> dict[str, Any]:
    """The dashboard's sections other than the unit figures (scorecard buckets, plan progress, capital), computed
    once per area, year and language and cached until a write changes them (core.cache)."""
    from django.utils import translation

    def compute() -> dict[str, Any]:
        assessment_year = assessment_year_for(user=user, year=year)
        progress = plan_progress(user=user, year=year, as_of=as_of, district=district)
        capital = capital_report(user=user, year=year, as_of=as_of, district=district, breakdown=False)
        return {
            "assessment_year": assessment_year,
            "buckets": criteria_buckets(user=user, year=assessment_year) if assessment_year else None,
            "progress": progress if progress is not None and progress.rows else None,
            "capital": None if capital.is_empty else capital,
            "capital_years": capital_years(user=user, year=year, district=district),
            "area": area_label(user=user, district=district),
            "districts": list(district_choices(user=user)),
        }

    key = (
        "dashboard_sections",
        _scope_key(user),
        year,
        as_of,
        district.pk if district else None,
        translation.get_language(),
    )
    return cache.cached(key, _scope_generations(user), compute)


# The provinces' reports bucket communes by criteria met on the 19-criteria set: all, 15–18, 10–14, below 10. The
# same shares of any set's criteria give its buckets (the 10 criteria of 2026–2030: all, 8–9, 5–7, below 5).
BUCKET_KEYS = ("all_met", "met_15_plus", "met_10_14", "met_below_10")  # keys named after the 19-criteria buckets
_NEAR_SHARE = (15, 19)
_MID_SHARE = (10, 19)


def _share_of(total: int, share: tuple[int, int]) -> int:
    """`total` × share rounded half up, in integers (19 criteria keep their published 15 and 10)."""
    return (total * share[0] * 2 + share[1]) // (share[1] * 2)


def bucket_bounds(total: int) -> tuple[int, int]:
    """The fewest criteria met in the "nearly all" bucket and in the middle one, for a set of `total` criteria."""
    near = max(0, min(total - 1, _share_of(total, _NEAR_SHARE)))
    return near, max(0, min(near, _share_of(total, _MID_SHARE)))


def bucket_labels(totals: Iterable[int]) -> list[str]:
    """The four buckets' labels from the sets' numbers of criteria: "15 to 18" for 19, "8 to 9" for 10; when the
    communes counted were scored on sets of different sizes, each size's range, naming the size."""

    def span(low: int, high: int) -> str:
        if high < low:
            return "–"
        return str(low) if low == high else _("{low} to {high}").format(low=low, high=high)

    sizes = sorted(set(totals), reverse=True)
    parts: list[list[str]] = [[], [], []]
    for total in sizes:
        near, mid = bucket_bounds(total)
        ranges = (span(near, total - 1), span(mid, near - 1), _("Below {n}").format(n=mid))
        for part, text in zip(parts, ranges, strict=True):
            part.append(text if len(sizes) == 1 else _("{range} of {total}").format(range=text, total=total))
    return [_("All criteria met"), *("; ".join(p) for p in parts)]


def criteria_buckets(*, user: User | AnonymousUser, year: int) -> dict[str, Any] | None:
    """Communes by number of basic criteria met, over each commune's latest basic scorecard up to `year` (its
    stored standing): all met, nearly all, the middle and the rest, the bounds relative to the size of the set each
    scorecard was made on (bucket_bounds), with `labels` naming them. One query, cached until a write changes it;
    the labels are worded after the cache, in the request's language."""

    def compute() -> list[tuple[int, int, bool, int]]:
        return list(
            Standing.objects.visible_to(user)
            .filter(year=year, basic_assessment__isnull=False)
            .values_list("criteria_total", "criteria_met", "is_all_met")
            .annotate(n=Count("id"))
            .order_by()
        )

    groups = cache.cached(("criteria_buckets", _scope_key(user), year), _scope_generations(user), compute)
    if not groups:
        return None
    summary: dict[str, Any] = dict.fromkeys(BUCKET_KEYS, 0)
    met_sum = assessed = 0
    for total, met, all_met, n in groups:
        met = met or 0
        near, mid = bucket_bounds(total or 0)
        key = "all_met" if all_met else "met_15_plus" if met >= near else "met_10_14" if met >= mid else "met_below_10"
        summary[key] += n
        assessed += n
        met_sum += met * n
    summary.update(
        assessed=assessed,
        average_met=met_sum / assessed,
        labels=bucket_labels(total or 0 for total, _met, _all, _n in groups),
    )
    summary["rows"] = list(zip(summary["labels"], (summary[k] for k in BUCKET_KEYS), strict=True))
    return summary


@dataclass
class EndedDistrict:
    name: str
    ended_on: date
    successors: list[Commune]


def ended_districts(*, user: User | AnonymousUser, as_of: date) -> list[EndedDistrict]:
    """The districts of the user's offices that no longer existed on `as_of` (two-tier government from 01/07/2025
    has none), each with the units its communes went into, followed through every later reorganisation: why a
    district office's dashboard of today is empty, and where its communes are now. Asked only when the user's area
    has no unit on the date (two to four queries)."""
    from communes.models import UnitSuccession

    s = scope.scope_for(user)
    if s.everything or not s.district_ids:
        return []
    ended = list(
        District.objects.filter(pk__in=s.district_ids, valid_to__isnull=False, valid_to__lte=as_of).order_by("code")
    )
    result = []
    for district in ended:
        frontier = set(Commune.objects.filter(district=district).values_list("pk", flat=True))
        found: dict[int, Commune] = {}
        for _step in range(4):  # 2024 mergers, 2025 reform: a few steps at most
            successions = UnitSuccession.objects.filter(
                predecessor_commune_id__in=frontier, successor_commune__isnull=False
            ).select_related("successor_commune")
            frontier = set()
            for succession in successions:
                successor = succession.successor_commune
                if successor is None:
                    continue
                if (successor.valid_to is None or successor.valid_to > as_of) and (
                    successor.valid_from is None or successor.valid_from <= as_of
                ):
                    found[successor.pk] = successor
                else:
                    frontier.add(successor.pk)
            if not frontier:
                break
        result.append(
            EndedDistrict(
                name=district.name,
                ended_on=district.valid_to,  # type: ignore[arg-type]  # filtered not null
                successors=sorted(found.values(), key=lambda c: c.code),
            )
        )
    return result


# --- queues ---------------------------------------------------------------------------------------------------------


@dataclass
class QueueCount:
    role: str
    label: StrOrPromise
    count: int


def queue_counts(*, user: User | AnonymousUser) -> list[QueueCount]:
    """Dossiers waiting in each queue the user works (one query for all their roles)."""
    from offices.choices import Role
    from verification.selectors import queue_q, queue_roles

    roles = queue_roles(user)
    if not roles:
        return []
    agg = Dossier.objects.aggregate(**{role: Count("id", filter=queue_q(user, role)) for role in roles})
    return [QueueCount(role=role, label=Role(role).label, count=agg[role]) for role in roles]


def dossiers_in_progress(*, user: User | AnonymousUser) -> dict[str, int]:
    """Dossiers in the user's area waiting at each stage (verification, appraisal, decision). One query."""
    rows = (
        Dossier.objects.visible_to(user)
        .exclude(stage="")
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
        .order_by()
    )
    return dict(rows)


# --- plans and capital (programs and funding selectors) ------------------------------------------------------------


def plan_progress(
    *, user: User | AnonymousUser, year: int, as_of: date, district: District | None = None
) -> PlanProgress | None:
    """The year's targets against results (programs.selectors.plan_progress): the user's plan for the year (the
    province's, else their district's), or the chosen district's own plan. None when there is no such plan.
    Three queries."""
    from programs import selectors as programs

    if district is None:
        return programs.plan_progress(user=user, year=year, as_of=as_of)
    plan = (
        programs.visible_plans(user=user)
        .filter(year=year, district=district)
        .select_related(*programs.PLAN_RELATED)
        .first()
    )
    return programs.plan_progress(user=user, plan=plan, as_of=as_of) if plan is not None else None


@dataclass
class PlanReport:
    """Plan vs result: each target kind (target, registered, achieved) and the registered units not there yet,
    with the criteria a commune still misses (programs.selectors.registration_rows)."""

    progress: PlanProgress
    registrations: list[Registration]
    short: list[Registration]

    @property
    def plan(self) -> AnnualPlan:
        return self.progress.plan


def plan_report(
    *, user: User | AnonymousUser, year: int, as_of: date, district: District | None = None
) -> PlanReport | None:
    """Six queries whatever the number of registrations."""
    from programs.selectors import registration_rows

    progress = plan_progress(user=user, year=year, as_of=as_of, district=district)
    if progress is None:
        return None
    registrations = registration_rows(user=user, plan=progress.plan, as_of=as_of)
    return PlanReport(
        progress=progress,
        registrations=registrations,
        short=[r for r in registrations if not r.achieved],  # type: ignore[attr-defined]
    )


def capital_area(*, user: User | AnonymousUser, district: District | None = None) -> District | None:
    """The district capital figures are broken down for: the chosen one, else the only district of a district
    office (so that its report goes by commune). One query at most."""
    if district is not None:
        return district
    s = scope.scope_for(user)
    if s.everything or s.province_ids or len(s.district_ids) != 1:
        return None
    return District.objects.filter(pk__in=s.district_ids).first()


def capital_report(
    *, user: User | AnonymousUser, year: int, as_of: date, district: District | None = None, breakdown: bool = True
) -> CapitalReport:
    """Plan / mobilised / disbursed by source for the year (funding.selectors.capital_by_source), disbursements
    counted up to `as_of`, with the split one level down when `breakdown`. Three queries (one without)."""
    from funding.selectors import capital_by_source

    return capital_by_source(user=user, year=year, district=district, paid_by=as_of, breakdown=breakdown)


def capital_years(
    *, user: User | AnonymousUser, year: int, district: District | None = None, last: int = 5
) -> list[YearGroups]:
    """Planned and mobilised per source group for the `last` years up to `year` (funding.selectors.capital_by_year).
    One query."""
    from funding.selectors import capital_by_year

    return capital_by_year(user=user, up_to=year, last=last, district=district)


# --- reports --------------------------------------------------------------------------------------------------------


def access_district(*, user: User | AnonymousUser, pk: int | str) -> District:
    """A district the user covers (directly or through its communes), or 404."""
    s = scope.scope_for(user)
    qs = District.objects.all()
    if not s.everything:
        qs = qs.filter(s.district_q() | Q(pk__in=Commune.objects.filter(pk__in=s.commune_ids).values("district_id")))
    try:
        return qs.get(pk=pk)
    except (District.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def district_choices(*, user: User | AnonymousUser) -> QuerySet[District]:
    """Districts offered in report filters: current ones the user covers."""
    return scope.districts(user).filter(valid_to__isnull=True).order_by("code")


@dataclass
class MatrixColumn:
    number: int
    code: str
    name: str


@dataclass
class MatrixRow:
    assessment: Assessment
    level: str
    cells: list[bool | None]

    @property
    def level_label(self) -> StrOrPromise:
        return StandardLevel(self.level).label if self.level else ""


@dataclass
class CriteriaMatrix:
    year: int
    level: str
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    assessments: QuerySet[Assessment] | None = None


MATRIX_BATCH = 2000


def criteria_matrix(
    *,
    user: User | AnonymousUser,
    year: int,
    level: str = StandardLevel.BASIC,
    district: District | None = None,
    rows: bool = True,
) -> CriteriaMatrix:
    """Commune × criterion (met / not met) from the stored results of the year's assessments against the commune
    sets of `level`, with the count met and the level each commune holds at the end of the year (its standing).

    `rows=False` leaves the rows out: the page takes them a page at a time (`matrix_rows` over `matrix.assessments`),
    the workbook streams them in batches, so neither holds the whole country in memory."""
    assessments = Assessment.objects.visible_to(user).filter(
        year=year, criteria_set__level=level, criteria_set__subject=SubjectKind.COMMUNE
    )
    if district is not None:
        assessments = assessments.filter(commune__district=district)
    level_now = Standing.objects.filter(commune=OuterRef("commune"), year=year).values("level")[:1]
    ordered = (
        assessments.select_related("commune", "commune__district", "criteria_set")
        .annotate(level_now=Subquery(level_now))
        .order_by("commune__district__code", "commune__code", "criteria_set__code")
    )
    criteria = Criterion.objects.filter(criteria_set__in=assessments.values("criteria_set")).order_by(
        "number", "criteria_set__code"
    )
    columns: dict[int, MatrixColumn] = {}
    for c in criteria.only("number", "code", "name", "name_en"):
        columns.setdefault(c.number, MatrixColumn(number=c.number, code=c.code, name=c.name))
    matrix = CriteriaMatrix(year=year, level=level, columns=[columns[n] for n in sorted(columns)], rows=[])
    matrix.assessments = ordered
    if rows:
        matrix.rows = list(matrix_rows(matrix, ordered))
    return matrix


def matrix_rows(matrix: CriteriaMatrix, assessments: Iterable[Any]) -> Iterator[MatrixRow]:
    """The matrix rows of these assessments (a page, or all of them), their results read a batch at a time."""
    numbers = [c.number for c in matrix.columns]
    batch: list[Any] = []  # assessments annotated with level_now

    def flush() -> Iterator[MatrixRow]:
        results: dict[int, dict[int, bool]] = {}
        for assessment_id, number, is_met in (
            CriterionResult.objects.filter(assessment__in=[a.pk for a in batch])
            .values_list("assessment_id", "criterion__number", "is_met")
            .order_by()
        ):
            results.setdefault(assessment_id, {})[number] = is_met
        for a in batch:
            yield MatrixRow(
                assessment=a, level=a.level_now or "", cells=[results.get(a.pk, {}).get(n) for n in numbers]
            )

    iterator = assessments.iterator(chunk_size=MATRIX_BATCH) if hasattr(assessments, "iterator") else assessments
    for a in iterator:
        batch.append(a)
        if len(batch) == MATRIX_BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def recognition_register(
    *,
    user: User | AnonymousUser,
    as_of: date,
    filters: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[QuerySet[Recognition], RecognitionFilterSet]:
    """Decisions taken on or before `as_of` in scope, each marked in force or revoked as of that day
    (register.selectors.recognition_list)."""
    from register.selectors import recognition_list

    return recognition_list(user=user, filters=filters, request=request, as_of=as_of)


def revocation_risk(
    *, user: User | AnonymousUser, year: int, level: str | None = None, district: District | None = None
) -> QuerySet[Assessment]:
    """Communes at risk of revocation under Decision 18/2022 (criteria.selectors.revocation_risk_list)."""
    from criteria.selectors import revocation_risk_list

    return revocation_risk_list(user=user, year=year, level=level, district=district)


def area_label(*, user: User | AnonymousUser, district: District | None = None) -> str:
    """The area a page covers, in words ("Tỉnh Thái Nguyên", "Huyện Phú Bình, Xã Tân Khánh")."""
    if district is not None:
        return district.name
    s = scope.scope_for(user)
    if s.everything:
        return _("Every province")
    from communes.models import Province

    names = []
    for model, ids in ((Province, s.province_ids), (District, s.district_ids), (Commune, s.commune_ids)):
        if ids:
            names += list(model.objects.filter(pk__in=ids).order_by("code").values_list("name", flat=True))
    return ", ".join(names) or _("No area")


# --- charts ---------------------------------------------------------------------------------------------------------


def chart_data(
    *, figures: UnitFigures, buckets: dict[str, Any] | None, capital_years: list[YearGroups] | None = None
) -> dict[str, Any]:
    """What static/js/dashboard.js draws (serialised with json_script): plain labels and numbers."""
    data: dict[str, Any] = {}
    if capital_years:
        data["capital"] = _capital_chart(capital_years)
    if buckets:
        data["buckets"] = {
            "labels": buckets["labels"],
            "values": [buckets[key] for key in BUCKET_KEYS],
            "label": _("Communes"),
        }
    rows = [r for r in figures.rows if r.xa_total]
    if rows and figures.by == "district":
        data["units"] = {
            "labels": [r.name for r in rows],
            "stacked": True,
            "series": [
                {"label": _("Model NTM"), "values": [r.model for r in rows]},
                {"label": _("Advanced NTM (not model)"), "values": [r.advanced - r.model for r in rows]},
                {"label": _("NTM (basic only)"), "values": [r.ntm - r.advanced for r in rows]},
                {"label": _("Not yet NTM"), "values": [r.xa_total - r.ntm for r in rows]},
            ],
        }
    elif rows:
        data["units"] = {
            "labels": [r.name for r in rows],
            "stacked": False,
            "max": max((r.criteria_total or 0) for r in rows) or None,
            "series": [
                {
                    "label": _("Basic criteria met"),
                    "values": [r.criteria_met or 0 for r in rows],
                    "levels": [LEVEL_ORDER.index(r.level) + 1 if r.level else 0 for r in rows],
                }
            ],
        }
    return data


def _capital_chart(years: list[YearGroups]) -> dict[str, Any]:
    """Capital by source group and year: per year one bar of the plan and one of what was mobilised, each stacked
    by source group, in billions of đồng."""
    from funding.choices import SourceGroup

    def billions(amount: int) -> float:
        return float(round(Decimal(amount) / 1_000_000_000, 1))

    series = []
    for stack, label in (("planned", _("{group} (planned)")), ("mobilised", _("{group} (mobilised)"))):
        for i, (group, group_label) in enumerate(SourceGroup.choices):
            values = [billions(getattr(y.groups[group], stack)) if group in y.groups else 0 for y in years]
            if any(values):
                series.append(
                    {
                        "label": label.format(group=group_label),
                        "stack": stack,
                        "colour": i,
                        "light": stack == "planned",
                        "values": values,
                    }
                )
    return {
        "labels": [str(y.year) for y in years],
        "stacked": True,
        "unit": _("billion đồng"),
        "series": series,
    }
