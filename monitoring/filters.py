import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import fold
from offices import scope

from .choices import FindingStatus, ReportSubject, Severity, SurveyStatus
from .models import Finding, SatisfactionSurvey, SupervisionReport


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True)


def _unit_q(value: str, prefix: str) -> Q:
    """Commune or district name (diacritics ignored) or official code, reached through `prefix`."""
    key = fold(value)
    code = value.strip()
    return (
        Q(**{f"{prefix}commune__search_name__contains": key})
        | Q(**{f"{prefix}district__search_name__contains": key})
        | Q(**{f"{prefix}commune__code": code})
    )


class SurveyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SurveyStatus.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=_districts, field_name="dossier__district"
    )
    year = django_filters.NumberFilter(label=_("Dossier year"), field_name="dossier__year")

    class Meta:
        model = SatisfactionSurvey
        fields = ["q", "status", "district", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(_unit_q(value, "dossier__")) if fold(value) else queryset


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=ReportSubject.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)

    class Meta:
        model = SupervisionReport
        fields = ["q", "subject_kind", "district"]

    def search(self, queryset, name, value):
        if not fold(value):
            return queryset
        return queryset.filter(_unit_q(value, "") | Q(title__icontains=value.strip()))


class FindingFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts, field_name="report__district")

    class Meta:
        model = Finding
        fields = ["status", "severity", "district"]
