import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter, YesNoFilter
from offices import scope

from .choices import STAR_CHOICES, OcopGroup
from .models import AnnualPlan, OcopProduct


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True).order_by("code")


def _provinces(request):
    return scope.provinces(request.user if request else None).filter(valid_to__isnull=True).order_by("code")


class PlanFilterSet(FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    province = django_filters.ModelChoiceFilter(label=_("Province"), queryset=_provinces)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)
    level = django_filters.ChoiceFilter(
        label=_("Plans of"),
        choices=[("province", _("Provinces")), ("district", _("Districts"))],
        method="filter_level",
    )

    class Meta:
        model = AnnualPlan
        fields = ["year", "province", "district"]

    def filter_level(self, queryset, name, value):
        if value == "province":
            return queryset.filter(district__isnull=True)
        if value == "district":
            return queryset.filter(district__isnull=False)
        return queryset


class OcopFilterSet(FilterSet):
    q = SearchFilter(
        folded=("commune__search_name",),
        lookups=("name__icontains", "owner__icontains", "code__iexact", "decision_number__icontains"),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=_districts, field_name="commune__district"
    )
    commune = django_filters.CharFilter(label=_("Commune code"), field_name="commune__code")
    group = django_filters.ChoiceFilter(label=_("Group"), choices=OcopGroup.choices)
    stars = django_filters.ChoiceFilter(label=_("Stars"), choices=STAR_CHOICES, method="filter_stars")
    min_stars = django_filters.ChoiceFilter(label=_("At least"), choices=STAR_CHOICES, method="filter_min_stars")
    year = django_filters.NumberFilter(label=_("Decision year"), field_name="decision_date__year")
    in_force = YesNoFilter(label=_("Certificate in force today"), method="filter_in_force")

    class Meta:
        model = OcopProduct
        fields = ["q", "district", "commune", "group"]

    def filter_stars(self, queryset, name, value):
        return queryset.filter(stars=int(value)) if value else queryset

    def filter_min_stars(self, queryset, name, value):
        return queryset.filter(stars__gte=int(value)) if value else queryset

    def filter_in_force(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        in_force = queryset.in_force_on(today)
        return in_force if value else queryset.exclude(pk__in=in_force.values("pk"))
