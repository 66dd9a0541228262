"""Indicator values as a DHIS2 `dataValueSets` document, for a DHIS2 instance to import (README "DHIS2").

The mapping: dataElement = the indicator's code (e.g. "17.1"), orgUnit = the official code of the commune,
period = the year (DHIS2's yearly period "2023"), value = the value as text (numbers without trailing zeros,
yes/no as "true"/"false"). Codes are used as identifiers, so DHIS2 imports with `dataElementIdScheme=CODE` and
`orgUnitIdScheme=CODE` after its data elements and organisation units are given the same codes. One criteria-set
level at a time (default basic): a commune assessed against the basic and the advanced set in one year has two
values for indicators that share a code, which one DHIS2 data element could not hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communes.models import Commune, District, Province
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import IndicatorValue


class DataValueSetQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200, help_text=_("Year (the DHIS2 period)"))
    level = serializers.ChoiceField(
        choices=StandardLevel.choices, default=StandardLevel.BASIC, help_text=_("Level of the criteria set")
    )
    province = serializers.CharField(required=False, help_text=_("Province code"))
    district = serializers.CharField(required=False, help_text=_("District code"))
    commune = serializers.CharField(required=False, help_text=_("Commune code"))


def _value(number: Decimal | None, flag: bool | None, text: str) -> str | None:
    if number is not None:
        return f"{number.normalize():f}"
    if flag is not None:
        return "true" if flag else "false"
    return text or None


def data_value_set(
    *,
    user: User | AnonymousUser,
    year: int,
    level: str = StandardLevel.BASIC,
    province: Province | None = None,
    district: District | None = None,
    commune: Commune | None = None,
) -> dict[str, Any]:
    """The values of `year`'s assessments against the commune set of `level`, in the user's area (narrowed to the
    given unit). One query; indicators without a value are left out, as DHIS2 expects."""
    values = IndicatorValue.objects.visible_to(user).filter(
        assessment__year=year,
        assessment__criteria_set__level=level,
        assessment__criteria_set__subject=SubjectKind.COMMUNE,
    )
    if commune is not None:
        values = values.filter(assessment__commune=commune)
    elif district is not None:
        values = values.filter(assessment__commune__district=district)
    elif province is not None:
        values = values.filter(assessment__commune__province=province)
    rows = values.order_by("assessment__commune__code", "indicator__criterion__number", "indicator__order", "id")
    period = str(year)
    data_values = []
    sets: set[str] = set()
    for code, indicator, number, flag, text, set_code in rows.values_list(
        "assessment__commune__code",
        "indicator__code",
        "value_number",
        "value_bool",
        "value_text",
        "assessment__criteria_set__code",
    ).iterator(chunk_size=5000):
        value = _value(number, flag, text)
        if value is None:
            continue
        sets.add(set_code)
        data_values.append({"dataElement": indicator, "period": period, "orgUnit": code, "value": value})
    document: dict[str, Any] = {"period": period, "dataValues": data_values}
    if len(sets) == 1:
        document["dataSet"] = sets.pop()
    return document
