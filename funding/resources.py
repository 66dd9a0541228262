"""Excel round trip for capital plan lines and disbursements, keyed by official codes (unit level and code,
source code, component code, project code, payment reference). Export with django-import-export resources;
import through core.importing (dry-run preview, whole file refused on any bad row)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import fields, resources

from communes.models import Commune, District, Province
from core import importing, spreadsheets
from core.formatting import money
from core.importing import Change, RowError
from core.scope import scope_for
from core.spreadsheets import TemplateColumn
from core.text import fold
from offices.permissions import can_change_unit

from .choices import Component, UnitLevel
from .models import CapitalPlanLine, CapitalSource, Disbursement, Project
from .services import LINE_FIELDS, disbursements_import_apply, over_plan_message, plan_lines_import_apply

KEY_COLUMNS = ["year", "unit_level", "unit_code", "source", "component", "project_code"]


# --- export -------------------------------------------------------------------------------------------------------


class _LineKeyResource(resources.Resource):
    """The columns that name a plan line, for the line itself or for a payment on it."""

    year = fields.Field(column_name="year")
    unit_level = fields.Field(column_name="unit_level")
    unit_code = fields.Field(column_name="unit_code")
    unit_name = fields.Field(column_name="unit_name")
    source = fields.Field(column_name="source")
    component = fields.Field(column_name="component")
    project_code = fields.Field(column_name="project_code")

    def _line(self, obj):
        return obj if isinstance(obj, CapitalPlanLine) else obj.line

    def dehydrate_year(self, obj):
        return self._line(obj).year

    def dehydrate_unit_level(self, obj):
        return self._line(obj).unit_level

    def dehydrate_unit_code(self, obj):
        return self._line(obj).unit.code

    def dehydrate_unit_name(self, obj):
        return self._line(obj).unit.name

    def dehydrate_source(self, obj):
        return self._line(obj).source.code

    def dehydrate_component(self, obj):
        return self._line(obj).component

    def dehydrate_project_code(self, obj):
        project = self._line(obj).project
        return project.code if project else ""


class PlanLineResource(_LineKeyResource, resources.ModelResource):
    planned = fields.Field(attribute="planned_amount", column_name="planned")
    mobilised = fields.Field(attribute="mobilised_amount", column_name="mobilised")
    disbursed = fields.Field(attribute="disbursed", column_name="disbursed")
    note = fields.Field(attribute="note", column_name="note")

    class Meta:
        model = CapitalPlanLine
        fields = (
            *KEY_COLUMNS[:2],
            "unit_code",
            "unit_name",
            *KEY_COLUMNS[3:],
            "planned",
            "mobilised",
            "disbursed",
            "note",
        )
        export_order = fields


class DisbursementResource(_LineKeyResource, resources.ModelResource):
    reference = fields.Field(attribute="reference", column_name="reference")
    paid_on = fields.Field(column_name="paid_on")
    amount = fields.Field(attribute="amount", column_name="amount")
    note = fields.Field(attribute="note", column_name="note")

    class Meta:
        model = Disbursement
        fields = (
            *KEY_COLUMNS[:2],
            "unit_code",
            "unit_name",
            *KEY_COLUMNS[3:],
            "reference",
            "paid_on",
            "amount",
            "note",
        )
        export_order = fields

    def dehydrate_paid_on(self, obj):
        return importing.date_text(obj.paid_on)


LINE_RELATED = ["province", "district", "commune", "source", "project"]


def export_lines(*, lines, file_format: str = "xlsx") -> bytes:
    dataset = PlanLineResource().export(lines.select_related(*LINE_RELATED))
    return PlanLineImporter.template(
        dataset, file_format=file_format, title=str(_("Capital plan lines")), choices=_key_choices()
    )


def _key_choices() -> dict[str, list[str]]:
    """The drop-downs of the key columns: unit levels, capital sources and components by their codes."""
    return {
        "unit_level": list(UnitLevel.values),
        "source": list(CapitalSource.objects.order_by("order", "code").values_list("code", flat=True)),
        "component": list(Component.values),
    }


def _key_template_columns():
    return (
        TemplateColumn("year", gettext_lazy("Year"), spreadsheets.YEAR, 7, key=True),
        TemplateColumn(
            "unit_level",
            gettext_lazy("Unit level (code)"),
            spreadsheets.CODE,
            11,
            key=True,
            help=gettext_lazy("province, district or commune."),
        ),
        TemplateColumn("unit_code", gettext_lazy("Unit code"), spreadsheets.CODE, 10, key=True),
        TemplateColumn("unit_name", gettext_lazy("Unit"), width=24, key=True),
        TemplateColumn("source", gettext_lazy("Capital source (code)"), spreadsheets.CODE, 14, key=True),
        TemplateColumn("component", gettext_lazy("Component (code)"), spreadsheets.CODE, 16, key=True),
        TemplateColumn("project_code", gettext_lazy("Project code"), spreadsheets.CODE, 12, key=True),
    )


def export_disbursements(*, user, year: int | None = None, file_format: str = "xlsx") -> bytes:
    qs = Disbursement.objects.visible_to(user).select_related(*[f"line__{r}" for r in LINE_RELATED])
    if year:
        qs = qs.filter(line__year=year)
    dataset = DisbursementResource().export(qs.order_by("line__year", "line__id", "paid_on", "id"))
    return DisbursementImporter.template(
        dataset, file_format=file_format, title=str(_("Disbursements")), choices=_key_choices()
    )


# --- import -------------------------------------------------------------------------------------------------------


class _LineKeyImporter(importing.Importer):
    """Resolves the key columns of a plan line in bulk."""

    def prepare(self, rows):
        levels = {UnitLevel.PROVINCE: set(), UnitLevel.DISTRICT: set(), UnitLevel.COMMUNE: set()}
        for row in rows:
            level = importing.text(row.get("unit_level")).lower()
            if level in levels:
                levels[level].add(importing.official_code(row.get("unit_code"), level=level))
        self.units = {
            UnitLevel.PROVINCE: {u.code: u for u in Province.objects.current().filter(code__in=levels["province"])},
            UnitLevel.DISTRICT: {u.code: u for u in District.objects.current().filter(code__in=levels["district"])},
            UnitLevel.COMMUNE: {u.code: u for u in Commune.objects.current().filter(code__in=levels["commune"])},
        }
        self.sources = {s.code: s for s in CapitalSource.objects.all()}
        project_codes = {importing.text(r.get("project_code")) for r in rows} - {""}
        self.projects = {p.code: p for p in Project.objects.filter(code__in=project_codes)}
        self.components = {c.value: c.value for c in Component}
        self.components.update({fold(str(c.label)): c.value for c in Component})

    def unit_ids(self, unit, level) -> dict:
        if level == UnitLevel.COMMUNE:
            return {"province_id": unit.province_id, "district_id": unit.district_id, "commune_id": unit.pk}
        if level == UnitLevel.DISTRICT:
            return {"province_id": unit.province_id, "district_id": unit.pk, "commune_id": None}
        return {"province_id": unit.pk, "district_id": None, "commune_id": None}

    def check_key(self, row, err):
        """(year, unit ids, source, component, project) or None when a key cell is wrong."""
        year = None
        try:
            year = importing.integer(row.get("year"), low=2000, high=2100)
        except ValueError as exc:
            err("year", exc)
        level = importing.text(row.get("unit_level")).lower()
        unit = None
        if level not in UnitLevel.values:
            err("unit_level", _("'{value}' is not a unit level (province, district or commune)").format(value=level))
        else:
            unit_code = importing.official_code(row.get("unit_code"), level=level)
            unit = self.units[level].get(unit_code)
            if unit is None:
                err(
                    "unit_code", _("Unknown {level} code '{code}'").format(level=UnitLevel(level).label, code=unit_code)
                )
        ids = self.unit_ids(unit, level) if unit else None
        if ids is not None:
            if not scope_for(self.user).covers_unit(**ids):
                err("unit_code", _("'{code}' is outside your area").format(code=unit.code))
                ids = None
            elif not can_change_unit(self.user, **ids):
                err("unit_code", _("Your role may not change the data of '{code}'").format(code=unit.code))
                ids = None
        source_code = importing.text(row.get("source"))
        source = self.sources.get(source_code)
        if source is None:
            err("source", _("Unknown capital source '{code}'").format(code=source_code))
        raw_component = importing.text(row.get("component"))
        component = self.components.get(raw_component) or self.components.get(fold(raw_component))
        if component is None:
            err("component", _("Unknown component '{value}'").format(value=raw_component))
        project = None
        project_code = importing.text(row.get("project_code"))
        if project_code:
            project = self.projects.get(project_code)
            if project is None:
                err("project_code", _("Unknown project '{code}'").format(code=project_code))
            elif ids is not None and project.province_id != ids["province_id"]:
                err("project_code", _("Project '{code}' is in another province").format(code=project_code))
        if None in (year, ids, source, component) or (project_code and project is None):
            return None
        return year, ids, unit, source, component, project

    @staticmethod
    def line_key(year, ids, source, component, project) -> tuple:
        return (
            year,
            ids["province_id"],
            ids["district_id"],
            ids["commune_id"],
            source.pk,
            component,
            project.pk if project else None,
        )

    def existing_lines(self, keys) -> dict:
        if not keys:
            return {}
        lines = CapitalPlanLine.objects.filter(
            year__in={k[0] for k in keys}, province_id__in={k[1] for k in keys}
        ).select_related("province", "district", "commune", "source")
        return {
            (ln.year, ln.province_id, ln.district_id, ln.commune_id, ln.source_id, ln.component, ln.project_id): ln
            for ln in lines
        }

    @staticmethod
    def label(unit, source, component, year) -> str:
        return f"{year} · {unit.code} {unit.name} · {source.short_name or source.code} · {Component(component).label}"


class PlanLineImporter(_LineKeyImporter):
    columns = [*KEY_COLUMNS, "planned", "mobilised", "note"]
    template_columns = (
        *_key_template_columns(),
        TemplateColumn("planned", gettext_lazy("Planned (đồng)"), spreadsheets.AMOUNT, 18),
        TemplateColumn("mobilised", gettext_lazy("Mobilised (đồng)"), spreadsheets.AMOUNT, 18),
        TemplateColumn("disbursed", gettext_lazy("Disbursed (đồng)"), spreadsheets.AMOUNT, 18, key=True),
        TemplateColumn("note", gettext_lazy("Note"), width=30),
    )
    required = [*KEY_COLUMNS[:5], "planned"]
    help_text = gettext_lazy(
        "Columns year, unit_level (province, district or commune), unit_code, source, component and planned are "
        "required; project_code, mobilised and note are optional. Amounts are in đồng and may be written "
        "1.500.000.000. A line is found by its year, unit, source, component and project: existing lines are "
        "updated, others created. A file with any bad row is refused whole and nothing is written."
    )

    def check(self, n, row, err):
        key = self.check_key(row, err)
        planned = mobilised = None
        try:
            planned = importing.amount(row.get("planned"))
        except ValueError as exc:
            err("planned", exc)
        has_mobilised = "mobilised" in row and not importing.blank(row.get("mobilised"))
        if has_mobilised:
            try:
                mobilised = importing.amount(row.get("mobilised"))
            except ValueError as exc:
                err("mobilised", exc)
        if key is None or planned is None or (has_mobilised and mobilised is None):
            return None
        year, ids, unit, source, component, project = key
        values = {
            "year": year,
            **ids,
            "source_id": source.pk,
            "component": component,
            "project_id": project.pk if project else None,
            "planned_amount": planned,
            "mobilised_amount": mobilised,
            "note": importing.text(row.get("note")) if "note" in row else None,
        }
        return Change(
            row=n,
            key=self.line_key(year, ids, source, component, project),
            values=values,
            label=self.label(unit, source, component, year),
            unit=ids,
        )

    def finish(self, plan):
        existing = self.existing_lines([c.key for c in plan.changes])
        for change in plan.changes:
            line = existing.get(change.key)
            v = change.values
            if v["mobilised_amount"] is None:
                v["mobilised_amount"] = line.mobilised_amount if line else 0
            if v["note"] is None:
                v["note"] = line.note if line else ""
            change.after = _("plan {planned}, mobilised {mobilised}").format(
                planned=money(v["planned_amount"]), mobilised=money(v["mobilised_amount"])
            )
            if line is not None:
                change.existing = line
                change.before = _("plan {planned}, mobilised {mobilised}").format(
                    planned=money(line.planned_amount), mobilised=money(line.mobilised_amount)
                )
                change.values = {k: v[k] for k in LINE_FIELDS}

    def write(self, plan):
        return plan_lines_import_apply(plan=plan, actor=self.user)


class DisbursementImporter(_LineKeyImporter):
    columns = [*KEY_COLUMNS, "reference", "paid_on", "amount", "note"]
    template_columns = (
        *_key_template_columns(),
        TemplateColumn("reference", gettext_lazy("Payment reference"), width=16),
        TemplateColumn("paid_on", gettext_lazy("Paid on"), spreadsheets.DATE, 12),
        TemplateColumn("amount", gettext_lazy("Amount (đồng)"), spreadsheets.AMOUNT, 18),
        TemplateColumn("note", gettext_lazy("Note"), width=30),
    )
    required = [*KEY_COLUMNS[:5], "reference", "paid_on", "amount"]
    help_text = gettext_lazy(
        "Columns year, unit_level, unit_code, source, component (and project_code when the line has a project) "
        "name the plan line, which must exist; reference, paid_on (31/12/2024) and amount (đồng) are required, "
        "note is optional. A payment is found by its line and reference. A payment that takes the line above its "
        "planned amount needs a note and is kept with a warning. A file with any bad row is refused whole and "
        "nothing is written."
    )

    def check(self, n, row, err):
        key = self.check_key(row, err)
        reference = importing.text(row.get("reference"))
        if not reference:
            err("reference", _("The payment reference is empty"))
        paid_on = amount = None
        try:
            paid_on = importing.date(row.get("paid_on"))
        except ValueError as exc:
            err("paid_on", exc)
        try:
            amount = importing.amount(row.get("amount"))
            if amount == 0:
                err("amount", _("A disbursement amount must be positive"))
        except ValueError as exc:
            err("amount", exc)
        if key is None or not reference or paid_on is None or not amount:
            return None
        year, ids, unit, source, component, project = key
        return Change(
            row=n,
            key=(self.line_key(year, ids, source, component, project), reference),
            values={
                "reference": reference,
                "paid_on": paid_on,
                "amount": amount,
                "note": importing.text(row.get("note")),
            },
            label=self.label(unit, source, component, year),
            unit=ids,
        )

    def finish(self, plan):
        lines = self.existing_lines([c.key[0] for c in plan.changes])  # a payment's key: (its line's key, reference)
        by_row = {}
        for change in plan.changes:
            line = lines.get(change.key[0])
            if line is None:
                plan.errors.append(
                    RowError(change.row, "unit_code", _("No plan line for {line}").format(line=change.label))
                )
            by_row[change.row] = line
        if plan.errors:
            return
        stored = {
            (d.line_id, d.reference): d for d in Disbursement.objects.filter(line__in={ln.pk for ln in lines.values()})
        }
        keys_in_file = {(by_row[c.row].pk, c.values["reference"]) for c in plan.changes}
        untouched = {}
        for (line_id, ref), d in stored.items():
            if (line_id, ref) not in keys_in_file:
                untouched[line_id] = untouched.get(line_id, 0) + d.amount
        running = dict(untouched)
        for change in plan.changes:
            line = by_row[change.row]
            v = change.values
            already = running.get(line.pk, 0)
            running[line.pk] = already + v["amount"]
            over = already + v["amount"] > line.planned_amount
            if over and not v["note"]:
                plan.errors.append(
                    RowError(
                        change.row,
                        "note",
                        over_plan_message(planned=line.planned_amount, already=already, amount=v["amount"]),
                    )
                )
                continue
            v["exceeds_plan"] = over
            v["line_id"] = line.pk
            if over:
                change.warning = _("{over} above the planned {planned}").format(
                    over=money(already + v["amount"] - line.planned_amount), planned=money(line.planned_amount)
                )
            change.after = f"{importing.date_text(v['paid_on'])} {money(v['amount'])}"
            change.existing = stored.get((line.pk, v["reference"]))
            if change.existing is not None:
                change.before = f"{importing.date_text(change.existing.paid_on)} {money(change.existing.amount)}"

    def warnings_summary(self, plan):
        n = len(plan.warnings)
        if not n:
            return ""
        return ngettext(
            "%(n)s row goes above the planned amount (with a note).",
            "%(n)s rows go above the planned amount (with a note).",
            n,
        ) % importing.counts(n=n)

    def write(self, plan):
        return disbursements_import_apply(plan=plan, actor=self.user)
