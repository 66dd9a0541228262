import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter, YesNoFilter
from offices import scope

from .choices import MetBucket, StandardLevel
from .models import Assessment


def _districts(request):
    return scope.districts(request.user).filter(valid_to__isnull=True) if request else scope.districts(None)


class AssessmentFilterSet(FilterSet):
    q = SearchFilter(label=_("Commune"), folded=("commune__search_name",), lookups=("commune__code",))
    year = django_filters.NumberFilter(label=_("Year"))
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=_districts, field_name="commune__district"
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=StandardLevel.choices, field_name="criteria_set__level"
    )
    met = django_filters.ChoiceFilter(label=_("Criteria met"), choices=MetBucket.choices, method="filter_met")
    min_met = django_filters.NumberFilter(
        label=_("At least N criteria met"), field_name="criteria_met", lookup_expr="gte"
    )
    locked = YesNoFilter(label=_("Locked"), field_name="locked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Assessment
        fields = ["q", "year", "district", "level", "met", "min_met"]

    def filter_met(self, queryset, name, value):
        if value == MetBucket.ALL:
            return queryset.filter(is_all_met=True)
        if value == MetBucket.NEAR:
            return queryset.filter(is_all_met=False, criteria_met__gte=15)
        if value == MetBucket.MID:
            return queryset.filter(is_all_met=False, criteria_met__gte=10, criteria_met__lt=15)
        if value == MetBucket.LOW:
            return queryset.filter(is_all_met=False, criteria_met__lt=10)
        return queryset


class RiskFilterForm(forms.Form):
    """Year and level of the revocation-risk list, whose selector takes them as arguments."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All")), *StandardLevel.choices])

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in years]
