from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors


@login_required
def commune_list(request):
    communes, filterset = selectors.commune_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(communes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "communes/commune_list.html",
        {"filter": filterset, "page_obj": page, "communes": page.object_list},
    )


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
