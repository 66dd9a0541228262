"""Demo assessments for Thái Nguyên (province 19): every xã for 2023 against the basic set, the advanced set for
the advanced communes, and the model-commune conditions for the model ones, consistent with the recognised levels
(118 of 126 NTM, 33 advanced, 10 model). `demo_levels()` is the one rule choosing which commune is at which level;
the verification demo imports it to create matching recognitions.

Every xã of a district-level unit recognised by the end of 2023 is NTM: the 8 not yet NTM lie in the three units not
recognised (Phú Lương, Đồng Hỷ, Võ Nhai). The demo commune officer's Xã Tân Khánh (05917, Phú Bình) is NTM (basic,
never advanced in 2023) and goes for advanced in 2024, the plan year: its 2024 advanced scorecard has 17 of 19
criteria met (the browser journey fixes the two others), its 2024 basic one all. The other demos ask for more 2024
scorecards through `scorecards_ensure()` (the live dossiers' communes, all criteria met).

Values are generated from the targets that apply, then evaluated by criteria.evaluation like any other values.
"""

import json
import random
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from communes.choices import CommuneType
from communes.models import Commune, Province, Region

from . import evaluation
from .choices import Comparator, StandardLevel, ValueType
from .loader import load_criteria
from .models import Assessment, CriteriaSet, IndicatorValue
from .selectors import criteria_set_structure
from .services import assessments_evaluate

YEAR = 2023  # the demo's state: the end of 2023
PLAN_YEAR = 2024  # the plan year: live dossiers and their scorecards
PROVINCE_CODE = "19"
REGION_CODE = "TDMNPB"  # Thái Nguyên is a northern midlands and mountains province
DATA_FILE = Path(settings.BASE_DIR) / "communes" / "data" / "thai_nguyen_2023.json"
SEED = 2023
NTM_COUNT, ADVANCED_COUNT, MODEL_COUNT = 118, 33, 10
OFFICER_COMMUNE = "05917"  # Xã Tân Khánh (Phú Bình): NTM; its 2024 advanced scorecard is fixed in the browser journey
OFFICER_LEVEL = StandardLevel.ADVANCED  # the level Tân Khánh goes for in 2024
# Criterion code of the advanced set → value of its first indicator, well short of the target (TDMNPB): 14.1 health
# insurance 86% (target 92%), 17.1 clean water 82% (target 90%).
OFFICER_FAILS = {"NC14": Decimal("86"), "NC17": Decimal("82")}
# Districts not yet recognised at the end of 2023 (Phú Lương, Đồng Hỷ, Võ Nhai) hold every not-yet-NTM xã.
UNRECOGNISED_DISTRICTS = ("168", "169", "170")
SET_CODES = {
    StandardLevel.BASIC: "XA-NTM-2021",
    StandardLevel.ADVANCED: "XA-NC-2021",
    StandardLevel.MODEL: "XA-KM-2021",
}
LEVELS = [StandardLevel.BASIC, StandardLevel.ADVANCED, StandardLevel.MODEL]
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
    """Commune code → highest level recognised at the end of 2023 (None: not yet NTM). Deterministic.

    The not-yet-NTM xã are drawn from the unrecognised districts only; Tân Khánh is never advanced or model."""
    by_district = _xa_by_district()
    codes = sorted(c for codes in by_district.values() for c in codes)
    rng = random.Random(SEED)
    candidates = sorted(c for d in UNRECOGNISED_DISTRICTS for c in by_district.get(d, []))
    not_ntm = set(rng.sample(candidates, len(codes) - NTM_COUNT))
    ntm = [c for c in codes if c not in not_ntm]
    advanced = sorted(rng.sample([c for c in ntm if c != OFFICER_COMMUNE], ADVANCED_COUNT))
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
    """Commune code → basic criteria met in 2023 for the not-yet-NTM xã (12 to 18)."""
    rng = random.Random(SEED + 1)
    others = sorted(c for c, level in demo_levels().items() if level is None)
    return {code: 12 if i == 0 else rng.randint(13, 18) for i, code in enumerate(others)}  # the first: at risk


def levels_up_to(level: str) -> list[str]:
    """The commune sets a commune at `level` is assessed against: basic; basic and advanced; all three."""
    return LEVELS[: LEVELS.index(level) + 1]


# The 2024 dossiers under way in the demo: (district code, level held at the end of 2023, level asked). The
# verification demo opens one for a commune of each row (and says where it waits); the programs demo registers those
# communes against the plan's targets. Both take the communes from `live_dossier_picks()`.
LIVE_DOSSIERS = [
    ("173", StandardLevel.BASIC, StandardLevel.ADVANCED),
    ("173", StandardLevel.BASIC, StandardLevel.ADVANCED),
    ("173", StandardLevel.ADVANCED, StandardLevel.MODEL),
    ("171", StandardLevel.BASIC, StandardLevel.ADVANCED),
    ("167", StandardLevel.ADVANCED, StandardLevel.MODEL),
    ("169", StandardLevel.BASIC, StandardLevel.ADVANCED),
]
LIVE_SEED = 2013


def live_dossier_picks(levels: dict[str, str | None], district_of: dict[str, str]) -> list[tuple[int, str, str]]:
    """(row of LIVE_DOSSIERS, commune code, level asked) of each live dossier: a commune of the row's district at the
    row's current level, drawn by seed (never the demo commune, never twice). `district_of`: commune code → district
    code. Deterministic."""
    rng = random.Random(LIVE_SEED)
    used, picks = set(), []
    for row, (district_code, current, wanted) in enumerate(LIVE_DOSSIERS):
        pool = sorted(
            c
            for c, level in levels.items()
            if level == current and c != OFFICER_COMMUNE and c not in used and district_of.get(c) == district_code
        )
        if not pool:
            continue
        code = rng.choice(pool)
        used.add(code)
        picks.append((row, code, wanted))
    return picks


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


def _failing_criteria(structure, met: int, rng) -> dict[str, Decimal | None]:
    """Criteria to leave unmet so that `met` of them are met; an income failure for the one at risk (12 met)."""
    codes = [c.code for c in structure.criteria]
    chosen = rng.sample(codes, len(codes) - met)
    if met == 12 and "TC10" not in chosen:
        chosen[0] = "TC10"
    return dict.fromkeys(chosen)


# --- generation of a batch of scorecards ------------------------------------------------------------------------


@dataclass
class Planned:
    """One scorecard to generate: a commune against the commune set of `level`. `failing` names the criteria to
    leave unmet (criterion code → value of its first indicator, None to draw one); else `met` criteria are met,
    chosen at random; else all."""

    commune: Commune
    level: str
    met: int | None = None
    failing: dict[str, Decimal | None] | None = None


def _structures(levels) -> dict:
    sets = {s.code: s for s in CriteriaSet.objects.filter(code__in=[SET_CODES[lvl] for lvl in levels])}
    return {lvl: criteria_set_structure(criteria_set=sets[SET_CODES[lvl]]) for lvl in levels if SET_CODES[lvl] in sets}


def _generate(year: int, planned: list[Planned]) -> tuple[list[Assessment], int]:
    """Create the planned scorecards of `year` that do not exist yet: values meeting or missing the targets as
    planned, evaluated, then checked. Returns the new assessments and the number of values. Each scorecard draws
    from its own seed (commune, year, level), so its values never depend on what else is generated with it."""
    if not planned:
        return [], 0
    structures = _structures({p.level for p in planned})
    existing = set(
        Assessment.objects.filter(year=year, commune__in=[p.commune for p in planned]).values_list(
            "commune_id", "criteria_set_id"
        )
    )
    new, todo, expected = [], [], {}
    for p in planned:
        structure = structures.get(p.level)
        if structure is None or (p.commune.pk, structure.criteria_set.pk) in existing:
            continue
        existing.add((p.commune.pk, structure.criteria_set.pk))
        rng = random.Random(f"{SEED}-{year}-{p.commune.code}-{p.level}")
        failing = p.failing
        if failing is None:
            failing = _failing_criteria(structure, p.met, rng) if p.met is not None else {}
        assessment = Assessment(commune=p.commune, year=year, criteria_set=structure.criteria_set)
        new.append(assessment)
        todo.append((assessment, structure, p.commune, failing, rng))
        expected[id(assessment)] = len(structure.criteria) - len(failing)
    if not new:
        return [], 0
    Assessment.objects.bulk_create(new, batch_size=500)
    rows = []
    for assessment, structure, commune, failing, rng in todo:
        rows.extend(_values_for(assessment, structure, commune, failing, rng))
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    assessments_evaluate(assessments=new)
    _check(new, expected)
    return new, len(rows)


def _check(assessments, expected: dict[int, int]) -> None:
    """The generated values must evaluate as planned; a mismatch is a bug in the demo, not data."""
    for a in assessments:
        if a.criteria_met != expected[id(a)] or a.is_all_met != (a.criteria_met == a.criteria_total):
            raise RuntimeError(
                f"demo values for {a.commune.code} {a.year} ({a.criteria_set.level}) evaluate to "
                f"{a.criteria_met}/{a.criteria_total}, planned {expected[id(a)]}"
            )


def scorecards_ensure(*, wanted, year: int = PLAN_YEAR) -> int:
    """For each (commune, level) in `wanted`: the commune's scorecards of `year` against every commune set up to
    `level` (basic; basic and advanced; all three), every criterion met, created when missing. For the other demos'
    live dossiers. Returns how many were created (none when the criteria sets are not loaded)."""
    ids = {commune.pk for commune, _level in wanted}
    communes = Commune.objects.select_related("province").in_bulk(ids)
    planned = [
        Planned(communes[commune.pk], set_level) for commune, level in wanted for set_level in levels_up_to(level)
    ]
    return len(_generate(year, planned)[0])


# --- loader -----------------------------------------------------------------------------------------------------


@transaction.atomic
def load(*, stdout) -> None:
    summary = load_criteria()
    stdout.write(
        gettext("Criteria sets {sets}: {created} records created, {updated} updated.").format(
            sets=", ".join(summary.sets), created=sum(summary.created.values()), updated=sum(summary.updated.values())
        )
    )
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    if province is None:
        stdout.write(gettext("Criteria demo: province 19 is not loaded; no assessments created."))
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
    planned = []
    for code in sorted(levels):
        commune = communes.get(code)
        if commune is None:
            continue
        level = levels[code]
        if level is None:
            planned.append(Planned(commune, StandardLevel.BASIC, met=basic_met[code]))
        else:
            planned.extend(Planned(commune, set_level) for set_level in levels_up_to(level))
    made, values = _generate(YEAR, planned)
    officer = communes.get(OFFICER_COMMUNE)
    made_2024, values_2024 = [], 0
    if officer is not None:
        made_2024, values_2024 = _generate(
            PLAN_YEAR,
            [
                Planned(officer, StandardLevel.BASIC),
                Planned(officer, OFFICER_LEVEL, failing=dict(OFFICER_FAILS)),
            ],
        )
    if not made and not made_2024:
        stdout.write(gettext("Criteria demo: assessments already loaded."))
        return
    stdout.write(
        gettext(
            "Criteria demo: {assessments} assessments and {values} indicator values for {year}; {assessments_plan} "
            "assessments and {values_plan} values for {plan_year} (Xã Tân Khánh)."
        ).format(
            assessments=len(made),
            values=values,
            year=YEAR,
            assessments_plan=len(made_2024),
            values_plan=values_2024,
            plan_year=PLAN_YEAR,
        )
    )
