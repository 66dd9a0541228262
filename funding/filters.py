import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from core.text import fold
from offices import scope

from .choices import Component
from .models import CapitalPlanLine, CapitalSource


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True).order_by("code")


class LineFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
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

    def search(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(commune__search_name__contains=key)
            | Q(district__search_name__contains=key)
            | Q(project__code__iexact=value.strip())
            | Q(project__name__icontains=value.strip())
            | Q(note__icontains=value.strip())
        )

    def filter_over_plan(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(over_plan__gt=0) if value else queryset.filter(over_plan__lte=0)
