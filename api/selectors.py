"""Reads of the api app that no other app's selector makes: the open-data files (public decisions and year-end
figures, read without a user) and the DHIS2 document (through the user's scope)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from communes.models import Commune, District, Province
from core import cache
from criteria.choices import LEVEL_ORDER, StandardLevel, SubjectKind
from criteria.models import IndicatorValue
from register.models import Recognition, Standing
from register.standings import FIRST_YEAR

# Column names are stable identifiers (English, snake_case): a portal maps them once.
RECOGNITION_COLUMNS = [
    "subject_kind",
    "unit_code",
    "unit_name",
    "commune_code",
    "district_code",
    "province_code",
    "level",
    "year_recognised_for",
    "decision_number",
    "decision_date",
    "issuing_body",
]
REVOCATION_COLUMNS = [
    *RECOGNITION_COLUMNS,
    "revocation_decision",
    "revoked_on",
]
PROVINCE_COLUMNS = [
    "year",
    "province_code",
    "province_name",
    "communes",
    "ntm_communes",
    "advanced_communes",
    "model_communes",
    "ntm_share_percent",
    "districts",
    "districts_recognised",
]

_RECOGNITION_RELATED = (
    "commune",
    "commune__district",
    "commune__province",
    "hamlet",
    "hamlet__commune",
    "hamlet__commune__district",
    "hamlet__commune__province",
    "district",
    "district__province",
)


def licence() -> str:
    return str(settings.NTM_OPEN_DATA_LICENCE)


def _recognition_row(r: Recognition) -> dict[str, Any]:
    commune = r.commune or (r.hamlet.commune if r.hamlet is not None else None)
    district = r.district or (commune.district if commune else None)
    # A recognition names a commune, a hamlet or a district (a database constraint): one of them is set.
    province = district.province if district else commune.province  # type: ignore[union-attr]
    return {
        "subject_kind": r.subject_kind,
        "unit_code": r.subject.code,
        "unit_name": r.subject.name,
        "commune_code": commune.code if commune else "",
        "district_code": district.code if district else "",
        "province_code": province.code,
        "level": r.level,
        "year_recognised_for": r.year,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date.isoformat(),
        "issuing_body": r.issuing_body,
    }


def recognitions(year: int) -> list[dict[str, Any]]:
    """Recognition decisions signed in `year`, whatever has happened to them since (a revocation is its own
    decision, in the revocations file of its year)."""
    rows = (
        Recognition.objects.filter(decision_date__year=year)
        .select_related(*_RECOGNITION_RELATED)
        .order_by("decision_date", "decision_number", "id")
    )
    return [_recognition_row(r) for r in rows]


def revocations(year: int) -> list[dict[str, Any]]:
    """Recognitions revoked in `year`, with the revocation decision."""
    rows = (
        Recognition.objects.filter(revoked_on__year=year)
        .select_related(*_RECOGNITION_RELATED)
        .order_by("revoked_on", "revocation_decision", "id")
    )
    return [
        {**_recognition_row(r), "revocation_decision": r.revocation_decision, "revoked_on": str(r.revoked_on)}
        for r in rows
    ]


def province_figures(year: int) -> list[dict[str, Any]]:
    """Per province, on 31 December of `year`: communes (xã), how many held the NTM, advanced and model standard,
    the NTM share, district-level units and how many were recognised. Three queries."""
    year_end = datetime.date(year, 12, 31)

    def at_least(level: str) -> Q:
        return Q(level__in=LEVEL_ORDER[LEVEL_ORDER.index(level) :])

    counts = {
        row["province_id"]: row
        for row in Standing.objects.filter(year=year, is_xa=True)
        .values("province_id")
        .annotate(
            communes=Count("id"),
            ntm=Count("id", filter=at_least(StandardLevel.BASIC)),
            advanced=Count("id", filter=at_least(StandardLevel.ADVANCED)),
            model=Count("id", filter=at_least(StandardLevel.MODEL)),
        )
        .order_by()
    }
    done = Recognition.objects.in_force_on(year_end).filter(subject_kind=SubjectKind.DISTRICT, district=OuterRef("pk"))
    districts = {
        row["province_id"]: row
        for row in District.objects.valid_on(year_end)
        .values("province_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(Exists(done))))
        .order_by()
    }
    rows = []
    for province in Province.objects.filter(pk__in=[*counts, *districts]).order_by("code", "id"):
        c = counts.get(province.pk, {})
        d = districts.get(province.pk, {})
        communes, ntm = c.get("communes", 0), c.get("ntm", 0)
        rows.append(
            {
                "year": year,
                "province_code": province.code,
                "province_name": province.name,
                "communes": communes,
                "ntm_communes": ntm,
                "advanced_communes": c.get("advanced", 0),
                "model_communes": c.get("model", 0),
                "ntm_share_percent": round(100 * ntm / communes, 2) if communes else None,
                "districts": d.get("total", 0),
                "districts_recognised": d.get("done", 0),
            }
        )
    return rows


DATASETS: dict[str, tuple[Callable[[int], list[dict[str, Any]]], list[str]]] = {
    "recognitions": (recognitions, RECOGNITION_COLUMNS),
    "revocations": (revocations, REVOCATION_COLUMNS),
    "provinces": (province_figures, PROVINCE_COLUMNS),
}


def published_years() -> range:
    return range(FIRST_YEAR, timezone.localdate().year + 1)


def dataset_rows(name: str, year: int) -> list[dict[str, Any]]:
    """The rows of one open-data file, cached until a write moves the national generation on."""
    compute, _columns = DATASETS[name]
    return cache.cached(("open_data", name, year), [cache.EVERYTHING], lambda: compute(year))


# --- DHIS2 -------------------------------------------------------------------------------------------------------------


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
