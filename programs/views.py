from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_POST

from core import access
from core.importing import ImportPage, import_view
from core.lists import ListView
from offices import scope
from offices.choices import DATA_WRITE_ROLES
from offices.permissions import can_change

from . import resources, selectors, services
from .choices import OCOP_STAR_BANDS, star_band_label
from .forms import RegistrationForm
from .models import Registration
from .tables import OcopTable, PlanTable


def _messages_from(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class PlanList(ListView):
    selector = staticmethod(selectors.plan_list)
    table_class = PlanTable
    title = gettext_lazy("Yearly plans")
    context_object_name = "plans"
    export_name = "plans"
    count_text = ngettext_lazy("%(n)s plan", "%(n)s plans", "n")


plan_list = PlanList.as_view()


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


class OcopList(ListView):
    """OCOP products in the user's area with the count per star band. Their download is the import template
    (programs.resources), so that an office can change it and import it again."""

    selector = staticmethod(selectors.ocop_list)
    table_class = OcopTable
    title = gettext_lazy("OCOP products")
    template_name = "programs/ocop_list.html"
    context_object_name = "products"
    export_name = "ocop"

    def export_content(self, table, file_format):
        return resources.export_ocop(products=table.data.data, file_format=file_format)

    def get_context_data(self, *, table, **kwargs):
        summary = selectors.ocop_star_summary(products=table.data.data)
        bands = [(stars, star_band_label(stars), summary.get(stars, 0)) for _lowest, stars in OCOP_STAR_BANDS]
        return {
            **super().get_context_data(table=table, **kwargs),
            "bands": bands,
            "can_import": access.can_open(self.request.user, "programs:ocop_import"),
        }


ocop_list = OcopList.as_view()


@login_required
def ocop_import(request):
    access.require(request.user, "programs:ocop_import")
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
