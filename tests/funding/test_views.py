"""Funding pages: access per role, the report and its xlsx, fixed query counts with 3 and 30 lines, the
disbursement form's over-plan warning."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Disbursement

from .factories import DebtFactory, DisbursementFactory, LineFactory, source

pytestmark = pytest.mark.django_db
M = 1_000_000
SOURCES = ["NSTW-DTPT", "NSDP", "TIN-DUNG", "LONG-GHEP", "DAN-TIEN", "DAN-CONG"]


def make_lines(world, n, year=2024, start=0):
    """n lines (each with a payment and a construction debt); `start` keeps keys unique across calls."""
    communes = world.communes
    lines = []
    for i in range(start, start + n):
        DebtFactory(commune=communes[i % len(communes)], amount=(i + 1) * M)
        line = LineFactory(
            year=year,
            commune=communes[i % len(communes)],
            source=source(SOURCES[i % len(SOURCES)]),
            component=["infrastructure", "production", "environment", "digital", "social"][(i // 6) % 5],
            planned_amount=(i + 1) * 100 * M,
        )
        DisbursementFactory(line=line, amount=(i + 1) * 10 * M)
        lines.append(line)
    return lines


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        reverse("funding:report") + "?year=2024",
        reverse("funding:report") + "?year=2024&area=d{district}",
        reverse("funding:line_list") + "?year=2024",
        reverse("funding:debt_list"),
    ],
)
def test_query_count_is_the_same_with_3_and_30_lines(client, world, url, django_assert_max_num_queries):
    client.force_login(world.users.province)
    url = url.format(district=world.phu_binh.pk)
    make_lines(world, 3)
    few = count_queries(client, url)
    make_lines(world, 27, start=3)
    with django_assert_max_num_queries(few):
        many = count_queries(client, url)
    assert few == many


def test_report_shows_vietnamese_amounts_and_credit_share(client, world):
    LineFactory(commune=None, district=None, province=world.province, source=source("TIN-DUNG"),
                planned_amount=12_000_000 * M, mobilised_amount=0)  # fmt: skip
    LineFactory(commune=world.pb[0], source=source("NSDP"), planned_amount=1_962_400 * M, mobilised_amount=0)
    client.force_login(world.users.viewer)
    response = client.get(reverse("funding:report"), {"year": 2024}, HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response.status_code == 200
    assert "13.962,4" in html  # planned total in billions, Vietnamese separators
    assert "85,9%" in html  # credit share of planned: 12,000 / 13,962.4


def test_report_xlsx_has_the_sums(client, world):
    make_lines(world, 6)
    client.force_login(world.users.province)
    response = client.get(reverse("funding:report"), {"year": 2024, "export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "Total")
    assert total[2] == sum((i + 1) * 100 * M for i in range(6))
    assert total[4] == sum((i + 1) * 10 * M for i in range(6))
    assert len(book.worksheets) == 3


def test_report_opens_on_the_latest_year_with_money(client, world):
    LineFactory(year=2024, commune=world.pb[0], planned_amount=2_000 * M, mobilised_amount=0)  # plan only
    DisbursementFactory(line=LineFactory(year=2023, commune=world.pb[0], mobilised_amount=0), amount=50 * M)
    LineFactory(year=2022, commune=world.pb[0], mobilised_amount=700 * M)
    client.force_login(world.users.viewer)
    response = client.get(reverse("funding:report"))
    assert response.context["report"].year == 2023 and response.context["report"].total.disbursed == 50 * M
    assert response.context["years"] == [2024, 2023, 2022]  # the picker still offers every year
    assert client.get(reverse("funding:report"), {"year": 2024}).context["report"].year == 2024


def test_report_opens_on_the_latest_plan_when_no_money_is_recorded(client, world):
    LineFactory(year=2023, commune=world.pb[0], mobilised_amount=0)
    LineFactory(year=2024, commune=world.pb[0], mobilised_amount=0)
    client.force_login(world.users.viewer)
    response = client.get(reverse("funding:report"))
    assert response.context["report"].year == 2024 and response.context["years"] == [2024, 2023]


@pytest.mark.parametrize("role, status", [("admin", 200), ("viewer", 200), ("commune", 200), ("outsider", 404)])
def test_report_per_role(client, world, role, status):
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("funding:report"), {"year": 2024}).status_code == status


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("funding:report"))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("role, status", [("province", 200), ("district", 200), ("commune", 200), ("viewer", 200)])
def test_line_detail_in_scope(client, world, role, status):
    line = LineFactory(commune=world.pb[0])
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("funding:line_detail", args=[line.pk])).status_code == status


@pytest.mark.parametrize("role", ["commune", "outsider"])
def test_line_outside_scope_is_404(client, world, role):
    line = LineFactory(commune=world.dt[0])
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("funding:line_detail", args=[line.pk])).status_code == 404


def test_disbursement_post_over_plan(client, world):
    line = LineFactory(commune=world.pb[0], planned_amount=100 * M)
    client.force_login(world.users.commune)
    url = reverse("funding:line_detail", args=[line.pk])
    data = {"reference": "UNC-1", "paid_on": "2024-03-01", "amount": "120.000.000", "note": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "above the planned" in response.content.decode()
    assert not Disbursement.objects.exists()
    response = client.post(url, {**data, "note": "Bổ sung theo quyết định 12"}, follow=True)
    assert Disbursement.objects.get().exceeds_plan
    html = response.content.decode()
    assert 'data-testid="over-plan"' in html


def test_viewer_cannot_post_a_disbursement(client, world):
    line = LineFactory(commune=world.pb[0])
    client.force_login(world.users.viewer)
    response = client.post(
        reverse("funding:line_detail", args=[line.pk]),
        {"reference": "X", "paid_on": "2024-03-01", "amount": "1.000.000"},
    )
    assert response.status_code == 403
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("name", ["funding:lines_import", "funding:disbursements_import"])
def test_imports_are_for_data_entry_roles(client, world, name):
    client.force_login(world.users.viewer)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(world.users.district)
    assert client.get(reverse(name)).status_code == 200
