"""The year's targets against results and the capital by source: on the dashboard (sections, chart) and in the
two office reports "plan vs result" and "capital mobilisation by source" (page, xlsx, print), per role, as they
stood at the end of the year, in a number of queries that does not grow with the rows."""

import json
import re

import pytest
from django.urls import reverse

from programs.choices import TargetKind
from reports import selectors

from .conftest import B, D, M, grow_plans, recognise
from .test_views import get, sheet_rows

DASHBOARD = reverse("reports:dashboard")
PLAN = reverse("reports:plan_vs_result")
CAPITAL = reverse("reports:capital_mobilisation")
END_2023 = D(2023, 12, 31)


def charts(html):
    raw = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html).group(1)
    return json.loads(raw)


def section(html, element_id):
    """The HTML from the element with this id to the end of its card (good enough for assertions)."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.find("</table>", start)]


def progress_rows(progress):
    return {r.kind: (r.target, r.registered, r.achieved) for r in progress.rows}


# --- selectors ------------------------------------------------------------------------------------------------------


def test_targets_against_results_at_the_end_of_the_year(world, records, plans):
    progress = selectors.plan_progress(user=world.users.province, year=2023, as_of=END_2023)
    assert progress.plan == plans.province and not progress.partial
    assert progress_rows(progress) == {
        TargetKind.NEW_NTM_COMMUNES: (2, 2, 0),
        TargetKind.ADVANCED_COMMUNES: (1, 1, 0),
        TargetKind.MODEL_COMMUNES: (1, 1, 1),  # Tân Kim, decided October 2023
        TargetKind.MODEL_HAMLETS: (2, 1, 1),  # Xóm Đồng Bầu, August 2023
        TargetKind.DISTRICTS: (1, 1, 0),  # Phú Bình's decision of May 2023 is for 2022
    }
    # As it stood at the end of September 2023: the model decision was not taken yet.
    earlier = selectors.plan_progress(user=world.users.province, year=2023, as_of=D(2023, 9, 30))
    assert progress_rows(earlier)[TargetKind.MODEL_COMMUNES] == (1, 1, 0)
    assert selectors.plan_progress(user=world.users.province, year=2022, as_of=D(2022, 12, 31)) is None


def test_a_chosen_district_shows_its_own_plan(world, records, plans):
    progress = selectors.plan_progress(user=world.users.province, year=2023, as_of=END_2023, district=world.phu_binh)
    assert progress.plan == plans.district
    # Kinds without a target still show what was achieved in the district (programs.selectors.plan_progress).
    assert progress_rows(progress) == {
        TargetKind.NEW_NTM_COMMUNES: (1, 1, 0),
        TargetKind.MODEL_COMMUNES: (None, 0, 1),
        TargetKind.MODEL_HAMLETS: (None, 0, 1),
    }
    assert selectors.plan_progress(user=world.users.province, year=2023, as_of=END_2023, district=world.dai_tu) is None


@pytest.mark.parametrize(
    "role, new_ntm, advanced, districts, partial",
    [
        ("province", (2, 2, 0), (1, 1, 0), (1, 1, 0), False),
        ("viewer", (2, 2, 0), (1, 1, 0), (1, 1, 0), False),
        ("front", (2, 2, 0), (1, 1, 0), (1, 1, 0), False),
        # District and commune users see the province plan with only their own units counted.
        ("district", (2, 1, 0), (1, 1, 0), (1, 0, 0), True),
        ("commune", (2, 0, 0), (1, 1, 0), (1, 0, 0), True),
    ],
)
def test_plan_figures_follow_the_scope(world, records, plans, role, new_ntm, advanced, districts, partial):
    progress = selectors.plan_progress(user=getattr(world.users, role), year=2023, as_of=END_2023)
    assert progress.plan == plans.province and progress.partial is partial
    rows = progress_rows(progress)
    assert rows[TargetKind.NEW_NTM_COMMUNES] == new_ntm
    assert rows[TargetKind.ADVANCED_COMMUNES] == advanced
    assert rows[TargetKind.DISTRICTS] == districts


def test_outsider_has_no_plan(world, records, plans):
    assert selectors.plan_progress(user=world.users.outsider, year=2023, as_of=END_2023) is None


def test_plan_report_lists_the_units_still_short(world, records, plans):
    report = selectors.plan_report(user=world.users.province, year=2023, as_of=END_2023)
    assert len(report.registrations) == 6
    short = {(r.commune.code if r.commune_id else r.district.code): r for r in report.short}
    assert set(short) == {"05653", "05803", "05797", "171"}
    bao_ly = short["05803"].shortfall
    assert (bao_ly.assessment.criteria_met, bao_ly.assessment.criteria_total) == (16, 19)
    assert [c.number for c, _reasons in bao_ly.criteria] == [17, 18, 19]
    assert len(short["05653"].shortfall.criteria) == 11
    assert short["05797"].shortfall is None  # registered for advanced, no advanced scorecard


def test_capital_as_it_stood_at_the_end_of_the_year(world, money):
    report = selectors.capital_report(user=world.users.province, year=2023, as_of=END_2023)
    assert (report.total.planned, report.total.mobilised, report.total.disbursed) == (78 * B, 45_500 * M, 5_500 * M)
    assert (report.credit.planned, report.credit.mobilised) == (60 * B, 30 * B)
    later = selectors.capital_report(user=world.users.province, year=2023, as_of=D(2024, 12, 31))
    assert later.total.disbursed == 6_500 * M  # the February 2024 payment on a 2023 line


def test_capital_by_year_for_the_chart(world, money):
    years = selectors.capital_years(user=world.users.province, year=2023)
    assert [y.year for y in years] == [2022, 2023]
    assert years[1].groups["budget"].planned == 17 * B and years[1].groups["credit"].mobilised == 30 * B
    assert [y.year for y in selectors.capital_years(user=world.users.province, year=2022)] == [2022]
    assert [y.year for y in selectors.capital_years(user=world.users.district, year=2023)] == [2023]
    assert selectors.capital_years(user=world.users.outsider, year=2023) == []


# --- dashboard ------------------------------------------------------------------------------------------------------


def test_dashboard_shows_targets_and_capital(client, world, records, plans, money):
    html = get(client, world.users.province, DASHBOARD, year=2023).content.decode()
    plan = section(html, "plan-progress-table")
    assert "Targets for 2023 against results" in html and "Kế hoạch NTM tỉnh năm 2023" in html
    model = re.search(r'data-kind="model_communes">(.*?)</tr>', plan, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', model) == ["1", "1", "1", "100,0%"]
    assert 'id="capital-planned">78,0 billion<' in html
    assert 'id="capital-mobilised">45,5 billion<' in html
    assert 'id="capital-credit-share">76,9%<' in html
    table = section(html, "capital-table")
    assert 'data-source="TIN-DUNG"' in table and 'data-source="DAN-CONG"' not in table  # no line, no row
    data = charts(html)["capital"]
    assert data["labels"] == ["2022", "2023"] and data["stacked"] is True
    series = {s["label"]: s["values"] for s in data["series"]}
    assert series["State budget (planned)"] == [3.0, 17.0]
    assert series["Credit (mobilised)"] == [0, 30.0]
    assert series["Integrated capital (mobilised)"] == [0, 0.5]
    assert not any(label.startswith("Enterprises") for label in series)
    assert 'id="chart-capital"' in html


def test_dashboard_in_english_formats_amounts_the_english_way(client, world, records, plans, money):
    html = get(client, world.users.viewer, DASHBOARD, "en", year=2023).content.decode()
    assert 'id="capital-mobilised">45.5 billion<' in html and 'id="capital-credit-share">76.9%<' in html


def test_dashboard_sections_appear_only_with_data(client, world, records, plans, money):
    html = get(client, world.users.province, DASHBOARD, year=2022).content.decode()
    assert 'id="plan-progress"' not in html  # no plan for 2022
    assert 'id="capital-planned">3,0 billion<' in html
    assert charts(html)["capital"]["labels"] == ["2022"]
    html = get(client, world.users.province, DASHBOARD, year=2024).content.decode()
    assert 'id="plan-progress"' not in html and 'id="capital"' not in html
    assert charts(html)["capital"]["labels"] == ["2022", "2023"]  # earlier years stay in the chart


def test_dashboard_without_plans_or_money_has_no_such_sections(client, world, records):
    html = get(client, world.users.province, DASHBOARD, year=2023).content.decode()
    assert 'id="plan-progress"' not in html and 'id="capital"' not in html and 'id="chart-capital"' not in html
    assert "capital" not in charts(html)


def test_dashboard_for_a_district_user_and_a_chosen_district(client, world, records, plans, money):
    html = get(client, world.users.district, DASHBOARD, year=2023).content.decode()
    assert "registered and achieved count only the units of your area" in html
    assert 'id="capital-planned">7,0 billion<' in html
    html = get(client, world.users.province, DASHBOARD, year=2023, district=world.phu_binh.pk).content.decode()
    assert "Kế hoạch NTM huyện Phú Bình năm 2023" in html and 'id="capital-planned">7,0 billion<' in html
    html = get(client, world.users.province, DASHBOARD, year=2023, district=world.dai_tu.pk).content.decode()
    assert 'id="plan-progress"' not in html and 'id="capital-planned">1,0 billion<' in html


def test_outsider_dashboard_has_no_plan_or_capital(client, world, records, plans, money):
    html = get(client, world.users.outsider, DASHBOARD, year=2023).content.decode()
    assert 'id="no-area"' in html and 'id="plan-progress"' not in html and 'id="capital"' not in html


def test_dashboard_shows_the_queue_counts_for_the_role(client, world, records):
    from tests.verification.factories import DossierFactory
    from verification.choices import DossierStatus

    DossierFactory(commune=world.pb[0], status=DossierStatus.SUBMITTED, created_by=world.users.commune)
    DossierFactory(commune=world.pb[1], status=DossierStatus.UNDER_VERIFICATION, created_by=world.users.commune)
    DossierFactory(commune=world.dt[0], status=DossierStatus.SUBMITTED, created_by=world.users.commune)  # elsewhere
    html = get(client, world.users.verifier, DASHBOARD, year=2023).content.decode()
    assert re.search(r'data-queue="verifier">(\d+)<', html).group(1) == "2"
    assert "?role=verifier" in html
    for role in ("province", "viewer", "front", "commune"):
        html = get(client, getattr(world.users, role), DASHBOARD, year=2023).content.decode()
        assert "data-queue=" not in html, role


# --- plan vs result report ------------------------------------------------------------------------------------------


def test_plan_report_page(client, world, records, plans):
    html = get(client, world.users.province, PLAN, year=2023).content.decode()
    assert "Plan vs result, 2023" in html and "Kế hoạch NTM tỉnh năm 2023" in html
    rows = section(html, "plan-table")
    hamlets = re.search(r'data-kind="model_hamlets">(.*?)</tr>', rows, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', hamlets) == ["2", "1", "1", "50,0%", "1"]
    short = section(html, "short-table")
    assert "Xã Bảo Lý" in short and "16/19" in short and "17. Tiêu chí 17" in short and "19. Tiêu chí 19" in short
    assert "Xã Tân Kim" not in short  # recognised model commune in 2023
    assert "No scorecard at this level yet." in short  # Tân Khánh, registered for advanced
    assert "(4/6)" in html


def test_plan_report_export(client, world, records, plans):
    rows = sheet_rows(get(client, world.users.province, PLAN, "en", year=2023, format="xlsx"))
    assert rows[0][0] == "Plan vs result, 2023"
    assert any(r[0] == "Kế hoạch NTM tỉnh năm 2023" for r in rows)
    by_label = {}
    for r in rows:
        by_label.setdefault(r[0], r)  # the targets come first, then the units still short
    assert by_label["Model hamlets"][1:6] == [2, 1, 1, 0.5, 1]
    assert by_label["New NTM communes"][1:6] == [2, 2, 0, 0, 2]
    heading = next(i for i, r in enumerate(rows) if r[0] == "Registered units not recognised yet")
    short = rows[heading + 2 :]
    bao_ly = next(r for r in short if r[2] == "05803")
    assert bao_ly[:7] == ["New NTM communes", "Huyện Phú Bình", "05803", "Xã Bảo Lý", 2023, 16, 19]
    assert bao_ly[7] == "17. Tiêu chí 17; 18. Tiêu chí 18; 19. Tiêu chí 19"
    assert len(short) == 4
    assert next(r for r in short if r[2] == "171")[3] == "Huyện Đại Từ"


def test_plan_report_scope(client, world, records, plans):
    html = get(client, world.users.district, PLAN, year=2023).content.decode()
    assert "Registered and achieved count only the units of your area." in html
    assert "Xã Phú Xuyên" not in html and "Xã Bảo Lý" in html
    rows = sheet_rows(get(client, world.users.commune, PLAN, year=2023, format="xlsx"))
    assert not any(r[2] == "05803" for r in rows)  # Bảo Lý is not the commune officer's
    html = get(client, world.users.viewer, PLAN, year=2023).content.decode()
    assert "Xã Phú Xuyên" in html
    html = get(client, world.users.district, PLAN, year=2023, district=world.phu_binh.pk).content.decode()
    assert "Kế hoạch NTM huyện Phú Bình năm 2023" in html
    html = get(client, world.users.province, PLAN, year=2023, district=world.dai_tu.pk).content.decode()
    assert 'id="no-plan"' in html
    assert get(client, world.users.outsider, PLAN, year=2023).status_code == 404


def test_plan_report_without_a_plan(client, world, records):
    html = get(client, world.users.province, PLAN, year=2023).content.decode()
    assert 'id="no-plan"' in html
    rows = sheet_rows(get(client, world.users.province, PLAN, "en", year=2023, format="xlsx"))
    assert any("No plan for this year" in str(r[0]) for r in rows)


def test_achieved_counts_follow_the_year_end(client, world, records, plans):
    """A 2023 NTM decision dated in January 2024 is not achieved at the end of 2023."""
    recognise(world.pb[2], on=D(2024, 1, 20), year=2023)
    report = selectors.plan_report(user=world.users.province, year=2023, as_of=END_2023)
    assert progress_rows(report.progress)[TargetKind.NEW_NTM_COMMUNES] == (2, 2, 0)
    report = selectors.plan_report(user=world.users.province, year=2023, as_of=D(2024, 12, 31))
    assert progress_rows(report.progress)[TargetKind.NEW_NTM_COMMUNES] == (2, 2, 1)
    assert "05803" not in {r.commune.code for r in report.short if r.commune_id}


# --- capital mobilisation report ------------------------------------------------------------------------------------


def test_capital_report_page(client, world, records, money):
    html = get(client, world.users.province, CAPITAL, year=2023).content.decode()
    assert "Capital mobilisation by source, 2023" in html
    total = section(html, "capital-total")
    assert re.findall(r'class="num">([^<]*)<', total) == [
        "78,0 billion",
        "45,5 billion",
        "58,3%",
        "5,5 billion",  # the February 2024 payment is not counted at the end of 2023
        "12,1%",
    ]
    shares = section(html, "capital-shares")
    credit = re.search(r'data-share="credit">(.*?)</tr>', shares, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', credit) == [
        "60,0 billion",
        "76,9%",
        "30,0 billion",
        "65,9%",
        "0,0 billion",
    ]
    units = section(html, "capital-units")
    assert "By district" in html and "Huyện Phú Bình" in units and "Huyện Đại Từ" in units
    assert "7,0 billion" in units and "Own level (province or district lines)" in units


def test_capital_report_export(client, world, records, money):
    rows = sheet_rows(get(client, world.users.province, CAPITAL, "en", year=2023, format="xlsx"))
    assert rows[0][0] == "Capital mobilisation by source, 2023"
    by_label = {}
    for r in rows:
        by_label.setdefault(r[0], r)
    credit_source = next(r for r in rows if r[1] == "Credit" and r[0] != "Credit")
    assert credit_source[2:4] == [60 * B, 30 * B] and credit_source[4] == pytest.approx(0.5)
    total = by_label["Total"]
    assert total[2:4] == [78 * B, 45_500 * M] and total[5] == 5_500 * M
    assert total[6] == pytest.approx(5.5 / 45.5)
    shares = rows[next(i for i, r in enumerate(rows) if r[0] == "Credit and budgets") + 2 :][:2]
    assert shares[0][:3] == ["Credit", 60 * B, pytest.approx(60 / 78)]
    assert shares[1][0] == "Budgets, integrated and mobilised capital" and shares[1][1] == 18 * B
    units = rows[next(i for i, r in enumerate(rows) if r[0] == "By district") + 2 :]
    assert {r[0]: r[1] for r in units} == {"Huyện Đại Từ": 1 * B, "Huyện Phú Bình": 7 * B, "Own level": 70 * B}


@pytest.mark.parametrize(
    "role, planned, unit_rows",
    [
        ("province", "78,0 billion", ["Huyện Phú Bình", "Huyện Đại Từ"]),
        ("viewer", "78,0 billion", ["Huyện Phú Bình", "Huyện Đại Từ"]),
        ("appraiser", "78,0 billion", ["Huyện Phú Bình", "Huyện Đại Từ"]),
        ("district", "7,0 billion", ["Xã Tân Khánh"]),  # a district office's report goes by commune
        ("verifier", "7,0 billion", ["Xã Tân Khánh"]),
        ("commune", "2,0 billion", ["Huyện Phú Bình"]),
    ],
)
def test_capital_report_scope(client, world, records, money, role, planned, unit_rows):
    html = get(client, getattr(world.users, role), CAPITAL, year=2023).content.decode()
    total = section(html, "capital-total")
    assert re.findall(r'class="num">([^<]*)<', total)[0] == planned
    units = section(html, "capital-units")
    for name in unit_rows:
        assert name in units
    if role in ("district", "verifier", "commune"):
        assert "Huyện Đại Từ" not in units


def test_capital_report_outside_the_scope(client, world, records, money):
    for params in ({}, {"format": "xlsx"}, {"print": "1"}):
        assert get(client, world.users.outsider, CAPITAL, year=2023, **params).status_code == 404
    assert get(client, world.users.district, CAPITAL, year=2023, district=world.dai_tu.pk).status_code == 404
    html = get(client, world.users.province, CAPITAL, year=2021).content.decode()
    assert 'id="no-capital"' in html


@pytest.mark.parametrize("url", [PLAN, CAPITAL])
def test_new_reports_print_layout(client, world, records, plans, money, url):
    html = get(client, world.users.province, url, year=2023, print="1").content.decode()
    assert "reports-print" in html and "navbar" not in html and "report-filters" not in html
    assert "Tỉnh Thái Nguyên" in html and "31/12/2023" in html
    assert "2.023" not in html  # years are never grouped like numbers


def test_reports_index_lists_the_new_reports(client, world, records):
    html = get(client, world.users.viewer, reverse("reports:index"), year=2023).content.decode()
    assert f"{PLAN}?year=2023" in html and f"{CAPITAL}?year=2023" in html


# --- query counts ---------------------------------------------------------------------------------------------------

BUDGET = 25
CASES = [
    ("province", DASHBOARD, {}),
    ("district", DASHBOARD, {}),
    ("verifier", DASHBOARD, {}),
    ("province", PLAN, {}),
    ("province", PLAN, {"format": "xlsx"}),
    ("province", PLAN, {"print": "1"}),
    ("district", PLAN, {}),
    ("viewer", PLAN, {}),
    ("province", CAPITAL, {}),
    ("province", CAPITAL, {"format": "xlsx"}),
    ("province", CAPITAL, {"print": "1"}),
    ("district", CAPITAL, {}),
    ("commune", CAPITAL, {}),
]


def _queries(client, user, url, budget, **params):
    client.force_login(user)
    with budget(BUDGET) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_are_the_same_at_3_and_30_rows(
    client, world, records, plans, money, django_assert_max_num_queries
):
    grow_plans(world, records, plans, n=3)
    small = {
        (role, url, tuple(params)): _queries(
            client, getattr(world.users, role), url, django_assert_max_num_queries, year=2023, **params
        )
        for role, url, params in CASES
    }
    grow_plans(world, records, plans, n=27)
    report = selectors.plan_report(user=world.users.province, year=2023, as_of=END_2023)
    assert len(report.registrations) == 6 + 30
    for role, url, params in CASES:
        key = (role, url, tuple(params))
        queries = _queries(client, getattr(world.users, role), url, django_assert_max_num_queries, year=2023, **params)
        assert queries == small[key], key
    with_district = _queries(
        client, world.users.province, PLAN, django_assert_max_num_queries, year=2023, district=world.phu_binh.pk
    )
    assert with_district <= BUDGET
