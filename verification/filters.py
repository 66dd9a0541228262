import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter, YesNoFilter
from criteria.choices import StandardLevel, SubjectKind
from offices import scope

from .choices import DossierStatus
from .models import Dossier


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True)


def _unit_search(**kwargs):
    """Unit name (diacritics ignored) or official code."""
    return SearchFilter(
        folded=("commune__search_name", "district__search_name"),
        lookups=("hamlet__name__icontains", "commune__code", "district__code"),
        **kwargs,
    )


class DossierFilterSet(FilterSet):
    q = _unit_search()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DossierStatus.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=StandardLevel.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=SubjectKind.choices)
    year = django_filters.NumberFilter(label=_("Year"))
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)

    class Meta:
        model = Dossier
        fields = ["q", "status", "level", "subject_kind", "year", "district"]


class QueueFilterSet(FilterSet):
    q = _unit_search()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DossierStatus.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=StandardLevel.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=SubjectKind.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue")

    class Meta:
        model = Dossier
        fields = ["q", "status", "level", "subject_kind", "district"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
