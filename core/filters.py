"""Filter pieces shared by every app's `filters.py`."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["YesNoFilter", "YesNoSelect"]


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter offered as "All / Yes / No", instead of Django's "Unknown / Yes / No".

    "All" is the empty value, so an untouched filter adds nothing to the query string. The values read are Django's
    (`true`/`false`, also `True`/`False` and `2`/`3`); anything else, `unknown` included, means no filtering.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        # A list, as Select gives: the options are matched by membership, and "" is a substring of any string.
        shown = super().format_value(value)
        return [""] if shown == "unknown" else [shown]


class YesNoFilter(django_filters.BooleanFilter):
    """A `BooleanFilter` offered as "All / Yes / No"; the filter method gets True, False or None (all)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)
