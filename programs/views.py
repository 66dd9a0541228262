from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.importing import ImportPage, import_view
from core.spreadsheets import CONTENT_TYPES
from offices import scope
from offices.choices import DATA_WRITE_ROLES
from offices.permissions import can_change

from . import resources, selectors, services
from .choices import OCOP_STAR_BANDS, star_band_label
from .forms import RegistrationForm
from .models import Registration


def _messages_from(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def plan_list(request):
    plans, filterset = selectors.plan_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request, "programs/plan_list.html", {"filter": filterset, "page_obj": page, "plans": page.object_list}
    )


@login_required
def plan_detail(request, pk: int):
    plan = selectors.access_plan(user=request.user, pk=pk)
    form = RegistrationForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_create(
                actor=request.user,
                target=form.cleaned_data["target"],
                commune=form.cleaned_data["commune"],
                hamlet=form.cleaned_data["hamlet"],
                district=form.cleaned_data["district"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, _("Registered."))
            return redirect("programs:plan_detail", pk=plan.pk)
    progress = selectors.plan_progress(user=request.user, plan=plan)
    registrations = selectors.registration_rows(user=request.user, plan=plan)
    writer = not scope.scope_for(request.user, DATA_WRITE_ROLES).is_empty
    for r in registrations:
        r.can_delete = writer and can_change(request.user, r)
    return render(
        request,
        "programs/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "registrations": registrations,
            "form": form if writer else None,
            "can_edit_plan": can_change(request.user, plan),
        },
    )


@login_required
@require_POST
def registration_delete(request, pk: int):
    registration = (
        Registration.objects.select_related("target__plan", "commune", "hamlet", "district").filter(pk=pk).first()
    )
    if registration is None:
        raise Http404(_("Not found or outside your area."))
    plan = selectors.access_plan(user=request.user, pk=registration.target.plan_id)
    services.registration_delete(actor=request.user, registration=registration)
    messages.success(request, _("Registration removed."))
    return redirect("programs:plan_detail", pk=plan.pk)


@login_required
def ocop_list(request):
    products, filterset = selectors.ocop_list(user=request.user, filters=request.GET, request=request)
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in CONTENT_TYPES:
            raise Http404(_("Unknown format."))
        response = HttpResponse(
            resources.export_ocop(products=products, file_format=fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="ocop.{fmt}"'
        return response
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    summary = selectors.ocop_star_summary(products=products)
    bands = [(stars, star_band_label(stars), summary.get(stars, 0)) for _lowest, stars in OCOP_STAR_BANDS]
    return render(
        request,
        "programs/ocop_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "products": page.object_list,
            "bands": bands,
            "today": timezone.localdate(),
            "can_import": not scope.scope_for(request.user, DATA_WRITE_ROLES).is_empty,
        },
    )


@login_required
def ocop_import(request):
    if scope.scope_for(request.user, DATA_WRITE_ROLES).is_empty:
        raise PermissionDenied(_("Your role may not import data."))
    return import_view(
        request,
        importer_class=resources.OcopImporter,
        session_key="ocop_import",
        page=ImportPage(
            title=_("Import OCOP products"),
            back_url=reverse("programs:ocop_list"),
            template_url=reverse("programs:ocop_list") + "?export=xlsx",
        ),
    )
