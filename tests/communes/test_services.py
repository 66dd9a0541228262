"""Loading the official unit lists, applying reorganisations and the demo, with the real data files."""

import copy
import datetime
import io
import json

import pytest
from django.apps import apps
from django.utils import translation

from communes import demo, services
from communes.choices import CommuneType, HamletType, ProvinceType, UnitLevel
from communes.models import Commune, District, Hamlet, Province, Region, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids), whatever Vietnamese catalogue is compiled later."""
    with translation.override("en"):
        yield


DATA = services.DATA_DIR
DEC_2024 = datetime.date(2024, 12, 1)  # Resolution 1240/NQ-UBTVQH15 in force
JUL_2025 = datetime.date(2025, 7, 1)


def raw(year: int) -> dict:
    return json.loads((DATA / "thai_nguyen_{}.json".format(year)).read_text(encoding="utf-8"))


def snap(year: int) -> services.Snapshot:
    return services.snapshot_read(DATA / "thai_nguyen_{}.json".format(year))


def db_state() -> dict:
    """Every communes row with the fields a load may change: equal before and after means nothing was written."""
    state = {}
    for model in apps.get_app_config("communes").get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        state[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return state


def counts(report: services.LoadReport) -> dict:
    return {level: vars(c) for level, c in report.counts.items()}


# --------------------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------------------


def test_migration_creates_the_seven_regions():
    assert set(Region.objects.values_list("code", flat=True)) >= {
        "TDMNPB",
        "DBSH",
        "BTB",
        "DHNTB",
        "TN",
        "DNB",
        "DBSCL",
    }
    assert Region.objects.get(code="DBSCL").name == "Đồng bằng sông Cửu Long"


def test_region_mapping_covers_63_and_34_provinces():
    before = services.province_regions(services.ERA_BEFORE_TWO_TIER)
    after = services.province_regions(services.ERA_TWO_TIER)
    assert len(before) == 63 and len(after) == 34
    assert before["19"] == after["19"] == "TDMNPB"
    assert all(before.values())  # every pre-2025 province lies in one region
    assert set(before.values()) | {r for r in after.values() if r} <= set(Region.objects.values_list("code", flat=True))
    # The current list's codes are the package's codes.
    assert set(after) == {p.code for p in services.snapshot_from_package().provinces}
    # A province formed from provinces of two regions is left without one (Phú Thọ took in Vĩnh Phúc, DBSH).
    assert after["25"] is None and before["25"] == "TDMNPB"


def test_name_key_ignores_tone_placement_case_and_spacing():
    assert services.name_key("Tỉnh Hoà  Bình") == services.name_key("tỉnh Hòa Bình")
    assert services.name_key("Xã Tân Khánh") != services.name_key("Xã Tân Kim")


# --------------------------------------------------------------------------------------------------------------
# The current national list
# --------------------------------------------------------------------------------------------------------------


def test_national_list_loads_and_twice_changes_nothing():
    # Speed is measured outside the tests (design rule: no timed tests): about 0.6 s on SQLite and PostgreSQL.
    first = services.admin_units_load()
    assert counts(first)[UnitLevel.PROVINCE]["created"] == 34
    assert counts(first)[UnitLevel.COMMUNE]["created"] == 3321
    assert Province.objects.current().count() == 34 and Commune.objects.current().count() == 3321
    assert not District.objects.exists()
    assert set(Commune.objects.values_list("unit_type", flat=True)) == {"xa", "phuong", "dac_khu"}
    assert Commune.objects.filter(unit_type=CommuneType.SPECIAL_ZONE).count() == 13
    assert all(len(code) == 5 for code in Commune.objects.values_list("code", flat=True))
    assert all(len(code) == 2 for code in Province.objects.values_list("code", flat=True))
    assert not Province.objects.filter(has_district_tier=True).exists()
    hanoi, thai_nguyen = Province.objects.get(code="01"), Province.objects.get(code="19")
    assert hanoi.unit_type == ProvinceType.CITY and hanoi.name == "Thành phố Hà Nội"
    assert thai_nguyen.unit_type == ProvinceType.PROVINCE and thai_nguyen.name == "Tỉnh Thái Nguyên"
    assert thai_nguyen.region.code == "TDMNPB" and Province.objects.get(code="25").region is None
    assert thai_nguyen.communes.count() == 92
    # search_name is set on the bulk path too
    assert Commune.objects.get(code="00070").search_name == "phuong hoan kiem"

    before = db_state()
    second = services.admin_units_load()
    assert not second.changed_anything
    assert counts(second)[UnitLevel.COMMUNE] == {"created": 0, "updated": 0, "unchanged": 3321, "retired": 0}
    assert db_state() == before


def test_one_province_only():
    report = services.admin_units_load(province_code="19")
    assert counts(report)[UnitLevel.COMMUNE]["created"] == 92
    assert list(Province.objects.values_list("code", flat=True)) == ["19"]


@pytest.mark.parametrize("code", ["99", "abc", "190"])
def test_unknown_province_code_names_it_and_writes_nothing(code):
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.admin_units_load(province_code=code)
    assert "'{}'".format(code) in str(exc.value)
    assert not Province.objects.exists() and not Commune.objects.exists()


def test_dry_run_reports_and_writes_nothing():
    report = services.admin_units_load(province_code="19", dry_run=True)
    assert report.dry_run and counts(report)[UnitLevel.COMMUNE]["created"] == 92
    assert not Province.objects.exists() and not Commune.objects.exists()


def test_absent_units_are_reported_and_retired_only_when_asked():
    services.admin_units_load(province_code="19")
    gone = Commune.objects.get(code="05443")  # Phường Phan Đình Phùng
    data = raw(2025)
    data["provinces"][0]["communes"] = [c for c in data["provinces"][0]["communes"] if c["code"] != "05443"]
    smaller = services.snapshot_parse(data, source="test")
    report = services.admin_units_load(snapshot=smaller, province_code="19")
    assert report.missing == ["05443 Phường Phan Đình Phùng (commune)"]
    gone.refresh_from_db()
    assert gone.valid_to is None
    with pytest.raises(services.AdminUnitDataError, match="--effective-date"):
        services.admin_units_load(snapshot=smaller, province_code="19", retire_missing=True)
    report = services.admin_units_load(
        snapshot=smaller, province_code="19", retire_missing=True, effective_date=datetime.date(2026, 1, 1)
    )
    gone.refresh_from_db()
    assert gone.valid_to == datetime.date(2026, 1, 1) and report.counts[UnitLevel.COMMUNE].retired == 1
    assert report.successor_unknown == ["05443 Phường Phan Đình Phùng"]


def test_current_list_on_top_of_the_2024_file_follows_the_law():
    """The 2024 file's units reuse 31 codes of the current list (05443 was Phường Trưng Vương, is now Phường Phan
    Đình Phùng): the shipped history knows them, so the current list loads without --retire-missing, ending them on
    01/07/2025 with the successions of Resolution 1683/NQ-UBTVQH15."""
    services.admin_units_load(snapshot=snap(2024))  # the three-tier province at the end of 2024
    report = services.admin_units_load(province_code="19")
    assert Commune.objects.current().filter(province__code="19").count() == 92
    assert not District.objects.current().exists()
    assert not Province.objects.get(code="19").has_district_tier
    old = Commune.objects.get(code="05443", valid_to=JUL_2025)
    new = Commune.objects.current().get(code="05443")
    assert old.name == "Phường Trưng Vương" and new.name == "Phường Phan Đình Phùng" and new.valid_from == JUL_2025
    succession = UnitSuccession.objects.get(predecessor_commune=old, successor_commune=new)
    assert succession.resolution == "1683/NQ-UBTVQH15" and succession.clause == "khoản 76 Điều 1"
    assert succession.clause_text.startswith("Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các phường")
    assert report.counts[UnitLevel.DISTRICT].retired == 9


def test_code_reused_by_an_unknown_unit_needs_retire_missing():
    """A list the shipped history does not know (a file) still refuses a reused code unless asked to retire."""
    services.admin_units_load(snapshot=snap(2023))
    data = raw(2023)
    _commune(data)["name"] = "Xã Thử Nghiệm"
    renamed = services.snapshot_parse(data, source="test")
    before = db_state()
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.admin_units_load(snapshot=renamed, province_code="19")
    assert "--retire-missing" in str(exc.value)
    assert "is held by the current unit 'Xã Động Đạt'; the list names 'Xã Thử Nghiệm'" in str(exc.value)
    assert db_state() == before
    report = services.admin_units_load(
        snapshot=renamed, province_code="19", retire_missing=True, effective_date=datetime.date(2026, 1, 1)
    )
    assert Commune.objects.current().get(code=_commune(data)["code"]).name == "Xã Thử Nghiệm"
    assert report.successor_unknown == ["05629 Xã Động Đạt"]


# --------------------------------------------------------------------------------------------------------------
# Malformed input: every case names the record and nothing is written
# --------------------------------------------------------------------------------------------------------------


def _commune(data):
    return data["provinces"][0]["districts"][3]["communes"][7]


MALFORMED = [
    ("code missing", lambda d: _commune(d).pop("code"), "provinces[0].districts[3].communes[7]: code missing"),
    ("empty code", lambda d: _commune(d).update(code=" "), "provinces[0].districts[3].communes[7]: code missing"),
    (
        "non-numeric code",
        lambda d: _commune(d).update(code="05A29"),
        "provinces[0].districts[3].communes[7]: code '05A29' is not numeric",
    ),
    (
        "code too long",
        lambda d: d["provinces"][0]["districts"][3].update(code="1680"),
        "provinces[0].districts[3]: code '1680' has more than 3 digits",
    ),
    (
        "unknown unit type",
        lambda d: _commune(d).update(unit_type="lang"),
        "provinces[0].districts[3].communes[7]: unknown unit type 'lang'",
    ),
    (
        "type missing",
        lambda d: _commune(d).pop("unit_type"),
        "provinces[0].districts[3].communes[7]: unit_type missing",
    ),
    ("name missing", lambda d: _commune(d).update(name=""), "provinces[0].districts[3].communes[7]: name missing"),
    (
        "duplicate code",
        lambda d: _commune(d).update(code="05917"),
        "provinces[0].districts[8].communes[2]: duplicate code 05917 (also at provinces[0].districts[3].communes[7])",
    ),
    (
        "province type",
        lambda d: d["provinces"][0].update(unit_type="huyen"),
        "provinces[0]: unknown unit type 'huyen'",
    ),
    (
        "communes not a list",
        lambda d: d["provinces"][0]["districts"][1].update(communes="none"),
        "provinces[0].districts[1]: 'communes' must be a list",
    ),
    (
        "not an object",
        lambda d: d["provinces"][0]["districts"].append("164"),
        "provinces[0].districts[9]: expected an object",
    ),
    ("no provinces", lambda d: d.pop("provinces"), "a top-level 'provinces' list is required"),
]


@pytest.mark.parametrize(("case", "damage", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_snapshot_names_the_record(case, damage, message):
    data = copy.deepcopy(raw(2023))
    damage(data)
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.snapshot_parse(data, source="test.json")
    assert message in str(exc.value)


def test_every_error_is_listed_not_only_the_first():
    data = copy.deepcopy(raw(2023))
    _commune(data).pop("code")
    data["provinces"][0]["districts"][0]["communes"][0]["unit_type"] = "lang"
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.snapshot_parse(data, source="test.json")
    assert len(exc.value.errors) == 2


def test_malformed_package_record_is_named(tmp_path):
    package = json.loads(services.package_source_path().read_text(encoding="utf-8"))
    package[2]["wards"][5]["division_type"] = "làng"
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.snapshot_from_package(path)
    assert "provinces[2].communes[5]: unknown unit type 'làng'" in str(exc.value)


def test_bad_json_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"provinces": [\n  {"code": "19",,}\n]}', encoding="utf-8")
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.snapshot_read(path)
    assert "broken.json: not valid JSON (line 2" in str(exc.value)


# --------------------------------------------------------------------------------------------------------------
# Reorganisations with the real Thái Nguyên snapshots
# --------------------------------------------------------------------------------------------------------------


def current_in_19(**filters):
    return Commune.objects.current().filter(province__code="19", **filters)


def test_end_2023_to_end_2024():
    services.admin_units_load(snapshot=snap(2023))
    tan_khanh = Commune.objects.get(code="05917")
    Hamlet.objects.create(commune=tan_khanh, code="05917-01", name="Xóm Đồng Bẩm")
    ky_phu = Commune.objects.get(code="05845")

    report = services.unit_reorganisation_apply(old=snap(2023), new=snap(2024), effective_date=DEC_2024)
    assert current_in_19(unit_type=CommuneType.COMMUNE).count() == 121
    assert current_in_19().count() == 172
    assert District.objects.current().count() == 9 and Province.objects.get(code="19").has_district_tier
    # Unchanged units are the same rows, history attached.
    assert Commune.objects.current().get(code="05917") == tan_khanh and tan_khanh.hamlets.count() == 1
    # The renamed code: the old unit ended, a new one took the code, and the succession is recorded.
    ky_phu.refresh_from_db()
    van_phu = Commune.objects.current().get(code="05845")
    assert ky_phu.valid_to == DEC_2024 and ky_phu.name == "Xã Ký Phú"
    assert van_phu.pk != ky_phu.pk and van_phu.name == "Xã Vạn Phú" and van_phu.valid_from == DEC_2024
    succession = UnitSuccession.objects.get(predecessor_commune=ky_phu)
    assert succession.successor_commune == van_phu and succession.level == UnitLevel.COMMUNE
    assert succession.resolution == "1240/NQ-UBTVQH15" and succession.effective_date == DEC_2024
    assert succession.resolution_date == datetime.date(2024, 10, 24)
    # Both communes that formed Vạn Phú are linked from the mapping, not only the one whose code continues.
    assert set(van_phu.predecessions.values_list("predecessor_commune__code", flat=True)) == {"05845", "05839"}
    old_chu = Commune.objects.get(code="05536")
    assert UnitSuccession.objects.get(predecessor_commune=old_chu).successor_commune.code == "05569"
    assert report.counts[UnitLevel.COMMUNE].retired == 8 and report.counts[UnitLevel.COMMUNE].created == 3
    # Merged into a continuing unit the lists do not name: left unknown, not guessed.
    assert report.successor_unknown == ["05704 Xã Tân Lợi", "05782 Xã Na Mao"]

    before = db_state()
    again = services.unit_reorganisation_apply(old=snap(2023), new=snap(2024), effective_date=DEC_2024)
    assert not again.changed_anything and db_state() == before
    assert again.successor_unknown == report.successor_unknown


def test_end_2024_to_two_tier_2025():
    services.admin_units_load(snapshot=snap(2023))
    services.unit_reorganisation_apply(old=snap(2023), new=snap(2024), effective_date=DEC_2024)
    kept = Commune.objects.current().get(code="05719")  # Xã Sảng Mộc: "không thực hiện sắp xếp"
    tan_khanh = Commune.objects.current().get(code="05917")

    report = services.unit_reorganisation_apply(old=snap(2024), new=snap(2025), effective_date=JUL_2025)
    assert current_in_19().count() == 92
    assert current_in_19(unit_type=CommuneType.COMMUNE).count() == 77
    assert not District.objects.current().exists() and District.objects.filter(valid_to=JUL_2025).count() == 9
    province = Province.objects.get(code="19")
    assert not province.has_district_tier and province.region.code == "TDMNPB"
    kept.refresh_from_db()
    assert kept.valid_to is None and kept.district is None
    # Ended units keep their district: the history of 2024 still reads by district.
    assert Commune.objects.get(code="05443", valid_to=JUL_2025).district.code == "164"
    assert report.counts[UnitLevel.DISTRICT].retired == 9
    # Clause 76 of 1683/NQ-UBTVQH15: seven wards and part of Gia Sàng form Phường Phan Đình Phùng.
    successors = dict(
        UnitSuccession.objects.filter(successor_commune__code="05443", successor_commune__valid_to=None).values_list(
            "predecessor_commune__code", "share"
        )
    )
    assert successors == {
        "05443": "whole",
        "05437": "whole",
        "05458": "whole",
        "05446": "whole",
        "05440": "whole",
        "05452": "whole",
        "05449": "whole",
        "05461": "part",
    }
    # Xã Tân Khánh keeps its code and name but is a new commune (Bàn Đạt, Đào Xá and Tân Khánh, clause 41).
    tan_khanh.refresh_from_db()
    new_tan_khanh = Commune.objects.current().get(code="05917")
    assert tan_khanh.valid_to == JUL_2025 and new_tan_khanh.pk != tan_khanh.pk
    assert set(new_tan_khanh.predecessions.values_list("predecessor_commune__name", flat=True)) == {
        "Xã Bàn Đạt",
        "Xã Đào Xá",
        "Xã Tân Khánh",
    }
    assert new_tan_khanh.predecessions.get(predecessor_commune=tan_khanh).clause == "khoản 41 Điều 1"
    assert report.successor_unknown == []  # every former unit of Thái Nguyên has its successor from the law
    # Bắc Kạn's communes are not in this database: named, not invented.
    assert "01855 Phường Xuất Hóa → 01843 Phường Bắc Kạn" in report.predecessors_missing

    before = db_state()
    again = services.unit_reorganisation_apply(old=snap(2024), new=snap(2025), effective_date=JUL_2025)
    assert not again.changed_anything and db_state() == before
    # The 2025 snapshot is the package's province 19: loading the current list now finds nothing to do.
    assert not services.admin_units_load(province_code="19").changed_anything


def test_reorganisation_refuses_a_database_not_in_the_from_state():
    services.admin_units_load(snapshot=snap(2023))
    before = db_state()
    with pytest.raises(services.AdminUnitDataError) as exc:
        services.unit_reorganisation_apply(old=snap(2024), new=snap(2025), effective_date=JUL_2025)
    assert "05569 Xã Bảo Cường (commune) is current in the database but in neither snapshot" in str(exc.value)
    assert db_state() == before


def test_reorganisation_needs_the_province_loaded():
    with pytest.raises(services.AdminUnitDataError, match="Province 19 is not in the database"):
        services.unit_reorganisation_apply(old=snap(2023), new=snap(2024), effective_date=DEC_2024)


def test_reorganisation_needs_the_same_province():
    other = raw(2024)
    other["provinces"][0]["code"] = "06"
    with pytest.raises(services.AdminUnitDataError, match="same province"):
        services.unit_reorganisation_apply(
            old=snap(2023), new=services.snapshot_parse(other, source="x"), effective_date=DEC_2024
        )


# --------------------------------------------------------------------------------------------------------------
# Demo
# --------------------------------------------------------------------------------------------------------------


def test_demo_units_and_hamlets():
    demo.load(stdout=io.StringIO())
    province = Province.objects.current().get(code="19")
    assert province.has_district_tier and province.region.code == "TDMNPB"
    assert District.objects.current().filter(province=province).count() == 9
    assert Commune.objects.current().filter(province=province).count() == 177
    xa = Commune.objects.current().filter(province=province, unit_type=CommuneType.COMMUNE)
    assert xa.count() == 126
    assert Commune.objects.get(code="05917").name == "Xã Tân Khánh"

    hamlets = Hamlet.objects.filter(commune__province=province)
    assert not hamlets.filter(is_demo=False).exists()
    assert set(hamlets.values_list("commune_id", flat=True)) == set(xa.values_list("id", flat=True))
    per_commune = {c.code: c.hamlets.count() for c in xa}
    assert min(per_commune.values()) >= 8 and max(per_commune.values()) <= 15
    assert hamlets.filter(hamlet_type=HamletType.XOM).count() > hamlets.count() / 2
    first = Hamlet.objects.get(code="05917-01")
    assert first.commune.code == "05917" and first.name.split()[0] in {"Xóm", "Thôn", "Bản"}

    names = dict(hamlets.values_list("code", "name"))
    before = db_state()
    demo.load(stdout=io.StringIO())
    assert db_state() == before and dict(hamlets.values_list("code", "name")) == names


def test_demo_hamlets_are_deterministic_and_unique_per_commune():
    assert demo.demo_hamlets("05917") == demo.demo_hamlets("05917")
    for code in ["05917", "05431", "05845"]:
        hamlets = demo.demo_hamlets(code)
        assert len({name for _c, name, _t in hamlets}) == len(hamlets)
        assert [c for c, _n, _t in hamlets][:2] == ["{}-01".format(code), "{}-02".format(code)]
