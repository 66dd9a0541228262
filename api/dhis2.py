"""Indicator values as a DHIS2 `dataValueSets` document, for a DHIS2 instance to import (README "DHIS2").

The mapping: dataElement = the indicator's code (e.g. "17.1"), orgUnit = the official code of the commune,
period = the year (DHIS2's yearly period "2023"), value = the value as text (numbers without trailing zeros,
yes/no as "true"/"false"). Codes are used as identifiers, so DHIS2 imports with `dataElementIdScheme=CODE` and
`orgUnitIdScheme=CODE` after its data elements and organisation units are given the same codes. One criteria-set
level at a time (default basic): a commune assessed against the basic and the advanced set in one year has two
values for indicators that share a code, which one DHIS2 data element could not hold."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from criteria.choices import StandardLevel


class DataValueSetQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200, help_text=_("Year (the DHIS2 period)"))
    level = serializers.ChoiceField(
        choices=StandardLevel.choices, default=StandardLevel.BASIC, help_text=_("Level of the criteria set")
    )
    province = serializers.CharField(required=False, help_text=_("Province code"))
    district = serializers.CharField(required=False, help_text=_("District code"))
    commune = serializers.CharField(required=False, help_text=_("Commune code"))
