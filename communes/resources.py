"""The succession mapping as a spreadsheet: one row per predecessor of a new unit, as a resolution's clause says.

An office imports the mapping of its own province's reorganisation before applying it (`apply_unit_reorganisation`
reads it and refuses new units that have no predecessors in it). The template is the mapping the application
ships for the office's provinces, so a file exported and imported unchanged changes nothing.
"""

from __future__ import annotations

import tablib
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import importing, spreadsheets
from core.spreadsheets import TemplateColumn
from core.text import fold

from .choices import CommuneType, SuccessionKind, SuccessionShare, UnitLevel
from .models import SuccessionMapping
from .services import successions

MAPPING_COLUMNS = [
    "province_code",
    "resolution",
    "resolution_date",
    "effective_date",
    "clause",
    "new_code",
    "new_name",
    "new_type",
    "kind",
    "old_level",
    "old_province_code",
    "old_code",
    "old_name",
    "old_type",
    "share",
    "clause_text",
]
REQUIRED = ["province_code", "resolution", "effective_date", "new_code", "new_name", "old_code", "old_name"]
# The codes the template's drop-downs offer (what `check` reads).
MAPPING_KINDS = tuple(SuccessionKind.values)
OLD_LEVELS = ("commune", "district")
SHARES = ("whole", "part")

# Type words as offices write them (Vietnamese or the stored value), read by `fold` (no marks, lower case).
_COMMUNE_TYPES = {fold(str(label)): value for value, label in CommuneType.choices} | {
    "xa": CommuneType.COMMUNE,
    "phuong": CommuneType.WARD,
    "thi tran": CommuneType.TOWNSHIP,
    "dac khu": CommuneType.SPECIAL_ZONE,
    **{value: value for value in CommuneType.values},
}
_NAME_PREFIXES = [
    ("thi tran ", CommuneType.TOWNSHIP),
    ("dac khu ", CommuneType.SPECIAL_ZONE),
    ("xa ", CommuneType.COMMUNE),
    ("phuong ", CommuneType.WARD),
]
_SHARES = {
    "whole": SuccessionShare.WHOLE,
    "toan bo": SuccessionShare.WHOLE,
    "part": SuccessionShare.PART,
    "mot phan": SuccessionShare.PART,
}
_KINDS = {value: value for value in SuccessionKind.values} | {
    "thanh lap moi": SuccessionKind.NEW,
    "doi ten": SuccessionKind.RENAMED,
    "nhap vao": SuccessionKind.ABSORBS,
    "giu nguyen": SuccessionKind.UNCHANGED,
}
_LEVELS = {
    "commune": UnitLevel.COMMUNE,
    "xa": UnitLevel.COMMUNE,
    "district": UnitLevel.DISTRICT,
    "huyen": UnitLevel.DISTRICT,
}


def _unit_type(raw, name: str) -> str | None:
    """The type column, or the type the name starts with ("Xã Tân Cương")."""
    value = fold(importing.text(raw))
    if value:
        return _COMMUNE_TYPES.get(value)
    folded = fold(name) + " "
    return next((unit_type for prefix, unit_type in _NAME_PREFIXES if folded.startswith(prefix)), None)


class SuccessionMappingImporter(importing.Importer):
    """One row per predecessor. `provinces`: the province codes the user may import for (None: every one)."""

    columns = MAPPING_COLUMNS
    required = REQUIRED
    help_text = gettext_lazy(
        "One row per former unit of each new unit, as the resolution's clause says. Required: province_code (of "
        "the new unit), resolution (e.g. 1683/NQ-UBTVQH15), effective_date (the day the new units start, "
        "31/12/2024), new_code, new_name, old_code, old_name. Optional: resolution_date, clause (e.g. khoản 41 Điều "
        "1), new_type and old_type (read from the name when empty), kind (new, renamed, absorbs, unchanged), "
        "old_level (commune or district), old_province_code (default: province_code), share (whole or part; "
        "default whole), clause_text. The file replaces the mapping imported before for the same province and "
        "date. A file with any bad row is refused whole and nothing is written."
    )
    preview_columns = (gettext_lazy("New unit"), gettext_lazy("Former unit"), gettext_lazy("Clause"))
    # Nothing is protected: the office writes the mapping itself, the shipped one is only where it starts.
    template_columns = (
        TemplateColumn("province_code", gettext_lazy("Province code"), spreadsheets.CODE, 9),
        TemplateColumn("resolution", gettext_lazy("Resolution"), width=20),
        TemplateColumn("resolution_date", gettext_lazy("Resolution date"), spreadsheets.DATE, 12),
        TemplateColumn("effective_date", gettext_lazy("In force from"), spreadsheets.DATE, 12),
        TemplateColumn("clause", gettext_lazy("Clause"), width=16),
        TemplateColumn("new_code", gettext_lazy("New unit code"), spreadsheets.CODE, 10),
        TemplateColumn("new_name", gettext_lazy("New unit"), width=22),
        TemplateColumn("new_type", gettext_lazy("New unit type"), width=12),
        TemplateColumn("kind", gettext_lazy("Kind of change (code)"), spreadsheets.CODE, 12, choices=MAPPING_KINDS),
        TemplateColumn("old_level", gettext_lazy("Former unit level"), spreadsheets.CODE, 10, choices=OLD_LEVELS),
        TemplateColumn("old_province_code", gettext_lazy("Former province code"), spreadsheets.CODE, 9),
        TemplateColumn("old_code", gettext_lazy("Former unit code"), spreadsheets.CODE, 10),
        TemplateColumn("old_name", gettext_lazy("Former unit"), width=22),
        TemplateColumn("old_type", gettext_lazy("Former unit type"), width=12),
        TemplateColumn("share", gettext_lazy("Whole or part"), spreadsheets.CODE, 9, choices=SHARES),
        TemplateColumn("clause_text", gettext_lazy("Text of the clause"), width=60),
    )
    duplicate_column = "old_code"
    duplicate_message = gettext_lazy("The same former unit of the same new unit as row {row}")
    success_message = gettext_lazy("Imported: {created} new, {updated} changed.")

    def __init__(self, *, user, provinces: set[str] | None = None):
        super().__init__(user=user)
        self.provinces = provinces

    def prepare(self, rows):
        keys = {
            (importing.official_code(r.get("province_code"), level="province"), _date_or_none(r.get("effective_date")))
            for r in rows
        }
        self.stored = {}
        for province, day in keys:
            if day is None:
                continue
            for row in SuccessionMapping.objects.filter(province_code=province, effective_date=day):
                self.stored[(day, row.successor_code, row.predecessor_level, row.predecessor_code)] = row

    def check(self, n, row, err):
        province = importing.official_code(row.get("province_code"), level="province")
        if len(province) != 2 or not province.isdigit():
            err("province_code", _("'{value}' is not a province code (2 digits)").format(value=province))
        elif self.provinces is not None and province not in self.provinces:
            err("province_code", _("Province '{code}' is outside your area").format(code=province))
        resolution = importing.text(row.get("resolution"))
        if not resolution:
            err("resolution", _("The resolution is empty"))
        effective = resolution_date = None
        try:
            effective = importing.date(row.get("effective_date"))
        except ValueError as exc:
            err("effective_date", exc)
        if not importing.blank(row.get("resolution_date")):
            try:
                resolution_date = importing.date(row.get("resolution_date"))
            except ValueError as exc:
                err("resolution_date", exc)
        values = {"province_code": province, "effective_date": effective, "resolution": resolution}
        for prefix, column_level in (("new", UnitLevel.COMMUNE), ("old", None)):
            level = column_level or _LEVELS.get(fold(importing.text(row.get("old_level"))) or "commune")
            if level is None:
                err("old_level", _("'{value}' is not commune or district").format(value=row.get("old_level")))
                continue
            code = importing.official_code(row.get(prefix + "_code"), level=level)
            name = " ".join(importing.text(row.get(prefix + "_name")).split())
            if not (code.isdigit() and len(code) == importing.CODE_WIDTH[level]):
                err(prefix + "_code", _("'{value}' is not an official code").format(value=code))
            if not name:
                err(prefix + "_name", _("The name is empty"))
            if level == UnitLevel.DISTRICT:
                unit_type = fold(importing.text(row.get("old_type"))) or "huyen"
            else:
                unit_type = _unit_type(row.get(prefix + "_type"), name)
                if unit_type is None:
                    err(prefix + "_type", _("Unknown unit type (xã, phường, thị trấn or đặc khu)"))
            values.update({prefix + "_code": code, prefix + "_name": name, prefix + "_type": unit_type})
            if prefix == "old":
                values["old_level"] = level
        share = _SHARES.get(fold(importing.text(row.get("share"))) or "whole")
        if share is None:
            err("share", _("'{value}' is not whole or part").format(value=row.get("share")))
        kind = _KINDS.get(fold(importing.text(row.get("kind"))) or SuccessionKind.NEW)
        if kind is None:
            err("kind", _("'{value}' is not new, renamed, absorbs or unchanged").format(value=row.get("kind")))
        old_province = importing.official_code(row.get("old_province_code"), level="province") or province
        values.update(
            share=share,
            kind=kind,
            old_province_code=old_province,
            resolution_date=resolution_date,
            clause=importing.text(row.get("clause")),
            clause_text=importing.text(row.get("clause_text")),
        )
        key = (effective, values.get("new_code"), values.get("old_level"), values.get("old_code"))
        fields = _model_values(values)
        return importing.Change(
            row=n,
            key=key,
            values=fields,
            label=(
                "{} {}".format(values.get("new_code"), values.get("new_name")),
                "{} {}".format(values.get("old_code"), values.get("old_name")),
                ", ".join(x for x in (values["clause"], resolution) if x),
            ),
            existing=self.stored.get(key),
        )

    def finish(self, plan):
        """Every row of one new unit must name it the same way, under the same resolution and kind."""
        seen: dict[tuple, tuple] = {}
        for change in plan.changes:
            v = change.values
            unit = (v["effective_date"], v["successor_code"])
            signature = (v["successor_name"], v["successor_type"], v["resolution"], v["kind"], v["province_code"])
            if unit in seen and seen[unit][0] != signature:
                plan.errors.append(
                    importing.RowError(
                        change.row,
                        "new_name",
                        _("New unit {code} is described differently on row {row}").format(
                            code=v["successor_code"], row=seen[unit][1]
                        ),
                    )
                )
            seen.setdefault(unit, (signature, change.row))

    @transaction.atomic
    def write(self, plan):
        created = updated = 0
        scopes = {(c.values["province_code"], c.values["effective_date"]) for c in plan.changes}
        for change in plan.changes:
            if change.existing is None:
                SuccessionMapping.objects.create(imported_by=self.user, **change.values)
                created += 1
            else:
                for name, value in change.values.items():
                    setattr(change.existing, name, value)
                change.existing.imported_by = self.user
                change.existing.save()
                updated += 1
        # The file is the whole mapping of its provinces and dates: rows it no longer names are removed.
        kept = {c.key for c in plan.changes} | set(self.stored)
        for province, day in scopes:
            for row in SuccessionMapping.objects.filter(province_code=province, effective_date=day):
                if (day, row.successor_code, row.predecessor_level, row.predecessor_code) not in kept:
                    row.delete()
        return {"created": created, "updated": updated}


def _date_or_none(raw):
    try:
        return importing.date(raw)
    except ValueError:
        return None


def _model_values(v: dict) -> dict:
    return {
        "province_code": v["province_code"],
        "effective_date": v["effective_date"],
        "resolution": v["resolution"],
        "resolution_date": v["resolution_date"],
        "clause": v["clause"],
        "clause_text": v["clause_text"],
        "kind": v["kind"],
        "successor_code": v.get("new_code"),
        "successor_name": v.get("new_name"),
        "successor_type": v.get("new_type"),
        "predecessor_level": v.get("old_level"),
        "predecessor_code": v.get("old_code"),
        "predecessor_name": v.get("old_name"),
        "predecessor_type": v.get("old_type"),
        "predecessor_province_code": v["old_province_code"],
        "share": v["share"],
    }


def mapping_dataset(*, province_codes, effective_date=None) -> tablib.Dataset:
    """The shipped (or imported) mapping of these provinces as the import reads it: the template."""
    dataset = tablib.Dataset(headers=MAPPING_COLUMNS)
    days = {effective_date} if effective_date else {m.effective_date for m in successions.shipped_mappings()}
    for day in sorted(d for d in days if d):
        for entry in successions.mapping_for(province_codes=province_codes, effective_date=day):
            for p in entry.predecessors:
                dataset.append(
                    [
                        entry.province_code,
                        entry.resolution,
                        importing.date_text(entry.resolution_date),
                        importing.date_text(entry.effective_date),
                        entry.clause,
                        entry.code,
                        entry.name,
                        entry.unit_type,
                        entry.kind,
                        p.level,
                        p.province_code,
                        p.code,
                        p.name,
                        p.unit_type,
                        p.share,
                        entry.text,
                    ]
                )
    return dataset
