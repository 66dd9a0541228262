"""Demo assessments for 2023: every xã of Thái Nguyên (province 19) against the basic set, the advanced set for
the advanced communes, and the model-commune conditions for the model ones, consistent with the recognised levels
(118 of 126 NTM, 33 advanced, 10 model). `demo_levels()` is the one rule choosing which commune is at which level;
the verification demo imports it to create matching recognitions.

Values are generated from the targets that apply, then evaluated by criteria.evaluation like any other values.
"""

import json
import random
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from communes.choices import CommuneType
from communes.models import Commune, Province, Region

from . import evaluation
from .choices import Comparator, StandardLevel, ValueType
from .loader import load_criteria
from .models import Assessment, IndicatorValue
from .selectors import criteria_set_structure
from .services import assessments_evaluate

YEAR = 2023
PROVINCE_CODE = "19"
REGION_CODE = "TDMNPB"  # Thái Nguyên is a northern midlands and mountains province
DATA_FILE = Path(settings.BASE_DIR) / "communes" / "data" / "thai_nguyen_2023.json"
SEED = 2023
NTM_COUNT, ADVANCED_COUNT, MODEL_COUNT = 118, 33, 10
OFFICER_COMMUNE = "05917"  # Xã Tân Khánh: 17/19, fixed in the browser journey
OFFICER_FAILS = {"TC17": Decimal("72"), "TC15": Decimal("80")}  # criterion code → value of its first indicator
# Districts not yet recognised at the end of 2023 (Phú Lương, Đồng Hỷ, Võ Nhai) hold the other not-yet-NTM xã.
UNRECOGNISED_DISTRICTS = ("168", "169", "170")
SET_CODES = {
    StandardLevel.BASIC: "XA-NTM-2021",
    StandardLevel.ADVANCED: "XA-NC-2021",
    StandardLevel.MODEL: "XA-KM-2021",
}
STANDOUT_FIELDS = ["Giáo dục", "Văn hóa", "Sản xuất nông nghiệp", "Du lịch nông thôn"]


@cache
def _xa_by_district() -> dict[str, list[str]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    province = next(p for p in data["provinces"] if p["code"] == PROVINCE_CODE)
    return {
        d["code"]: sorted(c["code"] for c in d["communes"] if c["unit_type"] == CommuneType.COMMUNE)
        for d in province["districts"]
    }


def demo_levels() -> dict[str, str | None]:
    """Commune code → highest level recognised at the end of 2023 (None: not yet NTM). Deterministic."""
    by_district = _xa_by_district()
    codes = sorted(c for codes in by_district.values() for c in codes)
    rng = random.Random(SEED)
    candidates = sorted(c for d in UNRECOGNISED_DISTRICTS for c in by_district.get(d, []))
    not_ntm = {OFFICER_COMMUNE, *rng.sample(candidates, len(codes) - NTM_COUNT - 1)}
    ntm = [c for c in codes if c not in not_ntm]
    advanced = sorted(rng.sample(ntm, ADVANCED_COUNT))
    model = set(rng.sample(advanced, MODEL_COUNT))
    levels: dict[str, str | None] = {}
    for code in codes:
        if code in not_ntm:
            levels[code] = None
        elif code in model:
            levels[code] = StandardLevel.MODEL
        elif code in advanced:
            levels[code] = StandardLevel.ADVANCED
        else:
            levels[code] = StandardLevel.BASIC
    return levels


def demo_basic_met() -> dict[str, int]:
    """Commune code → basic criteria met in 2023 for the not-yet-NTM xã (12 to 18; Tân Khánh 17)."""
    rng = random.Random(SEED + 1)
    others = sorted(c for c, level in demo_levels().items() if level is None and c != OFFICER_COMMUNE)
    met = {OFFICER_COMMUNE: 19 - len(OFFICER_FAILS)}
    for i, code in enumerate(others):
        met[code] = 12 if i == 0 else rng.randint(13, 18)  # the first is at risk under 18/2022 (income unmet)
    return met


# --- value generation -------------------------------------------------------------------------------------------


def _round(value: Decimal, up: bool) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_CEILING if up else ROUND_FLOOR)


def _met_value(indicator, target, rng):
    vtype, comp = indicator.value_type, indicator.comparator
    if vtype == ValueType.BOOL:
        return bool(target.value) if (comp == Comparator.EQ and target and target.value is not None) else True
    if vtype == ValueType.TEXT:
        return target.text_value if (comp == Comparator.EQ and target) else rng.choice(STANDOUT_FIELDS)
    goal = Decimal(target.value)
    if vtype == ValueType.COUNT:
        return goal if comp in (Comparator.LTE, Comparator.EQ) else goal + rng.randint(0, 3)
    if comp == Comparator.EQ:
        return goal
    if comp == Comparator.LTE:
        return max(Decimal(0), _round(goal - goal * Decimal(rng.uniform(0, 0.4)), up=False))
    ceiling = Decimal(100) if vtype == ValueType.PERCENT else goal * Decimal("1.6")
    return min(ceiling, _round(goal + (ceiling - goal) * Decimal(rng.uniform(0, 0.8)), up=True))


def _unmet_value(indicator, target, rng, forced=None):
    vtype, comp = indicator.value_type, indicator.comparator
    if forced is not None:
        return forced
    if vtype == ValueType.BOOL:
        return False
    if vtype == ValueType.TEXT:
        return None
    goal = Decimal(target.value)
    if vtype == ValueType.COUNT:
        return goal + rng.randint(1, 4) if comp == Comparator.LTE else max(Decimal(0), goal - 1)
    if comp == Comparator.LTE:
        return _round(goal + Decimal(rng.uniform(0.5, 5)), up=True)
    return max(Decimal(0), _round(goal * Decimal(rng.uniform(0.7, 0.95)), up=False))


def _value_row(assessment, indicator, value) -> IndicatorValue | None:
    if value is None:
        return None
    row = IndicatorValue(assessment=assessment, indicator=indicator)
    if indicator.value_type == ValueType.BOOL:
        row.value_bool = value
    elif indicator.value_type == ValueType.TEXT:
        row.value_text = value
    else:
        row.value_number = Decimal(value)
    return row


def _values_for(assessment, structure, commune, failing: dict[str, Decimal | None], rng) -> list[IndicatorValue]:
    """Values meeting every target, except the first indicator of each criterion listed in `failing`."""
    rows = []
    for criterion in structure.criteria:
        for position, indicator in enumerate(structure.indicators_by_criterion.get(criterion.pk, [])):
            target = evaluation.target_for(
                structure.targets_by_indicator.get(indicator.pk, []),
                year=assessment.year,
                region_id=commune.target_region_id,
                commune_group=commune.commune_group,
            )
            if criterion.code in failing and position == 0:
                value = _unmet_value(indicator, target, rng, failing[criterion.code])
            else:
                value = _met_value(indicator, target, rng)
            row = _value_row(assessment, indicator, value)
            if row is not None:
                rows.append(row)
    return rows


def _failing_criteria(code: str, structure, met: int, rng) -> dict[str, Decimal | None]:
    if code == OFFICER_COMMUNE:
        return dict(OFFICER_FAILS)
    codes = [c.code for c in structure.criteria]
    unmet = len(codes) - met
    chosen = rng.sample(codes, unmet)
    if met == 12 and "TC10" not in chosen:
        chosen[0] = "TC10"
    return dict.fromkeys(chosen)


# --- loader -----------------------------------------------------------------------------------------------------


@transaction.atomic
def load(*, stdout) -> None:
    summary = load_criteria()
    stdout.write(f"Criteria: {summary}")
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    if province is None:
        stdout.write("Criteria demo: province 19 is not loaded; no assessments created.")
        return
    if province.region_id is None:
        province.region = Region.objects.get(code=REGION_CODE)
        province.save(update_fields=["region"])
    communes = {
        c.code: c
        for c in Commune.objects.current()
        .filter(province=province, unit_type=CommuneType.COMMUNE)
        .select_related("province")
    }
    levels, basic_met = demo_levels(), demo_basic_met()
    structures = {level: criteria_set_structure(criteria_set=_set(code)) for level, code in SET_CODES.items()}
    existing = set(
        Assessment.objects.filter(year=YEAR, commune__in=communes.values()).values_list(
            "commune__code", "criteria_set_id"
        )
    )
    rng = random.Random(SEED + 2)
    new_assessments, values = [], []
    for code in sorted(levels):
        commune = communes.get(code)
        if commune is None:
            continue
        level = levels[code]
        wanted = [StandardLevel.BASIC]
        if level in (StandardLevel.ADVANCED, StandardLevel.MODEL):
            wanted.append(StandardLevel.ADVANCED)
        if level == StandardLevel.MODEL:
            wanted.append(StandardLevel.MODEL)
        for set_level in wanted:
            structure = structures[set_level]
            if (code, structure.criteria_set.pk) in existing:
                continue
            assessment = Assessment(commune=commune, year=YEAR, criteria_set=structure.criteria_set)
            failing = {}
            if set_level == StandardLevel.BASIC and level is None:
                failing = _failing_criteria(code, structure, basic_met[code], rng)
            new_assessments.append(assessment)
            values.append((assessment, structure, commune, failing))
    if not new_assessments:
        stdout.write("Criteria demo: assessments already loaded.")
        return
    Assessment.objects.bulk_create(new_assessments, batch_size=500)
    rows = []
    for assessment, structure, commune, failing in values:
        rows.extend(_values_for(assessment, structure, commune, failing, rng))
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    assessments_evaluate(assessments=new_assessments)
    _check(new_assessments, levels, basic_met)
    stdout.write(f"Criteria demo: {len(new_assessments)} assessments and {len(rows)} indicator values for {YEAR}.")


def _set(code):
    from .models import CriteriaSet

    return CriteriaSet.objects.get(code=code)


def _check(assessments, levels, basic_met) -> None:
    """The generated values must evaluate to the planned levels; a mismatch is a bug in the demo, not data."""
    for a in assessments:
        code, level = a.commune.code, a.criteria_set.level
        expected_all = levels[code] is not None
        if level == StandardLevel.BASIC and not expected_all:
            ok = a.criteria_met == basic_met[code]
        else:
            ok = a.is_all_met
        if not ok:
            raise RuntimeError(f"demo values for {code} ({level}) evaluate to {a.criteria_met}/{a.criteria_total}")
