"""The API's filters: the pages' FilterSets (each app's filters.py), with the units named by their official codes
instead of database ids, which mean nothing outside this database."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.filters import CommuneFilterSet
from core.filters import FilterSet
from criteria.choices import LEVEL_ORDER, StandardLevel
from criteria.filters import AssessmentFilterSet
from criteria.models import IndicatorValue
from funding.filters import LineFilterSet
from programs.filters import PlanFilterSet
from register.filters import RecognitionFilterSet
from register.models import Standing
from verification.choices import Stage
from verification.filters import DossierFilterSet


def _code(field_name: str, label: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=field_name, label=label)


class ApiCommuneFilterSet(CommuneFilterSet):
    province = _code("province__code", _("Province code"))
    district = _code("district__code", _("District code"))
    region = _code("region__code", _("Region code"))
    commune_group = django_filters.NumberFilter(label=_("Commune group"))

    class Meta(CommuneFilterSet.Meta):
        fields = ["q", "province", "district", "unit_type", "region", "commune_group"]


class ApiDistrictFilterSet(FilterSet):
    province = _code("province__code", _("Province code"))
    current = django_filters.BooleanFilter(label=_("Current units only"), field_name="valid_to", lookup_expr="isnull")


class ApiProvinceFilterSet(FilterSet):
    current = django_filters.BooleanFilter(label=_("Current units only"), field_name="valid_to", lookup_expr="isnull")


class ApiAssessmentFilterSet(AssessmentFilterSet):
    district = _code("commune__district__code", _("District code"))
    province = _code("commune__province__code", _("Province code"))
    commune = _code("commune__code", _("Commune code"))
    criteria_set = _code("criteria_set__code", _("Criteria set code"))

    class Meta(AssessmentFilterSet.Meta):
        fields = ["q", "year", "district", "level", "met", "min_met", "province", "commune", "criteria_set"]


class ApiIndicatorValueFilterSet(FilterSet):
    """Indicator values are listed on no page; their filters name the assessment's fields as the assessments do."""

    year = django_filters.NumberFilter(field_name="assessment__year", label=_("Year"))
    commune = _code("assessment__commune__code", _("Commune code"))
    district = _code("assessment__commune__district__code", _("District code"))
    province = _code("assessment__commune__province__code", _("Province code"))
    criteria_set = _code("assessment__criteria_set__code", _("Criteria set code"))
    level = django_filters.ChoiceFilter(
        field_name="assessment__criteria_set__level", choices=StandardLevel.choices, label=_("Level")
    )
    indicator = _code("indicator__code", _("Indicator code"))
    is_met = django_filters.BooleanFilter(label=_("Met"))

    class Meta:
        model = IndicatorValue
        fields = ["year", "commune", "district", "province", "criteria_set", "level", "indicator", "is_met"]


class ApiRecognitionFilterSet(RecognitionFilterSet):
    district = django_filters.CharFilter(label=_("District code"), method="filter_district_code")
    province = django_filters.CharFilter(label=_("Province code"), method="filter_province_code")
    commune = _code("commune__code", _("Commune code"))

    class Meta(RecognitionFilterSet.Meta):
        fields = ["q", "level", "subject_kind", "year", "decision_year", "district", "province", "commune"]

    def filter_district_code(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(district__code=value) | Q(commune__district__code=value) | Q(hamlet__commune__district__code=value)
        )

    def filter_province_code(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(district__province__code=value)
            | Q(commune__province__code=value)
            | Q(hamlet__commune__province__code=value)
        )


class ApiRevocationFilterSet(ApiRecognitionFilterSet):
    revoked_year = django_filters.NumberFilter(label=_("Year revoked"), field_name="revoked_on__year")

    class Meta(ApiRecognitionFilterSet.Meta):
        fields = [*ApiRecognitionFilterSet.Meta.fields, "revoked_year"]


class ApiDossierFilterSet(DossierFilterSet):
    district = _code("district__code", _("District code"))
    province = _code("province__code", _("Province code"))
    commune = _code("commune__code", _("Commune code"))
    stage = django_filters.ChoiceFilter(label=_("Queue stage"), choices=Stage.choices)

    class Meta(DossierFilterSet.Meta):
        fields = ["q", "status", "level", "subject_kind", "year", "district", "province", "commune", "stage"]


class ApiPlanFilterSet(PlanFilterSet):
    province = _code("province__code", _("Province code"))
    district = _code("district__code", _("District code"))


class ApiLineFilterSet(LineFilterSet):
    district = _code("district__code", _("District code"))
    province = _code("province__code", _("Province code"))


class StandingFilterSet(FilterSet):
    """Communes (xã) at a year's end: the level in force on 31 December, from the register."""

    year = django_filters.NumberFilter(label=_("Year"), required=True)
    province = _code("province__code", _("Province code"))
    district = _code("district__code", _("District code"))
    commune = _code("commune__code", _("Commune code"))
    level = django_filters.ChoiceFilter(label=_("Level in force on 31 December"), choices=StandardLevel.choices)
    at_least = django_filters.ChoiceFilter(
        label=_("At least this level on 31 December"), choices=StandardLevel.choices, method="filter_at_least"
    )

    class Meta:
        model = Standing
        fields = ["year", "province", "district", "commune", "level", "at_least"]

    def filter_at_least(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(level__in=LEVEL_ORDER[LEVEL_ORDER.index(value) :])
