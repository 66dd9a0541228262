"""Dashboard and reports. Views parse the parameters, call reports.selectors and render a page, its print layout
(?print=1) or an xlsx file (?format=xlsx). Out-of-scope districts answer 404; a user without an area gets an empty
dashboard and 404 on reports and spreadsheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import spreadsheets
from core.jobs import start_job
from core.lists import ListView
from core.pagecache import cached_page
from core.spreadsheets import Column
from criteria import views as criteria_views
from criteria.choices import StandardLevel
from funding import views as funding_views
from offices import scope
from programs.choices import TargetKind
from verification import views as verification_views

from . import jobs, selectors, workbooks


@dataclass
class Params:
    year: int
    years: list[int]
    as_of: date
    district: object | None
    level: str
    print_mode: bool
    xlsx: bool
    sort: str
    reading: str = selectors.FOR_YEAR
    today: bool = False  # the year in progress: figures as of today

    @property
    def reading_text(self) -> str:
        """Which reading the page shows, in words."""
        day = self.as_of.strftime("%d/%m/%Y")
        if self.today:
            return _("As of today ({date}): decisions recorded up to today.").format(date=day)
        if self.reading == selectors.ON_DATE:
            return _("As they stood on {date}: decisions dated on or before that day.").format(date=day)
        return _(
            "Results of {year}: units recognised for {year} or before (decisions for the year taken later "
            "included), on the units that existed on {date}."
        ).format(year=self.year, date=day)

    @property
    def base_template(self) -> str:
        return "reports/print_base.html" if self.print_mode else "base.html"


def _params(request, *, require_area: bool, today_default: bool = False) -> Params:
    user = request.user
    if require_area and scope.scope_for(user).is_empty:
        raise Http404(_("Not found or outside your area."))
    years = selectors.data_years(user=user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = timezone.localdate().year if today_default else selectors.default_year(user=user)
        if year not in years:
            years = sorted({*years, year}, reverse=True)
    district = None
    if request.GET.get("district"):
        district = selectors.access_district(user=user, pk=request.GET["district"])
    level = request.GET.get("level") or StandardLevel.BASIC
    if level not in StandardLevel.values:
        raise Http404(_("Unknown level."))
    # The year in progress is shown as of today (a year end in the future would be a date nobody has reached);
    # a past year by its results (year recognised for), or as it stood on 31 December when asked.
    today = timezone.localdate()
    in_progress = year == today.year
    reading = request.GET.get("reading")
    if in_progress or reading not in selectors.READINGS:
        reading = selectors.ON_DATE if in_progress else selectors.FOR_YEAR
    return Params(
        year=year,
        years=years,
        as_of=today if in_progress else selectors.year_end(year),
        reading=reading,
        today=in_progress,
        district=district,
        level=level,
        print_mode=request.GET.get("print") == "1",
        xlsx=request.GET.get("format") == "xlsx",
        sort=request.GET.get("sort", ""),
    )


def _meta(request, p: Params, *extra: str) -> list[str]:
    lines = [
        _("Area: {area}").format(area=selectors.area_label(user=request.user, district=p.district)),
        _("As at {date}").format(date=p.as_of.strftime("%d/%m/%Y")),
        p.reading_text,
    ]
    return lines + [e for e in extra if e]


def _context(request, p: Params, **kw) -> dict:
    return {
        "p": p,
        "base_template": p.base_template,
        "area": selectors.area_label(user=request.user, district=p.district),
        "districts": selectors.district_choices(user=request.user),
        "levels": [(v, label) for v, label in StandardLevel.choices if v != StandardLevel.MODERN],
        **kw,
    }


# --- dashboard ------------------------------------------------------------------------------------------------------


@login_required
@cached_page
def dashboard(request):
    user = request.user
    has_area = not scope.scope_for(user).is_empty
    p = _params(request, require_area=False, today_default=True)
    if not has_area:
        if p.xlsx:
            raise Http404(_("Not found or outside your area."))
        return render(request, "reports/dashboard.html", {"p": p, "base_template": p.base_template, "no_area": True})
    figures = selectors.unit_figures(user=user, as_of=p.as_of, district=p.district, reading=p.reading)
    rows, sort = selectors.sort_rows(figures.rows, p.sort)
    if p.xlsx:
        return _dashboard_xlsx(request, p, figures, rows)
    sections = selectors.dashboard_sections(user=user, year=p.year, as_of=p.as_of, district=p.district)
    one_commune = _one_commune(user, figures, rows)
    if one_commune is not None and sections["progress"] is not None:
        # The plan's targets are the province's: a commune sees only where it is registered, and no district row.
        mine = [r for r in sections["progress"].rows if r.kind != TargetKind.DISTRICTS and (r.registered or r.achieved)]
        sections = {**sections, "progress": None, "commune_progress": mine, "commune_plan": sections["progress"].plan}
    context = {
        # An area with no unit on the date: a district that ended with the 2025 reform says so, not just "nothing".
        "ended_districts": [] if rows else selectors.ended_districts(user=user, as_of=p.as_of),
        "one_commune": one_commune,
        "p": p,
        "base_template": p.base_template,
        "levels": [(v, label) for v, label in StandardLevel.choices if v != StandardLevel.MODERN],
        **sections,
        "figures": figures,
        "h": figures.headline,
        "rows": rows,
        "sort": sort,
        "headers": _headers(figures.by, sort),
        "queues": selectors.queue_counts(user=user),
        "in_progress": selectors.dossiers_in_progress(user=user),
        "units_chart_height": max(220, 26 * len(rows) + 70),
        "charts": selectors.chart_data(
            figures=figures, buckets=sections["buckets"], capital_years=sections["capital_years"]
        ),
    }
    return render(request, "reports/dashboard.html", context)


def _one_commune(user, figures, rows):
    """The commune's row when the user's area is one commune: its dashboard shows that commune's standing, not the
    counts, shares and charts that compare communes."""
    area = scope.scope_for(user)
    if area.everything or area.province_ids or area.district_ids or not area.commune_ids:
        return None
    # One commune on the date: a commune officer may also hold the commune that took theirs in (2025 reform).
    return rows[0] if figures.by == "commune" and len(rows) == 1 else None


def _headers(by: str, sort: str) -> list[dict]:
    """Sortable column headers of the dashboard table: clicking sorts ascending, clicking again descending."""
    if by == "commune":
        columns = [
            ("code", _("Code"), False),
            ("name", _("Commune"), False),
            ("level", _("Level in force"), False),
            ("criteria_met", _("Basic criteria met"), True),
            ("model_hamlets", _("Model hamlets"), True),
        ]
    else:
        columns = [
            ("code", _("Code"), False),
            ("name", _("District"), False),
            ("xa_total", _("Communes (xã)"), True),
            ("ntm", _("Meeting NTM"), True),
            ("ntm_ratio", _("NTM %"), True),
            ("advanced", _("Advanced NTM"), True),
            ("model", _("Model NTM"), True),
            ("model_hamlets", _("Model hamlets"), True),
            ("district_done", _("District completed the task"), False),
        ]
    headers = []
    for key, label, numeric in columns:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "num": numeric,
                "next": f"-{key}" if current and not descending else key,
                "arrow": ("▼" if descending else "▲") if current else "",
            }
        )
    return headers


def _dashboard_xlsx(request, p: Params, figures, rows):
    by_commune = figures.by == "commune"
    h = figures.headline
    if by_commune:
        columns = [
            Column(_("Code"), 8),
            Column(_("Commune"), 28),
            Column(_("Level in force"), 22),
            Column(_("Basic criteria met"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("Criteria in the set"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("Model hamlets"), 10, spreadsheets.INTEGER_FORMAT),
        ]
        rows_out = [[r.code, r.name, r.level_label, r.criteria_met, r.criteria_total, r.model_hamlets] for r in rows]
        rows_out.append(
            [
                "",
                _("Total"),
                _("{ntm} of {total} communes NTM, {advanced} advanced, {model} model").format(
                    ntm=h.ntm, total=h.xa_total, advanced=h.advanced, model=h.model
                ),
                None,
                None,
                h.model_hamlets,
            ]
        )
    else:
        columns = [
            Column(_("Code"), 8),
            Column(_("District"), 28),
            Column(_("Communes (xã)"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("Meeting NTM"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("NTM %"), 10, spreadsheets.PERCENT_FORMAT),
            Column(_("Advanced NTM"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("Model NTM"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("Model hamlets"), 10, spreadsheets.INTEGER_FORMAT),
            Column(_("District completed the task"), 22),
        ]
        yes, no = _("Yes"), _("No")
        rows_out = [
            [
                r.code,
                r.name,
                r.xa_total,
                r.ntm,
                r.ntm_ratio,
                r.advanced,
                r.model,
                r.model_hamlets,
                "" if r.district_done is None else (yes if r.district_done else no),
            ]
            for r in rows
        ]
        rows_out.append(
            [
                "",
                _("Total"),
                h.xa_total,
                h.ntm,
                (h.ntm / h.xa_total) if h.xa_total else None,
                h.advanced,
                h.model,
                h.model_hamlets,
                _("{done} of {total} district-level units").format(done=h.districts_done, total=h.districts_total),
            ]
        )
    return spreadsheets.xlsx_response(
        filename=f"ntm-dashboard-{p.year}",
        title=_("New rural development by {unit}, {year}").format(
            unit=_("commune") if by_commune else _("district"), year=p.year
        ),
        meta=_meta(request, p),
        columns=columns,
        rows=rows_out,
    )


# --- reports --------------------------------------------------------------------------------------------------------


@login_required
def index(request):
    has_area = not scope.scope_for(request.user).is_empty
    p = _params(request, require_area=False)
    return render(
        request,
        "reports/index.html",
        {
            "p": p,
            "base_template": "base.html",
            "no_area": not has_area,
        },
    )


MATRIX_PAGE = 100


@login_required
@cached_page
def criteria_matrix(request):
    p = _params(request, require_area=True)
    matrix = selectors.criteria_matrix(user=request.user, year=p.year, level=p.level, district=p.district, rows=False)
    title = _("Criteria status matrix, {level}, {year}").format(level=StandardLevel(p.level).label, year=p.year)
    if p.xlsx:
        if matrix.assessments.count() > settings.NTM_EXPORT_BACKGROUND_ROWS:
            # The whole country's workbook is written by the background worker; the next page offers it.
            job = start_job(
                kind=jobs.MATRIX_WORKBOOK,
                owner=request.user,
                title=title,
                year=p.year,
                level=p.level,
                district=p.district.pk if p.district else None,
                language=translation.get_language(),
            )
            return redirect("core:job_detail", pk=job.pk)
        content = workbooks.criteria_matrix(user=request.user, matrix=matrix, title=title, meta=_meta(request, p))
        return spreadsheets.spreadsheet_response(
            content, filename=f"criteria-matrix-{p.level}-{p.year}", file_format="xlsx"
        )
    # On screen a page of communes at a time (the whole country is ten thousand rows); printed, all of them.
    if p.print_mode:
        matrix.rows = list(selectors.matrix_rows(matrix, matrix.assessments))
        page = None
    else:
        page = Paginator(matrix.assessments, MATRIX_PAGE).get_page(request.GET.get("page"))
        matrix.rows = list(selectors.matrix_rows(matrix, page.object_list))
    return render(request, "reports/matrix.html", _context(request, p, matrix=matrix, title=title, page_obj=page))


# --- reports shown by the views of the apps that own their records ----------------------------------------------


class ReportFrame:
    """The reports section's frame around a view of a lower app (the register, revocation risk, capital): the
    year whose end the figures stand at (`?year=`), a district (`?district=`), the print layout (`?print=1`, the
    whole list on one page), a titled workbook (`?format=xlsx`); 404 for a user without an area."""

    export_param = "format"
    report_title = ""  # with {year}

    @cached_property
    def p(self) -> Params:
        return _params(self.request, require_area=True)

    def title_text(self) -> str:
        return str(self.report_title).format(year=self.p.year)

    def frame_context(self) -> dict:
        return _context(self.request, self.p, title=self.title_text())

    def export_title(self) -> str:
        return self.title_text()

    def export_meta(self):
        return _meta(self.request, self.p)


REPORT_PARAMS = ("year", "format", "print", "page", "sort")


class ListReport(ReportFrame):
    """A list view of a lower app in the reports' frame: the frame's toolbar instead of the list's filter bar and
    extras, 100 rows a page, every row when printed."""

    paginate_by = 100

    def paginate(self, rows):
        if self.p.print_mode:
            return list(rows), None
        return super().paginate(rows)

    def get_filter_form(self, filterset):
        return None

    def get_export_filename(self) -> str:
        return f"{self.export_name}-{self.p.year}"

    def get_context_data(self, **kwargs):
        return ListView.get_context_data(self, **kwargs) | self.frame_context()


class RecognitionRegisterReport(ListReport, verification_views.Register):
    """The register as it stood at the end of the year."""

    template_name = "reports/register.html"
    report_title = gettext_lazy("Recognition register at the end of {year}")

    def get_rows(self):
        filters = self.request.GET.copy()
        for key in REPORT_PARAMS:  # the frame's, not the register's ("year" there is another field)
            filters.pop(key, None)
        if self.p.district is not None:
            filters["district"] = str(self.p.district.pk)
        return selectors.recognition_register(
            user=self.request.user, as_of=self.p.as_of, filters=filters, request=self.request
        )

    def get_table(self, rows, **kwargs):
        status = _("Status at the end of the year")
        return super().get_table(rows, revocation_provinces=False, status_header=status, **kwargs)


recognition_register = RecognitionRegisterReport.as_view()


class RevocationRiskReport(ListReport, criteria_views.RevocationRiskList):
    template_name = "reports/risk.html"
    report_title = gettext_lazy("Communes at risk of revocation, {year}")

    def get_rows(self):
        self.level = self.request.GET.get("level") or None
        rows = selectors.revocation_risk(
            user=self.request.user, year=self.p.year, level=self.level, district=self.p.district
        )
        return rows, None

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"risk_level": self.level or ""}


revocation_risk = RevocationRiskReport.as_view()


def _fraction(numerator, denominator):
    """A share for Excel's percent format (0.25 → 25%), or None when there is nothing to divide by."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


@login_required
def plan_vs_result(request):
    p = _params(request, require_area=True)
    report = selectors.plan_report(user=request.user, year=p.year, as_of=p.as_of, district=p.district)
    title = _("Plan vs result, {year}").format(year=p.year)
    if p.xlsx:
        return _plan_xlsx(request, p, report, title)
    return render(request, "reports/plan.html", _context(request, p, report=report, title=title))


def _registration_unit(r) -> str:
    if r.hamlet_id:
        return f"{r.hamlet} ({r.commune})" if r.commune_id else str(r.hamlet)
    return str(r.commune) if r.commune_id else str(r.district or "")


def _registration_district(r) -> str:
    if r.district_id:
        return str(r.district)
    return str(r.commune.district or "") if r.commune_id else ""


def _criteria_missing(r) -> str:
    if r.shortfall is None:
        return ""
    return "; ".join(
        "{criterion}{reasons}".format(criterion=criterion, reasons=f" ({', '.join(reasons)})" if reasons else "")
        for criterion, reasons in r.shortfall.criteria
    )


def _plan_xlsx(request, p: Params, report, title: str):
    columns = [
        Column(pgettext("plan", "Target"), 30),
        Column(_("Planned"), 12, spreadsheets.INTEGER_FORMAT),
        Column(_("Registered"), 12, spreadsheets.INTEGER_FORMAT),
        Column(_("Achieved"), 12, spreadsheets.INTEGER_FORMAT),
        # xgettext:no-python-format
        Column(_("Achieved % of the target"), 12, spreadsheets.PERCENT_FORMAT),
        Column(_("Still to achieve"), 12, spreadsheets.INTEGER_FORMAT),
    ]
    if report is None:
        return spreadsheets.xlsx_response(
            filename=f"plan-vs-result-{p.year}",
            title=title,
            meta=_meta(request, p, _("No plan for this year in your area.")),
            columns=columns,
            rows=[],
        )
    rows = [
        [r.label, r.target, r.registered, r.achieved, _fraction(r.achieved, r.target), r.remaining]
        for r in report.progress.rows
    ]
    short = spreadsheets.Table(
        heading=_("Registered units not recognised yet"),
        columns=[
            Column(pgettext("plan", "Target"), 30),
            Column(_("District"), 12),
            Column(_("Code"), 12),
            Column(_("Unit"), 12),
            Column(_("Scorecard year"), 12),
            Column(_("Criteria met"), 12, spreadsheets.INTEGER_FORMAT),
            Column(_("Criteria in the set"), 12, spreadsheets.INTEGER_FORMAT),
            Column(_("Criteria not met"), 60),
        ],
        rows=[
            [
                r.target.get_kind_display(),
                _registration_district(r),
                (r.commune.code if r.commune_id else r.district.code if r.district_id else ""),
                _registration_unit(r),
                r.shortfall.assessment.year if r.shortfall else None,
                r.shortfall.assessment.criteria_met if r.shortfall else None,
                r.shortfall.assessment.criteria_total if r.shortfall else None,
                _criteria_missing(r),
            ]
            for r in report.short
        ],
    )
    extra = [str(report.plan)]
    if report.progress.partial:
        extra.append(_("Registered and achieved count only the units of your area."))
    return spreadsheets.xlsx_response(
        filename=f"plan-vs-result-{p.year}",
        title=title,
        meta=_meta(request, p, *extra),
        columns=columns,
        rows=rows,
        tables=[short],
    )


class CapitalMobilisationReport(ReportFrame, funding_views.CapitalReport):
    """The capital report as it stood at the end of the year: payments made by then."""

    template_name = "reports/capital.html"
    report_title = gettext_lazy("Capital mobilisation by source, {year}")

    def area(self) -> dict:
        district = selectors.capital_area(user=self.request.user, district=self.p.district)
        return {"year": self.p.year, "district": district, "paid_by": self.p.as_of}

    def wants_export(self) -> bool:
        return self.p.xlsx

    def export(self, report):
        first, *more = funding_views.capital_tables(report)
        return spreadsheets.xlsx_response(
            filename=f"capital-mobilisation-{self.p.year}",
            title=self.title_text(),
            meta=_meta(self.request, self.p),
            columns=first.columns,
            rows=first.rows,
            tables=more,
        )

    def get_context_data(self, *, report):
        by, by_heading = funding_views.unit_headers(report.area)
        return {
            **self.frame_context(),
            "report": report,
            "paid_by": self.p.as_of,
            "unit_header": by,
            "unit_heading": by_heading,
        }


capital_mobilisation = CapitalMobilisationReport.as_view()
