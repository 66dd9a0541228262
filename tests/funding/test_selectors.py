"""Capital report sums (SQL), credit share, breakdown by unit, scope per role; construction debt for the gate."""

import datetime
from decimal import Decimal

import pytest

from funding.choices import SourceGroup
from funding.selectors import (
    capital_by_source,
    line_list,
    outstanding_construction_debt,
    report_default_year,
    report_years,
)

from .factories import DebtFactory, DisbursementFactory, LineFactory, source

pytestmark = pytest.mark.django_db
B = 1_000_000_000
M = 1_000_000


@pytest.fixture
def money(world):
    """Lines in 2024 at every level of the world, and one 2023 line that must not count."""
    pb0, pb1, dt0 = world.pb[0], world.pb[1], world.dt[0]
    lines = {
        "prov_budget": LineFactory(commune=None, district=None, province=world.province, source=source("NSTW-DTPT"),
                                   planned_amount=10 * B, mobilised_amount=9 * B),
        "prov_credit": LineFactory(commune=None, district=None, province=world.province, source=source("TIN-DUNG"),
                                   planned_amount=60 * B, mobilised_amount=30 * B),
        "pb_district": LineFactory(commune=None, district=world.phu_binh, source=source("NSDP"),
                                   planned_amount=5 * B, mobilised_amount=4 * B),
        "pb0": LineFactory(commune=pb0, source=source("NSDP"), planned_amount=2 * B, mobilised_amount=2 * B),
        "pb1_labour": LineFactory(commune=pb1, source=source("DAN-CONG"), planned_amount=300 * M, mobilised_amount=350 * M),
        "dt0": LineFactory(commune=dt0, source=source("LONG-GHEP"), planned_amount=1 * B, mobilised_amount=500 * M),
        "old": LineFactory(commune=pb0, year=2023, source=source("NSDP"), planned_amount=7 * B, mobilised_amount=7 * B),
    }  # fmt: skip
    DisbursementFactory(line=lines["prov_budget"], amount=4 * B)
    DisbursementFactory(line=lines["prov_budget"], amount=1 * B)
    DisbursementFactory(line=lines["pb0"], amount=1_500 * M)
    DisbursementFactory(line=lines["dt0"], amount=200 * M)
    DisbursementFactory(line=lines["old"], amount=7 * B)
    return lines


def _by_code(report):
    return {row.source.code: (row.planned, row.mobilised, row.disbursed) for row in report.rows}


def test_report_sums_by_source_group_and_credit_share(world, money):
    report = capital_by_source(user=world.users.province, year=2024)
    rows = _by_code(report)
    assert rows["NSTW-DTPT"] == (10 * B, 9 * B, 5 * B)
    assert rows["NSDP"] == (7 * B, 6 * B, 1_500 * M)
    assert rows["TIN-DUNG"] == (60 * B, 30 * B, 0)
    assert rows["DAN-CONG"] == (300 * M, 350 * M, 0)
    assert rows["LONG-GHEP"] == (1 * B, 500 * M, 200 * M)
    assert (report.total.planned, report.total.mobilised, report.total.disbursed) == (
        78_300 * M,
        45_850 * M,
        6_700 * M,
    )
    groups = {g.group: g.planned for g in report.groups}
    assert groups == {
        SourceGroup.BUDGET: 17 * B,
        SourceGroup.INTEGRATED: 1 * B,
        SourceGroup.CREDIT: 60 * B,
        SourceGroup.MOBILISED: 300 * M,
    }
    assert report.credit.planned == 60 * B and report.non_credit.planned == 18_300 * M
    assert round(report.credit_share_planned, 2) == Decimal("76.63")
    assert report.unit == "billion"


def test_report_breakdown_by_district_and_by_commune(world, money):
    report = capital_by_source(user=world.users.province, year=2024, province=world.province)
    units = {(u.unit.code if u.unit else None): (u.planned, u.disbursed) for u in report.units}
    assert units == {"173": (7_300 * M, 1_500 * M), "171": (1 * B, 200 * M), None: (70 * B, 5 * B)}
    report = capital_by_source(user=world.users.province, year=2024, district=world.phu_binh)
    units = {(u.unit.code if u.unit else None): u.planned for u in report.units}
    assert units == {world.pb[0].code: 2 * B, world.pb[1].code: 300 * M, None: 5 * B}
    assert report.total.planned == 7_300 * M


@pytest.mark.parametrize(
    "role, planned",
    [
        ("admin", 78_300 * M),
        ("province", 78_300 * M),
        ("viewer", 78_300 * M),
        ("district", 7_300 * M),  # Phú Bình: its own line and its communes' lines
        ("commune", 2 * B),  # Tân Khánh only
        ("verifier", 7_300 * M),
        ("outsider", 0),
    ],
)
def test_report_is_limited_to_scope(world, money, role, planned):
    report = capital_by_source(user=getattr(world.users, role), year=2024)
    assert report.total.planned == planned
    lines, _ = line_list(user=getattr(world.users, role), filters={"year": "2024"})
    assert sum(line.planned_amount for line in lines) == planned


def test_an_area_outside_the_scope_adds_nothing(world, money):
    report = capital_by_source(user=world.users.district, year=2024, district=world.dai_tu)
    assert report.is_empty


def test_line_list_flags_lines_disbursed_above_plan(world):
    line = LineFactory(commune=world.pb[0], planned_amount=100 * M)
    DisbursementFactory(line=line, amount=60 * M)
    DisbursementFactory(line=line, amount=70 * M, note="bổ sung", exceeds_plan=True)
    lines, _ = line_list(user=world.users.province, filters={"over_plan": "true"})
    assert [(ln.pk, ln.disbursed, ln.over_plan) for ln in lines] == [(line.pk, 130 * M, 30 * M)]


def test_outstanding_construction_debt_counts_unsettled_only(world):
    commune = world.pb[1]
    assert outstanding_construction_debt(commune=commune) == 0
    DebtFactory(commune=commune, amount=300 * M)
    DebtFactory(commune=commune, amount=50 * M)
    DebtFactory(commune=commune, amount=999 * M, settled=True, settled_on=datetime.date(2024, 1, 5))
    DebtFactory(commune=world.pb[2], amount=5 * M)
    assert outstanding_construction_debt(commune=commune) == 350 * M
    assert outstanding_construction_debt(commune=world.pb[0]) == 0


def test_gate_reads_the_debt(world):
    """verification.gates reads construction debt through funding.selectors."""
    from verification import gates

    DebtFactory(commune=world.pb[1], amount=12 * M)
    assert gates.construction_debt(world.pb[1]) == 12 * M
    assert gates.construction_debt(world.pb[0]) == 0


def test_report_counts_payments_up_to_a_day_and_can_skip_the_breakdown(world, money):
    DisbursementFactory(line=money["pb0"], amount=300 * M, paid_on=datetime.date(2025, 1, 15))
    report = capital_by_source(user=world.users.province, year=2024)
    assert report.total.disbursed == 7_000 * M
    by_end = capital_by_source(user=world.users.province, year=2024, paid_by=datetime.date(2024, 12, 31))
    assert by_end.total.disbursed == 6_700 * M
    units = {(u.unit.code if u.unit else None): u.disbursed for u in by_end.units}
    assert units["173"] == 1_500 * M
    assert capital_by_source(user=world.users.province, year=2024, breakdown=False).units == []


def test_capital_by_year_per_source_group(world, money):
    from funding.selectors import capital_by_year

    years = capital_by_year(user=world.users.province, up_to=2024)
    assert [y.year for y in years] == [2023, 2024]
    assert years[0].groups[SourceGroup.BUDGET].planned == 7 * B and years[0].total.mobilised == 7 * B
    assert years[1].groups[SourceGroup.CREDIT].planned == 60 * B and years[1].total.planned == 78_300 * M
    assert [y.year for y in capital_by_year(user=world.users.province, up_to=2023)] == [2023]
    assert [y.year for y in capital_by_year(user=world.users.province, up_to=2024, last=1)] == [2024]
    district = capital_by_year(user=world.users.province, up_to=2024, district=world.dai_tu)
    assert [(y.year, y.total.planned) for y in district] == [(2024, 1 * B)]
    assert capital_by_year(user=world.users.commune, up_to=2024)[-1].total.planned == 2 * B
    assert capital_by_year(user=world.users.outsider, up_to=2024) == []


def test_report_default_year_is_the_latest_with_money_in_scope(world):
    users = world.users
    LineFactory(year=2025, commune=world.pb[0], planned_amount=3 * B, mobilised_amount=0)  # a plan, no money yet
    LineFactory(year=2024, commune=world.dt[0], planned_amount=1 * B, mobilised_amount=0)
    DisbursementFactory(line=LineFactory(year=2024, commune=world.dt[0], source=source("NSTW-DTPT"),
                                         planned_amount=1 * B, mobilised_amount=0), amount=100 * M)  # fmt: skip
    LineFactory(year=2023, commune=world.pb[1], planned_amount=1 * B, mobilised_amount=200 * M)
    assert report_default_year(user=users.province) == 2024  # paid out in Đại Từ, though nothing is mobilised
    assert report_default_year(user=users.district) == 2023  # Phú Bình: mobilised in 2023, only planned in 2025
    assert report_years(user=users.province) == [2025, 2024, 2023]


def test_report_default_year_falls_back_to_the_latest_plan(world):
    LineFactory(year=2024, commune=world.pb[0], mobilised_amount=0)
    LineFactory(year=2025, commune=world.pb[0], source=source("NSTW-DTPT"), mobilised_amount=0)
    assert report_default_year(user=world.users.commune) == 2025
    assert report_default_year(user=world.users.outsider) is None
