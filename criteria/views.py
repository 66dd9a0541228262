import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_POST

from communes.models import Region
from communes.selectors import access_commune_by_code
from core import access
from core.files import serve_stored_file
from core.importing import ImportPage, import_view, render_import_page
from core.lists import ListView
from core.pagecache import cached_page
from core.spreadsheets import CONTENT_TYPES, spreadsheet_response
from offices import scope

from . import permissions, resources, selectors, services, workbook
from .choices import StandardLevel
from .filters import RiskFilterForm
from .forms import AssessmentValuesForm, ExportForm, GapForm, ReasonForm
from .models import CriteriaSet
from .tables import AssessmentTable, CriteriaSetTable, RevocationRiskTable


def _year(request, default=None):
    try:
        return int(request.GET.get("year") or default or selectors.today_year())
    except ValueError as exc:
        raise Http404(_("Not a year.")) from exc


def _url_year(year: int) -> int:
    """A year taken from the URL: the range the forms accept (the scorecard links to the years either side)."""
    if not 2000 <= year <= 2100:
        raise Http404(_("Not a year."))
    return year


def _level(value: str) -> str:
    if value not in StandardLevel.values:
        raise Http404(_("Unknown level."))
    return value


def _messages_from(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class AssessmentList(ListView):
    """Scorecards in the user's area; opens on the latest year that has any (the filter shows which)."""

    table_class = AssessmentTable
    title = gettext_lazy("Scorecards")
    template_name = "criteria/assessment_list.html"
    context_object_name = "assessments"
    export_name = "scorecards"
    count_text = ngettext_lazy("%(n)s assessment", "%(n)s assessments", "n")

    def get_rows(self):
        filters = self.request.GET.copy()
        self.year_chosen = "year" in filters
        if not self.year_chosen:
            years = selectors.assessment_years(user=self.request.user)
            if years:
                filters["year"] = str(years[0])
        self.shown_year = filters.get("year") or ""
        return selectors.assessment_list(user=self.request.user, filters=filters, request=self.request)

    def get_context_data(self, **kwargs):
        user = self.request.user
        # The page opens on one year: the heading says which, and how to see them all.
        return {
            **super().get_context_data(**kwargs),
            "can_open_sets": permissions.can_export_sets(user),
            "can_classify": permissions.can_classify_communes(user),
            "shown_year": self.shown_year,
            "year_chosen": self.year_chosen,
        }


assessment_list = AssessmentList.as_view()


@login_required
def assessment_detail(request, pk: int):
    assessment = selectors.access_assessment(user=request.user, pk=pk)
    return redirect(
        "criteria:scorecard_level",
        code=assessment.commune.code,
        year=assessment.year,
        level=assessment.criteria_set.level,
    )


@login_required
@cached_page
def scorecard(request, code: str, year: int, level: str = StandardLevel.BASIC):
    year, level = _url_year(year), _level(level)
    commune = access_commune_by_code(user=request.user, code=code, year=year)
    criteria_set = selectors.criteria_set_for(level=level, year=year, province=commune.province)
    assessment = None
    if criteria_set is not None:
        assessment = selectors.commune_assessment(commune=commune, year=year, criteria_set=criteria_set)
        if assessment is not None:
            criteria_set = assessment.criteria_set  # the version the scorecard was made with
    card = selectors.scorecard(assessment=assessment) if assessment else None
    others = card.others if card else selectors.commune_year_assessments(commune=commune, year=year)
    can_change = scope.can_change_commune(request.user, commune)
    return render(
        request,
        "criteria/scorecard.html",
        {
            "commune": commune,
            "year": year,
            "level": level,
            "levels": StandardLevel.choices,
            "criteria_set": criteria_set,
            "assessment": assessment,
            "card": card,
            "others": others,
            "level_reached": selectors.level_reached(others),
            "can_change": can_change,
            "can_unlock": can_change and permissions.can_unlock(request.user, commune),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def evidence_download(request, pk: int):
    return serve_stored_file(selectors.access_evidence(user=request.user, pk=pk).evidence)


@login_required
def values_edit(request, code: str, year: int, level: str):
    year = _url_year(year)
    commune = access_commune_by_code(user=request.user, code=code, year=year)
    scope.require_change_commune(request.user, commune)
    criteria_set = selectors.criteria_set_for(level=_level(level), year=year, province=commune.province)
    if criteria_set is None:
        raise Http404(_("No criteria set covers this level and year."))
    assessment = selectors.commune_assessment(commune=commune, year=year, criteria_set=criteria_set)
    if assessment is not None:
        criteria_set = assessment.criteria_set  # the version the scorecard was made with
    structure = selectors.criteria_set_structure(criteria_set=criteria_set)
    values = {v.indicator_id: v for v in assessment.values.all()} if assessment else {}
    form = AssessmentValuesForm(request.POST or None, request.FILES or None, structure=structure, values=values)
    if request.method == "POST":
        if assessment is not None and assessment.is_locked:
            messages.error(request, _("This assessment is locked; unlock it before changing values."))
        elif form.is_valid():
            try:
                if assessment is None:
                    assessment = services.assessment_get_or_create(
                        commune=commune, year=year, criteria_set=criteria_set, actor=request.user
                    )
                assessment = services.assessment_values_save(
                    assessment=assessment, entries=form.entries(), actor=request.user
                )
            except ValidationError as exc:
                _messages_from(request, exc)
            else:
                messages.success(
                    request,
                    _("Values saved: {met}/{total} criteria met.").format(
                        met=assessment.criteria_met, total=assessment.criteria_total
                    ),
                )
                return redirect("criteria:scorecard_level", code=code, year=year, level=level)
        else:
            messages.error(request, _("Some values are not valid; see the messages next to the fields."))
    return render(
        request,
        "criteria/values_form.html",
        {
            "commune": commune,
            "year": year,
            "level": level,
            "criteria_set": criteria_set,
            "assessment": assessment,
            "form": form,
        },
    )


@login_required
@require_POST
def assessment_lock(request, pk: int):
    assessment = selectors.access_assessment(user=request.user, pk=pk)
    scope.require_change_commune(request.user, assessment.commune)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.assessment_lock(assessment=assessment, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The assessment is locked."))
    else:
        messages.error(request, _("Say why the assessment is locked."))
    return redirect("criteria:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_unlock(request, pk: int):
    assessment = selectors.access_assessment(user=request.user, pk=pk)
    scope.require_change_commune(request.user, assessment.commune)
    if not permissions.can_unlock(request.user, assessment.commune):
        raise PermissionDenied(_("Only the district or province office may unlock an assessment."))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the assessment is unlocked."))
        return redirect("criteria:assessment_detail", pk=pk)
    try:
        services.assessment_unlock(assessment=assessment, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("The assessment is unlocked; values can be changed again."))
    return redirect("criteria:assessment_detail", pk=pk)


@login_required
def gap(request, code: str):
    commune = access_commune_by_code(user=request.user, code=code)
    form = GapForm(request.GET or None)
    level, year = StandardLevel.BASIC, None
    if form.is_valid():
        level, year = form.cleaned_data["level"], form.cleaned_data["year"]
    assessment = selectors.latest_assessment(commune=commune, level=level, year=year)
    rows = selectors.gap(assessment=assessment) if assessment else []
    criteria_set = (
        assessment.criteria_set
        if assessment
        else selectors.criteria_set_for(level=level, year=year or selectors.today_year(), province=commune.province)
    )
    return render(
        request,
        "criteria/gap.html",
        {
            "commune": commune,
            "form": form,
            "level": level,
            "assessment": assessment,
            "rows": rows,
            "criteria_set": criteria_set,
        },
    )


class RevocationRiskList(ListView):
    """Communes of a year whose scorecard meets the revocation rule of Decision 18/2022, those recognised at the
    set's level first. The reports section shows the same list as a report (reports.views.RevocationRiskReport)."""

    table_class = RevocationRiskTable
    title = gettext_lazy("Revocation risk")
    template_name = "criteria/risk_list.html"
    context_object_name = "assessments"
    export_name = "revocation-risk"
    count_text = ngettext_lazy("%(n)s unit", "%(n)s units", "n")

    def get_rows(self):
        years = selectors.assessment_years(user=self.request.user)
        self.year = _year(self.request, years[0] if years else None)
        level = self.request.GET.get("level") or None
        if level:
            _level(level)
        self.form = RiskFilterForm({"year": self.year, "level": level or ""}, years=years)
        return selectors.revocation_risk_list(user=self.request.user, year=self.year, level=level), None

    def get_filter_form(self, filterset):
        return self.form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.year}


revocation_risk = RevocationRiskList.as_view()


def _export_form(request) -> ExportForm:
    """The template's choices: a year (the latest assessed one by default) and only the criteria sets that apply
    to that year."""
    years = selectors.assessment_years(user=request.user)
    initial = {"year": years[0] if years else selectors.today_year(), "file_format": "xlsx"}
    try:
        year = int(request.GET.get("year") or initial["year"])
    except ValueError:
        year = initial["year"]
    return ExportForm(request.GET or None, initial=initial, sets=selectors.commune_sets(year=year))


def _import_page(request, *, export_form: ExportForm | None = None) -> ImportPage:
    """The values import page: the template is chosen (set, year, format) in a form beside the upload."""
    return ImportPage(
        title=_("Excel export / import"),
        back_url=reverse("criteria:assessment_list"),
        back_label=_("Scorecards"),
        template_url=reverse("criteria:export"),
        template_form=export_form if export_form is not None else _export_form(request),
        template_help=_(
            "One row per commune of your area and indicator, with the values already entered and the target that "
            "applies."
        ),
        form_label=_("Filled-in template (.xlsx or .csv)"),
        import_url=reverse("criteria:import"),
    )


@login_required
def export_template(request):
    form = _export_form(request)
    if scope.scope_for(request.user).is_empty:
        raise Http404(_("Not found or outside your area."))
    if request.GET and form.is_valid():
        criteria_set, year, fmt = (form.cleaned_data[k] for k in ("criteria_set", "year", "file_format"))
        if not criteria_set.covers_year(year):
            form.add_error("year", _("The set does not cover this year."))
        else:
            content = resources.export_template(
                user=request.user, criteria_set=criteria_set, year=year, file_format=fmt
            )
            response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = f'attachment; filename="{criteria_set.code}-{year}.{fmt}"'
            return response
    return render_import_page(
        request, importer=resources.ValuesImporter(user=request.user), page=_import_page(request, export_form=form)
    )


@login_required
def import_values(request):
    """Step 1: upload and preview (dry run, nothing written). Step 2: confirm, which writes in bulk."""
    access.require(request.user, "criteria:import")
    return import_view(
        request, importer_class=resources.ValuesImporter, session_key="criteria_import", page=_import_page(request)
    )


# --- criteria sets as workbooks ------------------------------------------------------------------------------------


def _require_set_staff(request) -> None:
    if not permissions.can_export_sets(request.user):
        raise PermissionDenied(_("Only staff who maintain criteria sets open them as workbooks."))


class CriteriaSetList(ListView):
    """Every criteria set and version, each downloadable as the workbook an import takes back."""

    selector = staticmethod(selectors.criteria_set_list)
    table_class = CriteriaSetTable
    title = gettext_lazy("Criteria sets")
    template_name = "criteria/criteria_set_list.html"
    export_name = "criteria-sets"
    count_text = ngettext_lazy("%(n)s set", "%(n)s sets", "n")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_set_staff(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "can_import": user.has_perm("criteria.add_criteriaset"),
            "can_classify": permissions.can_classify_communes(user),
        }


criteria_set_list = CriteriaSetList.as_view()


@login_required
def criteria_set_workbook(request, pk: int):
    _require_set_staff(request)
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("province"), pk=pk)
    return spreadsheet_response(
        workbook.export_set(criteria_set), filename=f"{criteria_set.code}.xlsx", file_format="xlsx"
    )


@login_required
def criteria_set_import(request):
    """Upload a set workbook: a preview of what it adds, changes and removes; confirming stores a new version."""
    if not request.user.has_perm("criteria.add_criteriaset"):
        raise PermissionDenied(_("Your role may not import criteria sets."))
    page = ImportPage(
        title=_("Import a criteria set"),
        back_url=reverse("criteria:set_list"),
        back_label=_("Criteria sets"),
        form_label=_("Criteria set workbook (.xlsx)"),
    )
    return import_view(
        request, importer_class=workbook.CriteriaWorkbookImporter, session_key="criteria_set_import", page=page
    )


def _require_classifier(request) -> None:
    if not permissions.can_classify_communes(request.user):
        raise PermissionDenied(_("Only the province office assigns commune groups and regions."))


@login_required
def classification_export(request):
    _require_classifier(request)
    headers, rows = resources.classification_rows(user=request.user)
    dataset = tablib.Dataset(*rows, headers=headers, title="communes")
    regions = list(Region.objects.order_by("code").values_list("code", flat=True))
    content = resources.ClassificationImporter.template(
        dataset, file_format="xlsx", title=str(_("Commune groups")), choices={"region": regions}
    )
    return spreadsheet_response(content, filename="commune-groups.xlsx", file_format="xlsx")


@login_required
def classification_import(request):
    """Commune groups and regions by official code, from a year on: preview, then confirm."""
    _require_classifier(request)
    page = ImportPage(
        title=_("Commune groups and regions"),
        back_url=reverse("criteria:assessment_list"),
        back_label=_("Scorecards"),
        template_url=reverse("criteria:classification_export"),
        form_label=_("Filled-in file (.xlsx or .csv)"),
    )
    return import_view(
        request, importer_class=resources.ClassificationImporter, session_key="criteria_classification", page=page
    )
