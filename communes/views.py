import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from core import scope
from core.importing import ImportPage, import_view
from core.lists import ListView
from core.spreadsheets import spreadsheet_response

from . import registry, selectors
from .models import Province
from .resources import SuccessionMappingImporter, mapping_dataset
from .tables import CommuneTable


class CommuneList(ListView):
    selector = staticmethod(selectors.commune_list)
    table_class = CommuneTable
    title = gettext_lazy("Communes, wards and townships")
    context_object_name = "communes"
    export_name = "communes"
    count_text = ngettext_lazy("%(n)s unit", "%(n)s units", "n")


commune_list = CommuneList.as_view()


@login_required
def commune_detail(request, pk: int):
    commune = selectors.access_commune_by_id(user=request.user, pk=pk)
    hamlets = commune.hamlets.all()
    successions = commune.successions.select_related("successor_commune")
    predecessions = commune.predecessions.select_related("predecessor_commune", "predecessor_district")
    # A merged commune's history is read through its predecessors: their decisions and scorecards beside its own.
    history_ids = selectors.predecessor_ids(commune=commune)
    panels = [p for p in (panel(request.user, commune, history_ids) for panel in registry.commune_panels) if p]
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "hamlets": hamlets,
            "successions": successions,
            "predecessions": predecessions,
            "panels": panels,
        },
    )


def _mapping_provinces(user) -> set[str] | None:
    """Province codes whose mapping the user may import: a province office's own (None: every province)."""
    covered = scope.scope_for(user, registry.data_write_roles.get())
    if covered.everything:
        return None
    return set(Province.objects.filter(pk__in=covered.province_ids).values_list("code", flat=True))


@login_required
def succession_mapping_import(request):
    """Import the mapping of a reorganisation (one row per former unit of each new unit) before applying it."""
    provinces = _mapping_provinces(request.user)
    if provinces is not None and not provinces:
        raise PermissionDenied(_("Only a province office may import the successions of its province."))
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404(_("Unknown format."))
        codes = provinces if provinces is not None else set(Province.objects.current().values_list("code", flat=True))
        content = SuccessionMappingImporter.template(
            mapping_dataset(province_codes=codes), file_format=fmt, title=str(_("Successions"))
        )
        return spreadsheet_response(content, filename="successions", file_format=fmt)
    return import_view(
        request,
        importer_class=functools.partial(SuccessionMappingImporter, provinces=provinces),
        session_key="succession_mapping_import",
        page=ImportPage(
            title=_("Import a succession mapping"),
            back_url=reverse("communes:commune_list"),
            template_url=request.path + "?export=xlsx",
            template_help=_("The template holds the mapping the application ships for your province."),
        ),
    )
