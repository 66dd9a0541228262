"""Successions from the law: which old units form each new one, as the National Assembly Standing Committee's
resolutions say, clause by clause.

A mapping is a list of `MappingEntry`: a new unit (code, name, type, province), its predecessors (each whole or in
part), the clause and resolution that say so, and the date the new unit starts. Mappings come from the data files
shipped in communes/data/successions/ (Thái Nguyên's 2024 mergers; the whole country's July 2025 reform) or from a
spreadsheet an office imports for its own province (`SuccessionMapping` rows, which take precedence for that
province and date). Nothing is inferred from codes or names any more: a reorganisation whose new units have no
predecessors in the mapping is refused (`coverage_errors`), and the successions recorded after it
(`successions_record`) carry the clause and the resolution.
"""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ..choices import SuccessionKind, SuccessionShare, UnitLevel
from ..models import Commune, District, Province, SuccessionMapping, UnitSuccession
from .snapshots import DATA_DIR, AdminUnitDataError, UnitRecord, describe, name_key

SUCCESSIONS_DIR = DATA_DIR / "successions"
SHIPPED_FILES = [
    SUCCESSIONS_DIR / "thai_nguyen_2024_12_01.json",
    SUCCESSIONS_DIR / "vietnam_2025_07_01.json.gz",
]
FORMAT = "ntm-successions/1"


@dataclass(frozen=True)
class Predecessor:
    level: str
    code: str
    name: str
    unit_type: str
    province_code: str
    share: str = SuccessionShare.WHOLE

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, name_key(self.name), self.unit_type)


@dataclass(frozen=True)
class MappingEntry:
    """One new unit and its predecessors, as one clause of one resolution says."""

    effective_date: datetime.date
    province_code: str
    code: str
    name: str
    unit_type: str
    kind: str = SuccessionKind.NEW
    predecessors: tuple[Predecessor, ...] = ()
    resolution: str = ""
    resolution_date: datetime.date | None = None
    clause: str = ""
    text: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, name_key(self.name), self.unit_type)

    @property
    def renews_a_predecessor(self) -> bool:
        """A new unit that keeps a predecessor's code, name and type ("xã Tân Khánh" formed from Bàn Đạt, Đào Xá and
        Tân Khánh) is still a new unit: the predecessor ends and a new row starts. A unit left as it was or merely
        enlarged ("nhập vào") keeps its row, unless it passes to another province (a commune of Bắc Kạn left as
        it was, now in Thái Nguyên): then the old row ends with its province, so that the figures of a date before
        the reform count it in the province it belonged to."""
        same = [p for p in self.predecessors if p.key == self.key]
        return bool(same) and (
            self.kind in (SuccessionKind.NEW, SuccessionKind.RENAMED)
            or any(p.province_code != self.province_code for p in same)
        )

    @property
    def legal_basis(self) -> str:
        return ", ".join(x for x in (self.clause, self.resolution) if x)


@dataclass
class Mapping:
    source: str
    effective_date: datetime.date | None = None
    entries: list[MappingEntry] = field(default_factory=list)
    provinces: list[dict[str, Any]] = field(default_factory=list)  # province successions: code, formed_from, resolution


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def mapping_parse(data: dict[str, Any], *, source: str) -> Mapping:
    """Check a mapping file's content; errors name the entry (units[i]) and nothing is returned half-read."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("units"), list):
        raise AdminUnitDataError(
            [_("{source}: not a succession mapping ({format})").format(source=source, format=FORMAT)]
        )
    resolutions = {r["number"]: r for r in data.get("resolutions", [])}
    default_date = _date(data.get("effective_date"))
    errors, entries = [], []
    for i, raw in enumerate(data["units"]):
        path = "units[{}]".format(i)
        try:
            resolution = resolutions.get(raw.get("resolution"), {})
            effective = _date(raw.get("effective_date") or resolution.get("effective_date")) or default_date
            predecessors = tuple(
                Predecessor(
                    level=p.get("level", UnitLevel.COMMUNE),
                    code=p["code"],
                    name=p["name"],
                    unit_type=p["unit_type"],
                    province_code=p["province_code"],
                    share=p.get("share", SuccessionShare.WHOLE),
                )
                for p in raw.get("predecessors", [])
            )
            if effective is None or not raw.get("code") or not raw.get("name"):
                raise KeyError("code, name or effective_date")
            if raw.get("kind", SuccessionKind.NEW) not in SuccessionKind.values:
                raise KeyError("kind")
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            errors.append(_("{source}: {path}: missing or bad {what}").format(source=source, path=path, what=exc))
            continue
        entries.append(
            MappingEntry(
                effective_date=effective,
                province_code=raw["province_code"],
                code=raw["code"],
                name=raw["name"],
                unit_type=raw["unit_type"],
                kind=raw.get("kind", SuccessionKind.NEW),
                predecessors=predecessors,
                resolution=raw.get("resolution", ""),
                resolution_date=_date(raw.get("resolution_date") or resolution.get("date")),
                clause=raw.get("clause", ""),
                text=raw.get("text", ""),
            )
        )
    if errors:
        raise AdminUnitDataError(errors)
    return Mapping(source=source, effective_date=default_date, entries=entries, provinces=data.get("provinces", []))


def mapping_read(path: Path | str) -> Mapping:
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise AdminUnitDataError([_("{path}: cannot be read ({error})").format(path=path, error=exc)]) from exc
    return mapping_parse(data, source=path.name)


def mapping_data(path: Path | str) -> dict[str, Any]:
    """A shipped mapping file as stored (with its comparison and corrections), for tests and reports."""
    path = Path(path)
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def shipped_mappings() -> tuple[Mapping, ...]:
    """The mappings shipped with the application (read once per process)."""
    return tuple(mapping_read(path) for path in SHIPPED_FILES)


def mapping_for(*, province_codes: Iterable[str], effective_date: datetime.date) -> list[MappingEntry]:
    """The mapping of the new units of these provinces that start on `effective_date`.

    A province whose office imported a mapping for that date uses it; the others use the shipped files."""
    province_codes = set(province_codes)
    imported = imported_entries(province_codes=province_codes, effective_date=effective_date)
    covered = {e.province_code for e in imported}
    shipped = [
        entry
        for mapping in shipped_mappings()
        for entry in mapping.entries
        if entry.effective_date == effective_date and entry.province_code in province_codes - covered
    ]
    return imported + shipped


def imported_entries(*, province_codes: Iterable[str], effective_date: datetime.date) -> list[MappingEntry]:
    """Entries from imported spreadsheets (one `SuccessionMapping` row per predecessor), grouped by new unit."""
    rows = SuccessionMapping.objects.filter(province_code__in=province_codes, effective_date=effective_date).order_by(
        "successor_code", "predecessor_code"
    )
    grouped: dict[tuple[str, str, str], list[SuccessionMapping]] = {}
    for row in rows:
        grouped.setdefault((row.province_code, row.successor_code, name_key(row.successor_name)), []).append(row)
    entries = []
    for group in grouped.values():
        first = group[0]
        entries.append(
            MappingEntry(
                effective_date=first.effective_date,
                province_code=first.province_code,
                code=first.successor_code,
                name=first.successor_name,
                unit_type=first.successor_type,
                kind=first.kind,
                predecessors=tuple(
                    Predecessor(
                        level=r.predecessor_level,
                        code=r.predecessor_code,
                        name=r.predecessor_name,
                        unit_type=r.predecessor_type,
                        province_code=r.predecessor_province_code,
                        share=r.share,
                    )
                    for r in group
                ),
                resolution=first.resolution,
                resolution_date=first.resolution_date,
                clause=first.clause,
                text=first.clause_text,
            )
        )
    return entries


def province_formation(effective_date: datetime.date) -> list[dict[str, Any]]:
    """Province successions of the shipped mappings for that date (Resolution 202/2025/QH15 for 01/07/2025)."""
    return [p for mapping in shipped_mappings() if mapping.effective_date == effective_date for p in mapping.provinces]


# --- checks before a reorganisation ------------------------------------------------------------------------------------


def coverage_errors(
    new_units: list[UnitRecord], entries: list[MappingEntry], *, effective_date: datetime.date
) -> list[str]:
    """Every unit a reorganisation creates must have its predecessors in the mapping; name those that have none."""
    known = {e.key for e in entries if e.predecessors}
    lacking = [rec for rec in new_units if rec.key not in known]
    if not lacking:
        return []
    return [
        _(
            "{count} new unit(s) have no predecessors in the mapping for {day}. Import the resolution's mapping for "
            "the province (Import a succession mapping) or check the names and codes:"
        ).format(count=len(lacking), day=effective_date.strftime("%d/%m/%Y"))
    ] + ["{}: {}".format(rec.path, rec.describe()) for rec in lacking]


# --- recording ---------------------------------------------------------------------------------------------------------


@dataclass
class SuccessionReport:
    created: list[str] = field(default_factory=list)
    predecessors_missing: list[str] = field(default_factory=list)
    successor_unknown: list[str] = field(default_factory=list)


_LEVEL_MODELS: dict[str, type[Commune] | type[District]] = {UnitLevel.COMMUNE: Commune, UnitLevel.DISTRICT: District}


def successions_record(
    *,
    entries: list[MappingEntry],
    effective_date: datetime.date,
    province_codes: Iterable[str],
    report: SuccessionReport,
) -> None:
    """Record old unit → new unit for every mapping entry whose units are in the database. Idempotent.

    A successor is the unit with the entry's code, name and type that existed on `effective_date`; a predecessor
    the unit with its code, name and type that ended on that date (a unit left as it was keeps its row and needs no
    succession). Predecessors absent from the database (a neighbouring province not loaded) are listed; units of
    these provinces that ended on that date with no successor are listed as `successor_unknown`."""
    entries = [e for e in entries if e.effective_date == effective_date]
    successor_codes = {e.code for e in entries}
    successors: dict[tuple[str, str, str], Commune] = {}
    for unit in Commune.objects.valid_on(effective_date).filter(code__in=successor_codes):
        successors[(unit.code, name_key(unit.name), unit.unit_type)] = unit
    ended = {
        level: {
            (u.code, name_key(u.name), u.unit_type): u
            for u in model.objects.filter(
                valid_to=effective_date, code__in={p.code for e in entries for p in e.predecessors if p.level == level}
            )
        }
        for level, model in _LEVEL_MODELS.items()
    }
    existing: set[tuple[str, int | None, int | None, int]] = set(
        UnitSuccession.objects.filter(effective_date=effective_date).values_list(
            "level", "predecessor_commune_id", "predecessor_district_id", "successor_commune_id"
        )
    )
    rows = []
    for entry in entries:
        successor = successors.get(entry.key)
        if successor is None:
            continue
        for predecessor in entry.predecessors:
            old = ended.get(predecessor.level, {}).get(predecessor.key)
            if old is None:
                if predecessor.key != entry.key or entry.renews_a_predecessor:
                    report.predecessors_missing.append(
                        "{} {} → {}".format(predecessor.code, predecessor.name, describe(successor))
                    )
                continue
            is_commune = predecessor.level == UnitLevel.COMMUNE
            signature = (
                predecessor.level,
                old.pk if is_commune else None,
                None if is_commune else old.pk,
                successor.pk,
            )
            if signature in existing:
                continue
            existing.add(signature)
            rows.append(
                UnitSuccession(  # type: ignore[misc]  # `old` is a commune or a district, as is_commune says
                    level=predecessor.level,
                    predecessor_commune=old if is_commune else None,
                    predecessor_district=None if is_commune else old,
                    successor_commune=successor,
                    share=predecessor.share,
                    effective_date=effective_date,
                    resolution=entry.resolution,
                    resolution_date=entry.resolution_date,
                    clause=entry.clause,
                    clause_text=entry.text,
                    legal_basis=entry.legal_basis,
                )
            )
            report.created.append(
                "{} → {} ({}{})".format(
                    describe(old),
                    describe(successor),
                    entry.legal_basis,
                    "" if predecessor.share == SuccessionShare.WHOLE else ", " + str(SuccessionShare.PART.label),
                )
            )
    UnitSuccession.objects.bulk_create(rows, batch_size=500)
    _provinces_record(effective_date=effective_date, report=report)
    ended_here = Commune.objects.filter(valid_to=effective_date, province__code__in=province_codes).order_by("code")
    linked = set(
        UnitSuccession.objects.filter(predecessor_commune__in=ended_here).values_list("predecessor_commune", flat=True)
    )
    report.successor_unknown.extend(describe(c) for c in ended_here if c.pk not in linked)


def _provinces_record(*, effective_date: datetime.date, report: SuccessionReport) -> None:
    """Old province → new province where the new province's formation is known (Resolution 202/2025/QH15)."""
    formations = province_formation(effective_date)
    if not formations:
        return
    old = {p.code: p for p in Province.objects.filter(valid_to=effective_date)}
    if not old:
        return
    new = {p.code: p for p in Province.objects.valid_on(effective_date)}
    existing = set(
        UnitSuccession.objects.filter(level=UnitLevel.PROVINCE).values_list(
            "predecessor_province_id", "successor_province_id"
        )
    )
    rows = []
    for formation in formations:
        successor = new.get(formation["code"])
        for code in formation["formed_from"]:
            predecessor = old.get(code)
            if successor is None or predecessor is None or (predecessor.pk, successor.pk) in existing:
                continue
            existing.add((predecessor.pk, successor.pk))
            rows.append(
                UnitSuccession(
                    level=UnitLevel.PROVINCE,
                    predecessor_province=predecessor,
                    successor_province=successor,
                    effective_date=effective_date,
                    resolution=formation.get("resolution", ""),
                    resolution_date=_date(formation.get("resolution_date")),
                    legal_basis=formation.get("resolution", ""),
                )
            )
            report.created.append(
                "{} → {} ({})".format(describe(predecessor), describe(successor), rows[-1].resolution)
            )
    UnitSuccession.objects.bulk_create(rows)
