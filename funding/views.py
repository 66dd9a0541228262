from decimal import Decimal

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from communes.models import District
from core import access, spreadsheets
from core.importing import ImportPage, import_view
from core.lists import ListView
from core.spreadsheets import Column
from offices import scope
from offices.permissions import can_change

from . import resources, selectors, services
from .forms import DisbursementForm, ReportForm
from .tables import DebtTable, LineTable


def _year_default(user) -> int:
    from django.utils import timezone

    year = selectors.report_default_year(user=user)
    return year if year is not None else timezone.localdate().year


def _writer(user) -> bool:
    return access.can_open(user, "funding:lines_import")


class CapitalReport(View):
    """Planned, mobilised and disbursed capital by source for a year and area, with the credit share and the split
    one level down: the one capital report (selector `capital_by_source`, template `funding/_capital.html`, workbook
    `capital_tables`). Here in the funding section: an area picker, every payment made so far, `?export=xlsx` one
    sheet of amounts per table. The reports section shows the same view in its frame (figures as they stood at the
    end of the year, print layout, titled workbook): reports.views.CapitalMobilisationReport."""

    template_name = "funding/report.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if scope.scope_for(request.user).is_empty:
            raise Http404(_("Not found or outside your area."))
        area = self.area()
        report = None
        if area is not None:
            report = selectors.capital_by_source(user=request.user, **area)
            if self.wants_export():
                return self.export(report)
        return render(request, self.template_name, self.get_context_data(report=report))

    def area(self) -> dict | None:
        """The report's year, area and payment cut-off (keyword arguments of the selector); None when the form
        asking for them is not valid."""
        provinces, districts = selectors.report_areas(user=self.request.user)
        data = self.request.GET.copy()
        data.setdefault("year", str(_year_default(self.request.user)))
        self.form = ReportForm(data, provinces=list(provinces), districts=list(districts))
        if not self.form.is_valid():
            return None
        province, district = self.form.selected_area()
        return {"year": self.form.cleaned_data["year"], "province": province, "district": district}

    def wants_export(self) -> bool:
        return self.request.GET.get("export") == "xlsx"

    def export(self, report) -> HttpResponse:
        sheets = []
        for table in capital_tables(report, ratios=False):
            sheet = tablib.Dataset(headers=[c.header for c in table.columns], title=table.heading[:31])
            for row in table.rows:
                sheet.append(row)
            sheets.append(sheet)
        return spreadsheets.spreadsheet_response(
            spreadsheets.dataset_xlsx(*sheets), filename=f"capital-{report.year}", file_format="xlsx"
        )

    def get_context_data(self, *, report) -> dict:
        by, by_heading = unit_headers(report.area if report else None)
        return {
            "form": self.form,
            "report": report,
            "years": selectors.report_years(user=self.request.user),
            "unit_header": by,
            "unit_heading": by_heading,
        }


report = CapitalReport.as_view()


def unit_headers(area) -> tuple[str, str]:
    """Column header and heading of the split one level down: by commune for a district, else by district."""
    if isinstance(area, District):
        return _("Commune"), _("By commune")
    return _("District"), _("By district")


def _share(part, whole) -> Decimal | None:
    """A share for Excel's percent format (0.25 → 25%), or None when there is nothing to divide by."""
    return Decimal(part) / Decimal(whole) if whole else None


def capital_tables(report, *, ratios: bool = True) -> list[spreadsheets.Table]:
    """The capital report as three tables (by source with group totals and the total; credit against budgets; the
    split one level down) for a workbook. `ratios=False` leaves out the percentage columns: sheets of amounts."""
    amount, percent = spreadsheets.INTEGER_FORMAT, spreadsheets.PERCENT_FORMAT
    planned = Column(_("Planned (đồng)"), 20, amount)
    mobilised = Column(_("Mobilised (đồng)"), 20, amount)
    disbursed = Column(_("Disbursed (đồng)"), 20, amount)
    # xgettext:no-python-format
    mobilised_pct = Column(_("Mobilised % of plan"), 12, percent)

    def table(heading, columns, rows):
        keep = [i for i, c in enumerate(columns) if ratios or c.number_format != percent]
        return spreadsheets.Table(
            heading=heading, columns=[columns[i] for i in keep], rows=[[row[i] for i in keep] for row in rows]
        )

    def line(label, group, a):
        return [
            label,
            group,
            a.planned,
            a.mobilised,
            _share(a.mobilised, a.planned),
            a.disbursed,
            _share(a.disbursed, a.mobilised),
        ]

    rows = [line(r.source.name, r.source.get_group_display(), r) for r in report.rows if r.planned or r.mobilised]
    rows += [line(g.label, _("Group total"), g) for g in report.groups]
    rows.append(line(_("Total"), "", report.total))
    by_source_columns = [
        Column(_("Source"), 34),
        Column(_("Group"), 22),
        planned,
        mobilised,
        mobilised_pct,
        disbursed,
        # xgettext:no-python-format
        Column(_("Disbursed % of mobilised"), 12, percent),
    ]
    shares = [
        [
            label,
            a.planned,
            _share(a.planned, report.total.planned),
            a.mobilised,
            _share(a.mobilised, report.total.mobilised),
            a.disbursed,
        ]
        for label, a in (
            (_("Credit"), report.credit),
            (_("Budgets, integrated and mobilised capital"), report.non_credit),
        )
    ]
    shares_columns = [
        Column(_("Capital"), 34),
        planned,
        Column(_("Share of the plan"), 12, percent),
        mobilised,
        Column(_("Share of what was mobilised"), 12, percent),
        disbursed,
    ]
    by, by_heading = unit_headers(report.area)
    units = [
        [u.label or _("Own level"), u.planned, u.mobilised, _share(u.mobilised, u.planned), u.disbursed]
        for u in report.units
    ]
    return [
        table(_("By source"), by_source_columns, rows),
        table(_("Credit and budgets"), shares_columns, shares),
        table(by_heading, [Column(by, 34), planned, mobilised, mobilised_pct, disbursed], units),
    ]


class LineList(ListView):
    """Capital plan lines in the user's area. Their download is the import template (funding.resources), so that an
    office can change it and import it again."""

    selector = staticmethod(selectors.line_list)
    table_class = LineTable
    title = gettext_lazy("Capital plan lines")
    template_name = "funding/line_list.html"
    context_object_name = "lines"
    export_name = "capital-plan-lines"

    def export_content(self, table, file_format):
        return resources.export_lines(lines=table.data.data, file_format=file_format)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_import": _writer(self.request.user)}


line_list = LineList.as_view()


@login_required
def line_detail(request, pk: int):
    line = selectors.access_line(user=request.user, pk=pk)
    writable = can_change(request.user, line)
    form = DisbursementForm(request.POST or None, line=line) if writable else None
    if request.method == "POST":
        if not writable:
            raise PermissionDenied(_("Your role may read this data but not change it."))
        if form.is_valid():
            try:
                d = services.disbursement_create(line=line, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                if d.exceeds_plan:
                    messages.warning(request, _("Recorded, above the planned amount of the line (note kept)."))
                else:
                    messages.success(request, _("Disbursement recorded."))
                return redirect("funding:line_detail", pk=line.pk)
    return render(
        request,
        "funding/line_detail.html",
        {
            "line": line,
            "disbursements": selectors.line_disbursements(line=line),
            "form": form,
            "over": max(0, line.disbursed - line.planned_amount),
        },
    )


class DebtList(ListView):
    selector = staticmethod(selectors.debt_list)
    table_class = DebtTable
    title = gettext_lazy("Construction debt")
    template_name = "funding/debt_list.html"
    context_object_name = "debts"
    export_name = "construction-debt"

    def get_rows(self):
        return selectors.debt_list(user=self.request.user), None


debt_list = DebtList.as_view()


def _require_writer(request):
    access.require(request.user, request.resolver_match.view_name)


@login_required
def lines_import(request):
    _require_writer(request)
    return import_view(
        request,
        importer_class=resources.PlanLineImporter,
        session_key="funding_lines_import",
        page=ImportPage(
            title=_("Import capital plan lines"),
            back_url=reverse("funding:line_list"),
            template_url=reverse("funding:line_list") + "?export=xlsx",
        ),
    )


@login_required
def disbursements_import(request):
    _require_writer(request)
    return import_view(
        request,
        importer_class=resources.DisbursementImporter,
        session_key="funding_disbursements_import",
        page=ImportPage(
            title=_("Import disbursements"),
            back_url=reverse("funding:line_list"),
            template_url=reverse("funding:disbursements_export"),
        ),
    )


@login_required
def disbursements_export(request):
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError as exc:
        raise Http404(_("Not a year.")) from exc
    content = resources.export_disbursements(user=request.user, year=year)
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="disbursements{"-" + str(year) if year else ""}.xlsx"'
    return response
