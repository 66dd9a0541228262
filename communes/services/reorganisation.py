"""Applying a reorganisation of one province: from the snapshot before to the snapshot after, on the date the
resolution gives, with the successions the resolution states."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import registry
from ..choices import UnitLevel
from ..models import Commune, District, Province
from .loading import LoadReport, _sync
from .snapshots import AdminUnitDataError, Snapshot, name_key
from .snapshots import describe as _describe
from .snapshots import unit_key as _key
from .successions import SuccessionReport, coverage_errors, mapping_for, successions_record


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

    The successions come from the mapping of the resolution (the office's imported one for its province, else the
    shipped one): a reorganisation that would create a unit with no predecessors in it is refused, naming the
    units. Units absent from `new`, units whose code survives under another name or type and units the mapping
    forms anew under the same code and name end (valid_to); new units start (valid_from); units left as they were
    keep their rows and follow the new structure (a dissolved district tier leaves them without a district).
    Every succession carries its clause and resolution; predecessors not in the database (a neighbouring province
    not loaded) are listed, and so are ended units the mapping gives no successor. Running it again changes
    nothing. `legal_basis` is kept on successions whose mapping names no resolution.
    """
    errors = _check_from_state(old, new, effective_date=effective_date)
    if errors:
        raise AdminUnitDataError(errors)
    codes = {p.code for p in new.provinces}
    entries = mapping_for(province_codes=codes, effective_date=effective_date)
    if legal_basis:
        entries = [e if e.resolution else dataclasses.replace(e, resolution=legal_basis) for e in entries]
    renewed = frozenset(e.key for e in entries if e.renews_a_predecessor)
    current = {
        (u.code, name_key(u.name), u.unit_type) for u in Commune.objects.current().filter(province__code__in=codes)
    }
    created = [rec for rec in new.communes if rec.key not in current or rec.key in renewed]
    errors = coverage_errors(created, entries, effective_date=effective_date)
    if errors:
        raise AdminUnitDataError(errors)
    report = LoadReport(source=new.source, dry_run=dry_run, effective_date=effective_date)
    _sync(
        new,
        whole_country=False,
        retire_missing=True,
        effective_date=effective_date,
        report=report,
        renewed=renewed,
    )
    recorded = SuccessionReport()
    successions_record(entries=entries, effective_date=effective_date, province_codes=codes, report=recorded)
    report.add_successions(recorded)
    for follow in registry.units_changed:  # bulk writes send no signals
        follow(None)
    if dry_run:
        transaction.set_rollback(True)
    return report
