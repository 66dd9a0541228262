"""Thin views: selectors read, services write; refusals become form errors or messages, 403/404 for role/scope.

The public pages (no login) read dossiers in public consultation only.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import access
from core.files import serve_stored_file
from core.lists import ListView
from verification.choices import DossierStatus
from verification.selectors import access_dossier_by_id

from . import permissions, selectors, services
from .choices import FINDING_TRANSITIONS, ReportSubject
from .filters import ModerationFilterForm
from .forms import (
    CritiqueForm,
    FindingForm,
    FrontNoteForm,
    ModerationForm,
    PublicCommentForm,
    ReportForm,
    ResponseForm,
    SurveyCheckForm,
    SurveyForm,
)
from .tables import CommuneProgressTable, FindingTable, PublicDossierTable, SupervisionReportTable, SurveyTable


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _is_monitor(user) -> bool:
    """May add the Front's records: the page rule of the supervision-report form (core.access)."""
    return access.can_open(user, "monitoring:report_add")


# --- overview ------------------------------------------------------------------------------------------------------


class Overview(ListView):
    """Read-only progress of every commune and dossier in the user's area, and what is overdue."""

    table_class = CommuneProgressTable
    title = gettext_lazy("Front monitoring")
    template_name = "monitoring/index.html"
    context_object_name = "communes"
    export_name = "communes-progress"

    def get_rows(self):
        self.overview = selectors.monitor_overview(user=self.request.user)
        return self.overview.communes, None

    def get_context_data(self, **kwargs):
        overview, today = self.overview, timezone.localdate()
        dossiers = []
        for d in overview.dossiers:
            ends_on = selectors.consultation_ends_on(d.consultation_started_on)
            dossiers.append(
                {
                    "dossier": d,
                    "rate": selectors.rate_of(d.survey_satisfied or 0, d.survey_returned),
                    "ends_on": ends_on,
                    "overdue": bool(d.due_on and d.due_on < today),
                    "consultation_overrun": bool(
                        d.status == DossierStatus.PUBLIC_CONSULTATION and ends_on and ends_on <= today
                    ),
                }
            )
        return {
            **super().get_context_data(**kwargs),
            "dossiers": dossiers,
            "overdue_findings": overview.overdue_findings,
            "counts": overview.counts,
            "is_monitor": _is_monitor(self.request.user),
            "today": today,
        }


index = Overview.as_view()


# --- per dossier ---------------------------------------------------------------------------------------------------


@login_required
def dossier_monitoring(request, pk: int):
    """Everything the Front records on one dossier: surveys, critiques, findings, residents' comments."""
    dossier = access_dossier_by_id(user=request.user, pk=pk)
    surveys = list(selectors.dossier_surveys(dossier=dossier))
    for s in surveys:
        s.rate = selectors.survey_rate(s)
    user = request.user
    return render(
        request,
        "monitoring/dossier.html",
        {
            "dossier": dossier,
            "surveys": surveys,
            "rate": selectors.dossier_satisfaction_rate(dossier=dossier),
            "critiques": selectors.critiques_for_dossier(dossier=dossier),
            "findings": selectors.open_findings_for_dossier(dossier=dossier),
            "reports": dossier.supervision_reports.order_by("-period_end", "-id"),
            "summary": selectors.public_comment_summary(dossier=dossier),
            "can_survey": permissions.can_enter_survey(user, dossier),
            "can_critique": permissions.can_critique(user, dossier),
            "can_report": permissions.can_monitor_dossier(user, dossier),
            "can_moderate": permissions.can_moderate(user, dossier),
            "critique_form": CritiqueForm(),
        },
    )


@require_POST
@login_required
def critique_add(request, pk: int):
    dossier = access_dossier_by_id(user=request.user, pk=pk)
    if not permissions.can_monitor_dossier(request.user, dossier):
        raise PermissionDenied(_("Critiques are written by the Fatherland Front only."))
    form = CritiqueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("monitoring:dossier", pk=pk)
    try:
        services.critique_add(dossier=dossier, actor=request.user, text=form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Critique added to the dossier's timeline."))
    return redirect("monitoring:dossier", pk=pk)


# --- surveys -------------------------------------------------------------------------------------------------------


class SurveyList(ListView):
    selector = staticmethod(selectors.survey_list)
    table_class = SurveyTable
    title = gettext_lazy("Satisfaction surveys")
    template_name = "monitoring/survey_list.html"
    export_name = "surveys"


survey_list = SurveyList.as_view()


@login_required
def survey_detail(request, pk: int):
    survey = selectors.access_survey_by_id(user=request.user, pk=pk)
    can_check = (
        permissions.can_check_survey(request.user, survey.dossier)
        and survey.status == "completed"
        and survey.checked_on is None
    )
    return render(
        request,
        "monitoring/survey_detail.html",
        {
            "survey": survey,
            "rate": selectors.survey_rate(survey),
            "coverage": selectors.coverage_of(survey.total_returned, survey.total_households),
            "min_coverage": settings.NTM_SURVEY_MIN_COVERAGE,
            "rows": selectors.survey_rows(survey=survey),
            "item_table": selectors.survey_item_table(survey=survey),
            "item_communes": selectors.survey_item_communes(dossier=survey.dossier),
            "history": selectors.survey_history(survey=survey)[:50],
            "can_edit": permissions.can_enter_survey(request.user, survey.dossier),
            "check_form": SurveyCheckForm(initial={"checked_on": timezone.localdate()}) if can_check else None,
        },
    )


@require_POST
@login_required
def survey_check(request, pk: int):
    survey = selectors.access_survey_by_id(user=request.user, pk=pk)
    form = SurveyCheckForm(request.POST)
    if not form.is_valid():
        if not permissions.can_check_survey(request.user, survey.dossier):
            raise PermissionDenied(_("The tally is checked by a Front committee above the commune's."))
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("monitoring:survey_detail", pk=pk)
    try:
        services.survey_check(survey=survey, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Check of the tally recorded."))
    return redirect("monitoring:survey_detail", pk=pk)


def _survey_form_page(request, *, dossier, survey=None):
    if not permissions.can_monitor_dossier(request.user, dossier):
        raise PermissionDenied(_("Satisfaction surveys are entered by the Fatherland Front only."))
    hamlets = selectors.survey_hamlets(dossier=dossier)
    existing = {r.hamlet_id: r for r in survey.rows.all()} if survey else {}
    existing_items = {(r.commune_id, r.criterion_id): r.satisfied for r in survey.items.all()} if survey else {}
    initial = (
        {
            "period_start": survey.period_start,
            "period_end": survey.period_end,
            "complete": survey.status == "completed",
            "note": survey.note,
            "results_posted_on": survey.results_posted_on,
        }
        if survey
        else {"period_start": timezone.localdate(), "period_end": timezone.localdate()}
    )
    form = SurveyForm(
        request.POST or None,
        hamlets=hamlets,
        existing=existing,
        items=selectors.survey_items(dossier=dossier),
        communes=selectors.survey_item_communes(dossier=dossier),
        existing_items=existing_items,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs = {
            "actor": request.user,
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "rows": data["rows"],
            "complete": data["complete"],
            "note": data["note"],
            "items": data["items"],
            "results_posted_on": data.get("results_posted_on"),
        }
        try:
            if survey is None:
                survey = services.survey_create(dossier=dossier, **kwargs)
            else:
                survey = services.survey_update(survey=survey, **kwargs)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Survey saved."))
            return redirect("monitoring:survey_detail", pk=survey.pk)
    return render(
        request,
        "monitoring/survey_form.html",
        {
            "form": form,
            "dossier": dossier,
            "survey": survey,
            "can_save": permissions.can_enter_survey(request.user, dossier),
        },
    )


@login_required
def survey_add(request, pk: int):
    dossier = access_dossier_by_id(user=request.user, pk=pk)
    return _survey_form_page(request, dossier=dossier)


@login_required
def survey_edit(request, pk: int):
    survey = selectors.access_survey_by_id(user=request.user, pk=pk)
    return _survey_form_page(request, dossier=survey.dossier, survey=survey)


# --- supervision ---------------------------------------------------------------------------------------------------


class ReportList(ListView):
    selector = staticmethod(selectors.report_list)
    table_class = SupervisionReportTable
    title = gettext_lazy("Supervision reports")
    template_name = "monitoring/report_list.html"
    export_name = "supervision-reports"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "is_monitor": _is_monitor(self.request.user)}


report_list = ReportList.as_view()


@login_required
def report_add(request):
    access.require(request.user, "monitoring:report_add")
    initial = {"subject_kind": ReportSubject.COMMUNE}
    if request.GET.get("dossier"):
        initial = {"subject_kind": ReportSubject.DOSSIER, "dossier": request.GET["dossier"]}
    form = ReportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.supervision_report_create(
                actor=request.user,
                subject_kind=data["subject_kind"],
                commune=data["commune"] if data["subject_kind"] == ReportSubject.COMMUNE else None,
                dossier=data["dossier"] if data["subject_kind"] == ReportSubject.DOSSIER else None,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Report filed; add its findings."))
            return redirect("monitoring:report_detail", pk=report.pk)
    return render(request, "monitoring/report_form.html", {"form": form})


@login_required
def report_edit(request, pk: int):
    report = selectors.access_report_by_id(user=request.user, pk=pk)
    if not permissions.can_file_report(request.user, report):
        raise PermissionDenied(_("Supervision reports are filed by the Fatherland Front only."))
    initial = {k: getattr(report, k) for k in ("title", "period_start", "period_end", "summary")}
    form = ReportForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_report_update(report=report, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Report saved."))
            return redirect("monitoring:report_detail", pk=report.pk)
    return render(request, "monitoring/report_form.html", {"form": form, "report": report})


@login_required
def report_detail(request, pk: int):
    report = selectors.access_report_by_id(user=request.user, pk=pk)
    is_front = permissions.can_file_report(request.user, report)
    findings = list(selectors.report_findings(report=report))
    office_ids = permissions.editor_office_ids(request.user)
    for f in findings:
        f.can_respond = (
            permissions.can_respond(request.user, f, office_ids) and f.status in FINDING_TRANSITIONS["respond"][0]
        )
        f.can_close = is_front and f.status in FINDING_TRANSITIONS["close"][0]
        f.can_reopen = is_front and f.status in FINDING_TRANSITIONS["reopen"][0]
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "findings": findings,
            "is_front": is_front,
            "finding_form": FindingForm(report=report) if is_front else None,
            "response_form": ResponseForm(),
            "note_form": FrontNoteForm(),
        },
    )


@require_POST
@login_required
def finding_add(request, pk: int):
    report = selectors.access_report_by_id(user=request.user, pk=pk)
    if not permissions.can_file_report(request.user, report):
        raise PermissionDenied(_("Supervision reports are filed by the Fatherland Front only."))
    form = FindingForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("monitoring:report_detail", pk=pk)
    try:
        services.finding_add(report=report, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Finding added."))
    return redirect("monitoring:report_detail", pk=pk)


@require_POST
@login_required
def finding_action(request, pk: int, action: str):
    if action not in FINDING_TRANSITIONS:
        raise Http404(_("Unknown action."))
    finding = selectors.access_finding_by_id(user=request.user, pk=pk)
    try:
        if action == "respond":
            services.finding_respond(finding=finding, actor=request.user, response=request.POST.get("response", ""))
        elif action == "close":
            services.finding_close(finding=finding, actor=request.user, note=request.POST.get("note", ""))
        else:
            services.finding_reopen(finding=finding, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _("Not done. {reasons}").format(reasons=_error_text(exc)))
    else:
        messages.success(request, _("Finding updated."))
    return redirect("monitoring:report_detail", pk=finding.report_id)


class FindingList(ListView):
    selector = staticmethod(selectors.finding_list)
    table_class = FindingTable
    title = gettext_lazy("Findings")
    template_name = "monitoring/_list.html"
    export_name = "findings"


finding_list = FindingList.as_view()


# --- moderation ----------------------------------------------------------------------------------------------------


class CommentQueue(ListView):
    """Residents' comments on the dossiers of the units the user's data-entry office covers, waiting ones first
    shown (`?outcome=`, "all" for every one)."""

    title = gettext_lazy("Residents' comments")
    template_name = "monitoring/comment_queue.html"

    def get_rows(self):
        access.require(self.request.user, "monitoring:comment_queue")
        self.form = ModerationFilterForm(self.request.GET)
        return selectors.moderation_queue(user=self.request.user, outcome=self.form.chosen_outcome()), None

    def get_filter_form(self, filterset):
        return self.form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": ModerationForm()}


comment_queue = CommentQueue.as_view()


@require_POST
@login_required
def comment_moderate(request, pk: int):
    comment = selectors.access_comment_by_id(user=request.user, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        if not permissions.can_moderate(request.user, comment.dossier):
            raise PermissionDenied(_("Comments are moderated by the unit's data-entry office."))
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("monitoring:comment_queue")
    try:
        services.public_comment_moderate(comment=comment, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _("Not done. {reasons}").format(reasons=_error_text(exc)))
    else:
        messages.success(request, _("Comment moderated."))
    return redirect("monitoring:comment_queue")


# --- public pages (no login) ---------------------------------------------------------------------------------------


class PublicList(ListView):
    """Dossiers in public consultation, for residents (no login)."""

    table_class = PublicDossierTable
    title = gettext_lazy("Public consultation")
    template_name = "monitoring/public_list.html"
    login_required = False

    def get_rows(self):
        return selectors.public_dossier_list(), None

    def get_context_data(self, *, records, **kwargs):
        rows = [
            {
                "dossier": d,
                "ends_on": selectors.consultation_ends_on(d.consultation_started_on),
                "closed": selectors.consultation_closed(d.consultation_started_on),
            }
            for d in records
        ]
        return {
            **super().get_context_data(records=records, **kwargs),
            "rows": rows,
            "site_name": selectors.public_site_name(records),
        }


public_list = PublicList.as_view()


def client_ip(request) -> str:
    """The address the server saw. Behind a proxy, the proxy must pass the real one as REMOTE_ADDR (e.g. gunicorn's
    forwarded_allow_ips); X-Forwarded-For is not trusted, since a resident could forge it to escape the limit."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def public_detail(request, pk: int):
    dossier = selectors.access_public_dossier(pk=pk)
    closed = selectors.consultation_closed(dossier.consultation_started_on)
    form = PublicCommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if closed:  # a form kept open past the end, or a forged post: nothing is written, nothing counted
            status = 403
        elif not services.public_comment_allowed(client_ip=client_ip(request)):
            form = PublicCommentForm(request.POST)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many comments from your connection in the last hour (at most {n}). Please try again later."
                ).format(n=_limit()),
            )
            status = 429
        elif form.is_valid():
            try:
                services.public_comment_submit(dossier=dossier, **form.cleaned_data)
            except services.ConsultationClosed:  # the period ended since the page was read
                closed, status = True, 403
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Thank you. Your comment will be shown once the commune office has read it.")
                )
                return redirect("monitoring:public_detail", pk=pk)
        else:
            status = 400
    return render(
        request,
        "monitoring/public_detail.html",
        {
            "dossier": dossier,
            "report": selectors.public_results_report(dossier=dossier),
            "site_name": selectors.public_site_name([dossier]),
            "ends_on": selectors.consultation_ends_on(dossier.consultation_started_on),
            "comments": selectors.published_comments(dossier=dossier),
            "form": None if closed else form,
            "closed_message": selectors.consultation_closed_message(dossier.consultation_started_on) if closed else "",
        },
        status=status,
    )


def public_report(request, pk: int):
    """The report on results of a dossier in public consultation, for residents (no login): only this paper, only
    while the consultation is open to the public page."""
    report = selectors.public_results_report(dossier=selectors.access_public_dossier(pk=pk))
    if report is None:
        raise Http404(_("The commune has not posted its report yet."))
    return serve_stored_file(report.file)


def _limit() -> int:
    from django.conf import settings

    return settings.NTM_PUBLIC_COMMENTS_PER_HOUR
