from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    # No ".json" suffix routes: JSON is the only format, and one URL per resource keeps the scope tests exhaustive.
    include_format_suffixes = False


router = Router()
router.register("provinces", views.ProvinceViewSet, basename="province")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("standings", views.StandingViewSet, basename="standing")
router.register("criteria-sets", views.CriteriaSetViewSet, basename="criteriaset")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicatorvalue")
router.register("recognitions", views.RecognitionViewSet, basename="recognition")
router.register("revocations", views.RevocationViewSet, basename="revocation")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("capital-lines", views.CapitalLineViewSet, basename="capitalline")

urlpatterns = [
    path("capital-by-source/", views.CapitalBySourceView.as_view(), name="capital_by_source"),
    path("dhis2/dataValueSets/", views.DataValueSetsView.as_view(), name="dhis2_data_value_sets"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # The docs page loads Swagger UI from our own static files (drf-spectacular-sidecar) and its start-up script
    # from a separate URL (the split view), so it runs under the site's CSP (script-src 'self', no inline script).
    path(
        "docs/",
        views.DocsView.as_view(url_name="api:schema", title=_("NTM back office: read API")),
        name="docs",
    ),
    *router.urls,
]
