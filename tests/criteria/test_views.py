from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Assessment, IndicatorValue
from tests.communes.factories import CommuneFactory

from .conftest import assess
from .factories import simple_set

pytestmark = pytest.mark.django_db


def scorecard_url(commune, year=2023, level="basic"):
    return reverse("criteria:scorecard_level", args=[commune.code, year, level])


def edit_url(commune, year=2023, level="basic"):
    return reverse("criteria:values_edit", args=[commune.code, year, level])


@pytest.fixture
def assessed(world, small_set):
    """Every world commune assessed in 2023 against the small set; Tân Khánh 2/3 (2.1 at 72%)."""
    out = {}
    for c in world.communes:
        values = {"1.1": Decimal(90), "2.1": Decimal(72) if c == world.pb[0] else Decimal(85), "3.1": Decimal(81)}
        out[c.code] = assess(c, small_set, values)
    return out


# --- scope per page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("province", 200), ("viewer", 200), ("district", 404), ("commune", 404), ("outsider", 404)],
)
def test_scorecard_of_a_dai_tu_commune_per_role(client, world, assessed, username, status):
    client.force_login(getattr(world.users, username))
    assert client.get(scorecard_url(world.dt[0])).status_code == status
    assert client.get(reverse("criteria:gap", args=[world.dt[0].code])).status_code == status
    a = assessed[world.dt[0].code]
    expected_redirect = 302 if status == 200 else 404
    assert client.get(reverse("criteria:assessment_detail", args=[a.pk])).status_code == expected_redirect


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("province", 200),
        ("district", 200),
        ("commune", 200),
        ("viewer", 403),
        ("verifier", 403),
        ("front", 403),
        ("outsider", 404),
    ],
)
def test_value_entry_per_role(client, world, assessed, username, status):
    client.force_login(getattr(world.users, username))
    assert client.get(edit_url(world.pb[0])).status_code == status


def test_commune_officer_cannot_enter_another_communes_values(client, world, assessed):
    client.force_login(world.users.commune)
    assert client.get(edit_url(world.pb[1])).status_code == 404
    assert client.post(edit_url(world.pb[1]), {}).status_code == 404


def test_list_is_scoped(client, world, assessed):
    client.force_login(world.users.district)
    response = client.get(reverse("criteria:assessment_list"))
    assert {a.commune.code for a in response.context["assessments"]} == {c.code for c in world.pb}
    client.force_login(world.users.commune)
    response = client.get(reverse("criteria:assessment_list"))
    assert [a.commune.code for a in response.context["assessments"]] == [world.pb[0].code]
    client.force_login(world.users.outsider)
    assert not client.get(reverse("criteria:assessment_list")).context["assessments"]


def test_list_filters(client, world, assessed):
    client.force_login(world.users.province)
    url = reverse("criteria:assessment_list")
    assert {a.commune.code for a in client.get(url, {"met": "all"}).context["assessments"]} == {
        c.code for c in world.communes if c != world.pb[0]
    }
    assert {a.commune.code for a in client.get(url, {"district": world.dai_tu.pk}).context["assessments"]} == {
        c.code for c in world.dt
    }
    assert not client.get(url, {"year": 2022}).context["assessments"]
    assert not client.get(url, {"level": "advanced"}).context["assessments"]
    assert [a.commune.code for a in client.get(url, {"q": "tan khanh"}).context["assessments"]] == [world.pb[0].code]


# --- query counts -----------------------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_scorecard_query_count_is_the_same_with_3_and_30_indicators(client, world, django_assert_max_num_queries):
    client.force_login(world.users.commune)
    small = simple_set(n_criteria=3, code="S3")
    assess(world.pb[0], small, {f"{n}.1": Decimal(90) for n in range(1, 4)})
    big = simple_set(n_criteria=10, indicators_per_criterion=3, code="S30", level="advanced")
    assess(world.pb[0], big, {f"{n}.{k}": Decimal(70 + n) for n in range(1, 11) for k in range(1, 4)})
    with django_assert_max_num_queries(20):
        few, r1 = _count(client, scorecard_url(world.pb[0]))
    many, r2 = _count(client, scorecard_url(world.pb[0], level="advanced"))
    assert few == many
    assert len(r1.context["card"].rows) == 3 and sum(len(r.indicators) for r in r2.context["card"].rows) == 30
    assert "1.1: 71% &lt; 80%" in r2.content.decode()


@pytest.mark.parametrize("url_name", ["criteria:assessment_list", "criteria:revocation_risk"])
def test_list_query_counts_are_the_same_with_3_and_30_rows(
    client, world, small_set, url_name, django_assert_max_num_queries
):
    client.force_login(world.users.district)

    def make(n):
        for _ in range(n):
            c = CommuneFactory(district=world.phu_binh)
            Assessment.objects.create(
                commune=c, year=2023, criteria_set=small_set, criteria_met=1, criteria_total=3, key_criteria_unmet=1
            )

    make(3)
    with django_assert_max_num_queries(12):
        few, r1 = _count(client, reverse(url_name))
    make(27)
    many, r2 = _count(client, reverse(url_name))
    assert few == many
    assert len(r1.context["assessments"]) == 3 and len(r2.context["assessments"]) == 30


# --- scorecard content ------------------------------------------------------------------------------------------


def test_scorecard_explains_itself(client, world, assessed):
    client.force_login(world.users.commune)
    response = client.get(scorecard_url(world.pb[0]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "2/3" in html
    assert "2.1: 72% &lt; 80% required" in html
    assert response.context["level_reached"] == ""
    other = client.get(scorecard_url(world.pb[1]))
    assert other.status_code == 404


def test_scorecard_says_on_the_page_what_its_marks_mean(client, world, small_set, assessed):
    from criteria.models import IndicatorTarget

    client.force_login(world.users.commune)
    plain = client.get(scorecard_url(world.pb[0])).content.decode()
    assert 'id="scorecard-legend"' not in plain  # no mark, no legend

    small_set.legal_basis = "Quyết định 318/QĐ-TTg"
    small_set.save()
    IndicatorTarget.objects.filter(indicator__code="2.1").update(is_provisional=True)
    html = client.get(scorecard_url(world.pb[0])).content.decode()
    legend = html.split('id="scorecard-legend"', 1)[1].split("</div>", 1)[0]
    assert "the official figure was not found in public sources" in legend
    assert "Quyết định 318/QĐ-TTg" in legend  # where the official value comes from
    assert "beside an indicator" not in legend  # only the marks the table carries


def test_scorecard_without_assessment_offers_value_entry(client, world, small_set):
    client.force_login(world.users.commune)
    response = client.get(scorecard_url(world.pb[0]))
    assert response.status_code == 200 and response.context["assessment"] is None
    assert edit_url(world.pb[0]) in response.content.decode()


# --- value entry ------------------------------------------------------------------------------------------------


def _field(small_set, number, prefix="v"):
    return f"{prefix}_{small_set.criteria.get(number=number).indicators.get().pk}"


def test_value_form_accepts_vietnamese_numbers_and_creates_the_assessment(client, world, small_set):
    client.force_login(world.users.commune)
    data = {_field(small_set, 1): "93,7", _field(small_set, 2): "80", _field(small_set, 3): "1.000,5"}
    response = client.post(edit_url(world.pb[0]), data)
    assert response.status_code == 200  # 1.000,5 is not a percentage: the form is shown again
    assert "1.000,5" in response.content.decode()
    assert not Assessment.objects.exists()
    data[_field(small_set, 3)] = "100"
    data[_field(small_set, 1, "n")] = "Số liệu thống kê 2023"
    response = client.post(edit_url(world.pb[0]), data)
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert (a.criteria_met, a.criteria_total, a.is_all_met) == (3, 3, True)
    v = IndicatorValue.objects.get(assessment=a, indicator__code="1.1")
    assert v.value_number == Decimal("93.7") and v.note == "Số liệu thống kê 2023"


def test_value_form_message_gives_the_counts_after_saving(client, world, assessed, small_set):
    client.force_login(world.users.commune)
    data = {_field(small_set, 1): "90", _field(small_set, 2): "85", _field(small_set, 3): "81"}  # 2.1 was 72%
    response = client.post(edit_url(world.pb[0]), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Values saved: 3/3 criteria met."]


@pytest.mark.parametrize(
    ("raw", "message"),
    [("abc", "is not a number"), ("120", "between 0 and 100"), ("-5", "negative"), ("1.2.3,4,5", "not a number")],
)
def test_value_form_messages_per_field(client, world, small_set, raw, message):
    client.force_login(world.users.commune)
    response = client.post(edit_url(world.pb[0]), {_field(small_set, 2): raw}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [_field(small_set, 2)]
    assert message in errors[_field(small_set, 2)][0]
    assert not IndicatorValue.objects.exists()


def test_value_form_types(client, world):
    from criteria.choices import Comparator, ValueType

    from .factories import CriteriaSetFactory, CriterionFactory, IndicatorFactory, IndicatorTargetFactory

    s = CriteriaSetFactory(code="TYPES")
    c = CriterionFactory(criteria_set=s, number=1)
    boolean = IndicatorFactory(criterion=c, code="1.1", value_type=ValueType.BOOL, comparator=Comparator.MET, unit="")
    count = IndicatorFactory(criterion=c, code="1.2", value_type=ValueType.COUNT, comparator=Comparator.LTE, unit="nhà")
    IndicatorTargetFactory(indicator=count, value=0)
    text = IndicatorFactory(criterion=c, code="1.3", value_type=ValueType.TEXT, comparator=Comparator.MET, unit="")
    amount = IndicatorFactory(
        criterion=c, code="1.4", value_type=ValueType.AMOUNT, comparator=Comparator.GTE, unit="đồng"
    )
    IndicatorTargetFactory(indicator=amount, value=1_000_000)
    client.force_login(world.users.commune)
    url = edit_url(world.pb[0])
    bad = client.post(url, {f"v_{boolean.pk}": "maybe", f"v_{count.pk}": "2,5", f"v_{amount.pk}": "1.500.000"})
    assert set(bad.context["form"].errors) == {f"v_{boolean.pk}", f"v_{count.pk}"}
    ok = client.post(
        url, {f"v_{boolean.pk}": "yes", f"v_{count.pk}": "0", f"v_{text.pk}": "Giáo dục", f"v_{amount.pk}": "1.500.000"}
    )
    assert ok.status_code == 302
    a = Assessment.objects.get()
    assert a.is_all_met
    assert IndicatorValue.objects.get(indicator=amount).value_number == 1_500_000


def test_evidence_file_type_is_checked(client, world, small_set, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users.commune)
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    response = client.post(edit_url(world.pb[0]), {_field(small_set, 1): "90", _field(small_set, 1, "e"): bad})
    assert _field(small_set, 1, "e") in response.context["form"].errors
    assert not Assessment.objects.exists()
    good = SimpleUploadedFile("bien-ban.pdf", b"%PDF")
    response = client.post(edit_url(world.pb[0]), {_field(small_set, 1): "90", _field(small_set, 1, "e"): good})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().evidence.name.endswith(".pdf")


# --- lock / unlock ----------------------------------------------------------------------------------------------


def test_lock_and_unlock_by_role(client, world, assessed):
    a = assessed[world.pb[0].code]
    lock, unlock = reverse("criteria:assessment_lock", args=[a.pk]), reverse("criteria:assessment_unlock", args=[a.pk])
    client.force_login(world.users.viewer)
    assert client.post(lock, {"reason": "x"}).status_code == 403
    client.force_login(world.users.commune)
    assert client.post(lock, {"reason": ""}).status_code == 302
    a.refresh_from_db()
    assert not a.is_locked
    client.post(lock, {"reason": "Hồ sơ đề nghị công nhận"})
    a.refresh_from_db()
    assert a.is_locked
    # Locked: the value form refuses to save.
    client.post(edit_url(world.pb[0]), {_field(a.criteria_set, 2): "99"})
    assert IndicatorValue.objects.get(assessment=a, indicator__code="2.1").value_number == 72
    assert client.post(unlock, {"reason": "sửa"}).status_code == 403  # a commune cannot unlock its own data
    client.force_login(world.users.district)
    assert client.post(unlock, {"reason": "Sửa chỉ tiêu 2.1 theo biên bản"}).status_code == 302
    a.refresh_from_db()
    assert not a.is_locked
    client.force_login(world.users.outsider)
    assert client.post(lock, {"reason": "x"}).status_code == 404
    assert client.get(lock).status_code in (404, 405)


# --- gap and risk -----------------------------------------------------------------------------------------------


def test_gap_lists_missing_criteria_and_by_how_much(client, world, assessed):
    client.force_login(world.users.commune)
    response = client.get(
        reverse("criteria:gap", args=[world.pb[0].code]), {"level": "basic"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = response.context["rows"]
    assert [r.criterion.number for r in rows] == [2]
    assert rows[0].details[0]["gap"] == "8 percentage points short"
    response = client.get(reverse("criteria:gap", args=[world.pb[0].code]), {"level": "advanced"})
    assert response.context["assessment"] is None


def test_risk_page_shows_communes_in_scope(client, world, small_set):
    for c in world.communes:
        Assessment.objects.create(
            commune=c, year=2023, criteria_set=small_set, criteria_met=1, criteria_total=3, key_criteria_unmet=1
        )
    client.force_login(world.users.district)
    response = client.get(reverse("criteria:revocation_risk"), {"year": 2023})
    assert {a.commune.code for a in response.context["assessments"]} == {c.code for c in world.pb}
    client.force_login(world.users.outsider)
    assert not client.get(reverse("criteria:revocation_risk"), {"year": 2023}).context["assessments"]


def test_pages_need_login(client, world):
    for url in [
        reverse("criteria:assessment_list"),
        reverse("criteria:revocation_risk"),
        reverse("criteria:import"),
        reverse("criteria:export"),
        scorecard_url(world.pb[0]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_list_says_which_year_it_opens_on(client, world, assessed):
    client.force_login(world.users.province)
    url = reverse("criteria:assessment_list")
    year = max(a.year for a in client.get(url).context["assessments"])
    body = client.get(url).content.decode()
    assert f"year {year}" in body and 'id="year-note"' in body and "year=&amp;" not in body
    assert "?year=" in body  # the way to every year
    every = client.get(url, {"year": ""})
    assert "every year" in every.content.decode() and 'id="year-note"' not in every.content.decode()
    chosen = client.get(url, {"year": year}).content.decode()
    assert f"year {year}" in chosen and 'id="year-note"' not in chosen
