"""Open data: what the public may read without an account, as CSV and JSON at a stable URL per year.

Recognition and revocation decisions are public documents: the register lists them (unit, level, year recognised
for, decision number and date, issuing body); the year-end figures per province count the communes that held each
level on 31 December (the stored standings, which the register alone decides). Nothing else is read here: no
dossier (drafts, dossiers in progress), no assessment, no residents' comments, no user. Every file is cached until
a write changes the register (core.cache), and each client address is rate-limited (NTM_OPEN_DATA_RATE)."""

from __future__ import annotations

import json
from typing import Any

import tablib
from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from core.spreadsheets import CSV_CONTENT_TYPE, dataset_csv

from .selectors import DATASETS, dataset_rows, licence, published_years
from .throttling import OpenDataRateThrottle
from .views import ApiLogMixin


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
