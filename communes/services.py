"""Administrative units: loading the official lists and applying reorganisations. The only module that writes units.

A unit is identified by its official code *and* its name and type: a code that comes back under another name (a
merger, a ward that became a commune) is a new unit, so the records that named the old one stay attached to it.
Everything is read and checked first; the database is written in one transaction, in bulk, or not at all.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.importing import CODE_WIDTH, official_code
from core.text import fold

from .choices import CommuneType, DistrictType, ProvinceType, UnitLevel
from .models import Commune, District, Province, Region, UnitSuccession

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE_REGIONS_FILE = DATA_DIR / "province_regions.json"
TWO_TIER_FROM = datetime.date(2025, 7, 1)
ERA_BEFORE_TWO_TIER = "before_2025_07_01"
ERA_TWO_TIER = "from_2025_07_01"

UNIT_TYPES = {
    UnitLevel.PROVINCE: set(ProvinceType.values),
    UnitLevel.DISTRICT: set(DistrictType.values),
    UnitLevel.COMMUNE: set(CommuneType.values),
}
MODELS = {UnitLevel.PROVINCE: Province, UnitLevel.DISTRICT: District, UnitLevel.COMMUNE: Commune}
NAME_MAX_LENGTH = 128
MAX_ERRORS_SHOWN = 20

# vietnam-provinces 2025.x spells the division type in Vietnamese.
PACKAGE_PROVINCE_TYPES = {"tỉnh": ProvinceType.PROVINCE, "thành phố trung ương": ProvinceType.CITY}
PACKAGE_COMMUNE_TYPES = {
    "xã": CommuneType.COMMUNE,
    "phường": CommuneType.WARD,
    "thị trấn": CommuneType.TOWNSHIP,
    "đặc khu": CommuneType.SPECIAL_ZONE,
}


class AdminUnitDataError(Exception):
    """The data or the database state does not allow the load; `errors` names each offending record."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = self.errors[:MAX_ERRORS_SHOWN]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and {count} more.").format(count=len(self.errors) - MAX_ERRORS_SHOWN))
        super().__init__("\n".join(shown))


# ---------------------------------------------------------------------------------------------------------------
# Snapshots: the normalised form every source is read into
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRecord:
    """One unit of a snapshot. `path` names it in the source ("provinces[0].districts[3].communes[7]")."""

    level: str
    path: str
    code: str
    name: str
    unit_type: str
    province_code: str = ""
    district_code: str | None = None
    has_district_tier: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, name_key(self.name), self.unit_type)

    def describe(self) -> str:
        return "{} {}".format(self.code, self.name)


@dataclass
class Snapshot:
    source: str
    era: str
    as_of: datetime.date | None = None
    provinces: list[UnitRecord] = field(default_factory=list)
    districts: list[UnitRecord] = field(default_factory=list)
    communes: list[UnitRecord] = field(default_factory=list)

    def records(self, level: str) -> list[UnitRecord]:
        return {
            UnitLevel.PROVINCE: self.provinces,
            UnitLevel.DISTRICT: self.districts,
            UnitLevel.COMMUNE: self.communes,
        }[level]

    def only_province(self, code: str) -> Snapshot:
        return Snapshot(
            source=self.source,
            era=self.era,
            as_of=self.as_of,
            provinces=[p for p in self.provinces if p.code == code],
            districts=[d for d in self.districts if d.province_code == code],
            communes=[c for c in self.communes if c.province_code == code],
        )


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def name_key(name: str) -> str:
    """Comparison key for unit names: case, spacing, Unicode form and tone placement ("Hoà" / "Hòa") ignored."""
    syllables = []
    for syllable in unicodedata.normalize("NFD", name or "").casefold().split():
        tones = "".join(ch for ch in syllable if ch in _TONE_MARKS)
        syllables.append("".join(ch for ch in syllable if ch not in _TONE_MARKS) + tones)
    return " ".join(syllables)


def _clean_code(value, *, level: str, path: str, errors: list[str]) -> str | None:
    """A data file's code: present, digits only, not wider than its level's, then padded like every code."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(_("{path}: code missing").format(path=path))
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.append(_("{path}: code {value!r} is not a number").format(path=path, value=value))
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+", text):
        errors.append(_("{path}: code '{code}' is not numeric").format(path=path, code=text))
        return None
    width = CODE_WIDTH[level]
    if len(text) > width:
        errors.append(_("{path}: code '{code}' has more than {width} digits").format(path=path, code=text, width=width))
        return None
    return official_code(text, level=level)


def _clean_name(value, *, path: str, errors: list[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.append(_("{path}: name missing").format(path=path))
        return None
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if len(name) > NAME_MAX_LENGTH:
        errors.append(_("{path}: name longer than {max} characters").format(path=path, max=NAME_MAX_LENGTH))
        return None
    return name


def _clean_type(value, *, level: str, path: str, errors: list[str]) -> str | None:
    if value is None or value == "":
        errors.append(_("{path}: unit_type missing").format(path=path))
        return None
    if value not in UNIT_TYPES[level]:
        errors.append(
            _("{path}: unknown unit type {value!r} (expected one of: {choices})").format(
                path=path, value=value, choices=", ".join(sorted(UNIT_TYPES[level]))
            )
        )
        return None
    return value


def _list(record: dict, key: str, *, path: str, errors: list[str]) -> list:
    value = record.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(_("{path}: '{key}' must be a list").format(path=path, key=key))
        return []
    return value


def snapshot_parse(data, *, source: str, era: str | None = None) -> Snapshot:
    """Check a snapshot in the normalised format (see communes/data/thai_nguyen_2023.json) and return its records.

    Raises AdminUnitDataError listing every bad record by its path; nothing is returned half-read.
    """
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("provinces"), list):
        raise AdminUnitDataError([_("{source}: a top-level 'provinces' list is required").format(source=source)])
    as_of = None
    if data.get("as_of"):
        try:
            as_of = datetime.date.fromisoformat(str(data["as_of"]))
        except ValueError:
            errors.append(_("as_of: {value!r} is not a date (YYYY-MM-DD)").format(value=data["as_of"]))
    snapshot = Snapshot(source=source, era="", as_of=as_of)
    seen: dict[tuple[str, str], str] = {}

    def record(level, raw, path, **extra) -> UnitRecord | None:
        if not isinstance(raw, dict):
            errors.append(_("{path}: expected an object").format(path=path))
            return None
        code = _clean_code(raw.get("code"), level=level, path=path, errors=errors)
        name = _clean_name(raw.get("name"), path=path, errors=errors)
        unit_type = _clean_type(raw.get("unit_type"), level=level, path=path, errors=errors)
        if code is not None:
            if (level, code) in seen:
                errors.append(
                    _("{path}: duplicate code {code} (also at {other})").format(
                        path=path, code=code, other=seen[(level, code)]
                    )
                )
                return None
            seen[(level, code)] = path
        if code is None or name is None or unit_type is None:
            return None
        return UnitRecord(level=level, path=path, code=code, name=name, unit_type=unit_type, **extra)

    for i, raw_province in enumerate(data["provinces"]):
        p_path = "provinces[{}]".format(i)
        raw_districts = (
            _list(raw_province, "districts", path=p_path, errors=errors) if isinstance(raw_province, dict) else []
        )
        raw_communes = (
            _list(raw_province, "communes", path=p_path, errors=errors) if isinstance(raw_province, dict) else []
        )
        province = record(UnitLevel.PROVINCE, raw_province, p_path, has_district_tier=bool(raw_districts))
        p_code = province.code if province else ""
        if province:
            snapshot.provinces.append(province)
        for j, raw_district in enumerate(raw_districts):
            d_path = "{}.districts[{}]".format(p_path, j)
            district = record(UnitLevel.DISTRICT, raw_district, d_path, province_code=p_code)
            if district:
                snapshot.districts.append(district)
            if not isinstance(raw_district, dict):
                continue
            for k, raw_commune in enumerate(_list(raw_district, "communes", path=d_path, errors=errors)):
                commune = record(
                    UnitLevel.COMMUNE,
                    raw_commune,
                    "{}.communes[{}]".format(d_path, k),
                    province_code=p_code,
                    district_code=district.code if district else None,
                )
                if commune:
                    snapshot.communes.append(commune)
        for k, raw_commune in enumerate(raw_communes):
            commune = record(UnitLevel.COMMUNE, raw_commune, "{}.communes[{}]".format(p_path, k), province_code=p_code)
            if commune:
                snapshot.communes.append(commune)
    if errors:
        raise AdminUnitDataError(errors)
    if era is None:
        if as_of is not None:
            era = ERA_BEFORE_TWO_TIER if as_of < TWO_TIER_FROM else ERA_TWO_TIER
        else:
            era = ERA_BEFORE_TWO_TIER if snapshot.districts else ERA_TWO_TIER
    snapshot.era = era
    return snapshot


def snapshot_read(path: Path | str) -> Snapshot:
    """Read a snapshot file in the normalised format."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminUnitDataError([_("{path}: cannot be read ({error})").format(path=path, error=exc)]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AdminUnitDataError(
            [
                _("{path}: not valid JSON (line {line}, column {column}: {error})").format(
                    path=path, line=exc.lineno, column=exc.colno, error=exc.msg
                )
            ]
        ) from exc
    return snapshot_parse(data, source=str(path))


def package_source_path() -> Path:
    import vietnam_provinces

    return Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vietnam-provinces")
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        return "?"


def snapshot_from_package(path: Path | str | None = None) -> Snapshot:
    """The current two-tier list (34 provinces, 3,321 communes) from the installed vietnam-provinces package.

    Its provinces carry `wards` (every commune-level unit); they become `communes` in the normalised form, so
    errors name them provinces[i].communes[j].
    """
    path = Path(path) if path else package_source_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AdminUnitDataError([_("{path}: cannot be read ({error})").format(path=path, error=exc)]) from exc
    if not isinstance(raw, list):
        raise AdminUnitDataError([_("{path}: expected a list of provinces").format(path=path)])

    def code(value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    provinces = []
    for p in raw:
        if not isinstance(p, dict):
            provinces.append(p)
            continue
        p_type = PACKAGE_PROVINCE_TYPES.get(p.get("division_type"), p.get("division_type"))
        name = p.get("name")
        if p_type == ProvinceType.PROVINCE and isinstance(name, str) and not name.startswith("Tỉnh "):
            name = "Tỉnh " + name  # the package drops the prefix for provinces but keeps "Thành phố"
        provinces.append(
            {
                "code": code(p.get("code")),
                "name": name,
                "unit_type": p_type,
                "communes": [
                    {
                        "code": code(w.get("code")),
                        "name": w.get("name"),
                        "unit_type": PACKAGE_COMMUNE_TYPES.get(w.get("division_type"), w.get("division_type")),
                    }
                    if isinstance(w, dict)
                    else w
                    for w in (p.get("wards") or [])
                ],
            }
        )
    return snapshot_parse(
        {"provinces": provinces},
        source="vietnam-provinces {} ({})".format(package_version(), path.name),
        era=ERA_TWO_TIER,
    )


def province_regions(era: str) -> dict[str, str | None]:
    """Province code → region code for the given era, from communes/data/province_regions.json."""
    data = json.loads(PROVINCE_REGIONS_FILE.read_text(encoding="utf-8"))
    return {row["code"]: row.get("region") for row in data[era]}


# ---------------------------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


@dataclass
class LoadReport:
    """What a load or a reorganisation did (or, with dry_run, would do)."""

    source: str = ""
    dry_run: bool = False
    effective_date: datetime.date | None = None
    counts: dict[str, LevelCounts] = field(default_factory=lambda: {lvl: LevelCounts() for lvl in MODELS})
    missing: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    successions_created: int = 0
    successions: list[str] = field(default_factory=list)
    successor_unknown: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.successions_created or any(c.created or c.updated or c.retired for c in self.counts.values()))


# ---------------------------------------------------------------------------------------------------------------
# The one synchronisation core used by the loader and by reorganisations
# ---------------------------------------------------------------------------------------------------------------


def _describe(unit) -> str:
    return "{} {}".format(unit.code, unit.name)


def _key(unit) -> tuple[str, str, str]:
    return (unit.code, name_key(unit.name), unit.unit_type)


class _Plan:
    """Which database rows are kept, retired or created for a target snapshot."""

    def __init__(self):
        self.keep: dict[str, dict[str, object]] = {lvl: {} for lvl in MODELS}  # code → kept row
        self.create: dict[str, list[UnitRecord]] = {lvl: [] for lvl in MODELS}
        self.retire: dict[str, list] = {lvl: [] for lvl in MODELS}
        self.conflicts: list[str] = []
        self.missing: dict[str, list] = {lvl: [] for lvl in MODELS}
        self.scope_province_ids: set[int] = set()  # database provinces whose units the list speaks for


def _plan(snapshot: Snapshot, *, whole_country: bool, current: dict[str, list]) -> _Plan:
    plan = _Plan()
    by_code = {lvl: {u.code: u for u in current[lvl]} for lvl in MODELS}
    for level in MODELS:
        for rec in snapshot.records(level):
            row = by_code[level].get(rec.code)
            if row is not None and _key(row) == rec.key:
                plan.keep[level][rec.code] = row
                continue
            if row is not None:
                plan.conflicts.append(
                    _("{path}: code {code} is held by the current unit '{old}'; the list names '{new}'").format(
                        path=rec.path, code=rec.code, old=row.name, new=rec.name
                    )
                )
                plan.retire[level].append(row)
            plan.create[level].append(rec)
    # Units of the loaded provinces (or of the whole country) that the list no longer names.
    loaded_codes = {p.code for p in snapshot.provinces}
    kept_or_replaced = {
        lvl: {u.pk for u in plan.keep[lvl].values()} | {u.pk for u in plan.retire[lvl]} for lvl in MODELS
    }
    scope_province_ids = {p.pk for p in current[UnitLevel.PROVINCE] if p.code in loaded_codes}
    if whole_country:
        for p in current[UnitLevel.PROVINCE]:
            if p.pk not in kept_or_replaced[UnitLevel.PROVINCE]:
                plan.missing[UnitLevel.PROVINCE].append(p)
                scope_province_ids.add(p.pk)
    for level in (UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        for row in current[level]:
            if row.province_id in scope_province_ids and row.pk not in kept_or_replaced[level]:
                plan.missing[level].append(row)
    plan.scope_province_ids = scope_province_ids
    return plan


def _region_ids(snapshot: Snapshot) -> dict[str, int | None]:
    mapping = province_regions(snapshot.era)
    regions = dict(Region.objects.values_list("code", "id"))
    missing = sorted({r for r in mapping.values() if r and r not in regions})
    if missing:
        raise AdminUnitDataError(
            [_("Region {codes} is not in the database: run `manage.py migrate`.").format(codes=", ".join(missing))]
        )
    return {code: regions[r] if r else None for code, r in mapping.items()}


def _new_unit(rec: UnitRecord, *, valid_from):
    model = MODELS[rec.level]
    unit = model(
        code=rec.code, name=rec.name, search_name=fold(rec.name), unit_type=rec.unit_type, valid_from=valid_from
    )
    # Field checks only: the foreign keys are set after their parents exist; codes were checked against the database.
    unit.full_clean(exclude=["province", "district", "region"], validate_unique=False, validate_constraints=False)
    return unit


def _sync(
    snapshot: Snapshot,
    *,
    whole_country: bool,
    retire_missing: bool,
    effective_date: datetime.date | None,
    legal_basis: str = "",
    report: LoadReport,
) -> None:
    current = {
        UnitLevel.PROVINCE: list(Province.objects.current()),
        UnitLevel.DISTRICT: list(District.objects.current()),
        UnitLevel.COMMUNE: list(Commune.objects.current()),
    }
    plan = _plan(snapshot, whole_country=whole_country, current=current)
    errors = []
    if plan.conflicts and not retire_missing:
        errors.append(
            _(
                "{count} unit(s) in the list reuse the code of a different current unit. Re-run with "
                "--retire-missing --effective-date YYYY-MM-DD to retire the old units and create the new ones:"
            ).format(count=len(plan.conflicts))
        )
        errors.extend(plan.conflicts)
    to_retire = {lvl: plan.retire[lvl] + (plan.missing[lvl] if retire_missing else []) for lvl in MODELS}
    if effective_date:
        for level in MODELS:
            for row in to_retire[level]:
                if row.valid_from and row.valid_from > effective_date:
                    errors.append(
                        _("{unit}: valid from {start}, after the effective date {day}").format(
                            unit=_describe(row), start=row.valid_from, day=effective_date
                        )
                    )
    region_ids = _region_ids(snapshot)
    new_units = {lvl: [(rec, _new_unit(rec, valid_from=effective_date)) for rec in plan.create[lvl]] for lvl in MODELS}
    if errors:
        raise AdminUnitDataError(errors)

    # ---- write: retire, then create and update level by level (parents first) ----
    now = timezone.now()
    for level in (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE):
        rows = to_retire[level]
        for row in rows:
            row.valid_to = effective_date
            row.updated_at = now
        MODELS[level].objects.bulk_update(rows, ["valid_to", "updated_at"], batch_size=500)
        report.counts[level].retired += len(rows)
        report.retired.extend(_describe(r) for r in sorted(rows, key=lambda r: r.code))
    if not retire_missing:
        for level in MODELS:
            report.missing.extend(
                "{} ({})".format(_describe(r), MODELS[level]._meta.verbose_name)
                for r in sorted(plan.missing[level], key=lambda r: r.code)
            )

    # Provinces
    created = [unit for _rec, unit in new_units[UnitLevel.PROVINCE]]
    for rec, unit in new_units[UnitLevel.PROVINCE]:
        unit.has_district_tier = rec.has_district_tier
        unit.region_id = region_ids.get(rec.code)
    Province.objects.bulk_create(created, batch_size=500)
    provinces = {unit.code: unit for unit in created}
    changed = []
    for rec in snapshot.provinces:
        row = plan.keep[UnitLevel.PROVINCE].get(rec.code)
        if row is None:
            continue
        provinces[rec.code] = row
        wanted = {"name": rec.name, "has_district_tier": rec.has_district_tier}
        if region_ids.get(rec.code):
            wanted["region_id"] = region_ids[rec.code]
        if _apply(row, wanted, now):
            changed.append(row)
    _bulk_update(Province, changed, ["name", "search_name", "has_district_tier", "region", "updated_at"])
    _count(report, UnitLevel.PROVINCE, created, changed, plan.keep[UnitLevel.PROVINCE])

    # Districts
    for rec, unit in new_units[UnitLevel.DISTRICT]:
        unit.province_id = provinces[rec.province_code].pk
    created = [unit for _rec, unit in new_units[UnitLevel.DISTRICT]]
    District.objects.bulk_create(created, batch_size=500)
    districts = {unit.code: unit for unit in created}
    changed = []
    for rec in snapshot.districts:
        row = plan.keep[UnitLevel.DISTRICT].get(rec.code)
        if row is None:
            continue
        districts[rec.code] = row
        if _apply(row, {"name": rec.name, "province_id": provinces[rec.province_code].pk}, now):
            changed.append(row)
    _bulk_update(District, changed, ["name", "search_name", "province", "updated_at"])
    _count(report, UnitLevel.DISTRICT, created, changed, plan.keep[UnitLevel.DISTRICT])

    # Communes
    def links(rec):
        return {
            "province_id": provinces[rec.province_code].pk,
            "district_id": districts[rec.district_code].pk if rec.district_code else None,
        }

    for rec, unit in new_units[UnitLevel.COMMUNE]:
        for attr, value in links(rec).items():
            setattr(unit, attr, value)
    created = [unit for _rec, unit in new_units[UnitLevel.COMMUNE]]
    Commune.objects.bulk_create(created, batch_size=500)
    changed = []
    for rec in snapshot.communes:
        row = plan.keep[UnitLevel.COMMUNE].get(rec.code)
        if row is not None and _apply(row, {"name": rec.name, **links(rec)}, now):
            changed.append(row)
    _bulk_update(Commune, changed, ["name", "search_name", "province", "district", "updated_at"])
    _count(report, UnitLevel.COMMUNE, created, changed, plan.keep[UnitLevel.COMMUNE])

    if effective_date:
        _successions_record(
            effective_date=effective_date,
            province_ids=plan.scope_province_ids
            | {p.pk for p in provinces.values()}
            | {p.pk for p in to_retire[UnitLevel.PROVINCE]}
            | {c.province_id for c in to_retire[UnitLevel.COMMUNE]},
            legal_basis=legal_basis,
            report=report,
        )


def _apply(row, wanted: dict, now) -> bool:
    """Set the wanted values on a kept row; True if anything changed."""
    changed = False
    for attr, value in wanted.items():
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed = True
    if changed:
        row.search_name = fold(row.name)
        row.updated_at = now
    return changed


def _bulk_update(model, rows: list, fields: list[str]) -> None:
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=500)


def _count(report: LoadReport, level: str, created: list, changed: list, kept: dict) -> None:
    counts = report.counts[level]
    counts.created += len(created)
    counts.updated += len(changed)
    counts.unchanged += len(kept) - len(changed)


def _successions_record(
    *, effective_date: datetime.date, province_ids: set[int], legal_basis: str, report: LoadReport
) -> None:
    """Record what can be derived: the same code continuing under a new name, and an old unit whose name a new
    unit of the same province took. Idempotent: pairs already recorded are left alone."""
    old_communes = list(
        Commune.objects.filter(valid_to=effective_date, province_id__in=province_ids).select_related("province")
    )
    new_communes = list(
        Commune.objects.current()
        .filter(valid_from=effective_date, province_id__in=province_ids)
        .select_related("province")
    )
    old_provinces = list(Province.objects.filter(valid_to=effective_date, pk__in=province_ids))
    new_provinces = list(Province.objects.current().filter(valid_from=effective_date, pk__in=province_ids))

    pairs: list[tuple[str, object, object, str]] = []
    for level, old_units, new_units, same_area in (
        (UnitLevel.PROVINCE, old_provinces, new_provinces, lambda o, n: True),
        (UnitLevel.COMMUNE, old_communes, new_communes, lambda o, n: o.province.code == n.province.code),
    ):
        new_by_code = {u.code: u for u in new_units}
        new_by_name = defaultdict(list)
        for u in new_units:
            new_by_name[name_key(u.name)].append(u)
        for old in old_units:
            successors = {}
            if old.code in new_by_code:
                successors[new_by_code[old.code].pk] = (new_by_code[old.code], _("same code continues"))
            for new in new_by_name.get(name_key(old.name), []):
                if same_area(old, new):
                    successors.setdefault(new.pk, (new, _("same name in the same province")))
            for new, why in successors.values():
                pairs.append((level, old, new, why))

    existing = set(
        UnitSuccession.objects.filter(predecessor_commune__in=old_communes).values_list(
            "predecessor_commune_id", "successor_commune_id"
        )
    ) | set(
        UnitSuccession.objects.filter(predecessor_province__in=old_provinces).values_list(
            "predecessor_province_id", "successor_province_id"
        )
    )
    rows = []
    for level, old, new, why in pairs:
        if (old.pk, new.pk) in existing:
            continue
        existing.add((old.pk, new.pk))
        if level == UnitLevel.COMMUNE:
            rows.append(
                UnitSuccession(
                    level=level,
                    predecessor_commune=old,
                    successor_commune=new,
                    effective_date=effective_date,
                    legal_basis=legal_basis,
                    note=why,
                )
            )
        else:
            rows.append(
                UnitSuccession(
                    level=level,
                    predecessor_province=old,
                    successor_province=new,
                    effective_date=effective_date,
                    legal_basis=legal_basis,
                    note=why,
                )
            )
        report.successions.append("{} → {} ({})".format(_describe(old), _describe(new), why))
    UnitSuccession.objects.bulk_create(rows, batch_size=500)
    report.successions_created += len(rows)

    known_communes = set(
        UnitSuccession.objects.filter(predecessor_commune__in=old_communes).values_list(
            "predecessor_commune_id", flat=True
        )
    )
    known_provinces = set(
        UnitSuccession.objects.filter(predecessor_province__in=old_provinces).values_list(
            "predecessor_province_id", flat=True
        )
    )
    report.successor_unknown.extend(
        [_describe(p) for p in sorted(old_provinces, key=lambda u: u.code) if p.pk not in known_provinces]
        + [_describe(c) for c in sorted(old_communes, key=lambda u: u.code) if c.pk not in known_communes]
    )


# ---------------------------------------------------------------------------------------------------------------
# Public services
# ---------------------------------------------------------------------------------------------------------------


def _province_code_clean(code: str, snapshot: Snapshot) -> str:
    text = str(code).strip()
    normalised = official_code(text, level=UnitLevel.PROVINCE) if re.fullmatch(r"[0-9]{1,2}", text) else None
    if normalised is None or normalised not in {p.code for p in snapshot.provinces}:
        raise AdminUnitDataError(
            [
                _("Province code '{code}' is not in {source}. Known codes: {codes}.").format(
                    code=text, source=snapshot.source, codes=", ".join(sorted(p.code for p in snapshot.provinces))
                )
            ]
        )
    return normalised


@transaction.atomic
def admin_units_load(
    *,
    snapshot: Snapshot | None = None,
    province_code: str | None = None,
    retire_missing: bool = False,
    effective_date: datetime.date | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Make the database's current units match a list: by default the current official one (vietnam-provinces).

    Units are matched by code, name and type. Units that exist as current for a loaded province (or, loading the
    whole list, any province) but are absent from the list are reported; with `retire_missing` (which needs
    `effective_date`) they get valid_to = effective_date, and a code reused by a different unit is retired and
    the new unit created. Raises AdminUnitDataError and writes nothing if anything is wrong.
    """
    if retire_missing and effective_date is None:
        raise AdminUnitDataError([_("--retire-missing needs --effective-date YYYY-MM-DD.")])
    snapshot = snapshot or snapshot_from_package()
    if province_code is not None:
        snapshot = snapshot.only_province(_province_code_clean(province_code, snapshot))
    report = LoadReport(source=snapshot.source, dry_run=dry_run, effective_date=effective_date)
    _sync(
        snapshot,
        whole_country=province_code is None,
        retire_missing=retire_missing,
        effective_date=effective_date,
        report=report,
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _check_from_state(old: Snapshot, new: Snapshot, *, effective_date: datetime.date) -> list[str]:
    """The database must hold the --from state (or the --to state, when the reorganisation was applied before)."""
    errors = []
    old_codes, new_codes = sorted(p.code for p in old.provinces), sorted(p.code for p in new.provinces)
    if not old_codes or old_codes != new_codes:
        return [
            _("The two snapshots must cover the same province(s): {old} and {new}.").format(
                old=", ".join(old_codes) or "-", new=", ".join(new_codes) or "-"
            )
        ]
    for code in new_codes:
        province = Province.objects.current().filter(code=code).first()
        known = {r.key for r in old.provinces + new.provinces if r.code == code}
        if province is None or _key(province) not in known:
            errors.append(
                _(
                    "Province {code} is not in the database as in the snapshots: load the --from snapshot first "
                    "(manage.py load_admin_units --file FROM)."
                ).format(code=code)
            )
            continue
        for level, model in ((UnitLevel.DISTRICT, District), (UnitLevel.COMMUNE, Commune)):
            known = {r.key for r in old.records(level) + new.records(level) if r.province_code == code}
            db_rows = list(
                model.objects.filter(province=province).filter(Q(valid_to__isnull=True) | Q(valid_to=effective_date))
            )
            current_keys = {_key(u) for u in db_rows if u.valid_to is None}
            ended_keys = {_key(u) for u in db_rows if u.valid_to == effective_date}
            for row in db_rows:
                if row.valid_to is None and _key(row) not in known:
                    errors.append(
                        _(
                            "{unit} ({level}) is current in the database but in neither snapshot: the database does "
                            "not hold the --from state."
                        ).format(unit=_describe(row), level=model._meta.verbose_name)
                    )
            for rec in old.records(level):
                if rec.province_code == code and rec.key not in current_keys and rec.key not in ended_keys:
                    errors.append(
                        _(
                            "{path}: {unit} is not in the database (neither current nor ended on {day}): apply the "
                            "earlier reorganisation or load the --from snapshot first."
                        ).format(path=rec.path, unit=rec.describe(), day=effective_date)
                    )
    return errors


@transaction.atomic
def unit_reorganisation_apply(
    *,
    old: Snapshot,
    new: Snapshot,
    effective_date: datetime.date,
    legal_basis: str = "",
    dry_run: bool = False,
) -> LoadReport:
    """Apply the change from one snapshot of a province to the next, effective on `effective_date`.

    Units absent from `new`, and units whose code survives under another name or type, end (valid_to); new units
    start (valid_from); unchanged units keep their rows and follow the new structure (a dissolved district tier
    leaves them without a district). Successions that can be derived are recorded; the others are listed in
    `successor_unknown`. Running it again changes nothing.
    """
    errors = _check_from_state(old, new, effective_date=effective_date)
    if errors:
        raise AdminUnitDataError(errors)
    report = LoadReport(source=new.source, dry_run=dry_run, effective_date=effective_date)
    _sync(
        new,
        whole_country=False,
        retire_missing=True,
        effective_date=effective_date,
        legal_basis=legal_basis,
        report=report,
    )
    if dry_run:
        transaction.set_rollback(True)
    return report
