"""Load the criteria sets shipped in criteria/data/ (one set per file, plus regions.json).

A set file is a criteria workbook (.xlsx, `criteria.workbook`) or the same content as JSON; either way its rows go
through the workbook's parser (`parse_row`, `assemble`), so a shipped set and an office's upload are read by one
mechanism and refused for the same reasons. Idempotent: rows are found by their natural keys (set code, criterion code, indicator code, target scope) and
created when missing. Existing rows are left as they are unless `update=True`, so targets corrected in the admin
survive a re-run. A malformed file stops the whole load with a message naming the file and the record, and
writes nothing.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from communes.models import Province, Region
from core.importing import text
from core.spreadsheets import ImportFileError, read_sheets

from . import workbook
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
    return sorted(p for p in [*directory.glob("*.json"), *directory.glob("*.xlsx")] if p.name != REGIONS_FILE)


def _require(record: dict, key: str, where: str, choices=None):
    if key not in record or record[key] in (None, ""):
        raise CriteriaDataError(f"{where}: '{key}' is missing")
    value = record[key]
    if choices is not None and value not in choices:
        raise CriteriaDataError(f"{where}: '{key}' is '{value}', expected one of {sorted(choices)}")
    return value


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
        spec = read_set_file(path, regions=set(regions))
        _load_set(spec, path.name, regions=regions, update=update, summary=summary)
    return summary


# --- a data file as workbook rows ------------------------------------------------------------------------------------


def _yes(flag: object) -> str:
    return workbook.YES if flag else ""


def json_as_workbook(data: dict) -> tuple[list[tuple[int, str, object]], list[dict]]:
    """A JSON set file as the workbook's two sheets: the "set" sheet's (row, field, value) and the "criteria" rows."""
    pairs = [
        (n, name, _yes(data.get("provisional")) if name == "provisional" else data.get(name))
        for n, name in enumerate(workbook.SET_FIELDS, start=2)
        if name != "version"
    ]
    groups = {g.get("code"): g for g in data.get("groups", [])}
    rows = []
    for c in data.get("criteria") or []:
        group = groups.get(c.get("group"), {})
        head = {
            "group_code": c.get("group"),
            "group_name": group.get("name"),
            "group_name_en": group.get("name_en"),
            "criterion_number": c.get("number"),
            "criterion_code": c.get("code"),
            "criterion_name": c.get("name"),
            "criterion_name_en": c.get("name_en"),
            "key_criterion": _yes(c.get("revocation_key")),
        }
        for i in c.get("indicators") or [{}]:
            indicator = {
                **head,
                "indicator_code": i.get("code"),
                "indicator_name": i.get("name"),
                "indicator_name_en": i.get("name_en"),
                "value_type": i.get("value_type"),
                "comparator": i.get("comparator"),
                "unit": i.get("unit"),
                "indicator_provisional": _yes(i.get("provisional")),
                "indicator_notes": i.get("source"),
            }
            for t in i.get("targets") or [None]:
                if t is None:
                    rows.append(indicator)
                    continue
                rows.append(
                    {
                        **indicator,
                        "region": t.get("region"),
                        "commune_group": t.get("commune_group"),
                        "year_from": t.get("year_from"),
                        "year_to": t.get("year_to"),
                        "target_value": t.get("value"),
                        "target_text": t.get("text_value"),
                        "delegated": _yes(t.get("delegated")),
                        "provenance": workbook.PROVENANCE_PROVISIONAL
                        if t.get("provisional")
                        else workbook.PROVENANCE_VERIFIED,
                        "source_document": t.get("source_document"),
                        "article": t.get("article"),
                        "target_notes": t.get("source"),
                    }
                )
    return pairs, rows


def xlsx_as_workbook(path: Path) -> tuple[list[tuple[int, str, object]], list[dict]]:
    try:
        sheets = read_sheets(path.read_bytes(), path.name)
    except (OSError, ImportFileError) as exc:
        raise CriteriaDataError(f"{path.name}: cannot read the file ({exc})") from exc
    if workbook.SET_SHEET not in sheets or workbook.CRITERIA_SHEET not in sheets:
        raise CriteriaDataError(f"{path.name}: the sheets 'set' and 'criteria' are needed")
    pairs = [
        (n, text(row[0]), row[1] if len(row) > 1 else None)
        for n, row in enumerate(sheets[workbook.SET_SHEET], start=2)
        if row and text(row[0])
    ]
    dataset = sheets[workbook.CRITERIA_SHEET]
    headers = [text(h) for h in dataset.headers or []]
    rows = [dict(zip(headers, r, strict=False)) for r in dataset]
    return pairs, rows


def read_set_file(path: Path, *, regions: set[str]) -> workbook.SetSpec:
    """A set file read through the workbook's parser; the first problems stop the load, naming file, row, column."""
    pairs, rows = xlsx_as_workbook(path) if path.suffix == ".xlsx" else json_as_workbook(_read(path))
    errors: list[str] = []

    def err(n: int, column: str, reason: object) -> None:
        errors.append(f"row {n}, {column}: {reason}")

    spec = workbook.parse_set_fields(pairs, lambda n, column, reason: err(n, f"set '{column}'", reason))
    parsed = []
    for n, row in enumerate(rows, start=2):
        one = workbook.parse_row(n, row, lambda column, reason, n=n: err(n, f"'{column}'", reason), regions=regions)
        if one is not None:
            parsed.append(one)
    if spec is not None and not errors:
        seen: dict[tuple, int] = {}
        for one in parsed:
            if one.key in seen:
                err(one.n, "'indicator_code'", f"the same indicator and target as row {seen[one.key]}")
            seen.setdefault(one.key, one.n)
        workbook.assemble(spec, parsed, err)
    if errors or spec is None:
        raise CriteriaDataError(f"{path.name}: " + "; ".join(errors[:5]))
    return spec


# --- writing (idempotent, by natural keys) -------------------------------------------------------------------------


def _load_set(spec: workbook.SetSpec, filename: str, *, regions: dict, update: bool, summary: LoadSummary) -> None:
    code = spec.code
    province = None
    if spec.province:
        province = Province.objects.current().filter(code=spec.province).first()
        if province is None:
            # A province's own set waits until that province is loaded; national sets do not depend on units.
            summary.skipped.append(f"{code} (province {spec.province} not loaded yet)")
            return
    criteria_set = _upsert(
        CriteriaSet,
        {"code": code},
        {
            "name": spec.name,
            "subject": spec.subject,
            "level": spec.level,
            "year_from": spec.year_from,
            "year_to": spec.year_to,
            "legal_basis": spec.legal_basis,
            "target_scheme": spec.target_scheme,
            "province": province,
            "is_provisional": spec.provisional,
            "source": spec.source,
        },
        update=update,
        summary=summary,
        kind="sets",
    )
    summary.sets.append(code)
    groups = {}
    for order, (g_code, (name, name_en)) in enumerate(spec.groups.items(), start=1):
        groups[g_code] = _upsert(
            CriterionGroup,
            {"criteria_set": criteria_set, "code": g_code},
            {"name": name, "name_en": name_en, "order": order},
            update=update,
            summary=summary,
            kind="groups",
        )
    for c in spec.criteria:
        criterion = _upsert(
            Criterion,
            {"criteria_set": criteria_set, "code": c.code},
            {
                "number": c.number,
                "group": groups.get(c.group),
                "name": c.name,
                "name_en": c.name_en,
                "is_revocation_key": c.key,
            },
            update=update,
            summary=summary,
            kind="criteria",
        )
        for order, i in enumerate(c.indicators, start=1):
            indicator = _upsert(
                Indicator,
                {"criterion": criterion, "code": i.code},
                {
                    "name": i.name,
                    "name_en": i.name_en,
                    "value_type": i.value_type,
                    "comparator": i.comparator,
                    "unit": i.unit,
                    "order": order,
                    "is_provisional": i.provisional,
                    "source": i.notes,
                },
                update=update,
                summary=summary,
                kind="indicators",
            )
            for t in i.targets:
                _upsert(
                    IndicatorTarget,
                    {
                        "indicator": indicator,
                        "region": regions.get(t.region) if t.region else None,
                        "commune_group": t.commune_group,
                        "year_from": t.year_from,
                        "year_to": t.year_to,
                    },
                    {
                        "value": t.value,
                        "text_value": t.text_value,
                        "is_provisional": t.provisional,
                        "is_delegated": t.delegated,
                        "source_document": t.source_document,
                        "article": t.article,
                        "source": t.notes,
                    },
                    update=update,
                    summary=summary,
                    kind="targets",
                )
