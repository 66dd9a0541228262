"""Loading a list of units: the one synchronisation core used by `load_admin_units` and by reorganisations.

A unit is identified by its official code *and* its name and type: a code that comes back under another name (a
merger, a ward that became a commune) is a new unit, so the records that named the old one stay attached to it.
Everything is read and checked first; the database is written in one transaction, in bulk, or not at all.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.importing import official_code
from core.text import fold

from .. import registry
from ..choices import UnitLevel
from ..models import Commune, District, Province, Region
from .snapshots import (
    MODELS,
    AdminUnitDataError,
    Snapshot,
    UnitRecord,
    province_regions,
)
from .snapshots import describe as _describe
from .snapshots import unit_key as _key
from .successions import SuccessionReport, mapping_for, successions_record

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
    predecessors_missing: list[str] = field(default_factory=list)
    history_created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODELS, 0))

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.successions_created
            or any(self.history_created.values())
            or any(c.created or c.updated or c.retired for c in self.counts.values())
        )

    def add_successions(self, recorded: SuccessionReport) -> None:
        self.successions.extend(recorded.created)
        self.successions_created += len(recorded.created)
        self.predecessors_missing.extend(recorded.predecessors_missing)
        self.successor_unknown.extend(u for u in recorded.successor_unknown if u not in self.successor_unknown)


# ---------------------------------------------------------------------------------------------------------------
# The one synchronisation core used by the loader and by reorganisations
# ---------------------------------------------------------------------------------------------------------------


class _Plan:
    """Which database rows are kept, retired or created for a target snapshot."""

    def __init__(self):
        self.keep: dict[str, dict[str, object]] = {lvl: {} for lvl in MODELS}  # code → kept row
        self.create: dict[str, list[UnitRecord]] = {lvl: [] for lvl in MODELS}
        self.retire: dict[str, list] = {lvl: [] for lvl in MODELS}  # codes reused by another unit
        self.renew: dict[str, list] = {lvl: [] for lvl in MODELS}  # same code, name and type, but a new unit
        self.conflicts: list[str] = []
        self.missing: dict[str, list] = {lvl: [] for lvl in MODELS}
        self.scope_province_ids: set[int] = set()  # database provinces whose units the list speaks for


def _plan(
    snapshot: Snapshot,
    *,
    whole_country: bool,
    current: dict[str, list],
    renewed: frozenset = frozenset(),
    effective_date: datetime.date | None = None,
) -> _Plan:
    plan = _Plan()
    by_code = {lvl: {u.code: u for u in current[lvl]} for lvl in MODELS}
    for level in MODELS:
        for rec in snapshot.records(level):
            row = by_code[level].get(rec.code)
            if row is not None and _key(row) == rec.key and rec.key in renewed and _before(row, effective_date):
                plan.renew[level].append(row)  # the law forms a new unit under the same code, name and type
                plan.create[level].append(rec)
                continue
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
        lvl: {u.pk for u in plan.keep[lvl].values()} | {u.pk for u in plan.retire[lvl] + plan.renew[lvl]}
        for lvl in MODELS
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


def _before(row, effective_date) -> bool:
    """Whether a stored unit existed before `effective_date` (a row that the reorganisation created does not)."""
    return effective_date is not None and (row.valid_from is None or row.valid_from < effective_date)


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
    report: LoadReport,
    renewed: frozenset = frozenset(),
    valid_from_of: dict | None = None,
) -> None:
    """Make the current units of the snapshot's provinces (or of the whole country) match the snapshot.

    `renewed`: keys the mapping forms anew although a stored unit has them (retired and created again);
    `valid_from_of`: the start date of units to create, by key (default `effective_date`)."""
    current = {
        UnitLevel.PROVINCE: list(Province.objects.current()),
        UnitLevel.DISTRICT: list(District.objects.current()),
        UnitLevel.COMMUNE: list(Commune.objects.current()),
    }
    plan = _plan(snapshot, whole_country=whole_country, current=current, renewed=renewed, effective_date=effective_date)
    errors = []
    if plan.conflicts and not retire_missing:
        errors.append(
            _(
                "{count} unit(s) in the list reuse the code of a different current unit. Re-run with "
                "--retire-missing --effective-date YYYY-MM-DD to retire the old units and create the new ones:"
            ).format(count=len(plan.conflicts))
        )
        errors.extend(plan.conflicts)
    to_retire = {
        lvl: plan.renew[lvl] + plan.retire[lvl] + (plan.missing[lvl] if retire_missing else []) for lvl in MODELS
    }
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
    starts = valid_from_of or {}
    new_units = {
        lvl: [(rec, _new_unit(rec, valid_from=starts.get(rec.key, effective_date))) for rec in plan.create[lvl]]
        for lvl in MODELS
    }
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
    with_history: bool = False,
    dry_run: bool = False,
) -> LoadReport:
    """Make the database's current units match a list: by default the current official one (vietnam-provinces,
    codes corrected to 1027/CTK-CSCL).

    Units are matched by code, name and type. Loading the current official list works on top of any earlier
    state the shipped history knows (the demo's Thái Nguyên of 2023, the units before the July 2025 reform): those
    units end on the dates the resolutions give and their successions are recorded; with `with_history` the units
    before the reform of every loaded province are created too (valid until 01/07/2025). Other units that exist as
    current for a loaded province (or, loading the whole list, any province) but are absent from the list are
    reported; with `retire_missing` (which needs `effective_date`) they get valid_to = effective_date, and a code
    reused by a different unit is retired and the new unit created. Raises AdminUnitDataError and writes nothing
    if anything is wrong.
    """
    from . import history

    if retire_missing and effective_date is None:
        raise AdminUnitDataError([_("--retire-missing needs --effective-date YYYY-MM-DD.")])
    if with_history and snapshot is not None:
        raise AdminUnitDataError(
            [_("--with-history loads the history of the official list; it cannot be used with --file.")]
        )
    official = snapshot is None
    snapshot = snapshot or history.snapshot_current()
    if province_code is not None:
        snapshot = snapshot.only_province(_province_code_clean(province_code, snapshot))
    report = LoadReport(source=snapshot.source, dry_run=dry_run, effective_date=effective_date)
    timeline = history.Timeline({p.code for p in snapshot.provinces}) if official else None
    if timeline is not None:
        timeline.retire_known(report)
    _sync(
        snapshot,
        whole_country=province_code is None,
        retire_missing=retire_missing,
        effective_date=effective_date,
        report=report,
        valid_from_of=timeline.valid_from if timeline is not None else None,
    )
    if timeline is not None:
        timeline.complete(report, with_history=with_history)
    if effective_date is not None:
        recorded = SuccessionReport()
        codes = {p.code for p in snapshot.provinces}
        successions_record(
            entries=mapping_for(province_codes=codes, effective_date=effective_date),
            effective_date=effective_date,
            province_codes=codes,
            report=recorded,
        )
        report.add_successions(recorded)
    for follow in registry.units_changed:  # bulk writes send no signals
        follow(None)
    if dry_run:
        transaction.set_rollback(True)
    return report


@transaction.atomic
def admin_units_history_load(*, province_code: str, dry_run: bool = False) -> LoadReport:
    """Create the former units of one province as the shipped history knows them (e.g. Thái Nguyên of 2023 and of
    30/06/2025), valid until the dates the resolutions give, with their successions, leaving its current units
    as they are. Idempotent. Other former provinces merged into the same current one are left out."""
    from . import history

    report = LoadReport(source=str(history.PRE_REFORM_FILE.name), dry_run=dry_run)
    formed = [p["code"] for p in history.national_data()["provinces"] if province_code in p["formed_from"]]
    timeline = history.Timeline(formed or [province_code])
    timeline.retire_known(report)
    timeline.complete(report, with_history=False, only={province_code})
    for follow in registry.units_changed:  # bulk writes send no signals
        follow(None)
    if dry_run:
        transaction.set_rollback(True)
    return report
