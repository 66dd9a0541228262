"""Loading the country on top of the demo, the demo on top of the country, the units before the 2025 reform, and
a mapping imported by an office: the result does not depend on the order, and running anything twice changes
nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from communes import demo, services
from communes.choices import UnitLevel
from communes.models import Commune, District, Hamlet, Province, SuccessionMapping, UnitSuccession
from communes.resources import MAPPING_COLUMNS, SuccessionMappingImporter, mapping_dataset
from core.spreadsheets import dataset_csv, read_dataset
from offices.choices import OfficeKind, Role
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
DEC_2024 = datetime.date(2024, 12, 1)
JUL_2025 = datetime.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def natural_state() -> dict:
    """Every unit, hamlet and succession by its natural key (no primary keys, no timestamps): equal means the
    same database whatever order built it."""

    def unit(u):
        return (u.code, u.name, u.valid_to) if u else None

    return {
        "provinces": sorted(
            (p.code, p.name, p.unit_type, p.has_district_tier, p.region_id, p.valid_from, p.valid_to)
            for p in Province.objects.all()
        ),
        "districts": sorted(
            (d.code, d.name, d.province.code, d.valid_from, d.valid_to)
            for d in District.objects.select_related("province")
        ),
        "communes": sorted(
            (
                c.code,
                c.name,
                c.unit_type,
                c.province.code,
                c.district.code if c.district else "",
                str(c.valid_from),
                str(c.valid_to),
            )
            for c in Commune.objects.select_related("province", "district")
        ),
        "hamlets": sorted(
            (h.code, h.name, h.commune.code, str(h.commune.valid_to)) for h in Hamlet.objects.select_related("commune")
        ),
        "successions": sorted(
            (
                s.level,
                repr(unit(s.predecessor_commune or s.predecessor_district or s.predecessor_province)),
                repr(unit(s.successor_commune or s.successor_province)),
                s.share,
                s.resolution,
                s.clause,
                s.effective_date,
            )
            for s in UnitSuccession.objects.select_related(
                "predecessor_commune",
                "predecessor_district",
                "predecessor_province",
                "successor_commune",
                "successor_province",
            )
        ),
    }


def wipe():
    for model in (Hamlet, UnitSuccession, Commune, District, Province):
        model.objects.all().delete()


# --- load order --------------------------------------------------------------------------------------------------------


def test_country_on_top_of_the_demo_and_the_demo_on_top_of_the_country_give_the_same_database():
    demo.load(stdout=io.StringIO())
    tan_khanh_2023 = Commune.objects.current().get(code="05917")
    report = services.admin_units_load()
    assert Commune.objects.current().count() == 3321 and Province.objects.current().count() == 34
    # The demo's units of 2023 are history now, ended on the dates of the resolutions.
    tan_khanh_2023.refresh_from_db()
    assert tan_khanh_2023.valid_to == JUL_2025 and tan_khanh_2023.hamlets.exists()
    assert Commune.objects.get(code="05839").valid_to == DEC_2024  # Xã Vạn Thọ, Resolution 1240/NQ-UBTVQH15
    van_phu_2024 = Commune.objects.get(code="05845", name="Xã Vạn Phú", valid_to=JUL_2025)
    assert van_phu_2024.valid_from == DEC_2024  # the unit between the two reorganisations was created as history
    assert set(van_phu_2024.predecessions.values_list("predecessor_commune__name", flat=True)) == {
        "Xã Ký Phú",
        "Xã Vạn Thọ",
    }
    assert set(van_phu_2024.successions.values_list("successor_commune__valid_from", flat=True)) == {JUL_2025}
    assert report.counts[UnitLevel.DISTRICT].retired == 9 and report.successor_unknown == [
        "05704 Xã Tân Lợi",
        "05782 Xã Na Mao",
    ]
    demo_first = natural_state()
    assert not services.admin_units_load().changed_anything  # idempotent
    demo.load(stdout=io.StringIO())
    assert natural_state() == demo_first

    wipe()
    services.admin_units_load()
    demo.load(stdout=io.StringIO())
    assert natural_state() == demo_first
    assert not services.admin_units_load().changed_anything
    demo.load(stdout=io.StringIO())
    assert natural_state() == demo_first


def test_load_admin_units_after_load_demo_works_and_twice_changes_nothing():
    """Issue 12: `load_admin_units` after `load_demo` refused because 31 codes were reused."""
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_admin_units", stdout=out)
    # The demo already reaches today for Thái Nguyên (issue 15): its 92 units stay, the rest of the country comes.
    assert "Communes: 3229 created, 0 updated, 92 unchanged, 0 retired" in out.getvalue()
    assert Commune.objects.current().filter(province__code="19").count() == 92
    # Records of 2023 stay on the units they named; today's xã hold copies of the hamlets they took in (the demo
    # carries each xóm into the commune its commune went into whole), coded "<new commune>-<former hamlet>".
    today = Hamlet.objects.filter(commune__valid_to__isnull=True, commune__province__code="19").exclude(
        commune__code="05719"
    )
    former = dict(Hamlet.objects.filter(commune__valid_to__isnull=False).values_list("code", "commune__valid_to"))
    assert today.exists() and former
    for code, commune_code in today.values_list("code", "commune__code"):
        prefix, _sep, former_code = code.partition("-")
        assert prefix == commune_code and former_code in former, code
    again = io.StringIO()
    call_command("load_admin_units", stdout=again)
    assert "Nothing to change." in again.getvalue()


def test_units_before_the_reform_with_their_successions():
    first = services.admin_units_load(with_history=True)
    assert first.history_created[UnitLevel.COMMUNE] > 9_900 and first.history_created[UnitLevel.DISTRICT] == 696
    assert Commune.objects.filter(valid_to=JUL_2025).count() > 9_900 and Commune.objects.current().count() == 3321
    # 63 provinces before the reform: 27 continue under their code and name (same row), 36 ended.
    assert Province.objects.filter(valid_to=JUL_2025).count() == 36 and Province.objects.count() == 34 + 36
    thai_nguyen = Province.objects.current().get(code="19")
    assert set(
        UnitSuccession.objects.filter(successor_province=thai_nguyen).values_list(
            "predecessor_province__name", flat=True
        )
    ) == {"Tỉnh Bắc Kạn"}
    # A commune left as it was keeps its row; a district without communes became a special zone.
    assert Commune.objects.filter(code="05719").count() == 1
    zone = Commune.objects.current().get(name="Đặc khu Bạch Long Vĩ")
    assert zone.predecessions.get().predecessor_district.name == "Huyện Bạch Long Vĩ"
    before = natural_state()
    assert not services.admin_units_load(with_history=True).changed_anything
    assert natural_state() == before


def test_history_of_one_province_on_top_of_the_current_list():
    services.admin_units_load(province_code="19")
    report = services.admin_units_load(province_code="19", with_history=True)
    assert report.counts[UnitLevel.COMMUNE].created == 0
    assert Commune.objects.filter(valid_to=JUL_2025, province__code="19").count() == 172 - 1  # Sảng Mộc continues
    # Thượng Quan, left as it was, passed from Bắc Kạn to Thái Nguyên: its Bắc Kạn row ends, a new one starts, so
    # that a date before the reform counts it in Bắc Kạn (issue 15: 118/126 at the end of 2023 must not move).
    assert Commune.objects.filter(valid_to=JUL_2025, province__code="06").count() == 108
    assert Commune.objects.current().get(code="01957").valid_from == JUL_2025
    assert not report.predecessors_missing
    assert report.successor_unknown == ["05704 Xã Tân Lợi", "05782 Xã Na Mao"]  # Resolution 1240: receivers unknown


# --- a mapping imported by an office -----------------------------------------------------------------------------------


def csv_file(rows, headers=MAPPING_COLUMNS):
    lines = [",".join(headers)] + [",".join('"{}"'.format(str(v)) for v in row) for row in rows]
    return read_dataset(("\n".join(lines) + "\n").encode("utf-8"), "mapping.csv")


ROW = {
    "province_code": "19",
    "resolution": "99/NQ-UBTVQH16",
    "resolution_date": "01/12/2026",
    "effective_date": "01/01/2027",
    "clause": "khoản 1 Điều 1",
    "new_code": "05917",
    "new_name": "Xã Tân Khánh Mới",
    "new_type": "",
    "kind": "new",
    "old_level": "",
    "old_province_code": "",
    "old_code": "05917",
    "old_name": "Xã Tân Khánh",
    "old_type": "",
    "share": "toàn bộ",
    "clause_text": "Đổi tên xã Tân Khánh thành xã Tân Khánh Mới.",
}


def row(**changes):
    values = {**ROW, **changes}
    return [values[c] for c in MAPPING_COLUMNS]


def test_mapping_import_refuses_the_whole_file_with_row_and_column():
    user = UserFactory()
    importer = SuccessionMappingImporter(user=user, provinces={"19"})
    plan = importer.build(
        csv_file(
            [
                row(),
                row(province_code="06"),
                row(old_code="59x", new_code="05918"),
                row(effective_date="31/02/2027", new_code="05919"),
                row(share="nửa", new_code="05920"),
                row(new_name="Xã Khác", old_code="05920"),
                row(),
            ]
        )
    )
    errors = {(e.row, e.column): e.reason for e in plan.errors}
    assert errors[(3, "province_code")] == "Province '06' is outside your area"
    assert errors[(4, "old_code")] == "'59x' is not an official code"
    assert errors[(5, "effective_date")].startswith("'31/02/2027' is not a date")
    assert errors[(6, "share")] == "'nửa' is not whole or part"
    assert errors[(8, "old_code")] == "The same former unit of the same new unit as row 2"
    assert not SuccessionMapping.objects.exists()
    # Rows of one new unit must describe it the same way.
    plan = importer.build(csv_file([row(), row(new_name="Xã Khác", old_code="05920")]))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "new_name")]
    missing = importer.build(csv_file([row()[:-2]], headers=MAPPING_COLUMNS[:-2]))
    assert not missing.errors  # share and clause_text are optional
    plan = importer.build(
        csv_file(
            [[v for c, v in zip(MAPPING_COLUMNS, row(), strict=True) if c != "old_name"]],
            headers=[c for c in MAPPING_COLUMNS if c != "old_name"],
        )
    )
    assert plan.errors[0].column == "old_name" and "Required columns are missing" in plan.errors[0].reason


def test_imported_mapping_lets_a_reorganisation_through_and_its_clause_is_recorded():
    """A future reorganisation of Thái Nguyên: refused while no mapping names the new unit's predecessors, applied
    once the office imported its mapping, with the clause on the succession."""
    services.admin_units_load(province_code="19")
    before = services.snapshot_read(services.DATA_DIR / "thai_nguyen_2025.json")
    data = {"provinces": [{"code": "19", "name": "Tỉnh Thái Nguyên", "unit_type": "tinh", "communes": []}]}
    for c in before.communes:
        name = "Xã Tân Khánh Mới" if c.code == "05917" else c.name
        data["provinces"][0]["communes"].append({"code": c.code, "name": name, "unit_type": c.unit_type})
    after = services.snapshot_parse(data, source="2027.json")
    day = datetime.date(2027, 1, 1)
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.unit_reorganisation_apply(old=before, new=after, effective_date=day)
    assert "1 new unit(s) have no predecessors in the mapping for 01/01/2027" in str(exc.value)
    assert "05917 Xã Tân Khánh Mới" in str(exc.value)

    user = UserFactory()
    importer = SuccessionMappingImporter(user=user, provinces={"19"})
    plan, result = importer.confirm(csv_file([row()]))
    assert result == {"created": 1, "updated": 0} and SuccessionMapping.objects.get().imported_by == user
    again = SuccessionMappingImporter(user=user, provinces={"19"}).build(csv_file([row()]))
    assert again.unchanged == 1 and not again.changes

    report = services.unit_reorganisation_apply(old=before, new=after, effective_date=day)
    new = Commune.objects.current().get(code="05917")
    succession = new.predecessions.get()
    assert succession.predecessor_commune.name == "Xã Tân Khánh" and succession.resolution == "99/NQ-UBTVQH16"
    assert succession.clause == "khoản 1 Điều 1" and succession.clause_text.startswith("Đổi tên")
    assert report.successions_created == 1


def test_template_is_the_shipped_mapping_and_imports_unchanged():
    dataset = mapping_dataset(province_codes={"19"}, effective_date=JUL_2025)
    assert len(dataset) == sum(
        len(e.predecessors) for e in services.mapping_for(province_codes={"19"}, effective_date=JUL_2025)
    )
    reread = read_dataset(dataset_csv(dataset), "template.csv")
    plan = SuccessionMappingImporter(user=UserFactory(), provinces={"19"}).build(reread)
    assert not plan.errors and plan.new == len(dataset)


def test_import_page_is_for_province_offices(client):
    services.admin_units_load(province_code="19")
    province = Province.objects.current().get(code="19")
    editor = MembershipFactory(
        office=OfficeFactory(province=province, kind=OfficeKind.COORDINATION), role=Role.EDITOR
    ).user
    commune_officer = MembershipFactory(
        office=OfficeFactory(province=province, commune=Commune.objects.current().get(code="05917")), role=Role.EDITOR
    ).user
    url = reverse("communes:successionmapping_import")
    client.force_login(commune_officer)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Disposition"].endswith('.xlsx"')
    upload = dataset_csv(csv_file([row()]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile("mapping.csv", upload)})
    assert preview.status_code == 200 and "Xã Tân Khánh Mới" in preview.content.decode()
    assert not SuccessionMapping.objects.exists()
