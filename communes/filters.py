import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter, YesNoFilter

from .choices import CommuneType
from .models import Commune, District, Province


def _provinces(request):
    return Province.objects.worked_in(request.user if request else None)


def _districts(request):
    if request is None:
        return District.objects.visible_to(None)
    return District.objects.visible_to(request.user).filter(valid_to__isnull=True)


class CommuneFilterSet(FilterSet):
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
