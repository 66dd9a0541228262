"""Dashboard and report figures computed from records, as they stood at the end of each year, per role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.choices import StandardLevel
from criteria.models import Assessment, CriterionResult
from reports import selectors
from tests.criteria.factories import simple_set
from verification.choices import DossierStatus

from .conftest import D, recognise, stored_assessment

END_2022, END_2023, END_2024 = D(2022, 12, 31), D(2023, 12, 31), D(2024, 12, 31)


def headline(user, as_of, **kw):
    h = selectors.unit_figures(user=user, as_of=as_of, **kw).headline
    return (h.ntm, h.xa_total, h.advanced, h.model, h.model_hamlets, h.districts_done, h.districts_total)


def test_province_figures_at_the_end_of_each_year(world, records):
    user = world.users.province
    # 2023: Bảo Lý's decision is dated 2024, Phú Xuyên was revoked in June 2023, the township is not a xã.
    assert headline(user, END_2023) == (3, 5, 1, 1, 1, 1, 2)
    # 2022: Phú Xuyên still in force, the model decision (Oct 2023) and the district (May 2023) not yet taken.
    assert headline(user, END_2022) == (4, 5, 1, 0, 0, 0, 2)
    assert headline(user, END_2024) == (4, 5, 1, 1, 1, 1, 2)
    assert headline(user, D(2010, 12, 31)) == (0, 5, 0, 0, 0, 0, 2)


def test_revocation_counts_from_its_date(world, records):
    user = world.users.province
    recognise(world.pb[2], on=D(2021, 1, 10), revoked_on=D(2022, 12, 31))
    # Revoked on the last day of 2022: no longer in force at the end of 2022.
    assert headline(user, END_2022)[0] == 4
    assert headline(user, D(2022, 12, 30))[0] == 5


def test_units_that_no_longer_exist_leave_the_count(world, records):
    """A commune merged away in 2023 counts at the end of 2022, not at the end of 2023 (with its recognition)."""
    merged = world.pb[0]
    merged.valid_to = D(2023, 7, 1)
    merged.save()
    assert headline(world.users.province, END_2022)[:2] == (4, 5)
    assert headline(world.users.province, END_2023)[:2] == (2, 4)


def test_higher_levels_count_at_every_lower_level(world, records):
    """A commune registered only at the model level counts as NTM, advanced and model."""
    recognise(world.pb[2], StandardLevel.MODEL, on=D(2023, 3, 1))
    ntm, total, advanced, model, *_ = headline(world.users.province, END_2023)
    assert (ntm, total, advanced, model) == (4, 5, 2, 2)


def test_rows_by_district_for_the_province(world, records):
    figures = selectors.unit_figures(user=world.users.province, as_of=END_2023)
    assert figures.by == "district"
    rows = {r.code: r for r in figures.rows}
    pb, dt = rows["173"], rows["171"]
    assert (pb.xa_total, pb.ntm, pb.advanced, pb.model, pb.model_hamlets, pb.district_done) == (3, 2, 1, 1, 1, True)
    assert (dt.xa_total, dt.ntm, dt.advanced, dt.model, dt.model_hamlets, dt.district_done) == (2, 1, 0, 0, 0, False)
    assert [r.code for r in figures.rows] == ["171", "173"]


def test_rows_by_commune_for_a_district_user(world, records):
    figures = selectors.unit_figures(user=world.users.district, as_of=END_2023)
    assert figures.by == "commune"
    assert [(r.code, r.level, r.criteria_met, r.model_hamlets) for r in figures.rows] == [
        ("05797", StandardLevel.BASIC, 19, 1),
        ("05800", StandardLevel.MODEL, 19, 0),
        ("05803", "", 16, 0),
    ]
    assert headline(world.users.district, END_2023) == (2, 3, 1, 1, 1, 1, 1)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", (3, 5, 1, 1, 1, 1, 2)),
        ("province", (3, 5, 1, 1, 1, 1, 2)),
        ("viewer", (3, 5, 1, 1, 1, 1, 2)),
        ("front", (3, 5, 1, 1, 1, 1, 2)),
        ("district", (2, 3, 1, 1, 1, 1, 1)),
        ("verifier", (2, 3, 1, 1, 1, 1, 1)),
        ("commune", (1, 1, 0, 0, 1, 0, 0)),
        ("outsider", (0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_figures_follow_the_scope(world, records, role, expected):
    assert headline(getattr(world.users, role), END_2023) == expected


def test_other_provinces_are_not_counted(world, records):
    from tests.communes.factories import CommuneFactory

    elsewhere = CommuneFactory()  # a commune of another province, recognised
    recognise(elsewhere, on=D(2020, 1, 1))
    assert headline(world.users.province, END_2023)[:2] == (3, 5)
    assert headline(world.users.admin, END_2023)[:2] == (4, 6)


def test_sorting(world, records):
    rows = selectors.unit_figures(user=world.users.district, as_of=END_2023).rows
    ordered, sort = selectors.sort_rows(rows, "-criteria_met")
    assert sort == "-criteria_met" and [r.criteria_met for r in ordered] == [19, 19, 16]
    ordered, _ = selectors.sort_rows(rows, "level")
    assert [r.code for r in ordered] == ["05803", "05797", "05800"]
    ordered, sort = selectors.sort_rows(rows, "nonsense")
    assert sort == "code" and ordered == rows


def test_criteria_buckets(world, records):
    buckets = selectors.criteria_buckets(user=world.users.province, year=2023)
    assert (buckets["all_met"], buckets["met_15_plus"], buckets["met_10_14"], buckets["met_below_10"]) == (2, 1, 1, 1)
    assert selectors.criteria_buckets(user=world.users.province, year=2022) is None
    assert selectors.assessment_year_for(user=world.users.province, year=2025) == 2023
    assert selectors.assessment_year_for(user=world.users.province, year=2022) is None
    district = selectors.criteria_buckets(user=world.users.district, year=2023)
    assert district["assessed"] == 3 and district["met_below_10"] == 0


def test_criteria_buckets_follow_the_size_of_the_set(world, records):
    """The 10 criteria of 2026–2030 bucket as all, 8–9, 5–7, below 5 (the 19-criteria shares), not "below 10";
    a year counting scorecards of both sizes names each size's range. Still one query."""
    assert selectors.bucket_bounds(19) == (15, 10) and selectors.bucket_bounds(10) == (8, 5)
    assert selectors.criteria_buckets(user=world.users.province, year=2023)["labels"] == [
        "All criteria met",
        "15 to 18",
        "10 to 14",
        "Below 10",
    ]
    new_set = simple_set(n_criteria=10, code="TEST-NTM-2026")
    pb, dt = world.pb, world.dt
    for commune, n in {pb[0]: 10, pb[1]: 9, pb[2]: 8, dt[0]: 6}.items():
        stored_assessment(commune, new_set, set(range(1, n + 1)), year=2026)
    stored_assessment(dt[1], new_set, {1, 2, 3, 4}, year=2026)
    with CaptureQueriesContext(connection) as queries:
        buckets = selectors.criteria_buckets(user=world.users.province, year=2026)
    assert sum("register_standing" in q["sql"] for q in queries.captured_queries) == 1
    assert (buckets["all_met"], buckets["met_15_plus"], buckets["met_10_14"], buckets["met_below_10"]) == (1, 2, 1, 1)
    assert buckets["labels"] == ["All criteria met", "8 to 9", "5 to 7", "Below 5"]
    assert [n for _label, n in buckets["rows"]] == [1, 2, 1, 1] and buckets["average_met"] == 37 / 5
    # Đại Từ's second commune keeps its 2023 scorecard (19 criteria, 8 met) in 2026: both sizes are named.
    CriterionResult.objects.filter(assessment__commune=dt[1], assessment__year=2026).delete()
    Assessment.objects.filter(commune=dt[1], year=2026).delete()
    mixed = selectors.criteria_buckets(user=world.users.province, year=2026)
    assert (mixed["all_met"], mixed["met_15_plus"], mixed["met_10_14"], mixed["met_below_10"]) == (1, 2, 1, 1)
    assert mixed["labels"][1:] == [
        "15 to 18 of 19; 8 to 9 of 10",
        "10 to 14 of 19; 5 to 7 of 10",
        "Below 10 of 19; Below 5 of 10",
    ]


def test_a_later_scorecard_replaces_the_earlier_one_and_the_rest_still_count(world, records):
    """A year in which only some communes were re-assessed: each commune counts with its latest scorecard."""
    stored_assessment(world.pb[2], records.basic, set(range(1, 20)), year=2024)  # Bảo Lý: 16 → 19 met
    later = selectors.criteria_buckets(user=world.users.province, year=2024)
    assert later["assessed"] == 5 and later["all_met"] == 3 and later["met_15_plus"] == 0
    assert selectors.criteria_buckets(user=world.users.province, year=2023)["all_met"] == 2
    rows = selectors.unit_figures(user=world.users.district, as_of=D(2024, 12, 31)).rows
    assert [r.criteria_met for r in rows] == [19, 19, 19]


def test_years(world, records):
    this_year = timezone.localdate().year
    years = selectors.data_years(user=world.users.province)
    assert years[0] == this_year and years[-1] == 2018
    assert selectors.default_year(user=world.users.province) == 2024  # the latest decision (Bảo Lý, Jan 2024)
    assert selectors.default_year(user=world.users.outsider) == this_year


def test_criteria_matrix(world, records):
    matrix = selectors.criteria_matrix(user=world.users.province, year=2023)
    assert [c.number for c in matrix.columns] == list(range(1, 20))
    rows = {r.assessment.commune.code: r for r in matrix.rows}
    assert len(rows) == 5
    assert rows["05650"].cells == [True] * 12 + [False] * 7
    assert rows["05800"].level == StandardLevel.MODEL and rows["05803"].level == ""
    assert rows["05797"].level_label
    district = selectors.criteria_matrix(user=world.users.district, year=2023)
    assert {r.assessment.commune.code for r in district.rows} == {"05797", "05800", "05803"}
    only_dt = selectors.criteria_matrix(user=world.users.province, year=2023, district=world.dai_tu)
    assert {r.assessment.commune.code for r in only_dt.rows} == {"05650", "05653"}
    assert selectors.criteria_matrix(user=world.users.outsider, year=2023).rows == []
    assert selectors.criteria_matrix(user=world.users.province, year=2023, level=StandardLevel.ADVANCED).rows == []


def test_revocation_risk(world, records):
    rows = list(selectors.revocation_risk(user=world.users.province, year=2023))
    assert {(a.commune.code, a.is_recognised) for a in rows} == {("05650", True), ("05653", False)}
    assert list(selectors.revocation_risk(user=world.users.district, year=2023)) == []


def test_recognition_register_as_of(world, records):
    qs, _ = selectors.recognition_register(user=world.users.province, as_of=END_2023)
    rows = list(qs)
    assert not any(r.decision_date > END_2023 for r in rows)
    revoked = [r for r in rows if r.revoked_by_then]
    assert [r.commune.code for r in revoked] == ["05653"]
    qs, _ = selectors.recognition_register(user=world.users.province, as_of=END_2022)
    assert not any(r.revoked_by_then for r in qs)
    qs, _ = selectors.recognition_register(user=world.users.district, as_of=END_2023)
    units = {str(r.subject) for r in qs}
    assert "Xã Hùng Sơn" not in units and "Huyện Phú Bình" in units


def test_queue_counts(world, records):
    from tests.verification.factories import DossierFactory

    DossierFactory(
        commune=world.pb[2], status=DossierStatus.SUBMITTED, created_by=world.users.commune, stage="verification"
    )
    counts = {q.role: q.count for q in selectors.queue_counts(user=world.users.verifier)}
    assert counts == {"verifier": 1}
    assert selectors.queue_counts(user=world.users.province) == []
    assert selectors.dossiers_in_progress(user=world.users.district) == {"verification": 1}
    assert selectors.dossiers_in_progress(user=world.users.outsider) == {}


def test_access_district(world):
    assert selectors.access_district(user=world.users.district, pk=world.phu_binh.pk) == world.phu_binh
    assert selectors.access_district(user=world.users.commune, pk=world.phu_binh.pk) == world.phu_binh
    from django.http import Http404

    for user, pk in [
        (world.users.district, world.dai_tu.pk),
        (world.users.commune, world.dai_tu.pk),
        (world.users.outsider, world.phu_binh.pk),
        (world.users.province, "x"),
    ]:
        with pytest.raises(Http404):
            selectors.access_district(user=user, pk=pk)
