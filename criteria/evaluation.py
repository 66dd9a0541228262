"""THE one place that decides whether an indicator, a criterion and an assessment are met, and says why not.

Pure functions over already-loaded rows: no queries here. The services load what they need in a fixed number of
queries, call `evaluate()`, and store the outcome (IndicatorValue.is_met, CriterionResult, counts on Assessment).
Reasons are kept as facts (`details`, JSON-safe dicts) and turned into sentences by `format_reason()` in the
active language, e.g. "17.1: 72% < 85% required in the Trung du và miền núi phía Bắc region".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import number
from core.text import fold

from .choices import Comparator, ValueType

# Reason kinds (stored in CriterionResult.details).
MISSING = "missing"
NO_TARGET = "no_target"
BELOW = "below"
ABOVE = "above"
DIFFERS = "differs"
NOT_MET = "not_met"
NO_INDICATORS = "no_indicators"


@dataclass
class IndicatorOutcome:
    indicator_id: int
    is_met: bool
    detail: dict | None = None  # None when met


@dataclass
class CriterionOutcome:
    criterion_id: int
    is_met: bool
    is_revocation_key: bool
    details: list[dict] = field(default_factory=list)
    indicators: list[IndicatorOutcome] = field(default_factory=list)


@dataclass
class AssessmentOutcome:
    criteria: list[CriterionOutcome]

    @property
    def criteria_total(self) -> int:
        return len(self.criteria)

    @property
    def criteria_met(self) -> int:
        return sum(1 for c in self.criteria if c.is_met)

    @property
    def key_criteria_unmet(self) -> int:
        return sum(1 for c in self.criteria if not c.is_met and c.is_revocation_key)

    @property
    def is_all_met(self) -> bool:
        return bool(self.criteria) and self.criteria_met == self.criteria_total


# --- targets ----------------------------------------------------------------------------------------------------


def target_for(targets: Iterable, *, year: int, region_id: int | None, commune_group: int | None):
    """The target that applies to a unit: its commune group's, else its region's, else the general one.

    Among targets of the same kind, one limited to certain years beats one without years.
    """
    best, best_rank = None, None
    for target in targets:
        if not target.covers_year(year):
            continue
        if target.commune_group is not None:
            if target.commune_group != commune_group:
                continue
            kind_rank = 0
        elif target.region_id is not None:
            if target.region_id != region_id:
                continue
            kind_rank = 1
        else:
            kind_rank = 2
        rank = (kind_rank, 0 if (target.year_from or target.year_to) else 1)
        if best_rank is None or rank < best_rank:
            best, best_rank = target, rank
    return best


def _target_scope(target) -> dict:
    if target is None:
        return {}
    if target.commune_group is not None:
        return {"group": target.commune_group}
    if target.region_id is not None:
        return {"region": target.region.name}
    return {}


# --- indicators -------------------------------------------------------------------------------------------------


def evaluate_indicator(indicator, target, value, *, year: int, pk: int | None = None) -> IndicatorOutcome:
    """Met / not met for one indicator. `value` is an IndicatorValue or None (nothing entered); `pk`, the
    indicator's, when the caller has read it already (`.pk` is a property, and this runs millions of times)."""
    pk = indicator.pk if pk is None else pk
    # A year of the whole country evaluates millions of indicators, most of them met: the facts of a failure are
    # only gathered for one.

    def fail(kind, **extra):
        detail = {
            "code": indicator.code,
            "value_type": indicator.value_type,
            "comparator": indicator.comparator,
            "unit": indicator.unit,
            **_target_scope(target),
        }
        return IndicatorOutcome(pk, False, {**detail, "kind": kind, **extra})

    ok = IndicatorOutcome(pk, True)
    vtype, comp = indicator.value_type, indicator.comparator

    if vtype == ValueType.BOOL:
        answered = None if value is None else value.value_bool
        if answered is None:
            return fail(MISSING)
        expected = True
        if comp == Comparator.EQ and target is not None and target.value is not None:
            expected = bool(target.value)
        return ok if answered == expected else fail(NOT_MET, value=answered, target=expected)

    if vtype == ValueType.TEXT:
        text = "" if value is None else (value.value_text or "").strip()
        if not text:
            return fail(MISSING)
        if comp == Comparator.EQ:
            if target is None or not target.text_value:
                return fail(NO_TARGET, year=year)
            if fold(text) != fold(target.text_value):
                return fail(DIFFERS, value=text, target=target.text_value)
        return ok

    # Numbers: percent, amount, count.
    amount = None if value is None else value.value_number
    if amount is None:
        return fail(MISSING)
    if target is None or target.value is None:
        return fail(NO_TARGET, year=year)
    goal = Decimal(target.value)
    amount = Decimal(amount)
    if comp == Comparator.GTE and amount < goal:
        return fail(BELOW, gap=_dec(goal - amount), value=_dec(amount), target=_dec(goal))
    if comp == Comparator.LTE and amount > goal:
        return fail(ABOVE, gap=_dec(amount - goal), value=_dec(amount), target=_dec(goal))
    if comp == Comparator.EQ and amount != goal:
        return fail(DIFFERS, gap=_dec(abs(goal - amount)), value=_dec(amount), target=_dec(goal))
    if comp == Comparator.MET and amount <= 0:
        return fail(NOT_MET, value=_dec(amount), target=_dec(goal))
    return ok


# --- assessments ------------------------------------------------------------------------------------------------


def evaluate(
    *,
    criteria: Iterable,
    indicators_by_criterion: Mapping[int, list],
    targets_by_indicator: Mapping[int, list],
    values_by_indicator: Mapping[int, object],
    year: int,
    region_id: int | None,
    commune_group: int | None,
    target_cache: dict | None = None,
) -> AssessmentOutcome:
    """Evaluate every criterion of a set for one unit and year. A criterion is met when all its indicators are.

    `target_cache`, a dict the caller keeps across calls, remembers the target found per indicator, year, region
    and commune group (a year of the whole country has a few hundred such combinations, not millions)."""
    outcomes = []
    for criterion in criteria:
        indicators = indicators_by_criterion.get(criterion.pk, [])
        c_out = CriterionOutcome(criterion.pk, True, criterion.is_revocation_key)
        if not indicators:
            c_out.is_met = False
            c_out.details.append({"code": criterion.code, "kind": NO_INDICATORS})
        for indicator in indicators:
            pk = indicator.pk
            key = (pk, year, region_id, commune_group)
            if target_cache is not None and key in target_cache:
                target = target_cache[key]
            else:
                target = target_for(
                    targets_by_indicator.get(pk, []),
                    year=year,
                    region_id=region_id,
                    commune_group=commune_group,
                )
                if target_cache is not None:
                    target_cache[key] = target
            i_out = evaluate_indicator(indicator, target, values_by_indicator.get(pk), year=year, pk=pk)
            c_out.indicators.append(i_out)
            if not i_out.is_met:
                c_out.is_met = False
                c_out.details.append(i_out.detail)
        outcomes.append(c_out)
    return AssessmentOutcome(outcomes)


def is_revocation_risk(*, criteria_total: int, criteria_met: int, key_criteria_unmet: int) -> bool:
    """Decision 18/2022: 50% or more of the criteria unmet, or 30–50% unmet including a key criterion."""
    if not criteria_total:
        return False
    unmet = criteria_total - criteria_met
    if unmet * 100 >= 50 * criteria_total:
        return True
    return unmet * 100 >= 30 * criteria_total and key_criteria_unmet > 0


# --- wording ----------------------------------------------------------------------------------------------------


def _dec(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def format_quantity(raw, value_type: str, unit: str = "") -> str:
    """A value as people write it: "72%", "39 triệu đồng/người/năm", "1.500" (Vietnamese separators)."""
    if raw is None or raw == "":
        return "–"
    if value_type == ValueType.BOOL or isinstance(raw, bool):
        return _("yes") if raw in (True, "True", "true") else _("no")
    if value_type == ValueType.TEXT:
        return str(raw)
    amount = Decimal(str(raw))
    decimals = max(0, min(2, -amount.normalize().as_tuple().exponent))
    text = number(amount, decimals)
    if value_type == ValueType.PERCENT or unit == "%":
        return text + "%"
    return f"{text} {unit}".strip()


def _where(detail: dict) -> str:
    if detail.get("region"):
        return _(" in the {region} region").format(region=detail["region"])
    if detail.get("group"):
        return _(" for commune group {group}").format(group=detail["group"])
    return ""


def format_reason(detail: dict) -> str:
    """One sentence for one failing indicator, in the active language."""
    code = detail.get("code", "")
    kind = detail.get("kind")
    vtype, unit = detail.get("value_type", ""), detail.get("unit", "")
    if kind == MISSING:
        return _("{code}: no value entered").format(code=code)
    if kind == NO_TARGET:
        return _("{code}: no target set for {year}").format(code=code, year=detail.get("year", ""))
    if kind == NO_INDICATORS:
        return _("{code}: the criterion has no indicators").format(code=code)
    value = format_quantity(detail.get("value"), vtype, unit)
    target = format_quantity(detail.get("target"), vtype, unit)
    if kind == BELOW:
        return _("{code}: {value} < {target} required{where}").format(
            code=code, value=value, target=target, where=_where(detail)
        )
    if kind == ABOVE:
        return _("{code}: {value} > {target} allowed at most{where}").format(
            code=code, value=value, target=target, where=_where(detail)
        )
    if kind == DIFFERS:
        return _("{code}: {value} instead of {target} required{where}").format(
            code=code, value=value, target=target, where=_where(detail)
        )
    return _("{code}: not met").format(code=code)


def format_gap(detail: dict) -> str:
    """How far an indicator is from its target ("13 percentage points more needed"), or "" when not numeric."""
    gap = detail.get("gap")
    if gap in (None, ""):
        return ""
    amount = format_quantity(gap, detail.get("value_type", ""), detail.get("unit", ""))
    if detail.get("value_type") == ValueType.PERCENT:
        amount = amount.rstrip("%")
        if detail.get("kind") == ABOVE:
            return _("{amount} percentage points too high").format(amount=amount)
        return _("{amount} percentage points short").format(amount=amount)
    if detail.get("kind") == ABOVE:
        return _("{amount} too high").format(amount=amount)
    return _("{amount} short").format(amount=amount)
