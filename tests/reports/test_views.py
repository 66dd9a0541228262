"""Dashboard and report pages: figures and formats per language, scope per role, exports, print layouts and a
query count that does not grow with the number of communes."""

import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from .conftest import grow

DASHBOARD = reverse("reports:dashboard")
REPORTS = [
    reverse("reports:criteria_matrix"),
    reverse("reports:recognition_register"),
    reverse("reports:revocation_risk"),
    reverse("reports:plan_vs_result"),
    reverse("reports:capital_mobilisation"),
]


def stat(html, name):
    return re.search(rf'id="stat-{name}">([^<]*)<', html).group(1).strip()


def get(client, user, url, lang="vi", **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(url, params)


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in wb.active.iter_rows(values_only=True)]


def test_login_required(client, world):
    for url in [DASHBOARD, reverse("reports:index"), *REPORTS]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_home_redirects_to_the_dashboard(client, world):
    client.force_login(world.users.viewer)
    assert client.get("/")["Location"] == DASHBOARD


@pytest.mark.parametrize("lang, ntm_pct, district_pct", [("vi", "60,0%", "50,00%"), ("en", "60.0%", "50.00%")])
def test_dashboard_figures_and_number_formats(client, world, records, lang, ntm_pct, district_pct):
    html = get(client, world.users.province, DASHBOARD, lang, year=2023).content.decode()
    assert stat(html, "ntm") == "3/5"
    assert stat(html, "ntm-percent") == ntm_pct
    assert stat(html, "advanced") == "1" and stat(html, "model") == "1" and stat(html, "hamlets") == "1"
    assert stat(html, "districts") == "1/2"
    assert stat(html, "districts-percent") == district_pct


@pytest.mark.parametrize("lang, expected", [("vi", "66,7%"), ("en", "66.7%")])
def test_district_user_sees_its_district(client, world, records, lang, expected):
    html = get(client, world.users.district, DASHBOARD, lang, year=2023).content.decode()
    assert stat(html, "ntm") == "2/3" and stat(html, "ntm-percent") == expected
    assert stat(html, "districts") == "1/1"
    table = html[html.index('id="unit-table"') :]
    assert "Xã Tân Kim" in table and "Xã Hùng Sơn" not in table  # by commune, only its own


def test_year_selector_shows_the_end_of_that_year(client, world, records):
    html = get(client, world.users.province, DASHBOARD, year=2022).content.decode()
    assert stat(html, "ntm") == "4/5" and stat(html, "ntm-percent") == "80,0%"
    # A past year shows its results (issue 15): Phú Bình's decision of May 2023 is for 2022.
    assert stat(html, "districts") == "1/2" and "Results of 2022" in html
    assert "31/12/2022" in html
    assert '<option value="2022" selected>2022</option>' in html  # years are not grouped like numbers ("2.022")
    # The other reading, as it stood on 31 December (by decision date), is offered and said.
    html = get(client, world.users.province, DASHBOARD, year=2022, reading="on_date").content.decode()
    assert stat(html, "districts") == "0/2" and stat(html, "districts-percent") == "0,00%"
    assert "As they stood on 31/12/2022" in html
    # No year, or an unknown one: the year in progress as of today (issue 16), never a year end still to come.
    today = timezone.localdate()
    for params in ({}, {"year": "abc"}):
        html = get(client, world.users.province, DASHBOARD, **params).content.decode()
        assert f"As of today ({today:%d/%m/%Y})" in html and f"31/12/{today.year}" not in html
        assert stat(html, "ntm") == "4/5"


def test_commune_user_sees_its_commune(client, world, records):
    html = get(client, world.users.commune, DASHBOARD, year=2023).content.decode()
    # Its own standing, not the counts, shares and charts that compare communes or the province's targets.
    assert 'id="stat-level"' in html and 'id="stat-criteria"' in html
    for comparison in ["stat-ntm", "stat-ntm-percent", "stat-districts", "chart-buckets", "chart-units"]:
        assert f'id="{comparison}"' not in html
    assert 'id="plan-progress"' not in html and 'data-kind="districts"' not in html
    assert "Xã Tân Kim" not in html


def test_outsider_sees_nothing(client, world, records):
    html = get(client, world.users.outsider, DASHBOARD).content.decode()
    assert 'id="no-area"' in html and 'id="stat-ntm"' not in html
    assert 'id="no-area"' in get(client, world.users.outsider, reverse("reports:index")).content.decode()
    assert get(client, world.users.outsider, DASHBOARD, format="xlsx").status_code == 404
    for url in REPORTS:
        assert get(client, world.users.outsider, url).status_code == 404
        assert get(client, world.users.outsider, url, format="xlsx").status_code == 404
        assert get(client, world.users.outsider, url, print="1").status_code == 404


def test_district_outside_the_scope_is_404(client, world, records):
    for url in [DASHBOARD, *REPORTS]:
        assert get(client, world.users.district, url, district=world.dai_tu.pk).status_code == 404
        assert get(client, world.users.district, url, district=world.dai_tu.pk, format="xlsx").status_code == 404
        assert get(client, world.users.commune, url, district=world.dai_tu.pk).status_code == 404
        assert get(client, world.users.district, url, district=world.phu_binh.pk).status_code == 200


def test_province_user_can_open_one_district(client, world, records):
    html = get(client, world.users.province, DASHBOARD, year=2023).content.decode()
    assert f"district={world.dai_tu.pk}" in html  # each district row opens that district
    html = get(client, world.users.province, DASHBOARD, year=2023, district=world.dai_tu.pk).content.decode()
    assert stat(html, "ntm") == "1/2" and stat(html, "districts") == "0/1"
    assert "Xã Phú Xuyên" in html and "Xã Tân Kim" not in html


def test_table_sorts(client, world, records):
    html = get(client, world.users.district, DASHBOARD, year=2023, sort="-criteria_met").content.decode()
    body = html[html.index('id="unit-table"') :]
    assert body.index("Xã Bảo Lý") > body.index("Xã Tân Kim")
    html = get(client, world.users.district, DASHBOARD, year=2023, sort="criteria_met").content.decode()
    body = html[html.index('id="unit-table"') :]
    assert body.index("Xã Bảo Lý") < body.index("Xã Tân Kim")
    assert "sort=-criteria_met" in body  # clicking again reverses


def test_charts_are_fed_with_json(client, world, records):
    html = get(client, world.users.province, DASHBOARD, year=2023).content.decode()
    raw = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html).group(1)
    data = json.loads(raw)
    assert data["buckets"]["values"] == [2, 1, 1, 1]  # communes by criteria met: 19, 15–18, 10–14, below 10
    assert data["units"]["labels"] == ["Huyện Đại Từ", "Huyện Phú Bình"]
    series = {s["label"]: s["values"] for s in data["units"]["series"]}
    assert series["Model NTM"] == [0, 1] and series["Not yet NTM"] == [1, 1]
    assert "chart-4.6.1.umd.min.js" in html and "js/dashboard.js" in html


def test_dashboard_export(client, world, records):
    rows = sheet_rows(get(client, world.users.province, DASHBOARD, year=2023, format="xlsx"))
    header = next(i for i, r in enumerate(rows) if r[0] == "Mã" or r[0] == "Code")
    data = rows[header + 1 :]
    by_code = {r[0]: r for r in data if r[0]}
    assert by_code["173"][2:8] == [3, 2, pytest.approx(2 / 3), 1, 1, 1]
    assert by_code["171"][2:4] == [2, 1]
    total = data[-1]
    assert total[2:4] == [5, 3] and total[4] == pytest.approx(0.6)
    assert any("31/12/2023" in str(r[0]) for r in rows[:header])


def test_district_export_is_by_commune(client, world, records):
    rows = sheet_rows(get(client, world.users.district, DASHBOARD, year=2023, format="xlsx", lang="en"))
    codes = [r[0] for r in rows]
    assert "05797" in codes and "05650" not in codes
    tan_kim = rows[codes.index("05800")]
    assert tan_kim[1:6] == ["Xã Tân Kim", "Model NTM", 19, 19, 0]
    assert rows[-1][1] == "Total" and rows[-1][2] == "2 of 3 communes NTM, 1 advanced, 1 model"


def test_reports_index_lists_the_reports(client, world, records):
    html = get(client, world.users.viewer, reverse("reports:index"), year=2023).content.decode()
    for url in REPORTS:
        assert f"{url}?year=2023" in html


def test_criteria_matrix_page_and_export(client, world, records):
    html = get(client, world.users.province, REPORTS[0], year=2023).content.decode()
    table = html[html.index('id="criteria-matrix"') :]
    assert table.count("<tr>") == 6  # header + 5 communes
    assert "Xã Hùng Sơn" in table and "12/19" in table
    rows = sheet_rows(get(client, world.users.province, REPORTS[0], year=2023, format="xlsx", lang="en"))
    hung_son = next(r for r in rows if r[1] == "05650")
    assert hung_son[3:15] == ["Met"] * 12 and hung_son[15:22] == ["Not met"] * 7
    assert hung_son[22:24] == [12, 19] and hung_son[24] == "New rural (NTM)"
    assert len([r for r in rows if r[1] and re.fullmatch(r"\d{5}", str(r[1]))]) == 5


def test_a_national_size_matrix_pages_on_screen_and_streams_whole_to_excel(client, world, records, monkeypatch):
    """On screen a page of communes at a time; printed and in the workbook every one (read in batches)."""
    from reports import selectors as report_selectors
    from reports import views as report_views

    monkeypatch.setattr(report_views, "MATRIX_PAGE", 2)
    monkeypatch.setattr(report_selectors, "MATRIX_BATCH", 2)  # several batches for five communes
    first = get(client, world.users.province, REPORTS[0], year=2023).content.decode()
    second = get(client, world.users.province, REPORTS[0], year=2023, page=3).content.decode()
    assert first[first.index('id="criteria-matrix"') :].count("<tr>") == 3  # header + 2
    assert second[second.index('id="criteria-matrix"') :].count("<tr>") == 2  # header + the fifth
    printed = get(client, world.users.province, REPORTS[0], year=2023, print="1").content.decode()
    assert printed[printed.index('id="criteria-matrix"') :].count("<tr>") == 6
    rows = sheet_rows(get(client, world.users.province, REPORTS[0], year=2023, format="xlsx", lang="en"))
    assert len([r for r in rows if r[1] and re.fullmatch(r"\d{5}", str(r[1]))]) == 5


def test_register_page_and_export(client, world, records):
    html = get(client, world.users.province, REPORTS[1], year=2023).content.decode()
    assert "Xã Phú Xuyên" in html and "Huyện Phú Bình" in html
    table = html[html.index('id="register-table"') :]
    assert table.count("text-bg-dark") == 1  # one revoked by the end of 2023
    rows = sheet_rows(get(client, world.users.province, REPORTS[1], year=2022, format="xlsx", lang="en"))
    statuses = [r[10] for r in rows if r[5] and isinstance(r[5], int)]
    assert statuses and set(statuses) == {"In force"}  # the revocation came in 2023
    district_rows = sheet_rows(get(client, world.users.district, REPORTS[1], year=2023, format="xlsx"))
    assert not any(r[1] == "Xã Hùng Sơn" for r in district_rows)


def test_risk_page_and_export(client, world, records):
    html = get(client, world.users.province, REPORTS[2], year=2023).content.decode()
    assert "Xã Hùng Sơn" in html and "Xã Phú Xuyên" in html and "Xã Bảo Lý" not in html
    rows = sheet_rows(get(client, world.users.province, REPORTS[2], year=2023, format="xlsx", lang="en"))
    found = {r[1]: r for r in rows if r[1] in ("05650", "05653")}
    assert found["05650"][5:10] == [12, 19, 7, 2, "Yes"]
    assert found["05653"][9] == "No"


@pytest.mark.parametrize("url", [DASHBOARD, *REPORTS])
def test_print_layout(client, world, records, url):
    html = get(client, world.users.province, url, year=2023, print="1").content.decode()
    assert "reports-print" in html and "navbar" not in html
    assert "Tỉnh Thái Nguyên" in html and "31/12/2023" in html


def _counts(client, user, url, budget, **params):
    """Queries for one request, inside the page's budget, with nothing cached (the figures computed)."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(user)
    with budget(25) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


CASES = [
    ("province", DASHBOARD, {}),
    ("province", DASHBOARD, {"format": "xlsx"}),
    ("district", DASHBOARD, {}),
    ("district", DASHBOARD, {"format": "xlsx"}),
    ("commune", DASHBOARD, {}),
    ("verifier", DASHBOARD, {}),
    ("province", REPORTS[0], {}),
    ("province", REPORTS[0], {"format": "xlsx"}),
    ("province", REPORTS[1], {}),
    ("province", REPORTS[1], {"format": "xlsx"}),
    ("province", REPORTS[1], {"print": "1"}),
    ("province", REPORTS[2], {}),
    ("province", REPORTS[2], {"format": "xlsx"}),
    ("district", REPORTS[0], {}),
    ("province", REPORTS[3], {}),
    ("province", REPORTS[4], {}),
    ("province", REPORTS[4], {"format": "xlsx"}),
]


def test_query_count_does_not_grow_with_the_communes(client, world, records, django_assert_max_num_queries):
    """The small world (5 xã) and ten times as many generated communes: the same number of queries."""
    budget = django_assert_max_num_queries
    small = {}
    for role, url, params in CASES:
        small[(role, url, tuple(params))] = _counts(
            client, getattr(world.users, role), url, budget, year=2023, **params
        )
    grow(world, records)
    from communes.models import Commune

    assert Commune.objects.count() >= 10 * 5
    for role, url, params in CASES:
        key = (role, url, tuple(params))
        assert _counts(client, getattr(world.users, role), url, budget, year=2023, **params) == small[key], key


def test_a_large_matrix_workbook_is_written_in_the_background(
    client, world, records, settings, django_capture_on_commit_callbacks
):
    """Above NTM_EXPORT_BACKGROUND_ROWS communes the workbook is a background job: the next page shows its progress
    and offers the file, which holds every commune."""
    from core.models import Job, JobStatus

    settings.NTM_EXPORT_BACKGROUND_ROWS = 2
    client.force_login(world.users.province)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(REPORTS[0], {"year": 2023, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    job = Job.objects.get(owner=world.users.province)
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.error
    download = client.get(reverse("core:job_file", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert len([r for r in rows if r[1] and re.fullmatch(r"\d{5}", str(r[1]))]) == 5
    assert rows[0][0].startswith("Criteria status matrix")  # written in the language of the request
