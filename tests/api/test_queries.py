"""Each API page costs the same number of queries with 3 rows as with 30 (select_related / prefetch_related in the
viewsets), and stays under a fixed budget."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import UnitSuccession
from criteria.choices import StandardLevel
from programs.choices import TargetKind
from tests.api.conftest import recognise
from tests.communes.factories import CommuneFactory, DistrictFactory
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.funding.factories import LineFactory
from tests.programs.factories import AnnualPlanFactory, PlanTargetFactory
from tests.verification.factories import DossierFactory
from verification.models import DossierEvent

pytestmark = pytest.mark.django_db

BUDGET = 12  # token, scope, page, prefetches; the same at any size


class Builder:
    def __init__(self, world):
        self.world = world
        self.made = 0
        self.criteria_set = None

    def communes(self, n):
        made = []
        for _ in range(n):
            self.made += 1
            commune = CommuneFactory(district=self.world.phu_binh, code=f"08{self.made:03d}")
            UnitSuccession.objects.create(
                level="commune",
                predecessor_commune=self.world.pb[2],
                successor_commune=commune,
                effective_date=datetime.date(2024, 12, 1),
            )
            made.append(commune)
        return made

    def assessments(self, n):
        self.criteria_set = self.criteria_set or simple_set(n_criteria=3)
        return [assess(c, self.criteria_set, {"1.1": Decimal(90), "2.1": Decimal(50)}) for c in self.communes(n)]

    def recognitions(self, n):
        return [
            recognise(c, level=StandardLevel.ADVANCED, year=2020, revoked_on=datetime.date(2023, 1, 1))
            for c in self.communes(n)
        ]

    def dossiers(self, n):
        made = []
        for commune in self.communes(n):
            dossier = DossierFactory(commune=commune, created_by=self.world.users.commune)
            DossierEvent.objects.create(
                dossier=dossier,
                action="submit",
                from_status="draft",
                to_status="submitted",
                actor=self.world.users.commune,
            )
            made.append(dossier)
        return made

    def plans(self, n):
        for _ in range(n):
            self.made += 1
            plan = AnnualPlanFactory(province=self.world.province, year=1900 + self.made)
            PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES)
            PlanTargetFactory(plan=plan, kind=TargetKind.ADVANCED_COMMUNES)

    def districts(self, n):
        for _ in range(n):
            self.made += 1
            DistrictFactory(province=self.world.province, code=f"9{self.made:02d}")

    def lines(self, n):
        return [LineFactory(commune=c) for c in self.communes(n)]


LISTS = [
    ("/api/v1/communes/?page_size=100", "communes"),
    ("/api/v1/districts/?page_size=100", "districts"),
    ("/api/v1/standings/?year=2023&page_size=100", "communes"),
    ("/api/v1/assessments/?page_size=100", "assessments"),
    ("/api/v1/indicator-values/?page_size=200", "assessments"),
    ("/api/v1/recognitions/?page_size=100", "recognitions"),
    ("/api/v1/revocations/?page_size=100", "recognitions"),
    ("/api/v1/dossiers/?page_size=100", "dossiers"),
    ("/api/v1/plans/?page_size=100", "plans"),
    ("/api/v1/capital-lines/?page_size=100", "lines"),
    ("/api/v1/dhis2/dataValueSets/?year=2023", "assessments"),
    ("/api/v1/capital-by-source/?year=2024", "lines"),
]


def _queries(client, url):
    client.get(url)  # the token's last use is written at most once a minute: not part of a page's cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response


@pytest.mark.parametrize(("url", "kind"), LISTS, ids=[u for u, _k in LISTS])
def test_list_queries_do_not_grow_with_rows(world, api, url, kind, django_assert_max_num_queries):
    build = Builder(world)
    client = api("province")
    getattr(build, kind)(3)
    small, response = _queries(client, url)
    getattr(build, kind)(27)
    large, response_large = _queries(client, url)
    assert len(response_large.content) > len(response.content)
    assert large == small, f"{url}: {small} queries for 3 rows, {large} for 30"
    with django_assert_max_num_queries(BUDGET):
        client.get(url)


def test_detail_queries_do_not_grow_with_rows(world, api):
    build = Builder(world)
    client = api("province")
    small_set, large_set = simple_set(n_criteria=3, code="S3"), simple_set(n_criteria=30, code="S30")
    counts = []
    for criteria_set in (small_set, large_set):
        commune = build.communes(1)[0]
        assessment = assess(commune, criteria_set, {"1.1": Decimal(90)})
        dossier = DossierFactory(commune=commune, created_by=world.users.commune)
        for _ in range(len(criteria_set.criteria.all())):
            DossierEvent.objects.create(
                dossier=dossier, action="submit", from_status="draft", to_status="submitted", actor=world.users.commune
            )
        counts.append(
            [
                _queries(client, f"/api/v1/criteria-sets/{criteria_set.code}/")[0],
                _queries(client, f"/api/v1/assessments/{assessment.pk}/")[0],
                _queries(client, f"/api/v1/dossiers/{dossier.pk}/")[0],
                _queries(client, f"/api/v1/communes/{commune.code}/")[0],
            ]
        )
    assert counts[0] == counts[1]
    assert max(counts[1]) <= BUDGET
