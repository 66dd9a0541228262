"""Open data: what the public may read without an account, as CSV and JSON at a stable URL per year.

Recognition and revocation decisions are public documents: the register lists them (unit, level, year recognised
for, decision number and date, issuing body); the year-end figures per province count the communes that held each
level on 31 December (the stored standings, which the register alone decides). Nothing else is read here: no
dossier (drafts, dossiers in progress), no assessment, no residents' comments, no user. Every file is cached until
a write changes the register (core.cache), and each client address is rate-limited (NTM_OPEN_DATA_RATE)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import tablib
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from communes.models import District, Province
from core import cache
from core.spreadsheets import CSV_CONTENT_TYPE, dataset_csv
from criteria.choices import LEVEL_ORDER, StandardLevel, SubjectKind
from register.models import Recognition, Standing
from register.standings import FIRST_YEAR

from .throttling import OpenDataRateThrottle
from .views import ApiLogMixin

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
    return settings.NTM_OPEN_DATA_LICENCE


def _recognition_row(r: Recognition) -> dict[str, Any]:
    commune = r.commune or (r.hamlet.commune if r.hamlet_id else None)
    district = r.district or (commune.district if commune else None)
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
        {**_recognition_row(r), "revocation_decision": r.revocation_decision, "revoked_on": r.revoked_on.isoformat()}
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


def as_csv(name: str, year: int, rows: list[dict[str, Any]]) -> bytes:
    """Through core.spreadsheets (text that a spreadsheet would run as a formula is escaped); the licence is the
    last line, a comment (`#`), so the header stays the first line."""
    columns = DATASETS[name][1]
    data = tablib.Dataset(headers=columns)
    for row in rows:
        data.append([row[c] for c in columns])
    body = dataset_csv(data)
    return body + f"# {licence()}\r\n".encode()


def as_json(name: str, year: int, rows: list[dict[str, Any]], url: str) -> bytes:
    document = {"dataset": name, "year": year, "licence": licence(), "source": url, "columns": DATASETS[name][1]}
    document["rows"] = rows  # type: ignore[assignment]
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


class OpenDataView(ApiLogMixin, APIView):
    """GET /open-data/<year>/<dataset>.<csv|json>, no login."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    schema = None  # documented in the README, outside the authenticated API's schema

    def get(self, request: Request, year: int, dataset: str, fmt: str) -> HttpResponse:
        if dataset not in DATASETS or fmt not in ("csv", "json") or year not in published_years():
            raise Http404(_("No such open-data file."))
        rows = dataset_rows(dataset, year)
        if fmt == "csv":
            response = HttpResponse(as_csv(dataset, year, rows), content_type=CSV_CONTENT_TYPE)
        else:
            url = request.build_absolute_uri()
            response = HttpResponse(as_json(dataset, year, rows, url), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="ntm-{dataset}-{year}.{fmt}"'
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
        response["Link"] = f'<{settings.NTM_OPEN_DATA_LICENCE_URL}>; rel="license"'
        return response


class OpenDataIndexView(ApiLogMixin, APIView):
    """GET /open-data/: every file's URL, by year, with the licence."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    schema = None

    def get(self, request: Request) -> HttpResponse:
        files = {
            str(year): {
                f"{name}.{fmt}": request.build_absolute_uri(
                    reverse("open_data:file", kwargs={"year": year, "dataset": name, "fmt": fmt})
                )
                for name in DATASETS
                for fmt in ("csv", "json")
            }
            for year in reversed(published_years())
        }
        body = {"licence": licence(), "licence_url": settings.NTM_OPEN_DATA_LICENCE_URL, "files": files}
        return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
