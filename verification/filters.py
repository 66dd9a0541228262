import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from core.text import fold
from criteria.choices import StandardLevel, SubjectKind
from offices import scope

from .choices import DossierStatus
from .models import Dossier


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True)


def _search(queryset, value):
    """Unit name (diacritics ignored) or official code."""
    key = fold(value)
    if not key:
        return queryset
    code = value.strip()
    return queryset.filter(
        Q(commune__search_name__contains=key)
        | Q(district__search_name__contains=key)
        | Q(hamlet__name__icontains=value.strip())
        | Q(commune__code=code)
        | Q(district__code=code)
    )


class DossierFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DossierStatus.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=StandardLevel.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=SubjectKind.choices)
    year = django_filters.NumberFilter(label=_("Year"))
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)

    class Meta:
        model = Dossier
        fields = ["q", "status", "level", "subject_kind", "year", "district"]

    def search(self, queryset, name, value):
        return _search(queryset, value)


class QueueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DossierStatus.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=StandardLevel.choices)
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=SubjectKind.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue")

    class Meta:
        model = Dossier
        fields = ["q", "status", "level", "subject_kind", "district"]

    def search(self, queryset, name, value):
        return _search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
