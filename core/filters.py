"""Filter pieces shared by every app's `filters.py`."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from .text import fold

__all__ = ["FilterSet", "SearchFilter", "YesNoFilter", "YesNoSelect"]


class FilterSet(django_filters.FilterSet):
    """The base of every list's filters. An untouched drop-down reads "All" ("Tất cả"), not django-filter's
    "---------": the empty choice of a filter means no filtering, and says so."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for declared in self.filters.values():
            if not isinstance(declared, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
                continue
            # django-filter writes its default into the filter's arguments; a label a filter chose is kept.
            if (
                declared.extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL)
                == filter_settings.EMPTY_CHOICE_LABEL
            ):
                declared.extra["empty_label"] = _("All")


class SearchFilter(django_filters.CharFilter):
    """The search box of a list: one text matched against several fields, any of them.

    `folded` are the `search_name` fields that models keep lower-case without diacritics (core.text.fold), matched
    with the folded text, so "phu binh" finds "Phú Bình"; `lookups` are other fields with their lookup (an official
    code exactly, a title `__icontains`), matched with the text as typed, trimmed. Blank text filters nothing."""

    def __init__(self, *, folded: tuple[str, ...] = (), lookups: tuple[str, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        super().__init__(**kwargs)
        self.folded, self.lookups = tuple(folded), tuple(lookups)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        key = fold(value)
        if not key:
            return qs
        typed = value.strip()
        match = Q()
        for field in self.folded:
            match |= Q(**{f"{field}__contains": key})
        for lookup in self.lookups:
            match |= Q(**{lookup: typed})
        return qs.filter(match)


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter offered as "All / Yes / No", instead of Django's "Unknown / Yes / No".

    "All" is the empty value, so an untouched filter adds nothing to the query string. The values read are Django's
    (`true`/`false`, also `True`/`False` and `2`/`3`); anything else, `unknown` included, means no filtering.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]  # Select's is a list
        # A list, as Select gives: the options are matched by membership, and "" is a substring of any string.
        shown = super().format_value(value)
        return [""] if shown == "unknown" else [shown]


class YesNoFilter(django_filters.BooleanFilter):
    """A `BooleanFilter` offered as "All / Yes / No"; the filter method gets True, False or None (all)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)
