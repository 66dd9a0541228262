"""Commune groups (51/2025) and target regions per commune, with history: imported by official code, scoped to the
province office, and used by evaluation for the year of each scorecard. Levels without a 2026+ set are refused."""

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.spreadsheets import dataset_xlsx
from criteria import resources, services
from criteria.choices import StandardLevel, SubjectKind, TargetScheme
from criteria.loader import load_criteria
from criteria.models import Assessment, CommuneClassification
from criteria.selectors import classifications_in
from tests.communes.factories import CommuneFactory, ProvinceFactory, RegionFactory
from verification import services as verification_services

from .conftest import assess
from .factories import CriteriaSetFactory, CriterionFactory, IndicatorFactory, IndicatorTargetFactory

pytestmark = pytest.mark.django_db

HEADERS = resources.CLASSIFICATION_COLUMNS


def _file(rows):
    return dataset_xlsx(tablib.Dataset(*rows, headers=HEADERS))


def _import(user, rows):
    importer = resources.ClassificationImporter(user=user)
    return importer.confirm(importer.read(_file(rows), "groups.xlsx"))


def _check(user, rows):
    importer = resources.ClassificationImporter(user=user)
    return importer.build(importer.read(_file(rows), "groups.xlsx"))


@pytest.fixture
def group_set(db):
    """2026–2030: one percent indicator, at least 90 % in group 1, 80 % in group 2, 70 % in group 3."""
    s = CriteriaSetFactory(code="G26", year_from=2026, year_to=2030, target_scheme=TargetScheme.COMMUNE_GROUP)
    indicator = IndicatorFactory(criterion=CriterionFactory(criteria_set=s, number=1), code="1.1")
    for group, value in [(1, 90), (2, 80), (3, 70)]:
        IndicatorTargetFactory(indicator=indicator, commune_group=group, value=Decimal(value))
    return s


def test_import_records_history_and_evaluation_uses_the_group_of_each_year(world, group_set):
    commune = world.pb[0]
    plan, result = _import(
        world.users.province,
        [
            [commune.code, commune.name, 2026, 1, "", "QĐ 12/QĐ-UBND"],
            [int(commune.code), "", 2028, 3, "", "QĐ 40/QĐ-UBND"],  # Excel dropped the leading zero
        ],
    )
    assert plan.is_valid, plan.errors
    assert result == {"created": 2, "updated": 0}
    history = list(CommuneClassification.objects.filter(commune=commune).values_list("year_from", "commune_group"))
    assert history == [(2028, 3), (2026, 1)]
    assert CommuneClassification.history.filter(commune=commune).count() == 2

    by_year = {y: assess(commune, group_set, {"1.1": Decimal(75)}, year=y) for y in (2026, 2027, 2028)}
    assert [by_year[y].is_all_met for y in (2026, 2027, 2028)] == [False, False, True]
    assert "90" in by_year[2026].results.get().reasons

    # A later file changes 2026 to group 2 (the 2028 row stays): the scorecards of 2026 on are evaluated again.
    plan, result = _import(world.users.province, [[commune.code, "", 2026, 2, "", "QĐ 15/QĐ-UBND"]])
    assert result == {"created": 0, "updated": 1}
    assert [c.cells for c in plan.changes] == [(f"{commune.code} {commune.name}", "2026")]
    assert plan.changes[0].before == "Group 1" and plan.changes[0].after == "Group 2"
    met = dict(Assessment.objects.filter(commune=commune).values_list("year", "is_all_met"))
    assert met == {2026: False, 2027: False, 2028: True}
    assess(commune, group_set, {"1.1": Decimal(82)}, year=2027)
    assert Assessment.objects.get(commune=commune, year=2027).is_all_met


def test_years_before_any_classification_keep_the_commune_own_fields(world):
    other_region = RegionFactory(code="DBSH", name="Đồng bằng sông Hồng")
    commune = world.pb[1]
    _import(world.users.province, [[commune.code, "", 2026, 2, "DBSH", ""]])
    found = classifications_in({(commune.pk, 2023), (commune.pk, 2026), (commune.pk, 2030)})
    assert found[(commune.pk, 2023)] == (world.region.pk, None)
    assert found[(commune.pk, 2026)] == found[(commune.pk, 2030)] == (other_region.pk, 2)


def test_a_bad_row_refuses_the_file_and_writes_nothing(world):
    plan, result = _import(
        world.users.province,
        [
            [world.pb[0].code, "", 2026, 1, "", ""],
            [world.pb[1].code, "", 2026, 4, "", ""],
            [world.pb[2].code, "", "năm sau", 1, "", ""],
            [world.pb[0].code, "", 2026, 2, "", ""],
            ["99999", "", 2026, 1, "", ""],
            [world.dt[0].code, "", 2026, "", "XX", ""],
        ],
    )
    assert result is None
    assert {(e.row, e.column) for e in plan.errors} == {
        (3, "commune_group"),
        (4, "year_from"),
        (5, "year_from"),
        (6, "commune_code"),
        (7, "region"),
    }
    assert not CommuneClassification.objects.exists()


def test_a_province_office_classifies_only_its_communes(world):
    elsewhere = CommuneFactory(code="00004", province=ProvinceFactory(code="01"))
    plan = _check(world.users.province, [[elsewhere.code, "", 2026, 1, "", ""]])
    assert [(e.column, e.reason) for e in plan.errors] == [("commune_code", "No xã with code '00004' in your province")]
    # A district office (even with data entry) does not assign groups; the service says so too.
    with pytest.raises(Exception, match="province office"):
        services.classifications_record(
            entries=[services.ClassificationEntry(world.pb[0], 2026, 1, None)], actor=world.users.district
        )


@pytest.mark.parametrize("role", ["district", "commune", "viewer", "verifier", "outsider"])
def test_pages_refuse_roles_that_do_not_classify(client, world, role):
    client.force_login(getattr(world.users, role))
    assert client.get(reverse("criteria:classification_import")).status_code == 403
    assert client.get(reverse("criteria:classification_export")).status_code == 403


def test_template_then_import_through_the_page(client, world):
    client.force_login(world.users.province)
    template = client.get(reverse("criteria:classification_export"))
    assert template.status_code == 200
    from core.spreadsheets import read_dataset

    rows = read_dataset(template.content, "t.xlsx")
    assert [r[0] for r in rows] == sorted(c.code for c in world.communes)
    # Re-importing the empty template changes nothing.
    upload = SimpleUploadedFile("t.xlsx", template.content)
    unchanged = client.post(reverse("criteria:classification_import"), {"file": upload})
    assert unchanged.context["plan"].is_valid and not unchanged.context["plan"].changes
    filled = _file([[world.pb[0].code, "", 2026, 3, "", "QĐ 1"]])
    preview = client.post(reverse("criteria:classification_import"), {"file": SimpleUploadedFile("f.xlsx", filled)})
    assert preview.status_code == 200 and len(preview.context["plan"].changes) == 1
    client.post(reverse("criteria:classification_import"), {"confirm": "1", "token": preview.context["token"]})
    assert CommuneClassification.objects.get().commune_group == 3
    # The template now carries the history.
    again = read_dataset(client.get(reverse("criteria:classification_export")).content, "t.xlsx")
    assert [world.pb[0].code, 2026, 3] in [[r[0], r[2], r[3]] for r in again]


def test_template_query_count_is_the_same_for_3_and_30_communes(client, world, django_assert_max_num_queries):
    client.force_login(world.users.province)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("criteria:classification_export"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    CommuneClassification.objects.bulk_create(
        [CommuneClassification(commune=c, year_from=2026, commune_group=1) for c in world.pb]
    )
    with django_assert_max_num_queries(10):
        few = count()
    for _ in range(27):
        c = CommuneFactory(district=world.phu_binh)
        CommuneClassification.objects.create(commune=c, year_from=2026, commune_group=2)
    assert count() == few


# --- levels 51/2025 does not define ------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [StandardLevel.ADVANCED, StandardLevel.MODEL])
def test_advanced_and_model_dossiers_are_refused_from_2026(world, level):
    load_criteria()
    with pytest.raises(ValidationError) as exc:
        verification_services.dossier_create(
            actor=world.users.commune, subject_kind=SubjectKind.COMMUNE, level=level, year=2026, commune=world.pb[0]
        )
    assert "51/2025" in str(exc.value) and "level" in exc.value.message_dict
    # 2025 keeps the 2021–2025 levels, and the basic level has its 2026–2030 set.
    assert verification_services.dossier_create(
        actor=world.users.commune, subject_kind=SubjectKind.COMMUNE, level=level, year=2025, commune=world.pb[0]
    )
    assert verification_services.dossier_create(
        actor=world.users.commune,
        subject_kind=SubjectKind.COMMUNE,
        level=StandardLevel.BASIC,
        year=2026,
        commune=world.pb[0],
    )


def test_the_dossier_form_shows_the_refusal(client, world):
    load_criteria()
    client.force_login(world.users.commune)
    response = client.post(
        reverse("verification:dossier_add"),
        {"subject_kind": SubjectKind.COMMUNE, "commune": world.pb[0].pk, "level": StandardLevel.ADVANCED, "year": 2026},
    )
    assert response.status_code == 200
    assert "51/2025" in response.content.decode()


def test_a_level_opens_for_2026_once_an_office_loads_its_set(world):
    """The modern-commune pilot is a set like any other: loaded from a workbook, its level is offered."""
    from criteria import workbook
    from criteria.models import CriteriaSet

    load_criteria()
    with pytest.raises(ValidationError):
        verification_services.dossier_create(
            actor=world.users.commune,
            subject_kind="commune",
            level=StandardLevel.MODERN,
            year=2026,
            commune=world.pb[0],
        )
    spec = workbook.spec_of(CriteriaSet.objects.get(code="XA-NTM-2026"))
    spec.code, spec.level, spec.name = "XA-HD-2026", StandardLevel.MODERN, "Khung tiêu chí thí điểm xã NTM hiện đại"
    importer = workbook.CriteriaWorkbookImporter(user=world.users.admin)
    _plan, result = importer.confirm(importer.read(workbook.workbook(spec), "pilot.xlsx"))
    assert result["code"] == "XA-HD-2026"
    dossier = verification_services.dossier_create(
        actor=world.users.commune, subject_kind="commune", level=StandardLevel.MODERN, year=2026, commune=world.pb[0]
    )
    assert dossier.level == StandardLevel.MODERN


def test_group_import_takes_the_same_queries_for_3_and_30_rows(world):
    from django.contrib.auth import get_user_model

    def queries(communes):
        rows = [[c.code, "", 2026, 2, "", "QĐ 7"] for c in communes]
        officer = get_user_model().objects.get(pk=world.users.province.pk)  # no scope cached from the last call
        with CaptureQueriesContext(connection) as ctx:
            _plan, result = _import(officer, rows)
        assert result["created"] == len(communes)
        return len(ctx.captured_queries)

    extra = [CommuneFactory(district=world.phu_binh) for _ in range(27)]
    few = queries(world.pb)
    many = queries([*extra, *world.dt, CommuneFactory(district=world.dai_tu)])
    assert few == many
