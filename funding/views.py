import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import spreadsheets
from core.importing import ImportPage, import_view
from offices import scope
from offices.choices import DATA_WRITE_ROLES
from offices.permissions import can_change

from . import resources, selectors, services
from .forms import DisbursementForm, ReportForm


def _year_default(user) -> int:
    from django.utils import timezone

    year = selectors.report_default_year(user=user)
    return year if year is not None else timezone.localdate().year


def _writer(user) -> bool:
    return not scope.scope_for(user, DATA_WRITE_ROLES).is_empty


@login_required
def report(request):
    """Plan vs mobilised vs disbursed by source for a year and area; ?export=xlsx downloads it."""
    if scope.scope_for(request.user).is_empty:
        raise Http404(_("Not found or outside your area."))
    provinces, districts = selectors.report_areas(user=request.user)
    provinces, districts = list(provinces), list(districts)
    data = request.GET.copy()
    data.setdefault("year", str(_year_default(request.user)))
    form = ReportForm(data, provinces=provinces, districts=districts)
    report = None
    if form.is_valid():
        province, district = form.selected_area()
        report = selectors.capital_by_source(
            user=request.user, year=form.cleaned_data["year"], province=province, district=district
        )
        if request.GET.get("export") == "xlsx":
            return _report_xlsx(report)
    return render(
        request,
        "funding/report.html",
        {"form": form, "report": report, "years": selectors.report_years(user=request.user)},
    )


def _report_xlsx(report) -> HttpResponse:
    headers = [_("Source"), _("Group"), _("Planned (đồng)"), _("Mobilised (đồng)"), _("Disbursed (đồng)")]
    by_source = tablib.Dataset(headers=headers, title=_("By source")[:31])
    for row in report.rows:
        by_source.append([row.source.name, row.source.get_group_display(), row.planned, row.mobilised, row.disbursed])
    by_source.append([_("Total"), "", report.total.planned, report.total.mobilised, report.total.disbursed])
    by_source.append(
        [_("of which credit"), "", report.credit.planned, report.credit.mobilised, report.credit.disbursed]
    )
    by_source.append(
        [
            _("Credit share (%)"),
            "",
            float(round(report.credit_share_planned, 2)) if report.credit_share_planned is not None else None,
            float(round(report.credit_share_mobilised, 2)) if report.credit_share_mobilised is not None else None,
            None,
        ]
    )
    by_group = tablib.Dataset(headers=[headers[1], *headers[2:]], title=_("By group")[:31])
    for g in report.groups:
        by_group.append([g.label, g.planned, g.mobilised, g.disbursed])
    by_unit = tablib.Dataset(headers=[_("Unit"), *headers[2:]], title=_("By unit")[:31])
    for u in report.units:
        by_unit.append([u.label or _("Own level"), u.planned, u.mobilised, u.disbursed])
    return spreadsheets.spreadsheet_response(
        spreadsheets.dataset_xlsx(by_source, by_group, by_unit), filename=f"capital-{report.year}", file_format="xlsx"
    )


@login_required
def line_list(request):
    lines, filterset = selectors.line_list(user=request.user, filters=request.GET, request=request)
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in spreadsheets.CONTENT_TYPES:
            raise Http404(_("Unknown format."))
        response = HttpResponse(
            resources.export_lines(lines=lines, file_format=fmt), content_type=spreadsheets.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="capital-plan-lines.{fmt}"'
        return response
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/line_list.html",
        {"filter": filterset, "page_obj": page, "lines": page.object_list, "can_import": _writer(request.user)},
    )


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


@login_required
def debt_list(request):
    debts = selectors.debt_list(user=request.user)
    page = Paginator(debts, 50).get_page(request.GET.get("page"))
    return render(request, "funding/debt_list.html", {"page_obj": page, "debts": page.object_list})


def _require_writer(user):
    if not _writer(user):
        raise PermissionDenied(_("Your role may not import data."))


@login_required
def lines_import(request):
    _require_writer(request.user)
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
    _require_writer(request.user)
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
