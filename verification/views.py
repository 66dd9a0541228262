"""Thin views: selectors read, services write; refusals become messages (gates) or 403/404 (role/scope)."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_POST

from core import access
from core.files import serve_stored_file
from core.lists import ListView
from core.scope import user_roles
from offices.choices import Role

from . import drafts, gates, permissions, selectors, services
from .choices import (
    ACTIONS,
    ALL_GATES,
    APPROVE_ACTIONS,
    COMMUNE_STAGE,
    TERMINAL,
    ActionKind,
    DocumentKind,
    DossierStatus,
    find_transition,
    roles_for_action,
    transitions_from,
)
from .forms import (
    AppraisalForm,
    BulkApproveForm,
    DocumentForm,
    DossierCreateForm,
    MergerDecisionForm,
    PostingForm,
    PublicationForm,
    ReviewForm,
    RevocationForm,
    TransitionForm,
)
from .models import Appraisal, Dossier
from .tables import DistrictRiskTable, DossierTable, QueueTable, RecognitionTable


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


class DossierList(ListView):
    selector = staticmethod(selectors.dossier_list)
    table_class = DossierTable
    title = gettext_lazy("Recognition dossiers")
    template_name = "verification/dossier_list.html"
    context_object_name = "dossiers"
    export_name = "dossiers"
    count_text = ngettext_lazy("%(n)s dossier", "%(n)s dossiers", "n")

    def get_context_data(self, **kwargs):
        can_create = access.can_open(self.request.user, "verification:dossier_add")
        return {**super().get_context_data(**kwargs), "can_create": can_create}


dossier_list = DossierList.as_view()


@login_required
def dossier_create(request):
    access.require(request.user, "verification:dossier_add")
    form = DossierCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = services.dossier_create(
                actor=request.user,
                subject_kind=data["subject_kind"],
                level=data["level"],
                year=data["year"],
                commune=data.get("commune"),
                hamlet=data.get("hamlet"),
                district=data.get("district"),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Dossier opened: {dossier}.").format(dossier=dossier))
            return redirect("verification:dossier_detail", pk=dossier.pk)
    return render(request, "verification/dossier_form.html", {"form": form})


def _checklist(dossier: Dossier):
    """Gates of every step leaving the current status, then (until the decision) every condition for recognition,
    so the commune and each office see what is still missing before anyone presses a button."""
    names = []
    undecided = dossier.status not in (*TERMINAL, DossierStatus.RECOGNISED, DossierStatus.REVOCATION_PROPOSED)
    for t in transitions_from(dossier.status, dossier.route):
        for name in t.gates:
            if name not in names:
                names.append(name)
    if undecided:
        names += [name for name in ALL_GATES if name not in names]
    return gates.evaluate_gates(dossier, names)


@login_required
def dossier_detail(request, pk: int):
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    user = request.user
    allowed = permissions.allowed_transitions(user, dossier)
    checklist = _checklist(dossier)
    by_name = {g.name: g for g in checklist}
    actions = [
        {
            "transition": t,
            "form": TransitionForm(transition=t, prefix=t.action),
            "ready": all(by_name[g].ok for g in t.gates),
            "style": {ActionKind.FORWARD: "success", ActionKind.RETURN: "warning", ActionKind.REFUSE: "danger"}[t.kind],
        }
        for t in allowed
    ]
    can_post = dossier.status == DossierStatus.PUBLIC_CONSULTATION and permissions.acts_at(
        user, dossier, roles={Role.EDITOR}, level="unit"
    )
    can_review = permissions.can_review(user, dossier)
    townships = list(services.district_townships(dossier)) if dossier.subject_kind == "district" else []
    appraisal = Appraisal.objects.select_related("council").filter(dossier=dossier).first()
    return render(
        request,
        "verification/dossier_detail.html",
        {
            "dossier": dossier,
            "events": selectors.dossier_timeline(dossier=dossier),
            "documents": selectors.dossier_documents(dossier=dossier),
            "postings": dossier.postings.select_related("recorded_by"),
            "checklist": checklist,
            "actions": actions,
            "document_form": DocumentForm() if permissions.can_add_document(user, dossier) else None,
            "posting_form": PostingForm(initial={"posted_on": timezone.localdate()}) if can_post else None,
            "review_form": ReviewForm(
                initial={"security_status": dossier.security_status, "criteria_confirmed": dossier.criteria_confirmed},
                townships=townships,
                checks={c.township_id: c for c in dossier.townships.all()},
            )
            if can_review
            else None,
            "townships": dossier.townships.select_related("township") if townships else [],
            "district_rules": gates.district_rules(dossier.district) if dossier.subject_kind == "district" else None,
            "appraisal": appraisal,
            "can_record_appraisal": permissions.can_record_appraisal(user, dossier),
            "publications": dossier.publications.all(),
            "publication_form": PublicationForm(initial={"published_on": timezone.localdate()})
            if can_review and dossier.status == DossierStatus.UNDER_VERIFICATION
            else None,
            "publishing": settings.NTM_PUBLISH_VERIFICATION_REPORT,
            "drafts": [(name, DocumentKind(drafts.DRAFTS[name].kind).label) for name in drafts.available(dossier)],
            "recognition": getattr(dossier, "recognition", None)
            if dossier.status in (DossierStatus.RECOGNISED, DossierStatus.REVOCATION_PROPOSED, DossierStatus.REVOKED)
            else None,
            "in_commune_stage": dossier.status in COMMUNE_STAGE,
        },
    )


@require_POST
@login_required
def dossier_transition(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    transition = find_transition(action, dossier.status, dossier.route)
    form = TransitionForm(request.POST, request.FILES, transition=transition, prefix=action)
    if not form.is_valid():
        # Role and scope still answer 403/404 before any form error is shown.
        _refuse_unless_allowed(request.user, dossier, action, transition)
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    comment = data.pop("comment", "")
    if transition is not None and transition.confirm and not data.pop("confirmed", False):
        return _confirm(request, dossier, transition, form)
    data.pop("confirmed", None)
    try:
        services.dossier_transition(dossier=dossier, action=action, actor=request.user, comment=comment, **data)
    except ValidationError as exc:
        messages.error(request, _("Not done. {reasons}").format(reasons=_error_text(exc)))
    else:
        if transition is not None and transition.done:
            messages.success(request, str(transition.done))
        else:
            messages.success(request, _("Done: {status}.").format(status=dossier.get_status_display()))
    return redirect("verification:dossier_detail", pk=pk)


def _confirm(request, dossier, transition, form):
    """The page that asks for confirmation before a decision-stage step: what will happen, what was entered, and
    the conditions checked now (a step whose conditions fail is refused at once, as it would be when confirmed)."""
    _refuse_unless_allowed(request.user, dossier, transition.action, transition)
    problems = gates.unmet(gates.evaluate_gates(dossier, transition.gates))
    if problems:
        messages.error(request, _("Not done. {reasons}").format(reasons=" ".join(problems)))
        return redirect("verification:dossier_detail", pk=dossier.pk)
    entered = [
        (form[name].label, value)
        for name, value in form.cleaned_data.items()
        if name != "confirmed" and value not in (None, "")
    ]
    documents = []
    if transition.needs_decision:
        documents = list(dossier.documents.filter(kind=DocumentKind.DECISION).order_by("-created_at"))
    return render(
        request,
        "verification/confirm_transition.html",
        {"dossier": dossier, "transition": transition, "form": form, "entered": entered, "documents": documents},
    )


def _refuse_unless_allowed(user, dossier, action, transition):
    """403 when the user cannot take this action here (forged POST), before any form error."""
    if not roles_for_action(action) & user_roles(user):
        raise PermissionDenied(_("Your role cannot take this action."))
    if transition is not None and not permissions.acts_at(
        user, dossier, roles=transition.roles, level=transition.level
    ):
        raise PermissionDenied(_("This step belongs to another office."))


@require_POST
@login_required
def dossier_review(request, pk: int):
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    townships = list(services.district_townships(dossier)) if dossier.subject_kind == "district" else []
    form = ReviewForm(request.POST, townships=townships)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    data = {k: form.cleaned_data[k] for k in ("security_status", "criteria_confirmed", "comment")}
    try:
        services.dossier_review_update(dossier=dossier, actor=request.user, townships=form.township_values(), **data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Findings recorded."))
    return redirect("verification:dossier_detail", pk=pk)


@login_required
def appraisal_edit(request, pk: int):
    """The appraisal council's field inspection, meeting and vote on a dossier under provincial appraisal."""
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    if not permissions.can_record_appraisal(request.user, dossier):
        raise PermissionDenied(_("The appraisal is recorded by the appraiser holding the dossier in appraisal."))
    instance = Appraisal.objects.filter(dossier=dossier).first()
    form = AppraisalForm(request.POST or None, instance=instance, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_record(dossier=dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Appraisal recorded."))
            return redirect("verification:dossier_detail", pk=pk)
    return render(
        request,
        "verification/appraisal_form.html",
        {
            "dossier": dossier,
            "form": form,
            "majority": settings.NTM_APPRAISAL_MAJORITY_PERCENT,
            "councils": form.fields["council"].queryset.prefetch_related("members"),
        },
    )


@require_POST
@login_required
def publication_add(request, pk: int):
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        if not permissions.can_review(request.user, dossier):
            raise PermissionDenied(_("The verifier holding the dossier publishes its verification report."))
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    try:
        services.verification_publication_add(dossier=dossier, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Publication recorded."))
    return redirect("verification:dossier_detail", pk=pk)


@login_required
def draft_download(request, pk: int, name: str):
    """A drafted document of the dossier (.docx) for the officer to edit, sign and upload."""
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    if name not in drafts.available(dossier):
        raise Http404(_("This draft is not available at the dossier's stage."))
    content, filename = drafts.render(dossier, name)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def document_download(request, pk: int):
    return serve_stored_file(selectors.access_document_by_id(user=request.user, pk=pk).file)


@require_POST
@login_required
def document_add(request, pk: int):
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        if not permissions.can_add_document(request.user, dossier):
            raise PermissionDenied(_("You cannot add documents to this dossier now."))
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    try:
        services.dossier_document_add(dossier=dossier, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Document added."))
    return redirect("verification:dossier_detail", pk=pk)


@require_POST
@login_required
def posting_add(request, pk: int):
    dossier = selectors.access_dossier_by_id(user=request.user, pk=pk)
    form = PostingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    try:
        services.consultation_posting_add(dossier=dossier, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Posting recorded."))
    return redirect("verification:dossier_detail", pk=pk)


# --- queue -----------------------------------------------------------------------------------------------------------


def _queue_role(request) -> str:
    access.require(request.user, "verification:queue")
    roles = selectors.queue_roles(request.user)
    wanted = request.GET.get("role") or request.POST.get("role")
    return wanted if wanted in roles else roles[0]


class Queue(ListView):
    """The dossiers waiting for one of the user's queue roles (`?role=`), oldest first, with the bulk approval."""

    table_class = QueueTable
    title = gettext_lazy("My queue")
    template_name = "verification/queue.html"
    export_name = "queue"
    count_text = ngettext_lazy("%(n)s dossier waiting", "%(n)s dossiers waiting", "n")

    def get_rows(self):
        self.role = _queue_role(self.request)
        return selectors.dossier_queue(
            user=self.request.user, role=self.role, filters=self.request.GET, request=self.request
        )

    def get_export_filename(self):
        return f"queue-{self.role}"

    def get_context_data(self, *, table, records, **kwargs):
        role = self.role
        return {
            **super().get_context_data(table=table, records=records, **kwargs),
            "rows": [{"dossier": d, "age": table.days_in_stage(d), "overdue": table.is_overdue(d)} for d in records],
            "role": role,
            "roles": [(r, Role(r).label) for r in selectors.queue_roles(self.request.user)],
            "role_label": Role(role).label,
            "bulk_form": BulkApproveForm(decision=APPROVE_ACTIONS[role] == "recognise"),
            "needs_decision": APPROVE_ACTIONS[role] == "recognise",
        }


queue = Queue.as_view()


@require_POST
@login_required
def queue_approve(request):
    """Bulk approve: each ticked dossier is taken up if needed and approved, each in its own transaction; those
    whose gates fail are listed with their reasons and left as they were."""
    role = _queue_role(request)
    decision = APPROVE_ACTIONS[role] == "recognise"
    form = BulkApproveForm(request.POST, request.FILES, decision=decision)
    try:
        ids = [int(i) for i in request.POST.getlist("dossiers")]
    except ValueError as exc:
        raise Http404(_("Unknown dossier.")) from exc
    if not form.is_valid():
        if ids:
            messages.error(
                request, _("Not approved: {reasons}").format(reasons=_error_text(ValidationError(form.errors)))
            )
            return redirect(f"{reverse('verification:queue')}?role={role}")
        form.cleaned_data = {}
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    data.pop("confirmed", None)
    if data.get("document"):
        data["document_kind"] = DocumentKind.DECISION
    comment = data.pop("comment", "")
    result = services.dossier_bulk_approve(actor=request.user, role=role, dossier_ids=ids, comment=comment, **data)
    done = [str(dossier) for dossier in result.done]
    refused = [
        f"{dossier}: {_error_text(exc) if isinstance(exc, ValidationError) else exc}" for dossier, exc in result.refused
    ]
    if done:
        messages.success(request, _("Approved: {names}.").format(names="; ".join(done)))
    for line in refused:
        messages.error(request, _("Not approved: {reason}").format(reason=line))
    if not done and not refused:
        messages.info(request, _("Tick the dossiers to approve."))
    return redirect(f"{reverse('verification:queue')}?role={role}")


# --- register and notifications ---------------------------------------------------------------------------------


class Register(ListView):
    """The register of recognitions in the user's area as it stands, with the units in force at the end of a year
    (`?as_of=`). The reports section shows the same list as it stood at the end of a year
    (reports.views.RecognitionRegisterReport)."""

    table_class = RecognitionTable
    title = gettext_lazy("Recognition register")
    template_name = "verification/register.html"
    context_object_name = "recognitions"
    export_name = "recognition-register"
    count_text = ngettext_lazy("%(n)s decision", "%(n)s decisions", "n")

    def get_rows(self):
        return selectors.recognition_list(user=self.request.user, filters=self.request.GET, request=self.request)

    def get_table(self, rows, **kwargs):
        if "revocation_provinces" not in kwargs:
            kwargs["revocation_provinces"] = permissions.revocation_province_ids(self.request.user)
        return super().get_table(rows, **kwargs)

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        try:
            as_of_year = int(self.request.GET.get("as_of") or today.year)
        except ValueError:
            as_of_year = today.year
        as_of = min(today, date(max(as_of_year, 1), 12, 31))
        counts = {
            kind: selectors.recognised_counts(user=user, as_of=as_of, subject_kind=kind)
            for kind in ("commune", "hamlet", "district")
        }
        return {**super().get_context_data(**kwargs), "counts": counts, "as_of": as_of, "as_of_year": as_of_year}


register = Register.as_view()


@login_required
def recognition_revocation(request, pk: int):
    """Propose revoking a register entry (appraisal council); the decision then waits in the approver's queue."""
    recognition = selectors.access_recognition_by_id(user=request.user, pk=pk)
    if not permissions.can_propose_revocation(request.user, recognition):
        raise PermissionDenied(_("Revocations are proposed by the provincial appraisal council."))
    form = RevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.recognition_revocation_propose(
                recognition=recognition, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Revocation proposed: {dossier}.").format(dossier=dossier))
            return redirect("verification:dossier_detail", pk=dossier.pk)
    return render(request, "verification/recognition_revocation.html", {"recognition": recognition, "form": form})


class DistrictRisk(ListView):
    """District recognitions in force and the ground of Decision 18/2022 the register shows: 30% or more of the
    district's communes lost their NTM recognition (its nine criteria are judged from the verification report)."""

    table_class = DistrictRiskTable
    title = gettext_lazy("District revocation risk")
    template_name = "generic/list.html"
    export_name = "district-revocation-risk"
    count_text = ngettext_lazy("%(n)s district", "%(n)s districts", "n")

    def get_rows(self):
        return selectors.district_revocation_risk(user=self.request.user, on=timezone.localdate()), None


district_risk = DistrictRisk.as_view()


class NotificationList(ListView):
    title = gettext_lazy("Notifications")
    template_name = "verification/notifications.html"
    context_object_name = "notifications"

    def get_rows(self):
        return selectors.notification_list(user=self.request.user), None


notification_list = NotificationList.as_view()


@require_POST
@login_required
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("verification:notifications")


# --- recognitions by merger -------------------------------------------------------------------------------------------


@login_required
def merger_recognitions(request):
    """The merger rule's proposals for the communes formed by reorganisations in the province office's area, with
    the reason per commune; ticked ones are confirmed in one decision (register.services)."""
    from register import permissions as register_permissions
    from register import selectors as register_selectors
    from register import services as register_services

    provinces = register_permissions.merger_province_ids(request.user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_("Only those who record recognition decisions may confirm recognitions by merger."))
    form = MergerDecisionForm(request.POST or None)
    if request.method == "POST":
        keys = request.POST.getlist("proposals")
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = register_services.merger_recognitions_confirm(
                    actor=request.user,
                    keys=keys,
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    signer=data["signer"],
                )
            except ValidationError as exc:
                messages.error(request, _("Nothing was recorded: {reasons}").format(reasons=_error_text(exc)))
            else:
                messages.success(
                    request,
                    _("Recognised by merger ({number}): {names}.").format(
                        number=data["decision_number"], names="; ".join(r.commune.name for r in done.created)
                    ),
                )
                return redirect("verification:merger_recognitions")
        else:
            messages.error(
                request, _("Nothing was recorded: {reasons}").format(reasons=_error_text(ValidationError(form.errors)))
            )
    proposals = [
        p
        for p in register_selectors.merger_proposals(user=request.user, province_ids=provinces)
        if p.commune.is_ntm_subject
    ]
    status = register_selectors.MergerStatus
    return render(
        request,
        "verification/merger_recognitions.html",
        {
            "proposals": proposals,
            "form": form,
            "counts": {
                s: sum(1 for p in proposals if p.status == s) for s in (status.PROPOSED, status.CONFIRMED, status.NONE)
            },
            "status": status,
        },
    )
