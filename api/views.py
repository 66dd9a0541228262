"""The read API (`/api/v1/`): read-only viewsets over the same selectors and scope as the pages.

Every queryset goes through the model's declared scope (`visible_to`, offices.scope), so a unit outside the user's
area answers 404 like the pages; filters are the pages' FilterSets with units named by official codes
(api/filters.py); lists are cursor-paginated on a stable order and never count the table."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.models import Commune, District, UnitSuccession
from communes.selectors import commune_list
from core import pagecache
from core.scope import get_visible_or_404
from criteria.models import CriteriaSet, Criterion, CriterionResult, Indicator, IndicatorValue
from criteria.selectors import assessment_list
from funding.selectors import capital_by_source, line_list
from offices import scope
from programs.models import PlanTarget
from programs.selectors import plan_list, plan_progress
from register.models import Standing
from register.selectors import recognition_list
from verification.models import DossierEvent
from verification.selectors import dossier_list

from . import dhis2, filters, selectors
from . import serializers as s
from .models import ApiToken

log = logging.getLogger("ntm.api")


class StableCursorPagination(CursorPagination):
    """Cursor pages on a unique, increasing key: a row inserted while a client pages through a list never shifts
    or repeats the rows it has not read yet, and no page counts the table."""

    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CodeCursorPagination(StableCursorPagination):
    """Units in official-code order (codes are unique among current units; the id breaks the rare tie with a
    former unit that had the same code)."""

    ordering = ("code", "id")


class ApiLogMixin:
    """Every request is logged to `ntm.api` with the user (and token) behind it."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        user = getattr(request, "user", None)
        token = getattr(request, "auth", None)
        started = getattr(request, "_ntm_api_started", None)
        log.info(
            "%s %s %s user=%s token=%s ms=%s",
            request.method,
            request.get_full_path(),
            response.status_code,
            user.get_username() if user is not None and user.is_authenticated else "-",
            token.prefix if isinstance(token, ApiToken) else ("session" if user and user.is_authenticated else "-"),
            f"{(time.perf_counter() - started) * 1000:.0f}" if started else "-",
        )
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        request._ntm_api_started = time.perf_counter()  # type: ignore[attr-defined]
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class CachedListMixin:
    """A list read again comes from the page cache until the database changes (core.pagecache), per token user and
    negotiated format. Authentication, permissions and the token's rate are checked before, on every request."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        key = pagecache.page_key(request, request.user, request.accepted_media_type)
        if key is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of a viewset
        hit = pagecache.from_cache(request, key)
        if hit is not None:
            return hit
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        # Rendered here (as finalize_response would) so that what is kept is the body the client gets.
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = self.get_renderer_context()  # type: ignore[attr-defined]
        response.render()
        pagecache.keep(key, response)
        return response


class ReadOnlyViewSet(ApiLogMixin, CachedListMixin, viewsets.ReadOnlyModelViewSet):
    # Ids are numbers (anything else is simply not found); viewsets keyed by official codes take any segment.
    lookup_value_regex = "[0-9]+"
    pagination_class = StableCursorPagination
    filter_backends = [DjangoFilterBackend]
    detail_serializer_class: type[serializers.BaseSerializer] | None = None

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_object(self) -> Any:
        """One row of the user's scope by its key; 404 outside it (core.scope), never someone else's data."""
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_visible_or_404(self.get_queryset(), self.request.user, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


def _unit_order(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.order_by("code", "id")


# --- units ------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Provinces"), description=gettext_lazy("Provinces the user works in.")),
    retrieve=extend_schema(summary=gettext_lazy("One province, by its official code")),
)
class ProvinceViewSet(ReadOnlyViewSet):
    serializer_class = s.ProvinceSerializer
    filterset_class = filters.ApiProvinceFilterSet
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Any]:
        # A district or commune officer sees its province's row as reference data (offices.scope.provinces).
        return _unit_order(scope.provinces(self.request.user).select_related("region"))

    def get_object(self) -> Any:
        return _current_first(self.get_queryset(), self.kwargs["code"])


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Districts")),
    retrieve=extend_schema(summary=gettext_lazy("One district, by its official code")),
)
class DistrictViewSet(ReadOnlyViewSet):
    serializer_class = s.DistrictSerializer
    filterset_class = filters.ApiDistrictFilterSet
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Any]:
        return _unit_order(District.objects.visible_to(self.request.user).select_related("province"))

    def get_object(self) -> Any:
        return _current_first(self.get_queryset(), self.kwargs["code"])


def _current_first(qs: QuerySet[Any], code: str) -> Any:
    """The unit with this code: the current one, else the one that ended last (codes are reused after mergers)."""
    same_code = qs.filter(code=code)
    obj = same_code.filter(valid_to__isnull=True).order_by("-id").first() or (
        same_code.order_by(F("valid_to").desc(nulls_last=True), "-id").first()
    )
    if obj is None:
        raise Http404(_("Not found or outside your area."))
    return obj


_COMMUNE_FIELDS = (
    "id",
    "code",
    "name",
    "unit_type",
    "commune_group",
    "is_extremely_disadvantaged",
    "valid_from",
    "valid_to",
    "province__code",
    "district__code",
    "district__name",
    "region__code",
)
_SUCCESSION_FIELDS = ("level", "share", "effective_date", "resolution", "resolution_date", "clause")


def attach_successions(communes: list[Commune]) -> list[Commune]:
    """Each commune's predecessors and successors, two queries for the whole page. Not prefetch_related: Django
    builds a related manager's queryset per row to store what it prefetched, which costs more than the rows."""
    ids = [c.pk for c in communes]
    predecessors: dict[int, list[UnitSuccession]] = {pk: [] for pk in ids}
    successors: dict[int, list[UnitSuccession]] = {pk: [] for pk in ids}
    if ids:
        rows = (
            UnitSuccession.objects.filter(successor_commune_id__in=ids)
            .select_related("predecessor_commune", "predecessor_district")
            .only(
                *_SUCCESSION_FIELDS,
                "successor_commune_id",
                "predecessor_commune__code",
                "predecessor_commune__name",
                "predecessor_district__code",
                "predecessor_district__name",
            )
            .order_by("effective_date", "id")
        )
        for row in rows:
            predecessors[row.successor_commune_id].append(row)
        rows = (
            UnitSuccession.objects.filter(predecessor_commune_id__in=ids, successor_commune__isnull=False)
            .select_related("successor_commune")
            .only(*_SUCCESSION_FIELDS, "predecessor_commune_id", "successor_commune__code", "successor_commune__name")
            .order_by("effective_date", "id")
        )
        for row in rows:
            successors[row.predecessor_commune_id].append(row)
    for commune in communes:
        commune.api_predecessors = predecessors[commune.pk]  # type: ignore[attr-defined]
        commune.api_successors = successors[commune.pk]  # type: ignore[attr-defined]
    return communes


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Communes"),
        description=gettext_lazy(
            "Communes (xã, phường, thị trấn, đặc khu) in the user's area with their region, commune group and "
            "the successions that formed them or that they became part of."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("One commune, by its official code")),
)
class CommuneViewSet(ReadOnlyViewSet):
    serializer_class = s.CommuneSerializer
    filterset_class = filters.ApiCommuneFilterSet
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = commune_list(user=self.request.user)
        return _unit_order(qs.select_related("region").only(*_COMMUNE_FIELDS))

    def paginate_queryset(self, queryset: QuerySet[Any]) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        return attach_successions(page) if page is not None else None

    def get_object(self) -> Any:
        return attach_successions([_current_first(self.get_queryset(), self.kwargs["code"])])[0]


NTM_COMMUNES_EXAMPLE = OpenApiExample(
    "NTM communes of a province at a year-end",
    description=gettext_lazy(
        "GET /api/v1/standings/?year=2023&province=19&at_least=basic — every commune of province 19 that held the "
        "NTM standard (or higher) on 31 December 2023."
    ),
    value={
        "next": None,
        "previous": None,
        "results": [
            {
                "year": 2023,
                "commune": "05797",
                "commune_name": "Xã Tân Khánh",
                "province": "19",
                "district": "173",
                "is_xa": True,
                "level": "advanced",
                "level_for_year": "",
            }
        ],
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Communes at a year's end"),
        description=gettext_lazy(
            "The level each commune held on 31 December of `year` (the register, by decision date) and the level "
            "recognised for that year. `at_least=basic` lists the NTM communes."
        ),
        examples=[NTM_COMMUNES_EXAMPLE],
    ),
)
class StandingViewSet(ApiLogMixin, CachedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.StandingSerializer
    filterset_class = filters.StandingFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = StableCursorPagination

    def get_queryset(self) -> QuerySet[Any]:
        return Standing.objects.visible_to(self.request.user).select_related("commune", "province", "district")


# --- criteria ---------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Criteria sets")),
    retrieve=extend_schema(
        summary=gettext_lazy("One criteria set with its criteria, indicators and targets"),
    ),
)
class CriteriaSetViewSet(ReadOnlyViewSet):
    """National reference data (and the sets provinces define): the same for every signed-in user."""

    serializer_class = s.CriteriaSetSerializer
    detail_serializer_class = s.CriteriaSetDetailSerializer
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Any]:
        qs = CriteriaSet.objects.select_related("province").order_by("code", "id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "criteria",
                    queryset=Criterion.objects.select_related("group")
                    .order_by("number")
                    .prefetch_related(
                        Prefetch(
                            "indicators",
                            queryset=Indicator.objects.order_by("order", "code").prefetch_related("targets__region"),
                        )
                    ),
                )
            )
        return qs

    def get_object(self) -> Any:
        obj = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if obj is None:
            raise Http404(_("Not found."))
        return obj


_VALUES = Prefetch(
    "values",
    queryset=IndicatorValue.objects.select_related("indicator", "indicator__criterion").order_by(
        "indicator__criterion__number", "indicator__order", "indicator__code"
    ),
)
_RESULTS = Prefetch(
    "results", queryset=CriterionResult.objects.select_related("criterion").order_by("criterion__number")
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Assessments (scorecards)"),
        description=gettext_lazy("A commune measured against one criteria set for one year, with its stored counts."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("One assessment with its indicator values and evaluation results")),
)
class AssessmentViewSet(ReadOnlyViewSet):
    serializer_class = s.AssessmentSerializer
    detail_serializer_class = s.AssessmentDetailSerializer
    filterset_class = filters.ApiAssessmentFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = assessment_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(_VALUES, _RESULTS)
        return qs


VALUES_EXAMPLE = OpenApiExample(
    "Indicator values of a commune for a year",
    description=gettext_lazy("GET /api/v1/indicator-values/?commune=05797&year=2023&level=basic"),
    value={
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 1201,
                "assessment": 57,
                "commune": "05797",
                "year": 2023,
                "criteria_set": "XA-NTM-2021",
                "indicator": "10.1",
                "indicator_name": "Thu nhập bình quân đầu người",
                "criterion": 10,
                "value_number": "52.0000",
                "value_bool": None,
                "value_text": "",
                "is_met": True,
            }
        ],
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Indicator values"),
        description=gettext_lazy(
            "Every indicator value of the assessments in the user's area; filter by commune code and year for one "
            "commune's scorecard."
        ),
        examples=[VALUES_EXAMPLE],
    ),
)
class IndicatorValueViewSet(ApiLogMixin, CachedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.IndicatorValueRowSerializer
    filterset_class = filters.ApiIndicatorValueFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = StableCursorPagination

    def get_queryset(self) -> QuerySet[Any]:
        return IndicatorValue.objects.visible_to(self.request.user).select_related(
            "indicator", "indicator__criterion", "assessment", "assessment__commune", "assessment__criteria_set"
        )


# --- register ---------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Recognitions (the register)"),
        description=gettext_lazy("Recognition decisions for communes, hamlets and districts in the user's area."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("One recognition")),
)
class RecognitionViewSet(ReadOnlyViewSet):
    serializer_class = s.RecognitionSerializer
    filterset_class = filters.ApiRecognitionFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = recognition_list(user=self.request.user)
        return qs


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Revocations"), description=gettext_lazy("Recognitions revoked.")),
    retrieve=extend_schema(summary=gettext_lazy("One revocation")),
)
class RevocationViewSet(RecognitionViewSet):
    serializer_class = s.RevocationSerializer
    filterset_class = filters.ApiRevocationFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().filter(revoked_on__isnull=False)


# --- dossiers ---------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Recognition dossiers"),
        description=gettext_lazy("Dossiers with their status and queue stage; no personal data of residents."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("One dossier with its events")),
)
class DossierViewSet(ReadOnlyViewSet):
    serializer_class = s.DossierSerializer
    detail_serializer_class = s.DossierDetailSerializer
    filterset_class = filters.ApiDossierFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = dossier_list(user=self.request.user)
        qs = qs.order_by("id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
        return qs


# --- plans and capital ------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Yearly plans with their targets")),
    retrieve=extend_schema(
        summary=gettext_lazy("One plan with its targets, registered and achieved counts"),
        description=gettext_lazy("Achieved counts come from the register (recognitions for the plan's year)."),
    ),
)
class PlanViewSet(ReadOnlyViewSet):
    serializer_class = s.PlanSerializer
    detail_serializer_class = s.PlanDetailSerializer
    filterset_class = filters.ApiPlanFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = plan_list(user=self.request.user)
        return qs.prefetch_related(Prefetch("targets", queryset=PlanTarget.objects.order_by("kind")))

    def get_object(self) -> Any:
        obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("Not found or outside your area."))
        return obj

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        progress = plan_progress(user=request.user, plan=plan)
        return Response(self.get_serializer(plan, context={**self.get_serializer_context(), "progress": progress}).data)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Capital plan lines")),
    retrieve=extend_schema(summary=gettext_lazy("One capital plan line")),
)
class CapitalLineViewSet(ReadOnlyViewSet):
    serializer_class = s.CapitalLineSerializer
    filterset_class = filters.ApiLineFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        qs, _filterset = line_list(user=self.request.user)
        return qs


class CapitalQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    province = serializers.CharField(required=False)
    district = serializers.CharField(required=False)
    commune = serializers.CharField(required=False)


def _area(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The unit named by code in the query (`commune`, else `district`, else `province`), in the user's scope."""
    if data.get("commune"):
        return {"commune": _current_first(Commune.objects.visible_to(user), data["commune"])}
    if data.get("district"):
        return {"district": _current_first(District.objects.visible_to(user), data["district"])}
    if data.get("province"):
        return {"province": _current_first(scope.provinces(user), data["province"])}
    return {}


class CapitalBySourceView(ApiLogMixin, APIView):
    @extend_schema(
        summary=gettext_lazy("Capital by source"),
        description=gettext_lazy(
            "Planned, mobilised and disbursed capital per source for a year, in đồng, in an area given by its "
            "official code (the user's whole area when none)."
        ),
        parameters=[CapitalQuery],
        responses=s.CapitalBySourceSerializer,
    )
    def get(self, request: Request) -> Response:
        query = CapitalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = _area(request.user, query.validated_data)
        report = capital_by_source(user=request.user, year=query.validated_data["year"], breakdown=False, **area)
        unit = next(iter(area.values()), None)
        data = {"year": report.year, "area": unit.code if unit else None, "rows": report.rows, "total": report.total}
        return Response(s.CapitalBySourceSerializer(data).data)


class DataValueSetsView(ApiLogMixin, APIView):
    @extend_schema(
        summary=gettext_lazy("Indicator values as a DHIS2 dataValueSets document"),
        description=gettext_lazy(
            "dataElement = indicator code, orgUnit = official code of the commune, period = year, value. Import "
            "into DHIS2 with dataElementIdScheme=CODE and orgUnitIdScheme=CODE. One criteria set level at a time "
            "(default basic), so each commune has one value per indicator."
        ),
        parameters=[dhis2.DataValueSetQuery],
        responses=s.DataValueSetSerializer,
    )
    def get(self, request: Request) -> Response:
        query = dhis2.DataValueSetQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        area = _area(request.user, data)
        return Response(selectors.data_value_set(user=request.user, year=data["year"], level=data["level"], **area))


# --- schema and docs --------------------------------------------------------------------------------------------------


class SchemaView(ApiLogMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, in the request's language (`?lang=vi|en`, else the user's)."""


class DocsView(ApiLogMixin, SpectacularSwaggerSplitView):
    """Swagger UI: its files from our static files (drf-spectacular-sidecar), its start-up script from this URL with
    `?script`, so no inline script is needed (CSP script-src 'self')."""
