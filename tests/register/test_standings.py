"""Stored standings (register.standings): kept in step by every write, equal to a rebuild, and the dashboards they
feed never show a figure older than the last write."""

from decimal import Decimal

import pytest
from django.urls import reverse

from criteria.choices import StandardLevel
from register.models import Standing
from register.standings import FIRST_YEAR, standings_rebuild, standings_refresh
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.reports.conftest import D, recognise, stored_assessment

pytestmark = pytest.mark.django_db


def _snapshot():
    return sorted(
        Standing.objects.values_list(
            "commune_id",
            "year",
            "province_id",
            "district_id",
            "is_xa",
            "level",
            "level_for_year",
            "basic_assessment_id",
            "criteria_met",
            "criteria_total",
            "is_all_met",
        )
    )


def test_each_write_keeps_the_standings_as_a_rebuild_would(world, records):
    """Recognitions, revocations, scorecards (stored and entered), a merged commune: the rows the writes left equal
    the rows a rebuild computes from the records."""
    recognise(world.pb[2], StandardLevel.MODEL, on=D(2023, 3, 1))
    revoked = recognise(world.dt[1], on=D(2019, 5, 1))
    revoked.revoked_on = D(2024, 2, 1)
    revoked.save()
    basic = simple_set(n_criteria=2, code="TEST-STANDING")
    assess(world.dt[0], basic, {"1.1": Decimal(95), "2.1": Decimal(60)}, year=2024)
    merged = world.pb[1]
    merged.valid_to = D(2025, 7, 1)
    merged.save()
    incremental = _snapshot()
    assert incremental, "the writes left no standings"
    standings_rebuild()
    assert _snapshot() == incremental


def test_a_standing_reads_a_level_both_ways_and_the_latest_scorecard(world, records):
    commune = world.pb[2]
    # Decided in March 2024 for the year 2023, as provinces often do.
    recognise(commune, StandardLevel.ADVANCED, on=D(2024, 3, 15), year=2023)
    s2023 = Standing.objects.get(commune=commune, year=2023)
    s2024 = Standing.objects.get(commune=commune, year=2024)
    assert s2023.level_for_year == StandardLevel.ADVANCED and s2023.level != StandardLevel.ADVANCED
    assert s2024.level == StandardLevel.ADVANCED
    later = stored_assessment(commune, records.basic, set(range(1, 18)), year=2024)
    assert Standing.objects.get(commune=commune, year=2024).basic_assessment_id == later.pk
    assert Standing.objects.get(commune=commune, year=2025).criteria_met == 17  # latest up to the year
    assert not Standing.objects.filter(year=FIRST_YEAR - 1).exists()


def test_units_that_no_longer_exist_have_no_standing_after_they_end(world, records):
    commune = world.pb[0]
    commune.valid_to = D(2025, 7, 1)
    commune.save()
    years = set(Standing.objects.filter(commune=commune).values_list("year", flat=True))
    assert 2024 in years and 2025 not in years


def test_refreshing_no_commune_writes_nothing(world, records):
    before = _snapshot()
    assert standings_refresh(commune_ids=[]) == 0
    assert _snapshot() == before


def test_the_dashboard_never_shows_a_figure_older_than_the_last_write(client, world, records):
    """The dashboard's figures are cached; each write that changes them (a recognition, a revocation, entered
    values) shows on the very next page."""
    client.force_login(world.users.province)

    def ntm():
        html = client.get(reverse("reports:dashboard"), {"year": 2024}).content.decode()
        return html.split('id="stat-ntm"')[1].split(">")[1].split("<")[0]

    first = ntm()
    assert ntm() == first  # from the cache
    recognition = recognise(world.dt[1], on=D(2024, 5, 1))  # Phú Xuyên, revoked in 2023
    second = ntm()
    assert second != first
    recognition.revoked_on = D(2024, 6, 1)
    recognition.save()
    assert ntm() == first

    # Values entered for a scorecard: evaluation (a bulk write) moves the standing and the cached buckets on.
    def all_met():
        html = client.get(reverse("reports:dashboard"), {"year": 2024}).content.decode()
        return html.split('id="buckets-table"')[1].split("</table>")[0]

    before = all_met()
    commune = world.dt[0]
    assess(commune, records.basic, {i.code: Decimal(99) for i in _indicators(records.basic)}, year=2024)
    assert Standing.objects.get(commune=commune, year=2024).is_all_met
    assert all_met() != before


def _indicators(criteria_set):
    from criteria.models import Indicator

    return Indicator.objects.filter(criterion__criteria_set=criteria_set)


def test_the_dashboard_of_today_is_cached_and_moves_on_with_each_write(client, world, records):
    """The dashboard opens "as of today" (not a year's end): its figures are cached for that date too, and a decision
    or a revocation recorded today shows on the very next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client.force_login(world.users.province)
    today = timezone.localdate()

    def ntm():
        html = client.get(reverse("reports:dashboard")).content.decode()
        return html.split('id="stat-ntm"')[1].split(">")[1].split("<")[0]

    with CaptureQueriesContext(connection) as computed:
        first = ntm()
    with CaptureQueriesContext(connection) as cached:
        assert ntm() == first
    assert len(cached) < len(computed)  # the figures came from the cache
    recognition = recognise(world.dt[1], on=today)
    assert ntm() != first
    recognition.revoked_on = today
    recognition.save()
    assert ntm() == first
