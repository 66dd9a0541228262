"""OCOP Excel round trip: codes as keys, stars from the score, 36-month default expiry, whole-file refusals."""

import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.spreadsheets import read_dataset
from offices import scope
from programs import resources, services
from programs.models import OcopProduct

from .factories import OcopProductFactory

pytestmark = pytest.mark.django_db
HEADERS = resources.OCOP_COLUMNS


def dataset(rows):
    ds = tablib.Dataset(headers=HEADERS)
    for row in rows:
        ds.append(row)
    return ds


def good_rows(world):
    return [
        ["TN-1", world.pb[0].code, "Chè búp", "HTX Chè Tân Khánh", "beverages", "91", "12/QĐ-UBND", "15/03/2024", ""],
        ["TN-2", int(world.pb[1].code), "Miến dong", "HTX Miến", "food", 68, "12/QĐ-UBND", datetime.date(2024, 3, 15), "14/03/2026"],
    ]  # fmt: skip


def test_import_creates_with_default_expiry_then_updates(world):
    user = world.users.district
    plan = resources.OcopImporter(user=user).build(dataset(good_rows(world)))
    assert plan.is_valid, plan.errors
    assert not OcopProduct.objects.exists()
    services.ocop_import_apply(plan=plan, actor=user)
    first = OcopProduct.objects.with_stars().get(code="TN-1")
    assert (first.stars, first.expires_on) == (5, datetime.date(2027, 3, 14))
    assert OcopProduct.objects.with_stars().get(code="TN-2").stars == 3
    rows = good_rows(world)
    rows[1][5] = "72"
    plan = resources.OcopImporter(user=user).build(dataset(rows))
    assert (plan.new, plan.changed, plan.unchanged) == (0, 1, 1)
    services.ocop_import_apply(plan=plan, actor=user)
    assert OcopProduct.objects.with_stars().get(code="TN-2").stars == 4


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("score", "101", "not between 0 and 100"),
        ("score", "chín mươi", "not a whole number"),
        ("group", "thực phẩm chức năng", "Unknown OCOP group"),
        ("commune_code", "99999", "Unknown commune code"),
        ("decision_date", "2024/15/03", "not a date"),
        ("expires_on", "01/01/2024", "after the decision date"),
        ("name", "", "name is empty"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file(world, column, value, reason):
    rows = good_rows(world)
    rows[1][HEADERS.index(column)] = value
    plan = resources.OcopImporter(user=world.users.province).build(dataset(rows))
    [error] = plan.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason
    assert not OcopProduct.objects.exists()


def test_scope_refusals(world):
    rows = good_rows(world) + [["TN-3", world.dt[0].code, "Mật ong", "HTX", "food", 70, "1/QĐ", "01/02/2024", ""]]
    plan = resources.OcopImporter(user=world.users.district).build(dataset(rows))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "commune_code")]
    plan = resources.OcopImporter(user=world.users.commune).build(dataset(rows))
    assert [e.row for e in plan.errors] == [3, 4]
    plan = resources.OcopImporter(user=world.users.viewer).build(dataset(rows))
    assert all("may not change" in e.reason for e in plan.errors) and len(plan.errors) == 3
    OcopProductFactory(code="TN-9", commune=world.dt[0])
    moved = [["TN-9", world.pb[0].code, "Chè", "HTX", "food", 70, "1/QĐ", "01/02/2024", ""]]
    plan = resources.OcopImporter(user=world.users.district).build(dataset(moved))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "code")]


def test_round_trip_and_fixed_queries(world):
    for i in range(5):
        OcopProductFactory(commune=world.communes[i], score=40 + i * 10)
    content = resources.export_ocop(products=OcopProduct.objects.with_stars().select_related("commune"))
    plan = resources.OcopImporter(user=world.users.province).build(read_dataset(content, "ocop.xlsx"))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 5)

    def count(n):
        rows = [
            [f"N-{i}", world.communes[i % 5].code, f"SP {i}", "HTX", "food", 60, "1/QĐ", "01/02/2024", ""]
            for i in range(n)
        ]
        scope.clear_cache(world.users.province)
        with CaptureQueriesContext(connection) as ctx:
            assert resources.OcopImporter(user=world.users.province).build(dataset(rows)).is_valid
        return len(ctx)

    assert count(3) == count(30)


def test_import_view_preview_and_confirm(client, world):
    client.force_login(world.users.commune)
    csv = "code,commune_code,name,owner,group,score,decision_number,decision_date\nTN-1,{},Chè,HTX,beverages,75,1/QĐ,01/02/2024\n"
    upload = SimpleUploadedFile("ocop.csv", csv.format(world.pb[0].code).encode("utf-8"))
    url = reverse("programs:ocop_import")
    response = client.post(url, {"file": upload})
    assert 'data-testid="import-summary"' in response.content.decode()
    assert not OcopProduct.objects.exists()
    response = client.post(url, {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302
    assert OcopProduct.objects.get().commune == world.pb[0]
    # An expired preview token writes nothing.
    response = client.post(url, {"confirm": "1", "token": "stale"}, follow=True)
    assert "expired" in response.content.decode()
