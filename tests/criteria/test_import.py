"""Excel round trip: export the template, import with a dry-run preview, refuse any bad file whole."""

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria import resources, services
from criteria.choices import Comparator, ValueType
from criteria.models import Assessment, IndicatorValue

from .conftest import assess
from .factories import CriterionFactory, IndicatorFactory, simple_set

pytestmark = pytest.mark.django_db

HEADERS = ["year", "set", "commune_code", "indicator_code", "value", "note"]


@pytest.fixture
def typed_set(db):
    """Percent, bool, count and amount indicators."""
    s = simple_set(n_criteria=1, code="IMP")
    CriterionFactory(criteria_set=s, number=2)
    c2 = s.criteria.get(number=2)
    IndicatorFactory(criterion=c2, code="2.1", value_type=ValueType.BOOL, comparator=Comparator.MET, unit="")
    c3 = CriterionFactory(criteria_set=s, number=3)
    count = IndicatorFactory(criterion=c3, code="3.1", value_type=ValueType.COUNT, comparator=Comparator.GTE, unit="")
    count.targets.create(value=1)
    amount = IndicatorFactory(
        criterion=c3, code="3.2", value_type=ValueType.AMOUNT, comparator=Comparator.GTE, unit="đồng"
    )
    amount.targets.create(value=1_000_000)
    return s


def dataset(rows, headers=HEADERS):
    ds = tablib.Dataset(headers=headers)
    for row in rows:
        ds.append(row)
    return ds


def good_rows(world, code="IMP"):
    return [
        [2023, code, world.pb[0].code, "1.1", "93,7", "theo báo cáo"],
        [2023, code, world.pb[0].code, "2.1", "Đạt", ""],
        [2023, code, world.pb[0].code, "3.1", "2", ""],
        [2023, code, world.pb[0].code, "3.2", "1.500.000", ""],
        [2023, code, world.pb[1].code, "1.1", "72", ""],
        [2023, code, world.pb[1].code, "2.1", "Không đạt", ""],
    ]


def snapshot():
    return (
        list(Assessment.objects.order_by("pk").values_list("pk", "criteria_met", "locked_at")),
        list(
            IndicatorValue.objects.order_by("pk").values_list("pk", "value_number", "value_bool", "value_text", "note")
        ),
    )


def test_clean_file_imports_with_vietnamese_numbers(world, typed_set):
    plan = resources.ValuesImporter(user=world.users.district).build(dataset(good_rows(world)))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged) == (6, 0, 0)
    assert not Assessment.objects.exists()  # the dry run writes nothing
    result = services.values_import_apply(plan=plan, actor=world.users.district)
    assert result == {"created": 6, "updated": 0, "assessments": 2}
    a = Assessment.objects.get(commune=world.pb[0])
    assert (a.criteria_met, a.criteria_total, a.is_all_met) == (3, 3, True)
    values = {v.indicator.code: v for v in IndicatorValue.objects.filter(assessment=a).select_related("indicator")}
    assert values["1.1"].value_number == Decimal("93.7") and values["1.1"].note == "theo báo cáo"
    assert values["2.1"].value_bool is True
    assert values["3.2"].value_number == 1_500_000
    assert values["1.1"].history.first().history_user == world.users.district
    b = Assessment.objects.get(commune=world.pb[1])
    assert b.criteria_met == 0

    # Re-importing the same file changes nothing; a changed value is an update.
    plan = resources.ValuesImporter(user=world.users.district).build(dataset(good_rows(world)))
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 6)
    rows = good_rows(world)
    rows[4][4] = "85"
    plan = resources.ValuesImporter(user=world.users.district).build(dataset(rows))
    assert (plan.new, plan.changed, plan.unchanged) == (0, 1, 5)
    assert plan.preview[0].before == "72" and plan.preview[0].after == "85"
    services.values_import_apply(plan=plan, actor=world.users.district)
    assert Assessment.objects.get(commune=world.pb[1]).criteria_met == 1


BAD_CASES = [
    ("unknown commune", lambda r: r[0].__setitem__(2, "99999"), "commune_code", "Unknown commune code '99999'"),
    ("unknown indicator", lambda r: r[1].__setitem__(3, "9.9"), "indicator_code", "Unknown indicator '9.9'"),
    ("unknown set", lambda r: r[1].__setitem__(1, "NOPE"), "set", "Unknown criteria set 'NOPE'"),
    ("text in a percent", lambda r: r[0].__setitem__(4, "nhiều"), "value", "is not a number"),
    ("percent above 100", lambda r: r[0].__setitem__(4, "193,7"), "value", "between 0 and 100"),
    ("yes/no nonsense", lambda r: r[1].__setitem__(4, "có lẽ"), "value", "is not a yes/no answer"),
    ("fraction in a count", lambda r: r[2].__setitem__(4, "2,5"), "value", "not a whole number"),
    ("bad year", lambda r: r[3].__setitem__(0, "năm nay"), "year", "is not a year"),
    ("year outside set", lambda r: r[3].__setitem__(0, 2030), "year", "does not cover 2030"),
    ("outside scope", lambda r: r[5].__setitem__(2, "05650"), "commune_code", "outside your area"),
    ("duplicate", lambda r: r.append(list(r[0])), "indicator_code", "Same commune, set, year and indicator as row 2"),
]


@pytest.mark.parametrize(("case", "spoil", "column", "reason"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_any_bad_row_refuses_the_whole_file(world, typed_set, case, spoil, column, reason):
    assess(world.pb[0], typed_set, {"1.1": Decimal(50)})
    before = snapshot()
    rows = good_rows(world)
    spoil(rows)
    from django.utils import translation

    with translation.override("en"):
        plan = resources.ValuesImporter(user=world.users.district).build(dataset(rows))
    assert not plan.is_valid
    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert error.column == column and reason in error.reason
    assert error.row >= 2
    with pytest.raises(Exception):  # noqa: B017 - refused whatever the exception type
        services.values_import_apply(plan=plan, actor=world.users.district)
    assert snapshot() == before


def test_missing_columns_are_reported(world, typed_set):
    plan = resources.ValuesImporter(user=world.users.district).build(
        dataset([[2023, "IMP", "05797"]], headers=["year", "set", "commune_code"])
    )
    assert plan.errors[0].row == 1 and "indicator_code" in plan.errors[0].column


def test_locked_assessment_refuses_the_file(world, typed_set):
    a = assess(world.pb[0], typed_set, {"1.1": Decimal(50)})
    services.assessment_lock(assessment=a, actor=world.users.district, reason="Hồ sơ 2023")
    before = snapshot()
    plan = resources.ValuesImporter(user=world.users.district).build(dataset(good_rows(world)))
    assert not plan.is_valid and all("locked" in e.reason for e in plan.errors)
    assert [e.row for e in plan.errors] == [2, 3, 4, 5]
    assert snapshot() == before


def test_read_only_role_cannot_import_even_its_own_area(world, typed_set):
    plan = resources.ValuesImporter(user=world.users.viewer).build(dataset(good_rows(world)))
    assert not plan.is_valid
    assert {e.column for e in plan.errors} == {"commune_code"}


def test_plan_uses_a_fixed_number_of_queries(world, typed_set):
    def count(rows):
        with CaptureQueriesContext(connection) as ctx:
            plan = resources.ValuesImporter(user=world.users.province).build(dataset(rows))
        assert plan.is_valid, plan.errors
        return len(ctx.captured_queries)

    count(good_rows(world)[:1])  # the user's scope is looked up once and cached on the user
    few = count(good_rows(world)[:2])
    many_rows = [
        [2023, "IMP", c.code, code, v, ""]
        for c in world.communes
        for code, v in [("1.1", "90"), ("2.1", "Đạt"), ("3.1", 3), ("3.2", "2.000.000")]
    ]
    assert count(many_rows) == few


# --- pages ------------------------------------------------------------------------------------------------------


def _xlsx(rows, headers=HEADERS):
    return dataset(rows, headers).export("xlsx")


def test_export_template_round_trip(client, world, typed_set):
    assess(world.pb[0], typed_set, {"1.1": Decimal("93.7")})
    client.force_login(world.users.district)
    response = client.get(reverse("criteria:export"), {"year": 2023, "criteria_set": "IMP", "file_format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows[0]
    assert header[:5] == ("Year", "Criteria set (code)", "Commune code", "Commune", "Indicator code")
    body = [dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]
    assert {r["Commune code"] for r in body} == {c.code for c in world.pb}  # only the district's communes
    assert len(body) == 3 * 4
    filled = next(r for r in body if r["Commune code"] == world.pb[0].code and r["Indicator code"] == "1.1")
    assert filled["Value"] == 93.7 and filled["Target that applies"] == "≥ 80"  # a number, the target beside it
    # Fill in the downloaded file and upload it.
    ws = openpyxl.load_workbook(io.BytesIO(response.content))
    sh = ws.active
    for row in sh.iter_rows(min_row=2):
        if row[4].value == "1.1":
            row[9].value = "88,5"
    out = io.BytesIO()
    ws.save(out)
    upload = SimpleUploadedFile("dien.xlsx", out.getvalue())
    preview = client.post(reverse("criteria:import"), {"file": upload})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.new, plan.changed) == (2, 1)
    assert IndicatorValue.objects.count() == 1  # nothing written by the preview
    confirm = client.post(reverse("criteria:import"), {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302
    assert set(IndicatorValue.objects.values_list("value_number", flat=True)) == {Decimal("88.5")}
    assert Assessment.objects.count() == 3


def test_export_is_scoped_for_the_commune_officer(client, world, typed_set):
    client.force_login(world.users.commune)
    response = client.get(reverse("criteria:export"), {"year": 2023, "criteria_set": "IMP", "file_format": "csv"})
    text = response.content.decode("utf-8")
    assert world.pb[0].code in text and world.pb[1].code not in text


def test_upload_with_a_bad_row_shows_row_column_reason_and_writes_nothing(client, world, typed_set):
    client.force_login(world.users.district)
    rows = good_rows(world)
    rows[3][4] = "một triệu"
    response = client.post(
        reverse("criteria:import"), {"file": SimpleUploadedFile("x.xlsx", _xlsx(rows))}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was written" in html and "<td>5</td><td>Value (value)</td>" in html
    assert not Assessment.objects.exists() and not IndicatorValue.objects.exists()


def test_confirm_rechecks_the_file(client, world, typed_set):
    client.force_login(world.users.district)
    preview = client.post(
        reverse("criteria:import"),
        {"file": SimpleUploadedFile("x.csv", dataset(good_rows(world)).export("csv").encode())},
    )
    token = preview.context["token"]
    # Meanwhile the assessment gets locked by a dossier: the confirm refuses and writes nothing new.
    a = services.assessment_get_or_create(commune=world.pb[0], year=2023, criteria_set=typed_set)
    services.assessment_lock(assessment=a, actor=world.users.verifier, reason="Hồ sơ")
    response = client.post(reverse("criteria:import"), {"confirm": "1", "token": token})
    assert response.status_code == 200 and response.context["plan"].errors
    assert not IndicatorValue.objects.exists()
    assert client.post(reverse("criteria:import"), {"confirm": "1", "token": "forged"}).status_code == 302


@pytest.mark.parametrize(
    ("username", "status"), [("viewer", 403), ("verifier", 403), ("outsider", 403), ("front", 403)]
)
def test_import_needs_a_data_entry_role(client, world, typed_set, username, status):
    client.force_login(getattr(world.users, username))
    assert client.get(reverse("criteria:import")).status_code == status
    response = client.post(reverse("criteria:import"), {"file": SimpleUploadedFile("x.xlsx", _xlsx(good_rows(world)))})
    assert response.status_code == status
    assert not IndicatorValue.objects.exists()


def test_wrong_file_type_is_refused(client, world, typed_set):
    client.force_login(world.users.district)
    response = client.post(reverse("criteria:import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert response.context["import_form"].errors["file"]


def test_export_page_says_what_the_import_page_says_and_offers_only_the_sets_of_the_year(client, world, typed_set):
    from tests.criteria.factories import CriteriaSetFactory

    later = CriteriaSetFactory(code="NEXT", year_from=typed_set.year_to + 1, year_to=typed_set.year_to + 5)
    assess(world.pb[0], typed_set, {"1.1": Decimal("93.7")})
    client.force_login(world.users.district)

    def section(html, testid):
        return html.split(f'data-testid="{testid}"', 1)[1].split("</div>", 1)[0]

    export_page = client.get(reverse("criteria:export")).content.decode()
    import_page = client.get(reverse("criteria:import")).content.decode()
    instructions = section(import_page, "import-instructions")
    assert "Đạt" in instructions and section(export_page, "import-instructions") == instructions
    assert "Value (<code>value</code>)" in export_page  # columns named as the template's headers
    # The latest assessed year (2023) is chosen: only the sets that apply to it are offered.
    assert 'value="IMP"' in export_page and 'value="NEXT"' not in export_page
    next_year = client.get(reverse("criteria:export"), {"year": later.year_from}).content.decode()
    assert 'value="NEXT"' in next_year and 'value="IMP"' not in next_year
