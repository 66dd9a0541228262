import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter, YesNoFilter
from offices import scope

from .choices import Component
from .models import CapitalPlanLine, CapitalSource


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True).order_by("code")


class LineFilterSet(FilterSet):
    q = SearchFilter(
        folded=("commune__search_name", "district__search_name"),
        lookups=("project__code__iexact", "project__name__icontains", "note__icontains"),
    )
    year = django_filters.NumberFilter(label=_("Year"))
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=CapitalSource.objects.all(), to_field_name="code"
    )
    component = django_filters.ChoiceFilter(label=_("Component"), choices=Component.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)
    commune = django_filters.CharFilter(label=_("Commune code"), field_name="commune__code")
    over_plan = YesNoFilter(label=_("Disbursed above plan"), method="filter_over_plan")

    class Meta:
        model = CapitalPlanLine
        fields = ["q", "year", "source", "component", "district", "commune"]

    def filter_over_plan(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(over_plan__gt=0) if value else queryset.filter(over_plan__lte=0)
