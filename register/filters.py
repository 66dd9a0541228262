import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import District
from core.filters import FilterSet, SearchFilter, YesNoFilter
from criteria.choices import StandardLevel, SubjectKind

from .models import Recognition


def _districts(request):
    return District.objects.visible_to(request.user if request else None).filter(valid_to__isnull=True)


class RecognitionFilterSet(FilterSet):
    q = SearchFilter(
        folded=("commune__search_name", "district__search_name"),
        lookups=("hamlet__name__icontains", "decision_number__icontains", "commune__code"),
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=StandardLevel.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=SubjectKind.choices)
    year = django_filters.NumberFilter(label=_("Year recognised for"))
    decision_year = django_filters.NumberFilter(label=_("Decision year"), field_name="decision_date__year")
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts, method="filter_district")
    revoked = YesNoFilter(label=_("Revoked"), field_name="revoked_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Recognition
        fields = ["q", "level", "subject_kind", "year", "decision_year", "district"]

    def filter_district(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(district=value) | Q(commune__district=value) | Q(hamlet__commune__district=value))
