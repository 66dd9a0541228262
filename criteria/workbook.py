"""A criteria set as one xlsx workbook: the one format sets are shipped in, exported, edited and imported in.

Sheet "criteria": one row per indicator target (an indicator with no target, e.g. a yes/no one, has one row with
the target columns empty); the criterion's and indicator's columns repeat on each of their rows. Sheet "set": the
set's own fields, one per row (`field`, `value`). Column headers and codes are fixed keys, the same in every
language, so a file filled in anywhere imports.

Everything that reads a set goes through `parse_row` and `assemble`: the upload (`CriteriaWorkbookImporter`, a
`core.importing.Importer`, with its dry-run preview of what changes), and `criteria.loader`, which turns the data
files shipped in criteria/data/ into the same rows. A set imported over an existing one (same `code`) becomes its
new version (`criteria.services.criteria_set_version_create`); stored versions are never edited by a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from communes.models import Province, Region
from core import importing, spreadsheets
from core.importing import Change, ImportPlan, RowError
from core.numbers import parse_number
from core.text import fold

from .choices import Comparator, StandardLevel, SubjectKind, TargetScheme, ValueType
from .models import CriteriaSet, Criterion, CriterionGroup, Indicator, IndicatorTarget

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CRITERIA_SHEET = "criteria"
SET_SHEET = "set"

# The "criteria" sheet, left to right.
GROUP_COLUMNS = ["group_code", "group_name", "group_name_en"]
CRITERION_COLUMNS = ["criterion_number", "criterion_code", "criterion_name", "criterion_name_en", "key_criterion"]
INDICATOR_COLUMNS = [
    "indicator_code",
    "indicator_name",
    "indicator_name_en",
    "value_type",
    "comparator",
    "unit",
    "indicator_provisional",
    "indicator_notes",
]
TARGET_COLUMNS = [
    "region",
    "commune_group",
    "year_from",
    "year_to",
    "target_value",
    "target_text",
    "delegated",
    "provenance",
    "source_document",
    "article",
    "target_notes",
]
COLUMNS = GROUP_COLUMNS + CRITERION_COLUMNS + INDICATOR_COLUMNS + TARGET_COLUMNS
REQUIRED = ["criterion_number", "criterion_code", "criterion_name", "indicator_code", "value_type", "comparator"]
# The "set" sheet's fields; `version` is written for the reader and ignored on import (the system numbers versions).
SET_FIELDS = [
    "code",
    "name",
    "subject",
    "level",
    "year_from",
    "year_to",
    "legal_basis",
    "target_scheme",
    "province",
    "provisional",
    "source",
    "version",
]
SET_REQUIRED = ["code", "name", "subject", "level", "year_from", "year_to"]

PROVENANCE_VERIFIED, PROVENANCE_PROVISIONAL = "verified", "provisional"
YES = "x"
YES_WORDS = {"x", "yes", "co", "true", "1", "dung"}
NO_WORDS = {"", "no", "khong", "false", "0", "sai"}


# --- what a file describes -------------------------------------------------------------------------------------------


@dataclass
class TargetSpec:
    region: str = ""
    commune_group: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    value: Decimal | None = None
    text_value: str = ""
    delegated: bool = False
    provisional: bool = False
    source_document: str = ""
    article: str = ""
    notes: str = ""
    row: int = 0

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.region, self.commune_group, self.year_from, self.year_to)

    def fields(self) -> dict[str, Any]:
        value = None if self.value is None else self.value.normalize()
        return {
            "value": value,
            "text_value": self.text_value,
            "delegated": self.delegated,
            "provisional": self.provisional,
            "source_document": self.source_document,
            "article": self.article,
            "notes": self.notes,
        }


@dataclass
class IndicatorSpec:
    code: str
    name: str
    name_en: str
    value_type: str
    comparator: str
    unit: str = ""
    provisional: bool = False
    notes: str = ""
    targets: list[TargetSpec] = field(default_factory=list)
    row: int = 0

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "value_type": self.value_type,
            "comparator": self.comparator,
            "unit": self.unit,
            "provisional": self.provisional,
            "notes": self.notes,
        }


@dataclass
class CriterionSpec:
    number: int
    code: str
    name: str
    name_en: str = ""
    group: str = ""
    key: bool = False
    indicators: list[IndicatorSpec] = field(default_factory=list)
    row: int = 0

    def fields(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "name_en": self.name_en, "group": self.group, "key": self.key}


@dataclass
class SetSpec:
    code: str
    name: str
    subject: str
    level: str
    year_from: int
    year_to: int
    legal_basis: str = ""
    target_scheme: str = TargetScheme.REGION
    province: str = ""
    provisional: bool = False
    source: str = ""
    version: int = 1
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, English name), in order
    criteria: list[CriterionSpec] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "legal_basis": self.legal_basis,
            "target_scheme": self.target_scheme,
            "provisional": self.provisional,
            "source": self.source,
        }

    def indicators(self) -> Iterable[tuple[CriterionSpec, IndicatorSpec]]:
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                yield criterion, indicator


# --- cells -----------------------------------------------------------------------------------------------------------


def _flag(raw: object) -> bool:
    word = fold(importing.text(raw)) if not isinstance(raw, bool) else ("x" if raw else "")
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(_("'{value}' is not x (yes) or empty (no)").format(value=raw))


def _year(raw: object) -> int | None:
    if importing.blank(raw):
        return None
    return importing.integer(raw, low=2000, high=2100)


def _choice(raw: object, choices: Iterable[str]) -> str:
    value = importing.text(raw).lower()
    allowed = list(choices)
    if value not in allowed:
        raise ValueError(_("'{value}' is not one of: {choices}").format(value=raw, choices=", ".join(allowed)))
    return value


@dataclass
class ParsedRow:
    """One row of the "criteria" sheet with its cells read, before rows are put together into a set."""

    n: int
    group: tuple[str, str, str]
    criterion: CriterionSpec
    indicator: IndicatorSpec
    target: TargetSpec | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.indicator.code, *(self.target.key if self.target else ("", None, None, None)))


def parse_row(
    n: int, row: dict[str, Any], err: Callable[[str, object], None], *, regions: set[str]
) -> ParsedRow | None:
    """Read one row's cells; each problem is reported with its column. Returns None when any cell is wrong."""
    failed = False

    def read(column: str, parse: Callable[[object], Any], default: Any = None) -> Any:
        nonlocal failed
        try:
            return parse(row.get(column))
        except ValueError as exc:
            err(column, exc)
            failed = True
            return default

    def required_text(column: str) -> str:
        nonlocal failed
        value = importing.text(row.get(column))
        if not value:
            err(column, _("Fill in {column}.").format(column=column))
            failed = True
        return value

    number = 0
    if importing.blank(row.get("criterion_number")):
        err("criterion_number", _("Fill in {column}.").format(column="criterion_number"))
        failed = True
    else:
        number = read("criterion_number", lambda v: importing.integer(v, low=1, high=99), 0)
    criterion = CriterionSpec(
        number=number,
        code=required_text("criterion_code"),
        name=required_text("criterion_name"),
        name_en=importing.text(row.get("criterion_name_en")),
        group=importing.text(row.get("group_code")),
        key=read("key_criterion", _flag, False),
        row=n,
    )
    code = importing.text(row.get("indicator_code"))
    if not code:
        err("indicator_code", _("A criterion needs at least one indicator: fill in indicator_code."))
        return None
    value_type = read("value_type", lambda v: _choice(v, ValueType.values), "")
    comparator = read("comparator", lambda v: _choice(v, Comparator.values), "")
    if value_type and comparator:
        try:
            Indicator(value_type=value_type, comparator=comparator).clean()
        except ValidationError:
            err(
                "comparator",
                _("The comparison {comparator} does not apply to {type} values.").format(
                    comparator=comparator, type=value_type
                ),
            )
            failed = True
    indicator = IndicatorSpec(
        code=code,
        name=importing.text(row.get("indicator_name")) or importing.text(row.get("indicator_name_en")) or code,
        name_en=importing.text(row.get("indicator_name_en")),
        value_type=value_type,
        comparator=comparator,
        unit=importing.text(row.get("unit")),
        provisional=read("indicator_provisional", _flag, False),
        notes=importing.text(row.get("indicator_notes")),
        row=n,
    )
    target = None
    target_cells = ["region", "commune_group", "year_from", "year_to", "target_value", "target_text", "delegated"]
    if any(not importing.blank(row.get(c)) for c in target_cells):
        region = importing.text(row.get("region"))
        if region and region not in regions:
            err("region", _("Unknown region '{code}'").format(code=region))
            failed = True
        group = read("commune_group", lambda v: None if importing.blank(v) else importing.integer(v, low=1, high=3))
        if region and group:
            err("commune_group", _("A target applies to a region or to a commune group, not both."))
            failed = True
        provenance = fold(importing.text(row.get("provenance"))) or PROVENANCE_VERIFIED
        if provenance not in (PROVENANCE_VERIFIED, PROVENANCE_PROVISIONAL):
            err("provenance", _("Write verified or provisional."))
            failed = True
        value = read("target_value", lambda v: None if importing.blank(v) else parse_number(v), None)
        target = TargetSpec(
            region=region,
            commune_group=group,
            year_from=read("year_from", _year),
            year_to=read("year_to", _year),
            value=value,
            text_value=importing.text(row.get("target_text")),
            delegated=read("delegated", _flag, False),
            provisional=provenance == PROVENANCE_PROVISIONAL,
            source_document=importing.text(row.get("source_document")),
            article=importing.text(row.get("article")),
            notes=importing.text(row.get("target_notes")),
            row=n,
        )
        if target.value is None and not target.text_value and not target.delegated and not failed:
            err("target_value", _("A target needs a value, a text or delegated = x."))
            failed = True
        if target.year_from and target.year_to and target.year_to < target.year_from:
            err("year_to", _("The last year cannot be before the first year."))
            failed = True
    if failed:
        return None
    group_row = (criterion.group, importing.text(row.get("group_name")), importing.text(row.get("group_name_en")))
    return ParsedRow(n=n, group=group_row, criterion=criterion, indicator=indicator, target=target)


def parse_set_fields(pairs: list[tuple[int, str, object]], err: Callable[[int, str, object], None]) -> SetSpec | None:
    """The "set" sheet: (row, field, value) triples. Reports problems as (row, field, reason)."""
    given = {name: (n, value) for n, name, value in pairs}
    failed = False
    for name in SET_REQUIRED:
        if name not in given or importing.blank(given[name][1]):
            err(given.get(name, (1, None))[0], name, _("'{key}' is missing").format(key=name))
            failed = True
    if failed:
        return None

    def get(name: str, parse: Callable[[object], Any], default: Any = "") -> Any:
        nonlocal failed
        n, raw = given.get(name, (1, None))
        if importing.blank(raw):
            return default
        try:
            return parse(raw)
        except ValueError as exc:
            err(n, name, exc)
            failed = True
            return default

    spec = SetSpec(
        code=get("code", importing.text),
        name=get("name", importing.text),
        subject=get("subject", lambda v: _choice(v, SubjectKind.values)),
        level=get("level", lambda v: _choice(v, StandardLevel.values)),
        year_from=get("year_from", _year, 0),
        year_to=get("year_to", _year, 0),
        legal_basis=get("legal_basis", importing.text),
        target_scheme=get("target_scheme", lambda v: _choice(v, TargetScheme.values), TargetScheme.REGION),
        province=get("province", lambda v: importing.official_code(v, level="province")),
        provisional=get("provisional", _flag, False),
        source=get("source", importing.text),
    )
    if len(spec.code) > 32:
        err(given["code"][0], "code", _("At most 32 characters."))
        failed = True
    if not failed and spec.year_to < spec.year_from:
        err(given["year_to"][0], "year_to", _("The last year cannot be before the first year."))
        failed = True
    return None if failed else spec


def assemble(spec: SetSpec, rows: list[ParsedRow], err: Callable[[int, str, object], None]) -> None:
    """Put checked rows together into `spec`: a criterion's and an indicator's cells must agree on every row."""
    criteria: dict[str, CriterionSpec] = {}
    numbers: dict[int, CriterionSpec] = {}
    indicators: dict[str, tuple[CriterionSpec, IndicatorSpec]] = {}
    for row in rows:
        code, name, name_en = row.group
        if code:
            if code not in spec.groups and name:
                spec.groups[code] = (name, name_en)
            elif code not in spec.groups:
                err(row.n, "group_name", _("Name the group {code} on its first row.").format(code=code))
                continue
        criterion = criteria.get(row.criterion.code)
        if criterion is None:
            other = numbers.get(row.criterion.number)
            if other is not None:
                err(
                    row.n,
                    "criterion_number",
                    _("Number {number} is criterion {code}'s (row {row}).").format(
                        number=row.criterion.number, code=other.code, row=other.row
                    ),
                )
                continue
            criterion = criteria[row.criterion.code] = numbers[row.criterion.number] = row.criterion
            spec.criteria.append(criterion)
        elif criterion.fields() != row.criterion.fields():
            column = _first_difference(criterion.fields(), row.criterion.fields(), CRITERION_FIELD_COLUMNS)
            err(row.n, column, _("Differs from row {row} of the same criterion.").format(row=criterion.row))
            continue
        found = indicators.get(row.indicator.code)
        if found is None:
            indicator = row.indicator
            indicators[indicator.code] = (criterion, indicator)
            criterion.indicators.append(indicator)
        else:
            owner, indicator = found
            if owner is not criterion:
                err(
                    row.n,
                    "indicator_code",
                    _("Indicator {code} belongs to criterion {criterion} (row {row}).").format(
                        code=indicator.code, criterion=owner.code, row=indicator.row
                    ),
                )
                continue
            if indicator.fields() != row.indicator.fields():
                column = _first_difference(indicator.fields(), row.indicator.fields(), INDICATOR_FIELD_COLUMNS)
                err(row.n, column, _("Differs from row {row} of the same indicator.").format(row=indicator.row))
                continue
        if row.target is not None:
            if row.target.region and spec.target_scheme == TargetScheme.COMMUNE_GROUP:
                err(row.n, "region", _("This set's targets vary by commune group (target_scheme), not by region."))
                continue
            if row.target.commune_group and spec.target_scheme == TargetScheme.REGION:
                err(row.n, "commune_group", _("This set's targets vary by region (target_scheme), not by group."))
                continue
            indicator.targets.append(row.target)
    if not spec.criteria:
        err(2, "criterion_code", _("The set has no criteria."))


CRITERION_FIELD_COLUMNS = {
    "number": "criterion_number",
    "name": "criterion_name",
    "name_en": "criterion_name_en",
    "group": "group_code",
    "key": "key_criterion",
}
INDICATOR_FIELD_COLUMNS = {
    "name": "indicator_name",
    "name_en": "indicator_name_en",
    "value_type": "value_type",
    "comparator": "comparator",
    "unit": "unit",
    "provisional": "indicator_provisional",
    "notes": "indicator_notes",
}


def _first_difference(a: dict[str, Any], b: dict[str, Any], columns: dict[str, str]) -> str:
    return next(columns[k] for k in a if a[k] != b[k])


# --- a stored set as a spec, and as a workbook ----------------------------------------------------------------------


def spec_of(criteria_set: CriteriaSet) -> SetSpec:
    """A stored set as the workbook describes it (four queries)."""
    groups = list(CriterionGroup.objects.filter(criteria_set=criteria_set).order_by("order", "code"))
    group_codes = {g.pk: g.code for g in groups}
    spec = SetSpec(
        code=criteria_set.series_code or criteria_set.code,
        name=criteria_set.name,
        subject=criteria_set.subject,
        level=criteria_set.level,
        year_from=criteria_set.year_from,
        year_to=criteria_set.year_to,
        legal_basis=criteria_set.legal_basis,
        target_scheme=criteria_set.target_scheme,
        province=criteria_set.province.code if criteria_set.province_id else "",  # type: ignore[union-attr]
        provisional=criteria_set.is_provisional,
        source=criteria_set.source,
        version=criteria_set.version,
        groups={g.code: (g.name, g.name_en) for g in groups},
    )
    by_criterion: dict[int, CriterionSpec] = {}
    for c in Criterion.objects.filter(criteria_set=criteria_set).order_by("number"):
        by_criterion[c.pk] = CriterionSpec(
            number=c.number,
            code=c.code,
            name=c.name,
            name_en=c.name_en,
            group=group_codes.get(c.group_id, "") if c.group_id else "",
            key=c.is_revocation_key,
        )
        spec.criteria.append(by_criterion[c.pk])
    by_indicator: dict[int, IndicatorSpec] = {}
    for i in Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by(
        "criterion__number", "order", "code"
    ):
        by_indicator[i.pk] = IndicatorSpec(
            code=i.code,
            name=i.name,
            name_en=i.name_en,
            value_type=i.value_type,
            comparator=i.comparator,
            unit=i.unit,
            provisional=i.is_provisional,
            notes=i.source,
        )
        by_criterion[i.criterion_id].indicators.append(by_indicator[i.pk])
    targets = IndicatorTarget.objects.filter(indicator__criterion__criteria_set=criteria_set).select_related("region")
    for t in targets.order_by("indicator_id", "region__code", "commune_group", "year_from", "pk"):
        by_indicator[t.indicator_id].targets.append(
            TargetSpec(
                region=t.region.code if t.region_id else "",  # type: ignore[union-attr]
                commune_group=t.commune_group,
                year_from=t.year_from,
                year_to=t.year_to,
                value=t.value,
                text_value=t.text_value,
                delegated=t.is_delegated,
                provisional=t.is_provisional,
                source_document=t.source_document,
                article=t.article,
                notes=t.source,
            )
        )
    return spec


def _yes(flag: bool) -> str:
    return YES if flag else ""


def spec_rows(spec: SetSpec) -> list[list[Any]]:
    """The "criteria" sheet's rows of a spec, in COLUMNS order."""
    rows = []
    for criterion, indicator in spec.indicators():
        name, name_en = spec.groups.get(criterion.group, ("", ""))
        head = [
            criterion.group,
            name,
            name_en,
            criterion.number,
            criterion.code,
            criterion.name,
            criterion.name_en,
            _yes(criterion.key),
            indicator.code,
            indicator.name,
            indicator.name_en,
            indicator.value_type,
            indicator.comparator,
            indicator.unit,
            _yes(indicator.provisional),
            indicator.notes,
        ]
        for target in indicator.targets or [None]:
            if target is None:
                rows.append(head + [None] * len(TARGET_COLUMNS))
                continue
            rows.append(
                head
                + [
                    target.region,
                    target.commune_group,
                    target.year_from,
                    target.year_to,
                    target.value,
                    target.text_value,
                    _yes(target.delegated),
                    PROVENANCE_PROVISIONAL if target.provisional else PROVENANCE_VERIFIED,
                    target.source_document,
                    target.article,
                    target.notes,
                ]
            )
    return rows


def spec_set_fields(spec: SetSpec) -> list[tuple[str, Any]]:
    return [
        ("code", spec.code),
        ("name", spec.name),
        ("subject", spec.subject),
        ("level", spec.level),
        ("year_from", spec.year_from),
        ("year_to", spec.year_to),
        ("legal_basis", spec.legal_basis),
        ("target_scheme", spec.target_scheme),
        ("province", spec.province),
        ("provisional", _yes(spec.provisional)),
        ("source", spec.source),
        ("version", spec.version),
    ]


def workbook(spec: SetSpec) -> bytes:
    """The set as an xlsx workbook: the "criteria" sheet first (the one shown when opened), then "set"."""
    criteria_sheet = tablib.Dataset(*spec_rows(spec), headers=COLUMNS, title=CRITERIA_SHEET)
    set_sheet = tablib.Dataset(*spec_set_fields(spec), headers=["field", "value"], title=SET_SHEET)
    return spreadsheets.dataset_xlsx(criteria_sheet, set_sheet)


def export_set(criteria_set: CriteriaSet) -> bytes:
    return workbook(spec_of(criteria_set))


# --- what a file changes ---------------------------------------------------------------------------------------------


@dataclass
class Difference:
    kind: str  # "set", "criterion", "indicator", "target"
    action: str  # "added", "changed", "removed"
    code: str
    before: str = ""
    after: str = ""
    row: int = 0


def _show(value: Any) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _describe(fields: dict[str, Any]) -> str:
    shown = []
    for name, value in fields.items():
        if value in ("", None, False):
            continue
        shown.append(name if value is True else f"{name}={_show(value)}")
    return "; ".join(shown)


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, str]:
    names = [k for k in after if before.get(k) != after[k]]
    return (
        "; ".join(f"{k}={_show(before.get(k))}" for k in names),
        "; ".join(f"{k}={_show(after[k])}" for k in names),
    )


def _target_label(indicator: str, target: TargetSpec) -> str:
    scope = target.region or (f"group {target.commune_group}" if target.commune_group else "general")
    years = ""
    if target.year_from or target.year_to:
        years = f" {target.year_from or ''}–{target.year_to or ''}"
    return f"{indicator} [{scope}{years}]"


def differences(stored: SetSpec | None, new: SetSpec) -> tuple[list[Difference], int]:
    """What importing `new` over the stored version changes, item by item; and how many items stay the same."""
    found: list[Difference] = []
    same = 0
    if stored is None:
        found.append(Difference("set", "added", new.code, after=new.name, row=1))
        stored = SetSpec(code=new.code, name="", subject=new.subject, level=new.level, year_from=0, year_to=0)
    elif stored.fields() != new.fields():
        before, after = _changed(stored.fields(), new.fields())
        found.append(Difference("set", "changed", new.code, before, after, row=1))
    else:
        same += 1
    old_criteria = {c.code: c for c in stored.criteria}
    new_criteria = {c.code: c for c in new.criteria}
    old_groups, new_groups = stored.groups, new.groups
    for code, names in new_groups.items():
        if code not in old_groups:
            found.append(Difference("group", "added", code, after=names[0]))
        elif old_groups[code] != names:
            found.append(Difference("group", "changed", code, " / ".join(old_groups[code]), " / ".join(names)))
        else:
            same += 1
    for code in old_groups.keys() - new_groups.keys():
        found.append(Difference("group", "removed", code, before=old_groups[code][0]))
    old_indicators = {i.code: (c, i) for c, i in stored.indicators()}
    new_indicators = {i.code: (c, i) for c, i in new.indicators()}
    for code, criterion in new_criteria.items():
        old = old_criteria.get(code)
        if old is None:
            found.append(Difference("criterion", "added", code, after=_describe(criterion.fields()), row=criterion.row))
        elif old.fields() != criterion.fields():
            found.append(
                Difference("criterion", "changed", code, *_changed(old.fields(), criterion.fields()), row=criterion.row)
            )
        else:
            same += 1
    for code, criterion in old_criteria.items():
        if code not in new_criteria:
            found.append(Difference("criterion", "removed", code, before=criterion.name))
    for code, (criterion, indicator) in new_indicators.items():
        old_pair = old_indicators.get(code)
        new_fields = {"criterion": criterion.code, **indicator.fields()}
        if old_pair is None:
            found.append(Difference("indicator", "added", code, after=_describe(new_fields), row=indicator.row))
            old_targets: dict[tuple[Any, ...], TargetSpec] = {}
        else:
            old_criterion, old_indicator = old_pair
            old_fields = {"criterion": old_criterion.code, **old_indicator.fields()}
            if old_fields != new_fields:
                found.append(
                    Difference("indicator", "changed", code, *_changed(old_fields, new_fields), row=indicator.row)
                )
            else:
                same += 1
            old_targets = {t.key: t for t in old_indicator.targets}
        new_targets = {t.key: t for t in indicator.targets}
        for key, target in new_targets.items():
            label = _target_label(code, target)
            old_target = old_targets.get(key)
            if old_target is None:
                found.append(Difference("target", "added", label, after=_describe(target.fields()), row=target.row))
            elif old_target.fields() != target.fields():
                found.append(
                    Difference(
                        "target", "changed", label, *_changed(old_target.fields(), target.fields()), row=target.row
                    )
                )
            else:
                same += 1
        for key, target in old_targets.items():
            if key not in new_targets:
                found.append(
                    Difference("target", "removed", _target_label(code, target), before=_describe(target.fields()))
                )
    for code, (_criterion, indicator) in old_indicators.items():
        if code not in new_indicators:
            found.append(Difference("indicator", "removed", code, before=indicator.name))
            for target in indicator.targets:
                found.append(
                    Difference("target", "removed", _target_label(code, target), before=_describe(target.fields()))
                )
    return found, same


# --- the upload ------------------------------------------------------------------------------------------------------

KIND_LABELS = {
    "set": gettext_lazy("Set"),
    "group": gettext_lazy("Group of criteria"),
    "criterion": gettext_lazy("Criterion"),
    "indicator": gettext_lazy("Indicator"),
    "target": gettext_lazy("Target"),
}
ACTION_LABELS = {
    "added": pgettext_lazy("criteria set change", "added"),
    "changed": pgettext_lazy("criteria set change", "changed"),
    "removed": pgettext_lazy("criteria set change", "removed"),
}


class CriteriaPlan(ImportPlan):
    """A checked workbook: the set it describes, the stored version it replaces, and what changes."""

    spec: SetSpec | None = None
    base: CriteriaSet | None = None
    differences: list[Difference]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.differences = []


class CriteriaWorkbookImporter(importing.Importer):
    """A criteria set workbook, imported as a new version of the set with its code (or as a new set)."""

    columns = COLUMNS
    required = REQUIRED
    plan_class = CriteriaPlan
    help_text = gettext_lazy(
        "One workbook per set. Sheet “criteria”: one row per indicator target (an indicator without a target has "
        "one row with the target columns empty); the criterion and indicator columns repeat on each row. Sheet "
        "“set”: the set's fields (code, name, subject, level, years, legal basis, target_scheme, province). A "
        "file with the code of an existing set becomes its new version: scorecards already made keep the version "
        "they were made with. Any error refuses the whole file."
    )
    preview_columns = (
        gettext_lazy("Item"),
        pgettext_lazy("criteria set change", "Change"),
        gettext_lazy("Code"),
    )
    duplicate_column = "indicator_code"
    duplicate_message = gettext_lazy("The same indicator and target as row {row}")
    success_message = gettext_lazy("Imported as {code}, version {version}. Changes: {changes}.")

    def __init__(self, *, user: User) -> None:
        super().__init__(user=user)
        self.set_pairs: list[tuple[int, str, object]] = []
        self.regions: set[str] = set()

    def read(self, content: bytes, filename: str) -> tablib.Dataset:
        sheets = spreadsheets.read_sheets(content, filename)
        set_sheet = sheets.get(SET_SHEET)
        if set_sheet is None:
            raise spreadsheets.ImportFileError(
                _("The workbook has no sheet named “{name}” (the set's fields).").format(name=SET_SHEET)
            )
        self.set_pairs = [
            (n, importing.text(row[0]), row[1] if len(row) > 1 else None)
            for n, row in enumerate(set_sheet, start=2)
            if row and not importing.blank(row[0])
        ]
        criteria_sheet = sheets.get(CRITERIA_SHEET)
        if criteria_sheet is None:
            raise spreadsheets.ImportFileError(
                _("The workbook has no sheet named “{name}”.").format(name=CRITERIA_SHEET)
            )
        return criteria_sheet

    def prepare(self, rows: Iterable[dict[str, Any]]) -> None:
        self.regions = set(Region.objects.values_list("code", flat=True))

    def check(self, n: int, row: dict[str, Any], err: Callable[[str, object], None]) -> Change | None:
        parsed = parse_row(n, row, err, regions=self.regions)
        if parsed is None:
            return None
        return Change(row=n, key=parsed.key, values={"parsed": parsed})

    def finish(self, plan: ImportPlan) -> None:
        assert isinstance(plan, CriteriaPlan)

        def set_err(n: int, column: str, reason: object) -> None:
            plan.errors.append(RowError(n, f"{SET_SHEET}: {column}", str(reason)))

        def row_err(n: int, column: str, reason: object) -> None:
            plan.errors.append(RowError(n, column, str(reason)))

        spec = parse_set_fields(self.set_pairs, set_err)
        if spec is None:
            return
        assemble(spec, [c.values["parsed"] for c in plan.changes], row_err)
        if plan.errors:
            return
        from . import permissions  # the permission rules import this module's callers

        province = None
        if spec.province:
            province = Province.objects.current().filter(code=spec.province).first()
            if province is None:
                set_err(_set_row(self.set_pairs, "province"), "province", _("No current province has this code."))
                return
        if not permissions.can_import_set(self.user, province):
            set_err(
                _set_row(self.set_pairs, "province"),
                "province",
                _("You may not import national sets.")
                if province is None
                else _("You may import only your own province's sets."),
            )
            return
        base = CriteriaSet.objects.current_versions().filter(series_code=spec.code).select_related("province").first()
        if base is not None:
            kept = {
                "subject": base.subject,
                "level": base.level,
                "province": base.province.code if base.province else "",
            }
            for name, value in kept.items():
                if getattr(spec, name) != value:
                    set_err(
                        _set_row(self.set_pairs, name),
                        name,
                        _("A new version keeps the set's {field} ({value}); give a different set a new code.").format(
                            field=name, value=value or "–"
                        ),
                    )
            if plan.errors:
                return
        plan.spec, plan.base = spec, base
        plan.differences, plan.unchanged = differences(spec_of(base) if base else None, spec)
        plan.changes = [
            Change(
                row=d.row,
                key=(d.kind, d.action, d.code),
                values={},
                label=(str(KIND_LABELS[d.kind]), str(ACTION_LABELS[d.action]), d.code),
                existing=None if d.action == "added" else d,
                before=d.before,
                after=d.after,
            )
            for d in plan.differences
        ]

    def differs(self, change: Change) -> bool:
        return True  # `finish` keeps only differences

    def summary(self, plan: ImportPlan) -> str:
        assert isinstance(plan, CriteriaPlan)
        tally: dict[str, int] = {}
        for d in plan.differences:
            tally[d.action] = tally.get(d.action, 0) + 1
        if plan.base is None:
            head = _("A new set {code}.").format(code=plan.spec.code if plan.spec else "")
        else:
            head = _("A new version of {set} (now version {version}).").format(set=plan.base, version=plan.base.version)
        return " ".join(
            [
                head,
                _("%(added)s added, %(changed)s changed, %(removed)s removed, %(unchanged)s unchanged.")
                % importing.counts(
                    added=tally.get("added", 0),
                    changed=tally.get("changed", 0),
                    removed=tally.get("removed", 0),
                    unchanged=plan.unchanged,
                ),
                _("Nothing has been written yet."),
            ]
        )

    def write(self, plan: ImportPlan) -> dict[str, Any]:
        assert isinstance(plan, CriteriaPlan) and plan.spec is not None
        from .services import criteria_set_version_create

        created = criteria_set_version_create(spec=plan.spec, base=plan.base, actor=self.user)
        return {"code": created.code, "version": created.version, "changes": len(plan.differences)}


def _set_row(pairs: list[tuple[int, str, object]], name: str) -> int:
    return next((n for n, key, _value in pairs if key == name), 1)
