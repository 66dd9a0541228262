"""Snapshots: the normalised form every list of units is read into (a data file, the vietnam-provinces package).

Reading checks every record and names the bad ones by their path in the source; nothing is returned half-read.
"""

from __future__ import annotations

import datetime
import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from django.utils.translation import gettext as _

from core.importing import CODE_WIDTH, official_code

from ..choices import CommuneType, DistrictType, ProvinceType, UnitLevel
from ..models import AdminUnit, Commune, District, Province

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PROVINCE_REGIONS_FILE = DATA_DIR / "province_regions.json"
PRE_REFORM_FILE = DATA_DIR / "vietnam_2025_06_30.json.gz"
TWO_TIER_FROM = datetime.date(2025, 7, 1)
ERA_BEFORE_TWO_TIER = "before_2025_07_01"
ERA_TWO_TIER = "from_2025_07_01"

# A stored unit of any level.
StoredUnit: TypeAlias = Province | District | Commune

UNIT_TYPES: dict[str, set[str]] = {
    UnitLevel.PROVINCE: set(ProvinceType.values),
    UnitLevel.DISTRICT: set(DistrictType.values),
    UnitLevel.COMMUNE: set(CommuneType.values),
}
MODELS: dict[str, type[StoredUnit]] = {
    UnitLevel.PROVINCE: Province,
    UnitLevel.DISTRICT: District,
    UnitLevel.COMMUNE: Commune,
}
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

    def __init__(self, errors: list[str]) -> None:
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
        }[level]  # type: ignore[index]  # a UnitLevel value

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
_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


def name_key(name: str) -> str:
    """Comparison key for unit names: case, spacing, Unicode form, tone placement ("Hoà" / "Hòa") and typographic
    apostrophes and dashes ("Cư M’gar" / "Cư M'gar") ignored."""
    syllables = []
    for syllable in unicodedata.normalize("NFD", (name or "").translate(_PUNCTUATION)).casefold().split():
        tones = "".join(ch for ch in syllable if ch in _TONE_MARKS)
        syllables.append("".join(ch for ch in syllable if ch not in _TONE_MARKS) + tones)
    return " ".join(syllables)


def _clean_code(value: object, *, level: str, path: str, errors: list[str]) -> str | None:
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


def _clean_name(value: object, *, path: str, errors: list[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.append(_("{path}: name missing").format(path=path))
        return None
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if len(name) > NAME_MAX_LENGTH:
        errors.append(_("{path}: name longer than {max} characters").format(path=path, max=NAME_MAX_LENGTH))
        return None
    return name


def _clean_type(value: Any, *, level: str, path: str, errors: list[str]) -> str | None:
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
    return value  # type: ignore[no-any-return]  # one of the level's types


def _list(record: dict[str, Any], key: str, *, path: str, errors: list[str]) -> list[Any]:
    value = record.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(_("{path}: '{key}' must be a list").format(path=path, key=key))
        return []
    return value


def snapshot_parse(data: object, *, source: str, era: str | None = None) -> Snapshot:
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

    def record(level: str, raw: object, path: str, **extra: Any) -> UnitRecord | None:
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
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
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

    def code(value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    provinces = []
    for p in raw:
        if not isinstance(p, dict):
            provinces.append(p)
            continue
        p_type = PACKAGE_PROVINCE_TYPES.get(p.get("division_type"), p.get("division_type"))  # type: ignore[arg-type]
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
                        "unit_type": PACKAGE_COMMUNE_TYPES.get(w.get("division_type"), w.get("division_type")),  # type: ignore[arg-type]
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


def describe(unit: UnitRecord | AdminUnit) -> str:
    """ "05917 Xã Tân Khánh": how reports name a unit."""
    return "{} {}".format(unit.code, unit.name)


def unit_key(unit: StoredUnit) -> tuple[str, str, str]:
    """The identity of a stored unit, comparable with `UnitRecord.key`."""
    return (unit.code, name_key(unit.name), unit.unit_type)
