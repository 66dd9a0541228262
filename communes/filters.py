import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import SearchFilter, YesNoFilter
from offices import scope

from .choices import CommuneType
from .models import Commune


def _provinces(request):
    return scope.provinces(request.user) if request else scope.provinces(None)


def _districts(request):
    return scope.districts(request.user).filter(valid_to__isnull=True) if request else scope.districts(None)


class CommuneFilterSet(django_filters.FilterSet):
    q = SearchFilter(folded=("search_name",), lookups=("code",))
    province = django_filters.ModelChoiceFilter(label=_("Province"), queryset=_provinces)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)
    unit_type = django_filters.ChoiceFilter(label=_("Type"), choices=CommuneType.choices)
    current = YesNoFilter(label=_("Current units only"), method="filter_current")

    class Meta:
        model = Commune
        fields = ["q", "province", "district", "unit_type"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(valid_to__isnull=value)
