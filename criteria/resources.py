"""Excel / CSV round trip of indicator values, keyed by official codes (commune code, set code, indicator code).

Export: `ValueTemplateResource` (django-import-export) writes one row per commune × indicator for a year.
Import: `ValuesImporter` (core.importing) checks a filled-in template with every code resolved once per file (a
handful of queries in all); any bad row refuses the whole file with row, column and reason.
`criteria.services.values_import_apply` writes a clean plan in bulk.
"""

from __future__ import annotations

import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from communes.choices import CommuneType
from communes.models import Commune, Region
from core import importing, spreadsheets
from core.importing import Change, ImportPlan, RowError
from core.numbers import NumberFormatError, parse_integer, parse_number
from core.spreadsheets import TemplateColumn
from core.text import fold
from offices import scope
from offices.choices import DATA_WRITE_ROLES

from . import evaluation, services
from .choices import NUMERIC_TYPES, SubjectKind, ValueType
from .models import Assessment, CommuneClassification, CriteriaSet, Indicator, IndicatorValue
from .selectors import classifications_in, criteria_set_structure
from .services import values_import_apply

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

TRUE_WORDS = {"dat", "co", "yes", "true", "1", "x", "met", "đat"}
FALSE_WORDS = {"khong dat", "khong", "chua dat", "no", "false", "0", "not met"}


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


def _year_or_none(raw) -> int | None:
    """The row's year when it reads as one (`check` reports the rows where it does not)."""
    try:
        return parse_integer(raw)
    except (NumberFormatError, TypeError, ValueError):
        return None


def template_rows(*, user, criteria_set: CriteriaSet, year: int, district=None) -> list[SimpleNamespace]:
    """The export rows for the xã in the user's scope, with any values already entered. Fixed query count."""
    structure = criteria_set_structure(criteria_set=criteria_set)
    # The communes of that year (before a merger the former ones, which its records name; after it the new ones).
    communes = (
        scope.communes(user)
        .valid_on(datetime.date(year, 12, 31) if year < timezone.localdate().year else timezone.localdate())
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
    classified = classifications_in({(c.pk, year) for c in communes})
    rows = []
    for commune in communes:
        region_id, commune_group = classified[(commune.pk, year)]
        for indicator in structure.indicators:
            target = evaluation.target_for(
                structure.targets_by_indicator.get(indicator.pk, []),
                year=year,
                region_id=region_id,
                commune_group=commune_group,
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
                    value_type=str(ValueType(indicator.value_type).label),
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
    return ValuesImporter.template(
        dataset,
        file_format=file_format,
        title=f"{criteria_set.code} {year}",
        choices=_template_choices(rows),
        spare_rows=0,  # one row per commune and indicator: nothing to add
    )


def _template_choices(rows) -> dict[str, tuple[str, ...]]:
    """The drop-downs of the values template: the codes the file's rows name (the set, the communes of the
    user's area, the set's indicators)."""
    return {
        COL_SET: tuple(dict.fromkeys(r.set_code for r in rows)),
        COL_COMMUNE: tuple(dict.fromkeys(r.commune_code for r in rows)),
        COL_INDICATOR: tuple(dict.fromkeys(r.indicator_code for r in rows)),
    }


def _value_kind(row) -> str:
    """How the value cell of a template row is written and checked, from the indicator's type shown beside it."""
    kinds = {
        ValueType.BOOL: spreadsheets.YES_NO,
        ValueType.COUNT: spreadsheets.INTEGER,
        ValueType.PERCENT: spreadsheets.NUMBER,
        ValueType.AMOUNT: spreadsheets.AMOUNT,
        ValueType.TEXT: spreadsheets.TEXT,
    }
    shown = str(row.get("value_type") or "")
    return next((kind for vt, kind in kinds.items() if shown in (str(vt.label), vt.value)), spreadsheets.TEXT)


# --- import -----------------------------------------------------------------------------------------------------


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


@dataclass
class ValueImportPlan(ImportPlan):
    """Also names every assessment the file touches (changed or not): the write step creates the missing ones and
    re-evaluates them all."""

    assessment_keys: list[tuple[int, int, int]] = field(default_factory=list)  # commune id, year, set id


# A stored value as the check compares it (a named tuple: a file of 100,000 rows needs no model instances).
_Stored = namedtuple("_Stored", ["value_number", "value_bool", "value_text", "note"])


class ValuesImporter(importing.Importer):
    """A filled-in template (`export_template`): one value per commune, set, year and indicator.

    A change's key is (commune id, year, set id, indicator id); its values are the IndicatorValue fields."""

    columns = [*REQUIRED_COLUMNS, COL_NOTE]
    required = REQUIRED_COLUMNS
    help_text = gettext_lazy(
        "Columns year, set, commune_code, indicator_code and value are required; note is optional. Leave value "
        "empty to keep what is stored. Yes/no indicators take Đạt or Không đạt; numbers may be written 93,7 or "
        "1.500.000. A file with any bad row is refused whole and nothing is written."
    )
    preview_columns = (gettext_lazy("Commune"), gettext_lazy("Indicator"))
    template_columns = (
        TemplateColumn(COL_YEAR, gettext_lazy("Year"), spreadsheets.YEAR, 7, key=True),
        TemplateColumn(COL_SET, gettext_lazy("Criteria set (code)"), spreadsheets.CODE, 16, key=True),
        TemplateColumn(COL_COMMUNE, gettext_lazy("Commune code"), spreadsheets.CODE, 10, key=True),
        TemplateColumn("commune_name", gettext_lazy("Commune"), width=22, key=True),
        TemplateColumn(COL_INDICATOR, gettext_lazy("Indicator code"), spreadsheets.CODE, 10, key=True),
        TemplateColumn("indicator_name", gettext_lazy("Indicator"), width=48, key=True),
        TemplateColumn("value_type", gettext_lazy("Kind of value"), width=12, key=True),
        TemplateColumn("unit", gettext_lazy("Unit"), width=10, key=True),
        TemplateColumn("target", gettext_lazy("Target that applies"), width=14, key=True),
        TemplateColumn(
            COL_VALUE,
            gettext_lazy("Value"),
            spreadsheets.VALUE,
            14,
            help=gettext_lazy("Đạt or Không đạt for yes/no indicators, a number for the others; empty keeps it."),
            kind_of=_value_kind,
        ),
        TemplateColumn(COL_NOTE, gettext_lazy("Note"), width=30, help=gettext_lazy("Optional.")),
    )
    duplicate_column = COL_INDICATOR
    duplicate_message = gettext_lazy("Same commune, set, year and indicator as row {row}")
    success_message = gettext_lazy(
        "Imported: {created} new values, {updated} changed, {assessments} assessments re-evaluated."
    )
    plan_class = ValueImportPlan

    def prepare(self, rows):
        # A file repeats the same year, set, commune and indicator cells on thousands of rows: each distinct cell is
        # read once, here and in `check` (the memos below), which is most of the time of a large file.
        raw_sets, raw_communes, raw_years = set(), set(), set()
        for r in rows:
            raw_sets.add(r.get(COL_SET))
            raw_communes.add(r.get(COL_COMMUNE))
            raw_years.add(r.get(COL_YEAR))
        set_codes = {importing.text(v) for v in raw_sets} - {""}
        self.sets = {s.code: s for s in CriteriaSet.objects.filter(code__in=set_codes)}
        self.indicators = {
            (i.criterion.criteria_set_id, i.code): i
            for i in Indicator.objects.filter(criterion__criteria_set__in=self.sets.values()).select_related(
                "criterion"
            )
        }
        self.indicators_by_pk = {i.pk: i for i in self.indicators.values()}
        commune_codes = {importing.official_code(v, level="commune") for v in raw_communes}
        # A code names the unit that held it in the file's year (a code outlives a merger); a file of several years
        # or of the year in progress names the current units.
        years = {_year_or_none(v) for v in raw_years}
        year = next(iter(years)) if len(years) == 1 else None
        units = Commune.objects.current()
        if isinstance(year, int) and 2000 <= year < timezone.localdate().year:
            units = Commune.objects.valid_on(datetime.date(year, 12, 31))
        self.communes = {c.code: c for c in units.filter(code__in=commune_codes)}
        self.communes_by_pk = {c.pk: c for c in self.communes.values()}
        ids = list(self.communes_by_pk)
        self.writable = set(scope.communes(self.user, DATA_WRITE_ROLES).filter(pk__in=ids).values_list("pk", flat=True))
        self.visible = set(scope.communes(self.user).filter(pk__in=ids).values_list("pk", flat=True))
        self._year_cells: dict[object, tuple[int | None, str]] = {}
        self._set_cells: dict[tuple[object, int | None], tuple[CriteriaSet | None, str, str]] = {}
        self._commune_cells: dict[object, tuple[Commune | None, str]] = {}
        self._indicator_cells: dict[tuple[int, object], tuple[Indicator | None, str]] = {}
        self._value_cells: dict[tuple[object, str], tuple[object, str]] = {}
        self._values_made: dict[tuple[object, str, str | None], dict[str, object]] = {}

    def _year_cell(self, raw) -> tuple[int | None, str]:
        """(year, error) of a year cell."""
        try:
            return self._year_cells[raw]
        except KeyError:
            pass
        try:
            found = (parse_integer(raw), "")
        except NumberFormatError:
            found = (None, _("'{value}' is not a year").format(value=raw or ""))
        self._year_cells[raw] = found
        return found

    def _set_cell(self, raw, year: int | None) -> tuple[CriteriaSet | None, str, str]:
        """(set, column, error) of a set cell in a row of that year (the set is known even when the year is not
        covered, so its indicators are still checked)."""
        try:
            return self._set_cells[(raw, year)]
        except KeyError:
            pass
        set_code = importing.text(raw)
        criteria_set = self.sets.get(set_code)
        column, error = COL_SET, ""
        if criteria_set is None:
            error = _("Unknown criteria set '{code}'").format(code=set_code)
        elif criteria_set.subject != SubjectKind.COMMUNE:
            error = _("Set '{code}' is not a commune set").format(code=set_code)
        elif year is not None and not criteria_set.covers_year(year):
            column, error = COL_YEAR, _("Set '{code}' does not cover {year}").format(code=set_code, year=year)
        found = (criteria_set, column, error)
        self._set_cells[(raw, year)] = found
        return found

    def _commune_cell(self, raw) -> tuple[Commune | None, str]:
        """(commune, error) of a commune cell; the commune is None when the row may not name it."""
        try:
            return self._commune_cells[raw]
        except KeyError:
            pass
        code = importing.official_code(raw, level="commune")
        commune = self.communes.get(code)
        error = ""
        if commune is None:
            error = _("Unknown commune code '{code}'").format(code=code)
        elif commune.pk not in self.visible:
            error = _("Commune '{code}' is outside your area").format(code=code)
        elif commune.pk not in self.writable:
            error = _("Your role may not change the data of commune '{code}'").format(code=code)
        found = (None if error else commune, error)
        self._commune_cells[raw] = found
        return found

    def _indicator_cell(self, criteria_set: CriteriaSet, raw) -> tuple[Indicator | None, str]:
        try:
            return self._indicator_cells[(criteria_set.id, raw)]
        except KeyError:
            pass
        code = importing.text(raw)
        indicator = self.indicators.get((criteria_set.id, code))
        error = (
            "" if indicator else _("Unknown indicator '{code}' in set '{set}'").format(code=code, set=criteria_set.code)
        )
        self._indicator_cells[(criteria_set.id, raw)] = found = (indicator, error)
        return found

    def _value_cell(self, raw, value_type: str) -> tuple[object, str]:
        """(typed value, error) of a value cell; offices type the same few answers (Đạt, 100) over and over."""
        key = (raw, value_type)
        try:
            return self._value_cells[key]
        except KeyError:
            pass
        try:
            found = (parse_cell(raw, value_type), "")
        except ValueError as exc:
            found = (None, str(exc))
        if len(self._value_cells) < 100_000:  # distinct free-text answers are not worth keeping
            self._value_cells[key] = found
        return found

    def check(self, n, row, err):
        year, error = self._year_cell(row.get(COL_YEAR))
        if error:
            err(COL_YEAR, error)
        criteria_set, column, error = self._set_cell(row.get(COL_SET), year)
        if error:
            err(column, error)
        commune, error = self._commune_cell(row.get(COL_COMMUNE))
        if error:
            err(COL_COMMUNE, error)
        indicator = None
        if criteria_set is not None:
            indicator, error = self._indicator_cell(criteria_set, row.get(COL_INDICATOR))
            if error:
                err(COL_INDICATOR, error)
        raw_value = row.get(COL_VALUE)
        value = None
        is_blank = raw_value is None or (isinstance(raw_value, str) and not raw_value.strip())
        if not is_blank and indicator is not None:
            value, error = self._value_cell(raw_value, indicator.value_type)
            if error:
                err(COL_VALUE, error)
        if year is None or criteria_set is None or commune is None or indicator is None:
            return None
        # None: the file has no note column, so the stored note is kept (decided in finish()).
        note = importing.text(row.get(COL_NOTE)) if COL_NOTE in row else None
        # The label the preview shows is made for the rows it shows (describe); the values are one shared dict per
        # distinct answer, never changed in place (a file of 100,000 rows holds a few hundred).
        return Change(
            row=n,
            key=(commune.id, year, criteria_set.id, indicator.id),  # .id: .pk is a property, and this runs per row
            values=self._values(value, indicator.value_type, note),
            blank=is_blank,
        )

    def _values(self, value, value_type: str, note: str | None) -> dict[str, object]:
        key = (value, value_type, note)
        try:
            return self._values_made[key]
        except (KeyError, TypeError):
            pass
        values = {
            "value_number": value if value_type in NUMERIC_TYPES else None,
            "value_bool": value if value_type == ValueType.BOOL else None,
            "value_text": value if value_type == ValueType.TEXT else "",
            "note": note,
        }
        if len(self._values_made) < 100_000:
            self._values_made[key] = values
        return values

    def finish(self, plan):
        keys = list(dict.fromkeys(c.key[:3] for c in plan.changes))
        plan.assessment_keys = keys
        existing = {
            (a.commune_id, a.year, a.criteria_set_id): a
            for a in Assessment.objects.filter(
                commune_id__in={k[0] for k in keys},
                year__in={k[1] for k in keys},
                criteria_set_id__in={k[2] for k in keys},
            )
        }
        current = {
            (assessment_id, indicator_id): _Stored(*stored)
            for assessment_id, indicator_id, *stored in IndicatorValue.objects.filter(
                assessment__in=[a.pk for a in existing.values()]
            )
            .values_list("assessment_id", "indicator_id", "value_number", "value_bool", "value_text", "note")
            .order_by()
        }
        for change in plan.changes:
            commune_id, year, _set_id, indicator_id = change.key
            assessment = existing.get(change.key[:3])
            if assessment is not None and assessment.is_locked:
                plan.errors.append(
                    RowError(
                        change.row,
                        COL_COMMUNE,
                        _("The {year} assessment of '{code}' is locked ({reason})").format(
                            year=year, code=self.communes_by_pk[commune_id].code, reason=assessment.lock_reason
                        ),
                    )
                )
                continue
            old = current.get((assessment.pk, indicator_id)) if assessment else None
            if change.values["note"] is None:
                change.values = {**change.values, "note": old.note if old else ""}  # the dict is shared
            change.existing = old

    def describe(self, changes):
        for change in changes:
            commune, indicator = self.communes_by_pk[change.key[0]], self.indicators_by_pk[change.key[3]]
            change.label = (f"{commune.code} {commune.name}", indicator.code)
            value_type = indicator.value_type
            old = change.existing
            change.before = cell_value(IndicatorValue(**old._asdict()) if old else None, value_type)
            change.after = cell_value(IndicatorValue(**change.values), value_type)

    def write(self, plan):
        return values_import_apply(plan=plan, actor=self.user)

    def summary(self, plan):
        return _(
            "%(new)s new values, %(changed)s changed, %(unchanged)s unchanged, %(blank)s left blank, in %(n)s "
            "assessments. Nothing has been written yet."
        ) % importing.counts(
            new=plan.new,
            changed=plan.changed,
            unchanged=plan.unchanged,
            blank=plan.blank,
            n=len(plan.assessment_keys),
        )


# --- commune groups and regions ----------------------------------------------------------------------------------

CLASSIFICATION_COLUMNS = ["commune_code", "commune_name", "year_from", "commune_group", "region", "decision"]


def classification_rows(*, user) -> tuple[list[str], list[list[object]]]:
    """Every recorded classification of the communes the user classifies (its history, newest first per commune),
    and a row from the current year for each xã with none yet: the template to fill in. Two queries."""
    communes = list(classifiable_communes(user).order_by("code"))
    recorded = defaultdict(list)
    for c in (
        CommuneClassification.objects.filter(commune__in=communes)
        .select_related("region")
        .order_by("commune__code", "-year_from")
    ):
        recorded[c.commune_id].append(c)
    rows: list[list[object]] = []
    for commune in communes:
        for c in recorded.get(commune.pk, []):
            rows.append(
                [
                    commune.code,
                    commune.name,
                    c.year_from,
                    c.commune_group,
                    c.region.code if c.region else "",
                    c.decision,
                ]
            )
        if not recorded.get(commune.pk):
            rows.append([commune.code, commune.name, None, None, "", ""])
    return CLASSIFICATION_COLUMNS, rows


def classifiable_communes(user):
    """The current xã whose group and region the user's office assigns: data entry at province level or above."""
    s = scope.scope_for(user, DATA_WRITE_ROLES)
    communes = Commune.objects.current().filter(unit_type=CommuneType.COMMUNE)
    return communes if s.everything else communes.filter(province_id__in=s.province_ids)


class ClassificationImporter(importing.Importer):
    """Commune groups (Decision 51/2025/QĐ-TTg) and target regions, per commune and from a year on."""

    columns = CLASSIFICATION_COLUMNS
    required = ["commune_code", "year_from"]
    template_columns = (
        TemplateColumn("commune_code", gettext_lazy("Commune code"), spreadsheets.CODE, 10, key=True),
        TemplateColumn("commune_name", gettext_lazy("Commune"), width=24, key=True),
        TemplateColumn("year_from", gettext_lazy("From year"), spreadsheets.YEAR, 9),
        TemplateColumn(
            "commune_group",
            gettext_lazy("Commune group"),
            spreadsheets.INTEGER,
            10,
            help=gettext_lazy("1, 2 or 3 (Decision 51/2025/QĐ-TTg)"),
            choices=("1", "2", "3"),
        ),
        TemplateColumn("region", gettext_lazy("Region (code)"), spreadsheets.CODE, 12),
        TemplateColumn("decision", gettext_lazy("Placing decision"), width=30),
    )
    help_text = gettext_lazy(
        "One row per commune and first year: commune_code (official code), year_from, commune_group (1, 2 or 3), "
        "region (a region code, only when the commune's targets are not its province's region) and the decision "
        "placing it. A row for a year already recorded replaces it; an earlier year's row stays as history. "
        "Scorecards from that year on are evaluated again. Any bad row refuses the whole file."
    )
    preview_columns = (gettext_lazy("Commune"), gettext_lazy("From year"))
    duplicate_column = "year_from"
    duplicate_message = gettext_lazy("The same commune and year as row {row}")
    success_message = gettext_lazy("Recorded: {created} new, {updated} changed.")

    def prepare(self, rows):
        codes = {importing.official_code(r.get("commune_code"), level="commune") for r in rows}
        self.communes = {c.code: c for c in classifiable_communes(self.user).filter(code__in=codes)}
        self.regions = {r.code: r for r in Region.objects.all()}

    def check(self, n, row, err):
        code = importing.official_code(row.get("commune_code"), level="commune")
        commune = self.communes.get(code)
        if commune is None:
            err("commune_code", _("No xã with code '{code}' in your province").format(code=code))
            return None
        if all(importing.blank(row.get(c)) for c in ("year_from", "commune_group", "region")):
            # A template row left empty: the commune is not classified by this file.
            return Change(row=n, key=(commune.pk, None), values={}, blank=True)
        year = None
        try:
            year = importing.integer(row.get("year_from"), low=2000, high=2100)
        except ValueError as exc:
            err("year_from", exc)
        group = None
        if not importing.blank(row.get("commune_group")):
            try:
                group = importing.integer(row.get("commune_group"), low=1, high=3)
            except ValueError as exc:
                err("commune_group", exc)
        region = None
        region_code = importing.text(row.get("region"))
        if region_code:
            region = self.regions.get(region_code)
            if region is None:
                err("region", _("Unknown region '{code}'").format(code=region_code))
        if importing.blank(row.get("commune_group")) and not region_code:
            err("commune_group", _("Fill in the commune group or the region."))
        if year is None:
            return None
        return Change(
            row=n,
            key=(commune.pk, year),
            values={"commune_group": group, "region": region, "decision": importing.text(row.get("decision"))},
            label=(f"{commune.code} {commune.name}", str(year)),
            unit={"province_id": commune.province_id, "district_id": commune.district_id, "commune_id": commune.pk},
            after=_classification_text(group, region),
        )

    def finish(self, plan):
        stored = {
            (c.commune_id, c.year_from): c
            for c in CommuneClassification.objects.filter(
                commune_id__in={c.key[0] for c in plan.changes}, year_from__in={c.key[1] for c in plan.changes}
            ).select_related("region")
        }
        for change in plan.changes:
            change.existing = stored.get(change.key)
            if change.existing is not None:
                change.before = _classification_text(change.existing.commune_group, change.existing.region)

    def write(self, plan):
        communes = {c.pk: c for c in self.communes.values()}
        entries = [
            services.ClassificationEntry(
                commune=communes[c.key[0]],
                year_from=c.key[1],
                commune_group=c.values["commune_group"],
                region=c.values["region"],
                decision=c.values["decision"],
            )
            for c in plan.changes
        ]
        return services.classifications_record(entries=entries, actor=self.user)


def _classification_text(group, region) -> str:
    parts = []
    if group:
        parts.append(str(_("Group {n}").format(n=group)))
    if region is not None:
        parts.append(region.code)
    return ", ".join(parts) or "–"
