"""The history of the units before the current list, from the shipped data, so that loading the current list works
on top of any earlier state and can load the units before the July 2025 reform with their successions.

What is known, oldest first:

* Thái Nguyên at the end of 2023 (communes/data/thai_nguyen_2023.json); its changed units ended on 01/12/2024
  (Resolution 1240/NQ-UBTVQH15, communes/data/successions/thai_nguyen_2024_12_01.json);
* every unit of the country on 30/06/2025 (communes/data/vietnam_2025_06_30.json.gz): 63 provinces, the
  district-level units, 10,047 communes, all ended on 01/07/2025 except the units the resolutions left as they were;
* the reform of 01/07/2025 (communes/data/successions/vietnam_2025_07_01.json.gz) and the current list.

`Timeline` turns that into unit versions (a record with its valid_from and valid_to). Loading the current list
first ends the current rows of those versions (`retire_known`), then the usual synchronisation runs, then
`complete` creates the versions missing from the database (for provinces that already hold history, or all with
`with_history`) and records the successions of every step. Each step is idempotent, and the result is the same
whatever was loaded before (the demo's Thái Nguyên of 2023, a file of 2024, the current list alone).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import fold

from ..choices import SuccessionKind, UnitLevel
from ..models import Commune, District, Province, Region
from .snapshots import (
    DATA_DIR,
    ERA_BEFORE_TWO_TIER,
    MODELS,
    PRE_REFORM_FILE,
    TWO_TIER_FROM,
    AdminUnitDataError,
    Snapshot,
    UnitRecord,
    describe,
    province_regions,
    snapshot_from_package,
    snapshot_read,
    unit_key,
)
from .successions import (
    SHIPPED_FILES,
    SuccessionReport,
    mapping_data,
    mapping_for,
    shipped_mappings,
    successions_record,
)

if TYPE_CHECKING:
    from .loading import LoadReport

_Unit = TypeVar("_Unit", Province, District, Commune)

REFORM = TWO_TIER_FROM
# Snapshots older than the list of 30/06/2025: their units absent from it ended on the given date.
EARLIER_SNAPSHOTS = [(DATA_DIR / "thai_nguyen_2023.json", datetime.date(2024, 12, 1))]
_CONTINUING = (SuccessionKind.UNCHANGED, SuccessionKind.ABSORBS)


@lru_cache(maxsize=1)
def pre_reform_snapshot() -> Snapshot:
    return snapshot_read(PRE_REFORM_FILE)


@lru_cache(maxsize=1)
def _earlier_snapshots() -> tuple[tuple[Snapshot, datetime.date], ...]:
    return tuple((snapshot_read(path), ended) for path, ended in EARLIER_SNAPSHOTS)


@lru_cache(maxsize=1)
def national_data() -> dict[str, Any]:
    """The national mapping file as stored: provinces, comparison, package code corrections."""
    return mapping_data(SHIPPED_FILES[1])


def snapshot_current() -> Snapshot:
    """The current official list: the vietnam-provinces package, with the codes that differ from the Statistics
    Office's Official letter 1027/CTK-CSCL of 25/06/2025 corrected (the package follows the draft list)."""
    package = snapshot_from_package()
    corrections = {
        (c["province_code"], c["package_code"]): c["official_code"] for c in national_data()["package_code_corrections"]
    }
    communes = [
        dataclasses.replace(rec, code=corrections.get((rec.province_code, rec.code), rec.code))
        for rec in package.communes
    ]
    if len({c.code for c in communes}) != len(communes):
        raise AdminUnitDataError([_("The code corrections make two current units share a code.")])
    package.communes = communes
    package.source += _(", {count} codes corrected to Official letter 1027/CTK-CSCL").format(count=len(corrections))
    return package


@dataclass(frozen=True)
class Version:
    record: UnitRecord
    valid_from: datetime.date | None
    valid_to: datetime.date


class Timeline:
    """Unit versions before the current list for the provinces that formed `province_codes` (current codes)."""

    def __init__(self, province_codes: Iterable[str]) -> None:
        formed_from = {p["code"]: p["formed_from"] for p in national_data()["provinces"]}
        self.new_codes = set(province_codes)
        self.old_codes = {old for code in self.new_codes for old in formed_from.get(code, [code])}
        self.reform_entries = mapping_for(province_codes=self.new_codes, effective_date=REFORM)
        self.earlier_steps = sorted(
            {
                entry.effective_date
                for mapping in shipped_mappings()
                for entry in mapping.entries
                if entry.effective_date < REFORM
            }
        )
        earlier_entries = [
            e for d in self.earlier_steps for e in mapping_for(province_codes=self.old_codes, effective_date=d)
        ]
        started = {e.key: e.effective_date for e in earlier_entries}
        self.renewed = {e.key for e in self.reform_entries if e.renews_a_predecessor}
        continuing = {e.key for e in self.reform_entries if e.kind in _CONTINUING} - self.renewed
        current_provinces = {p.key for p in snapshot_current().provinces}
        pre = pre_reform_snapshot()
        self.versions: dict[str, dict[tuple[str, str, str], Version]] = {level: {} for level in MODELS}
        for level in MODELS:
            for rec in pre.records(level):
                if (rec.code if level == UnitLevel.PROVINCE else rec.province_code) not in self.old_codes:
                    continue
                if (level == UnitLevel.PROVINCE and rec.key in current_provinces) or rec.key in continuing:
                    continue  # the same row goes on
                self.versions[level][rec.key] = Version(rec, started.get(rec.key), REFORM)
        pre_keys = {rec.key for rec in pre.communes}
        for snapshot, ended in _earlier_snapshots():
            for rec in snapshot.communes:
                if rec.province_code in self.old_codes and rec.key not in pre_keys:
                    self.versions[UnitLevel.COMMUNE][rec.key] = Version(rec, None, ended)
        self.valid_from = {
            e.key: REFORM for e in self.reform_entries if e.kind not in _CONTINUING or e.key in self.renewed
        }
        pre_provinces = {p.key for p in pre.provinces}
        self.valid_from.update({key: REFORM for key in current_provinces if key not in pre_provinces})

    # --- step 1: end the current rows that the history says ended ----------------------------------------------

    def retire_known(self, report: LoadReport) -> None:
        now = timezone.now()
        scope = self.old_codes | self.new_codes
        current: dict[str, Any] = {
            UnitLevel.PROVINCE: Province.objects.current().filter(code__in=scope),
            UnitLevel.DISTRICT: District.objects.current().filter(province__code__in=scope),
            UnitLevel.COMMUNE: Commune.objects.current().filter(province__code__in=scope),
        }
        for level, rows in current.items():
            changed = []
            for row in rows:
                version = self.versions[level].get(unit_key(row))
                if version is None:
                    continue
                if level == UnitLevel.COMMUNE and row.district_id is None:
                    continue  # every commune before the reform had a district: this is a unit of the current list
                row.valid_to = version.valid_to
                row.valid_from = row.valid_from or version.valid_from
                row.updated_at = now
                changed.append(row)
            MODELS[level].objects.bulk_update(changed, ["valid_to", "valid_from", "updated_at"], batch_size=500)
            report.counts[level].retired += len(changed)
            report.retired.extend(describe(r) for r in sorted(changed, key=lambda r: r.code))

    # --- steps 3 and 4: the versions missing from the database, and the successions -----------------------------

    def complete(self, report: LoadReport, *, with_history: bool, only: set[str] | None = None) -> None:
        """Create the missing versions of the provinces that hold history (all with `with_history`, or the former
        provinces `only`) and record the successions of every step for them."""
        with_rows = set(
            Commune.objects.filter(valid_to__isnull=False, province__code__in=self.old_codes | self.new_codes)
            .values_list("province__code", flat=True)
            .distinct()
        )
        codes = set(self.old_codes) if with_history else {c for c in self.old_codes if c in with_rows}
        if only is not None:
            codes = (codes | set(only)) & self.old_codes
        if not codes:
            return
        self._backfill(codes, report)
        succession_report = SuccessionReport()
        for day in self.earlier_steps:
            successions_record(
                entries=mapping_for(province_codes=codes, effective_date=day),
                effective_date=day,
                province_codes=codes,
                report=succession_report,
            )
        new_codes = {code for code in self.new_codes if set(_formed_from(code)) & codes}
        successions_record(
            entries=[e for e in self.reform_entries if e.province_code in new_codes],
            effective_date=REFORM,
            province_codes=codes,
            report=succession_report,
        )
        report.add_successions(succession_report)

    def _backfill(self, codes: set[str], report: LoadReport) -> None:
        now = timezone.now()
        regions: dict[str | None, int] = dict(Region.objects.values_list("code", "id"))
        region_of = {code: regions.get(r) for code, r in province_regions(ERA_BEFORE_TWO_TIER).items()}
        # Province rows by code as they stood before the reform: a continuing province is its current row.
        provinces = {p.code: p for p in Province.objects.filter(valid_to=REFORM, code__in=codes)}
        pre = pre_reform_snapshot()
        for rec in pre.provinces:
            if (rec.province_code in codes or rec.code in codes) and rec.code not in provinces:
                row: Any = Province.objects.current().filter(code=rec.code).first()  # a unit of each level below
                if row is not None and unit_key(row) == rec.key:
                    provinces[rec.code] = row
        created: list[Any] = []  # then of each level below
        for version in self.versions[UnitLevel.PROVINCE].values():
            rec = version.record
            if rec.code in codes and rec.code not in provinces:
                row = _row(Province, version, now)
                row.has_district_tier = True
                row.region_id = region_of.get(rec.code)
                provinces[rec.code] = row
                created.append(row)
        Province.objects.bulk_create(created)
        report.history_created[UnitLevel.PROVINCE] += len(created)

        districts: dict[str | None, District] = {
            d.code: d for d in District.objects.filter(valid_to=REFORM, province__code__in=codes)
        }
        created = []
        for version in self.versions[UnitLevel.DISTRICT].values():
            rec = version.record
            if rec.province_code in codes and rec.code not in districts:
                row = _row(District, version, now)
                row.province = provinces[rec.province_code]
                districts[rec.code] = row
                created.append(row)
        District.objects.bulk_create(created, batch_size=500)
        report.history_created[UnitLevel.DISTRICT] += len(created)

        present = {
            (unit_key(c), c.valid_to)
            for c in Commune.objects.filter(valid_to__isnull=False, province__code__in=codes | self.new_codes)
        }
        created = []
        for version in self.versions[UnitLevel.COMMUNE].values():
            rec = version.record
            if rec.province_code not in codes or (rec.key, version.valid_to) in present:
                continue
            row = _row(Commune, version, now)
            row.province = provinces[rec.province_code]
            row.district = districts.get(rec.district_code)
            created.append(row)
        Commune.objects.bulk_create(created, batch_size=1000)
        report.history_created[UnitLevel.COMMUNE] += len(created)


def _formed_from(code: str) -> list[str]:
    return next((p["formed_from"] for p in national_data()["provinces"] if p["code"] == code), [code])


def _row(model: type[_Unit], version: Version, now: datetime.datetime) -> _Unit:
    rec = version.record
    return model(
        code=rec.code,
        name=rec.name,
        search_name=fold(rec.name),
        unit_type=rec.unit_type,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        created_at=now,
        updated_at=now,
    )
