"""Load criteria sets from the JSON files in criteria/data/ (one set per file, plus regions.json).

Idempotent: rows are found by their natural keys (set code, criterion code, indicator code, target scope) and
created when missing. Existing rows are left as they are unless `update=True`, so targets corrected in the admin
survive a re-run. A malformed file stops the whole load with a message naming the file and the record, and
writes nothing.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from communes.choices import CommuneGroup
from communes.models import Province, Region

from .choices import Comparator, StandardLevel, SubjectKind, TargetScheme, ValueType
from .models import CriteriaSet, Criterion, CriterionGroup, Indicator, IndicatorTarget

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = "regions.json"


class CriteriaDataError(ValueError):
    """A data file is malformed; the message names the file and the record."""


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    sets: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool, changed: bool = False) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def __str__(self):
        made = ", ".join(f"{n} {k}" for k, n in sorted(self.created.items())) or "nothing"
        changed = ", ".join(f"{n} {k}" for k, n in sorted(self.updated.items())) or "nothing"
        text = f"sets {', '.join(self.sets)}: created {made}; updated {changed}"
        if self.skipped:
            text += "; skipped " + "; ".join(self.skipped)
        return text


def set_files(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.json") if p.name != REGIONS_FILE)


def _require(record: dict, key: str, where: str, choices=None):
    if key not in record or record[key] in (None, ""):
        raise CriteriaDataError(f"{where}: '{key}' is missing")
    value = record[key]
    if choices is not None and value not in choices:
        raise CriteriaDataError(f"{where}: '{key}' is '{value}', expected one of {sorted(choices)}")
    return value


def _decimal(value, where: str):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CriteriaDataError(f"{where}: target value '{value}' is not a number") from exc


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CriteriaDataError(f"{path.name}: cannot read the file ({exc})") from exc


def _upsert(model, lookup: dict, values: dict, *, update: bool, summary: LoadSummary, kind: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        summary.count(kind, created=True)
        return obj
    if update:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            summary.count(kind, created=False, changed=True)
    return obj


def load_regions(directory: Path = DATA_DIR, *, summary: LoadSummary) -> dict[str, Region]:
    data = _read(directory / REGIONS_FILE)
    regions = {}
    for i, record in enumerate(data.get("regions", []), start=1):
        where = f"{REGIONS_FILE} region {i}"
        code = _require(record, "code", where)
        region, created = Region.objects.get_or_create(code=code, defaults={"name": _require(record, "name", where)})
        summary.count("regions", created=created)
        regions[code] = region
    return regions


@transaction.atomic
def load_criteria(paths: list[Path] | None = None, *, update: bool = False) -> LoadSummary:
    """Load every set file (or the given ones). All or nothing."""
    summary = LoadSummary()
    regions = {r.code: r for r in Region.objects.all()}
    regions.update(load_regions(summary=summary))
    for path in paths or set_files():
        _load_set(_read(path), path.name, regions=regions, update=update, summary=summary)
    return summary


def _load_set(data: dict, filename: str, *, regions: dict, update: bool, summary: LoadSummary) -> None:
    code = _require(data, "code", filename)
    where = f"{filename} ({code})"
    province = None
    if data.get("province"):
        province = Province.objects.current().filter(code=data["province"]).first()
        if province is None:
            # A province's own set waits until that province is loaded; national sets do not depend on units.
            summary.skipped.append(f"{code} (province {data['province']} not loaded yet)")
            return
    criteria_set = _upsert(
        CriteriaSet,
        {"code": code},
        {
            "name": _require(data, "name", where),
            "subject": _require(data, "subject", where, SubjectKind.values),
            "level": _require(data, "level", where, StandardLevel.values),
            "year_from": _require(data, "year_from", where),
            "year_to": _require(data, "year_to", where),
            "legal_basis": data.get("legal_basis", ""),
            "target_scheme": data.get("target_scheme", TargetScheme.REGION),
            "province": province,
            "is_provisional": bool(data.get("provisional", False)),
            "source": data.get("source", ""),
        },
        update=update,
        summary=summary,
        kind="sets",
    )
    summary.sets.append(code)
    groups = {}
    for order, record in enumerate(data.get("groups", []), start=1):
        g_where = f"{where} group {order}"
        g_code = _require(record, "code", g_where)
        groups[g_code] = _upsert(
            CriterionGroup,
            {"criteria_set": criteria_set, "code": g_code},
            {"name": _require(record, "name", g_where), "name_en": record.get("name_en", ""), "order": order},
            update=update,
            summary=summary,
            kind="groups",
        )
    seen_indicators = set()
    criteria = data.get("criteria") or []
    if not criteria:
        raise CriteriaDataError(f"{where}: the set has no criteria")
    for c_record in criteria:
        c_code = _require(c_record, "code", f"{where} criterion")
        c_where = f"{where} criterion {c_code}"
        group_code = c_record.get("group")
        if group_code and group_code not in groups:
            raise CriteriaDataError(f"{c_where}: group '{group_code}' is not defined in the file")
        criterion = _upsert(
            Criterion,
            {"criteria_set": criteria_set, "code": c_code},
            {
                "number": _require(c_record, "number", c_where),
                "group": groups.get(group_code),
                "name": _require(c_record, "name", c_where),
                "name_en": c_record.get("name_en", ""),
                "is_revocation_key": bool(c_record.get("revocation_key", False)),
            },
            update=update,
            summary=summary,
            kind="criteria",
        )
        indicators = c_record.get("indicators") or []
        if not indicators:
            raise CriteriaDataError(f"{c_where}: at least one indicator is needed")
        for order, i_record in enumerate(indicators, start=1):
            i_code = _require(i_record, "code", f"{c_where} indicator {order}")
            i_where = f"{where} indicator {i_code}"
            if i_code in seen_indicators:
                raise CriteriaDataError(f"{i_where}: the code is used twice in the set")
            seen_indicators.add(i_code)
            indicator = _upsert(
                Indicator,
                {"criterion": criterion, "code": i_code},
                {
                    "name": i_record.get("name") or i_record.get("name_en") or i_code,
                    "name_en": i_record.get("name_en", ""),
                    "value_type": _require(i_record, "value_type", i_where, ValueType.values),
                    "comparator": _require(i_record, "comparator", i_where, Comparator.values),
                    "unit": i_record.get("unit", ""),
                    "order": order,
                    "is_provisional": bool(i_record.get("provisional", False)),
                    "source": i_record.get("source", ""),
                },
                update=update,
                summary=summary,
                kind="indicators",
            )
            for t_record in i_record.get("targets", []):
                _load_target(indicator, t_record, i_where, regions=regions, update=update, summary=summary)


def _load_target(indicator, record: dict, where: str, *, regions, update: bool, summary: LoadSummary) -> None:
    region = None
    if record.get("region"):
        region = regions.get(record["region"])
        if region is None:
            raise CriteriaDataError(f"{where}: region '{record['region']}' is not in {REGIONS_FILE}")
    group = record.get("commune_group")
    if group is not None and group not in CommuneGroup.values:
        raise CriteriaDataError(f"{where}: commune group '{group}' is not 1, 2 or 3")
    value = _decimal(record.get("value"), where)
    if value is None and not record.get("text_value") and not record.get("delegated"):
        raise CriteriaDataError(f"{where}: a target needs a value, a text_value or delegated=true")
    _upsert(
        IndicatorTarget,
        {
            "indicator": indicator,
            "region": region,
            "commune_group": group,
            "year_from": record.get("year_from"),
            "year_to": record.get("year_to"),
        },
        {
            "value": value,
            "text_value": record.get("text_value", ""),
            "is_provisional": bool(record.get("provisional", False)),
            "is_delegated": bool(record.get("delegated", False)),
            "source": record.get("source", ""),
        },
        update=update,
        summary=summary,
        kind="targets",
    )
