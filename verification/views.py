"""Thin views: selectors read, services write; refusals become messages (gates) or 403/404 (role/scope)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import serve_stored_file
from core.scope import scope_for, user_roles
from offices.choices import Role

from . import gates, permissions, selectors, services
from .choices import (
    ACTIONS,
    ALL_GATES,
    APPROVE_ACTIONS,
    COMMUNE_STAGE,
    TERMINAL,
    ActionKind,
    DossierStatus,
    find_transition,
    roles_for_action,
    transitions_from,
)
from .forms import (
    BulkApproveForm,
    DocumentForm,
    DossierCreateForm,
    PostingForm,
    ReviewForm,
    RevocationForm,
    TransitionForm,
)
from .models import Dossier


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


@login_required
def dossier_list(request):
    dossiers, filterset = selectors.dossier_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    can_create = not scope_for(request.user, {Role.EDITOR}).is_empty
    return render(
        request,
        "verification/dossier_list.html",
        {"filter": filterset, "page_obj": page, "dossiers": page.object_list, "can_create": can_create},
    )


@login_required
def dossier_create(request):
    if scope_for(request.user, {Role.EDITOR}).is_empty:
        raise PermissionDenied(_("Only a data-entry office opens recognition dossiers."))
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
                initial={"security_status": dossier.security_status, "criteria_confirmed": dossier.criteria_confirmed}
            )
            if permissions.can_review(user, dossier)
            else None,
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
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    comment = data.pop("comment", "")
    try:
        services.dossier_transition(dossier=dossier, action=action, actor=request.user, comment=comment, **data)
    except ValidationError as exc:
        messages.error(request, _("Not done. {reasons}").format(reasons=_error_text(exc)))
    else:
        messages.success(request, _("Done: {status}.").format(status=dossier.get_status_display()))
    return redirect("verification:dossier_detail", pk=pk)


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
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(form.errors)))
        return redirect("verification:dossier_detail", pk=pk)
    services.dossier_review_update(dossier=dossier, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Findings recorded."))
    return redirect("verification:dossier_detail", pk=pk)


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
    roles = selectors.queue_roles(request.user)
    if not roles:
        raise PermissionDenied(_("Queues are for verifiers, appraisers and approvers."))
    wanted = request.GET.get("role") or request.POST.get("role")
    return wanted if wanted in roles else roles[0]


@login_required
def queue(request):
    role = _queue_role(request)
    dossiers, filterset = selectors.dossier_queue(user=request.user, role=role, filters=request.GET, request=request)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    today = timezone.localdate()
    rows = [
        {
            "dossier": d,
            "age": (now - d.stage_entered_at).days if d.stage_entered_at else None,
            "overdue": bool(d.due_on and d.due_on < today),
        }
        for d in page.object_list
    ]
    return render(
        request,
        "verification/queue.html",
        {
            "filter": filterset,
            "page_obj": page,
            "rows": rows,
            "role": role,
            "roles": [(r, Role(r).label) for r in selectors.queue_roles(request.user)],
            "role_label": Role(role).label,
            "bulk_form": BulkApproveForm(),
            "needs_decision": APPROVE_ACTIONS[role] == "recognise",
        },
    )


@require_POST
@login_required
def queue_approve(request):
    """Bulk approve: each ticked dossier is taken up if needed and approved, each in its own transaction; those
    whose gates fail are listed with their reasons and left as they were."""
    role = _queue_role(request)
    form = BulkApproveForm(request.POST)
    form.is_valid()
    try:
        ids = [int(i) for i in request.POST.getlist("dossiers")]
    except ValueError as exc:
        raise Http404(_("Unknown dossier.")) from exc
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
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


@login_required
def register(request):
    recognitions, filterset = selectors.recognition_list(user=request.user, filters=request.GET, request=request)
    try:
        as_of_year = int(request.GET.get("as_of") or timezone.localdate().year)
    except ValueError:
        as_of_year = timezone.localdate().year
    as_of = min(timezone.localdate(), date(max(as_of_year, 1), 12, 31))
    counts = {
        kind: selectors.recognised_counts(user=request.user, as_of=as_of, subject_kind=kind)
        for kind in ("commune", "hamlet", "district")
    }
    page = Paginator(recognitions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/register.html",
        {
            "filter": filterset,
            "page_obj": page,
            "recognitions": page.object_list,
            "counts": counts,
            "as_of": as_of,
            "as_of_year": as_of_year,
            "revocation_provinces": permissions.revocation_province_ids(request.user),
        },
    )


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


@login_required
def notification_list(request):
    notes = selectors.notification_list(user=request.user)
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    return render(request, "verification/notifications.html", {"page_obj": page, "notifications": page.object_list})


@require_POST
@login_required
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("verification:notifications")
