import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SearchFilter
from offices import scope

from .choices import FindingStatus, Moderation, ReportSubject, Severity, SurveyStatus
from .models import Finding, SatisfactionSurvey, SupervisionReport


def _districts(request):
    return scope.districts(request.user if request else None).filter(valid_to__isnull=True)


def _unit_search(prefix: str = "", *, lookups: tuple[str, ...] = ()) -> SearchFilter:
    """Commune or district name (diacritics ignored) or official code, reached through `prefix`."""
    return SearchFilter(
        folded=(f"{prefix}commune__search_name", f"{prefix}district__search_name"),
        lookups=(f"{prefix}commune__code", *lookups),
    )


class SurveyFilterSet(FilterSet):
    q = _unit_search("dossier__")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SurveyStatus.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=_districts, field_name="dossier__district"
    )
    year = django_filters.NumberFilter(label=_("Dossier year"), field_name="dossier__year")

    class Meta:
        model = SatisfactionSurvey
        fields = ["q", "status", "district", "year"]


class ReportFilterSet(FilterSet):
    q = _unit_search(lookups=("title__icontains",))
    subject_kind = django_filters.ChoiceFilter(label=_("Subject"), choices=ReportSubject.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts)

    class Meta:
        model = SupervisionReport
        fields = ["q", "subject_kind", "district"]


class FindingFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts, field_name="report__district")

    class Meta:
        model = Finding
        fields = ["status", "severity", "district"]


class ModerationFilterForm(forms.Form):
    """The comment queue's one filter: the moderation outcome, the waiting comments unless another is chosen."""

    outcome = forms.ChoiceField(label=_("Moderation"), required=False, choices=[("all", _("All")), *Moderation.choices])

    def __init__(self, data, **kwargs):
        data = data.copy()
        if data.get("outcome") not in Moderation.values:
            data["outcome"] = "all" if "outcome" in data else Moderation.PENDING
        super().__init__(data, **kwargs)

    def chosen_outcome(self) -> str:
        """The outcome to list, "" for every one."""
        value = self.data["outcome"]
        return "" if value == "all" else value
