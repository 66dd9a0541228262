import pytest
from django.urls import reverse

from tests.communes.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_list_requires_login(client):
    response = client.get(reverse("communes:commune_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_district_user_sees_only_its_communes(client, world):
    client.force_login(world.users.district)
    response = client.get(reverse("communes:commune_list"))
    assert response.status_code == 200
    shown = {c.code for c in response.context["communes"]}
    assert shown == {c.code for c in world.pb}


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("province", 200), ("viewer", 200), ("district", 404), ("commune", 404), ("outsider", 404)],
)
def test_detail_of_a_dai_tu_commune_per_role(client, world, username, status):
    client.force_login(getattr(world.users, username))
    assert client.get(reverse("communes:commune_detail", args=[world.dt[0].pk])).status_code == status


def test_commune_officer_opens_own_commune(client, world):
    client.force_login(world.users.commune)
    assert client.get(reverse("communes:commune_detail", args=[world.pb[0].pk])).status_code == 200
    assert client.get(reverse("communes:commune_detail", args=[world.pb[1].pk])).status_code == 404


def test_search_ignores_diacritics(client, world):
    client.force_login(world.users.province)
    response = client.get(reverse("communes:commune_list"), {"q": "tan khanh"})
    assert [c.code for c in response.context["communes"]] == [world.pb[0].code]
    response = client.get(reverse("communes:commune_list"), {"q": "HÙNG sơn"})
    assert [c.code for c in response.context["communes"]] == [world.dt[0].code]


def test_filter_by_district(client, world):
    client.force_login(world.users.province)
    response = client.get(reverse("communes:commune_list"), {"district": world.dai_tu.pk})
    assert {c.code for c in response.context["communes"]} == {c.code for c in world.dt}


@pytest.mark.parametrize("extra", [0, 27])
def test_list_query_count_is_fixed(client, world, django_assert_max_num_queries, extra):
    CommuneFactory.create_batch(extra, district=world.phu_binh)
    client.force_login(world.users.district)
    with django_assert_max_num_queries(9):  # 8 for the page, 1 for the navbar's unread-notification badge
        response = client.get(reverse("communes:commune_list"))
    assert len(response.context["communes"]) == 3 + extra


def test_admin_changelists_filter_current_and_ended_units(client, world):
    import datetime

    from communes.models import UnitSuccession

    ended = CommuneFactory(code="05845", name="Xã Ký Phú", district=world.dai_tu, valid_to=datetime.date(2025, 1, 1))
    successor = CommuneFactory(code="05845", name="Xã Vạn Phú", district=world.dai_tu)
    UnitSuccession.objects.create(
        level="commune",
        predecessor_commune=ended,
        successor_commune=successor,
        effective_date=datetime.date(2025, 1, 1),
    )
    client.force_login(world.users.admin)
    url = reverse("admin:communes_commune_changelist")
    current = client.get(url, {"current": "yes"})
    assert current.status_code == 200
    shown = {c.pk for c in current.context["cl"].result_list}
    assert successor.pk in shown and ended.pk not in shown
    assert {c.pk for c in client.get(url, {"current": "no"}).context["cl"].result_list} == {ended.pk}
    for name in ["province", "district", "unitsuccession"]:
        assert client.get(reverse("admin:communes_{}_changelist".format(name)), {"q": "Ký Phú"}).status_code == 200


def test_the_list_names_every_unit_type_and_shows_the_ntm_status(client, world):
    """Xã, phường and thị trấn under one title; the level in force for a xã (from the register's standings), none
    for a ward; sortable by it; and the export carries the same column."""
    import datetime

    from communes.choices import CommuneType
    from tests.reports.conftest import recognise

    ward = CommuneFactory(code="05999", name="Phường Ba Hàng", district=world.phu_binh, unit_type=CommuneType.WARD)
    recognise(world.pb[0], on=datetime.date(2022, 11, 1))
    client.force_login(world.users.district)
    url = reverse("communes:commune_list")
    response = client.get(url)
    assert response.context["title"] == "Communes, wards and townships"
    status = {c.code: c.ntm_level for c in response.context["communes"]}
    assert status[world.pb[0].code] == "basic" and status[world.pb[1].code] == "" and ward.code in status
    body = response.content.decode()
    assert "NTM status" in body and "New rural (NTM)" in body and "Not yet NTM" in body
    ranked = client.get(url, {"sort": "-ntm_level"}).context["communes"]
    assert ranked[0].code == world.pb[0].code
    wards = client.get(url, {"unit_type": CommuneType.WARD}).context["communes"]
    assert [c.code for c in wards] == [ward.code]
    export = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "NTM status" in export.splitlines()[0] and "New rural (NTM)" in export and "Not yet NTM" in export
