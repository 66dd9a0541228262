from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.lists import ListView

from . import selectors
from .tables import CommuneTable


class CommuneList(ListView):
    selector = staticmethod(selectors.commune_list)
    table_class = CommuneTable
    title = _("Communes")
    context_object_name = "communes"
    export_name = "communes"
    count_text = ngettext_lazy("%(n)s unit", "%(n)s units", "n")


commune_list = CommuneList.as_view()


@login_required
def commune_detail(request, pk: int):
    commune = selectors.access_commune_by_id(user=request.user, pk=pk)
    hamlets = commune.hamlets.all()
    successions = commune.successions.select_related("successor_commune")
    predecessions = commune.predecessions.select_related("predecessor_commune")
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "hamlets": hamlets,
            "successions": successions,
            "predecessions": predecessions,
        },
    )
