"""Excel / CSV round trip of indicator values, keyed by official codes (commune code, set code, indicator code).

Export: `ValueTemplateResource` (django-import-export) writes one row per commune × indicator for a year.
Import: django-import-export's default path runs queries per row (minutes for a province's 12,000 rows), so the
file is read with its format classes and then checked here with every code resolved once per file (a handful of
queries in all). Any bad row refuses the whole file with row, column and reason; `build_import_plan` never
writes. `criteria.services.values_import_apply` writes a clean plan in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from communes.choices import CommuneType
from communes.models import Commune
from core import spreadsheets
from core.numbers import NumberFormatError, parse_integer, parse_number
from core.spreadsheets import ImportFileError, read_dataset  # noqa: F401 (the views read files through here)
from core.text import fold
from offices import scope
from offices.choices import DATA_WRITE_ROLES

from . import evaluation
from .choices import NUMERIC_TYPES, SubjectKind, ValueType
from .models import Assessment, CriteriaSet, Indicator, IndicatorValue
from .selectors import criteria_set_structure

# Column headers are fixed keys (the same in every language), so a filled-in file always imports.
COL_YEAR, COL_SET, COL_COMMUNE, COL_INDICATOR, COL_VALUE, COL_NOTE = (
    "year",
    "set",
    "commune_code",
    "indicator_code",
    "value",
    "note",
)
REQUIRED_COLUMNS = [COL_YEAR, COL_SET, COL_COMMUNE, COL_INDICATOR, COL_VALUE]
MAX_PREVIEW_ROWS = 200

TRUE_WORDS = {"dat", "co", "yes", "true", "1", "x", "met", "đat"}
FALSE_WORDS = {"khong dat", "khong", "chua dat", "no", "false", "0", "not met"}

FORMATS = spreadsheets.CONTENT_TYPES


# --- export -----------------------------------------------------------------------------------------------------


class ValueTemplateResource(resources.Resource):
    """One row per commune × indicator; `value` and `note` are what people fill in."""

    year = fields.Field(attribute="year", column_name=COL_YEAR)
    set = fields.Field(attribute="set_code", column_name=COL_SET)
    commune_code = fields.Field(attribute="commune_code", column_name=COL_COMMUNE)
    commune_name = fields.Field(attribute="commune_name", column_name="commune_name")
    indicator_code = fields.Field(attribute="indicator_code", column_name=COL_INDICATOR)
    indicator_name = fields.Field(attribute="indicator_name", column_name="indicator_name")
    value_type = fields.Field(attribute="value_type", column_name="value_type")
    unit = fields.Field(attribute="unit", column_name="unit")
    target = fields.Field(attribute="target", column_name="target")
    value = fields.Field(attribute="value", column_name=COL_VALUE)
    note = fields.Field(attribute="note", column_name=COL_NOTE)

    class Meta:
        fields = (
            "year",
            "set",
            "commune_code",
            "commune_name",
            "indicator_code",
            "indicator_name",
            "value_type",
            "unit",
            "target",
            "value",
            "note",
        )


def cell_value(value: IndicatorValue | None, value_type: str) -> str:
    """A stored value as it is typed in the template: "Đạt" / "Không đạt", "93,7", text."""
    if value is None or value.raw_value is None:
        return ""
    if value_type == ValueType.BOOL:
        return "Đạt" if value.value_bool else "Không đạt"
    if value_type in NUMERIC_TYPES:
        return evaluation.format_quantity(value.value_number, ValueType.AMOUNT, "")
    return value.value_text


def template_rows(*, user, criteria_set: CriteriaSet, year: int, district=None) -> list[SimpleNamespace]:
    """The export rows for the xã in the user's scope, with any values already entered. Fixed query count."""
    structure = criteria_set_structure(criteria_set=criteria_set)
    communes = (
        scope.communes(user)
        .current()
        .filter(unit_type=CommuneType.COMMUNE)
        .select_related("province")
        .order_by("district__code", "code")
    )
    if district is not None:
        communes = communes.filter(district=district)
    communes = list(communes)
    values = {
        (v.assessment.commune_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(
            assessment__year=year, assessment__criteria_set=criteria_set, assessment__commune__in=communes
        ).select_related("assessment")
    }
    rows = []
    for commune in communes:
        for indicator in structure.indicators:
            target = evaluation.target_for(
                structure.targets_by_indicator.get(indicator.pk, []),
                year=year,
                region_id=commune.target_region_id,
                commune_group=commune.commune_group,
            )
            value = values.get((commune.pk, indicator.pk))
            rows.append(
                SimpleNamespace(
                    year=year,
                    set_code=criteria_set.code,
                    commune_code=commune.code,
                    commune_name=commune.name,
                    indicator_code=indicator.code,
                    indicator_name=indicator.name,
                    value_type=indicator.value_type,
                    unit=indicator.unit,
                    target=_target_text(indicator, target),
                    value=cell_value(value, indicator.value_type),
                    note=value.note if value else "",
                )
            )
    return rows


def _target_text(indicator: Indicator, target) -> str:
    symbol = {"gte": "≥", "lte": "≤", "eq": "="}.get(indicator.comparator, "")
    if target is None or (target.value is None and not target.text_value):
        return "Đạt" if indicator.value_type == ValueType.BOOL else ""
    shown = target.text_value or evaluation.format_quantity(target.value, ValueType.AMOUNT, "")
    return f"{symbol} {shown}".strip()


def export_template(*, user, criteria_set: CriteriaSet, year: int, file_format: str = "xlsx", district=None) -> bytes:
    rows = template_rows(user=user, criteria_set=criteria_set, year=year, district=district)
    dataset = ValueTemplateResource().export(rows)
    dataset.title = f"{criteria_set.code} {year}"[:31]
    return spreadsheets.export_dataset(dataset, file_format)


# --- import -----------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class PlanRow:
    row: int
    assessment_key: tuple[int, int, int]  # commune id, year, set id
    indicator_id: int
    value_number: Decimal | None
    value_bool: bool | None
    value_text: str
    note: str | None  # None: keep the stored note

    def stored(self, old_note: str) -> tuple:
        return (self.value_number, self.value_bool, self.value_text, old_note if self.note is None else self.note)


@dataclass
class PreviewRow:
    row: int
    commune: str
    indicator: str
    before: str
    after: str
    is_new: bool


@dataclass
class ValueImportPlan:
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    assessment_keys: list[tuple[int, int, int]] = field(default_factory=list)
    sets_by_id: dict[int, CriteriaSet] = field(default_factory=dict)
    preview: list[PreviewRow] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    blank: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _parse_bool(raw):
    if isinstance(raw, bool):
        return raw
    key = fold(str(raw))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(_("'{value}' is not a yes/no answer (write Đạt or Không đạt)").format(value=raw))


def parse_cell(raw, value_type: str):
    """Typed value from a cell or a form field; ValueError with a message saying what is wrong."""
    if value_type == ValueType.BOOL:
        return _parse_bool(raw)
    if value_type == ValueType.TEXT:
        return str(raw).strip()
    try:
        number = parse_integer(raw) if value_type == ValueType.COUNT else parse_number(raw)
    except NumberFormatError as exc:
        if value_type == ValueType.COUNT:
            raise ValueError(_("'{value}' is not a whole number").format(value=raw)) from exc
        raise ValueError(_("'{value}' is not a number (e.g. 93,7 or 1.500.000)").format(value=raw)) from exc
    if number < 0:
        raise ValueError(_("{value} is negative").format(value=raw))
    if value_type == ValueType.PERCENT and number > 100:
        raise ValueError(_("{value} is not a percentage between 0 and 100").format(value=raw))
    return Decimal(number)


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def build_import_plan(*, dataset: tablib.Dataset, user) -> ValueImportPlan:
    """Check every row of a filled-in template without writing. Queries: a fixed handful for the whole file."""
    plan = ValueImportPlan()
    headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        plan.errors.append(
            RowError(
                1, ", ".join(missing), _("Required columns are missing: {columns}").format(columns=", ".join(missing))
            )
        )
        return plan
    idx = {name: headers.index(name) for name in headers if name}
    has_note = COL_NOTE in idx
    raw_rows = list(dataset)

    # Resolve every code once for the whole file.
    set_codes = {str(r[idx[COL_SET]]).strip() for r in raw_rows if not _blank(r[idx[COL_SET]])}
    sets = {s.code: s for s in CriteriaSet.objects.filter(code__in=set_codes)}
    plan.sets_by_id = {s.pk: s for s in sets.values()}
    indicators = {
        (i.criterion.criteria_set_id, i.code): i
        for i in Indicator.objects.filter(criterion__criteria_set__in=sets.values()).select_related("criterion")
    }
    commune_codes = {_code(r[idx[COL_COMMUNE]]) for r in raw_rows}
    communes = {c.code: c for c in Commune.objects.current().filter(code__in=commune_codes)}
    writable = set(
        scope.communes(user, DATA_WRITE_ROLES)
        .filter(pk__in=[c.pk for c in communes.values()])
        .values_list("pk", flat=True)
    )
    visible = set(scope.communes(user).filter(pk__in=[c.pk for c in communes.values()]).values_list("pk", flat=True))

    parsed = []
    seen: dict[tuple, int] = {}
    for n, raw in enumerate(raw_rows, start=2):  # row 1 is the header
        if all(_blank(v) for v in raw):
            continue
        errors_before = len(plan.errors)

        def err(column, reason, n=n):
            plan.errors.append(RowError(n, column, reason))

        year = None
        try:
            year = parse_integer(raw[idx[COL_YEAR]])
        except NumberFormatError:
            err(COL_YEAR, _("'{value}' is not a year").format(value=raw[idx[COL_YEAR]] or ""))
        set_code = "" if _blank(raw[idx[COL_SET]]) else str(raw[idx[COL_SET]]).strip()
        criteria_set = sets.get(set_code)
        if criteria_set is None:
            err(COL_SET, _("Unknown criteria set '{code}'").format(code=set_code))
        elif criteria_set.subject != SubjectKind.COMMUNE:
            err(COL_SET, _("Set '{code}' is not a commune set").format(code=set_code))
        elif year is not None and not criteria_set.covers_year(year):
            err(COL_YEAR, _("Set '{code}' does not cover {year}").format(code=set_code, year=year))
        commune_code = _code(raw[idx[COL_COMMUNE]])
        commune = communes.get(commune_code)
        if commune is None:
            err(COL_COMMUNE, _("Unknown commune code '{code}'").format(code=commune_code))
        elif commune.pk not in visible:
            err(COL_COMMUNE, _("Commune '{code}' is outside your area").format(code=commune_code))
        elif commune.pk not in writable:
            err(COL_COMMUNE, _("Your role may not change the data of commune '{code}'").format(code=commune_code))
        indicator_code = "" if _blank(raw[idx[COL_INDICATOR]]) else str(raw[idx[COL_INDICATOR]]).strip()
        indicator = indicators.get((criteria_set.pk, indicator_code)) if criteria_set else None
        if criteria_set is not None and indicator is None:
            err(
                COL_INDICATOR,
                _("Unknown indicator '{code}' in set '{set}'").format(code=indicator_code, set=set_code),
            )
        raw_value = raw[idx[COL_VALUE]]
        value = None
        if not _blank(raw_value) and indicator is not None:
            try:
                value = parse_cell(raw_value, indicator.value_type)
            except ValueError as exc:
                err(COL_VALUE, str(exc))
        if len(plan.errors) > errors_before:
            continue
        key = (commune.pk, year, criteria_set.pk, indicator.pk)
        if key in seen:
            err(COL_INDICATOR, _("Same commune, set, year and indicator as row {row}").format(row=seen[key]))
            continue
        seen[key] = n
        if _blank(raw_value):
            plan.blank += 1
            continue
        note = None
        if has_note:
            note = "" if _blank(raw[idx[COL_NOTE]]) else str(raw[idx[COL_NOTE]]).strip()
        parsed.append((n, commune, year, criteria_set, indicator, value, note))

    if plan.errors:
        return plan

    keys = list(dict.fromkeys((c.pk, y, s.pk) for _n, c, y, s, _i, _v, _note in parsed))
    plan.assessment_keys = keys
    existing = {
        (a.commune_id, a.year, a.criteria_set_id): a
        for a in Assessment.objects.filter(
            commune_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, criteria_set_id__in={k[2] for k in keys}
        )
    }
    current = {
        (v.assessment_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(assessment__in=[a.pk for a in existing.values()]).only(
            "assessment_id", "indicator_id", "value_number", "value_bool", "value_text", "note"
        )
    }
    for n, commune, year, criteria_set, indicator, value, note in parsed:
        assessment = existing.get((commune.pk, year, criteria_set.pk))
        if assessment is not None and assessment.is_locked:
            plan.errors.append(
                RowError(
                    n,
                    COL_COMMUNE,
                    _("The {year} assessment of '{code}' is locked ({reason})").format(
                        year=year, code=commune.code, reason=assessment.lock_reason
                    ),
                )
            )
            continue
        row = PlanRow(
            row=n,
            assessment_key=(commune.pk, year, criteria_set.pk),
            indicator_id=indicator.pk,
            value_number=value if indicator.value_type in NUMERIC_TYPES else None,
            value_bool=value if indicator.value_type == ValueType.BOOL else None,
            value_text=value if indicator.value_type == ValueType.TEXT else "",
            note=note,
        )
        old = current.get((assessment.pk, indicator.pk)) if assessment else None
        if old is not None and (old.value_number, old.value_bool, old.value_text, old.note) == row.stored(old.note):
            plan.unchanged += 1
            continue
        plan.rows.append(row)
        if old is None:
            plan.new += 1
        else:
            plan.changed += 1
        if len(plan.preview) < MAX_PREVIEW_ROWS:
            plan.preview.append(
                PreviewRow(
                    row=n,
                    commune=f"{commune.code} {commune.name}",
                    indicator=indicator.code,
                    before=cell_value(old, indicator.value_type),
                    after=cell_value(_as_value(row), indicator.value_type),
                    is_new=old is None,
                )
            )
    return plan


def _as_value(row: PlanRow) -> IndicatorValue:
    return IndicatorValue(value_number=row.value_number, value_bool=row.value_bool, value_text=row.value_text)


def _code(raw) -> str:
    """Commune codes are 5 digits; Excel drops leading zeros from numeric cells, so pad them back."""
    if _blank(raw):
        return ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return f"{int(raw):05d}"
    text = str(raw).strip()
    return text.zfill(5) if text.isdigit() else text


IMPORT_HELP = gettext_lazy(
    "Columns year, set, commune_code, indicator_code and value are required; note is optional. Leave value "
    "empty to keep what is stored. Yes/no indicators take Đạt or Không đạt; numbers may be written 93,7 or "
    "1.500.000. A file with any bad row is refused whole and nothing is written."
)
