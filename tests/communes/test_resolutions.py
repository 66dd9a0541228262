"""The resolutions' clauses read into successions, and the national data files built from them.

The clauses below are quoted from resolutions 1683/NQ-UBTVQH15 (Thái Nguyên), 1656 (Hà Nội), 1660 (Đắk Lắk) and
1669 (Hải Phòng) of 16/06/2025 as the dvhcvn/20250701 repository converted them (glued words included). Tests that
rebuild the files from that repository run where a copy of it is present (DVHCVN_20250701 or the usual mirror)."""

import datetime
import gzip
import json
import os
from pathlib import Path

import pytest

from communes import national
from communes import resolutions as res
from communes.services import history, successions

MIRROR = Path(os.environ.get("DVHCVN_20250701", "/work/.mirror/dvhcvn+20250701/repo"))
needs_mirror = pytest.mark.skipif(not MIRROR.exists(), reason="no copy of dvhcvn/20250701 on this machine")
NATIONAL = successions.SHIPPED_FILES[1]


def units(clause):
    return [(u.unit_type, u.name, u.qualifier, u.share) for u in clause.sources]


# --- the parser on real clauses ----------------------------------------------------------------------------------------


CLAUSES = [
    (
        "1",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các xã Thịnh\nĐức, Bình Sơn và Tân Cương thành xã mới có "
        "tên gọi là **xã Tân Cương**.",
        "Xã Tân Cương",
        [("xa", "Thịnh Đức"), ("xa", "Bình Sơn"), ("xa", "Tân Cương")],
    ),
    (  # glued words ("Chợ\nChuvà") and mixed types
        "4",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của thị trấn Chợ\nChuvà các xã Phúc Chu, Bảo Linh, Đồng "
        "Thịnh thành xã mới có tên gọi là\n**xã Định Hóa**.",
        "Xã Định Hóa",
        [("thi_tran", "Chợ Chu"), ("xa", "Phúc Chu"), ("xa", "Bảo Linh"), ("xa", "Đồng Thịnh")],
    ),
]


@pytest.mark.parametrize(("number", "text", "target", "expected"), CLAUSES, ids=["plain", "glued words"])
def test_whole_units(number, text, target, expected):
    clause = res.parse_clause(number, text)
    assert clause.kind == res.KIND_NEW and clause.target.full_name == target
    assert units(clause) == [(t, name, "", "whole") for t, name in expected]
    assert clause.citation == "khoản {} Điều 1".format(number) and not clause.problems


def test_part_and_remainder_of_a_unit():
    part = res.parse_clause(
        "37",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của thị trấn\nHương Sơn, các xã Xuân Phương, Úc Kỳ, Nhã Lộng, "
        "Bảo Lý và một phần diện\ntích tự nhiên, quy mô dân số của xã Thượng Đình thành xã mới có tên gọi\nlà **xã Phú "
        "Bình**.",
    )
    assert units(part)[-1] == ("xa", "Thượng Đình", "", "part")
    assert [u[3] for u in units(part)[:-1]] == ["whole"] * 5
    remainder = res.parse_clause(
        "39",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các xã Hà\nChâu, Nga My,Điềm Thụy vàphần còn lại của xã "
        "Thượng Đìnhsau khi sắp xếp\ntheo quy định tại khoản 37 Điều nàythành xã mới có tên gọi là **xã Điềm\nThụy**.",
    )
    assert units(remainder) == [
        ("xa", "Hà Châu", "", "whole"),
        ("xa", "Nga My", "", "whole"),
        ("xa", "Điềm Thụy", "", "whole"),
        ("xa", "Thượng Đình", "", "part"),
    ]
    assert remainder.target.name == "Điềm Thụy"


def test_qualifier_names_the_district():
    clause = res.parse_clause(
        "78",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các phường\nTrung Thành (thành phố Thái Nguyên), Phú "
        "Xá,Tân Thành, Tân Lập, Tích\nLương vàmột phần diện tích tự nhiên, quy mô dân số phường Cam Giá thành\nphường "
        "mới có tên gọi là **phường Tích Lương**.",
    )
    assert units(clause)[0] == ("phuong", "Trung Thành", "thành phố Thái Nguyên", "whole")
    assert units(clause)[-1] == ("phuong", "Cam Giá", "", "part")


def test_units_left_as_they_were():
    clause = res.parse_clause(
        "91",
        "Sau khi sắp xếp, tỉnh Thái Nguyên có 92 đơn vị hành chính cấp xã,\ngồm 77 xã và15 phường; trong đó có 75 xã, 15 "
        "phường hình thành sau sắp\nxếp quy định tại Điều này và 02 xã không thực hiện sắp xếp là xã Sảng\nMộc, xã Thượng "
        "Quan.",
    )
    assert clause.kind == res.KIND_UNCHANGED
    assert [u.full_name for u in clause.sources] == ["Xã Sảng Mộc", "Xã Thượng Quan"]


def test_renaming_numbered_wards_and_special_zones():
    renamed = res.parse_clause("88", "Đổi tên xã Krông Na thành **xã Buôn Đôn**.")
    assert renamed.kind == res.KIND_RENAMED and units(renamed) == [("xa", "Krông Na", "", "whole")]
    wards = res.parse_clause(
        "22",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của phường Phường 4 (Quận 8), Rạch Ông, phường Hưng Phú và "
        "một phần diện tích tự nhiên, quy mô dân số của Phường 5 (Quận 8) thành phường mới có tên gọi là phường Chánh "
        "Hưng.",
    )
    assert units(wards)[0] == ("phuong", "4", "Quận 8", "whole") and units(wards)[-1] == (
        "phuong",
        "5",
        "Quận 8",
        "part",
    )
    zone = res.parse_clause(
        "114",
        "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của huyện Bạch Long Vĩ thành đặc khu có tên gọi làđặc khu "
        "Bạch Long Vĩ.",
    )
    assert units(zone) == [("huyen", "Bạch Long Vĩ", "", "whole")] and zone.target.full_name == "Đặc khu Bạch Long Vĩ"


def test_text_not_in_the_pattern_is_reported_not_guessed():
    clause = res.parse_clause("9", "Giao Chính phủ tổ chức thực hiện.")
    assert clause.problems == ["not in the pattern of a reorganisation clause"] and clause.sources == []


@needs_mirror
def test_the_whole_thai_nguyen_resolution():
    resolution = res.parse_resolution(national.Source(MIRROR).read("input/docs/1683_NQ-UBTVQH15.md"))
    assert resolution.number == "1683/NQ-UBTVQH15" and resolution.date == datetime.date(2025, 6, 16)
    assert resolution.province == "tỉnh thái nguyên"
    assert len(resolution.clauses) == 90 and not any(c.problems for c in resolution.clauses)
    assert [u.full_name for u in resolution.unchanged] == ["Xã Sảng Mộc", "Xã Thượng Quan"]


# --- the shipped national files ----------------------------------------------------------------------------------------


def national_data():
    return json.loads(gzip.decompress(NATIONAL.read_bytes()))


def test_national_mapping_covers_every_new_unit_and_credits_its_source():
    data = national_data()
    assert data["counts"]["resolutions"] == 34 and len(data["units"]) == 3321
    assert all(unit["code"] for unit in data["units"])
    assert "MIT License" in data["licence"] and data["url"] == "https://github.com/dvhcvn/20250701"
    assert sum(len(u["predecessors"]) for u in data["units"]) == data["counts"]["predecessor_links"] > 10_000
    # Names the text gives ambiguously or not at all are kept, with the reason, never dropped silently.
    unresolved = [u for u in data["units"] if u.get("unresolved")]
    assert len(unresolved) == data["counts"]["with_unresolved_names"] == 15


def test_agreement_with_dvhcvn_mapping_is_counted_and_differences_are_explicit():
    comparison = national_data()["comparison"]
    assert comparison["compared"] == 3321
    assert comparison["agree"] == 3241 and comparison["differ"] == 80
    assert len(comparison["differences"]) == comparison["differ"] and comparison["only_in_dvhcvn"] == []
    sample = comparison["differences"][0]
    assert set(sample) == {"code", "name", "clause", "ours", "dvhcvn"} and sample["ours"] != sample["dvhcvn"]


@needs_mirror
def test_rebuilding_from_the_repository_gives_the_shipped_files_and_the_same_agreement():
    old, mapping = national.build_for_project(national.Source(MIRROR))
    assert mapping == national_data()
    assert old == json.loads(gzip.decompress(history.PRE_REFORM_FILE.read_bytes()))
    # Counted again straight from the repository's mapping/merges.json.
    merges = json.loads(national.Source(MIRROR).read("mapping/merges.json"))["data"]
    theirs = {
        u["level2_id"]: sorted((m["old_id"], "whole" if m["type"] == "full" else "part") for m in u["merges"])
        for p in merges
        for u in p["level2s"]
    }
    agree = sum(
        1
        for u in mapping["units"]
        if theirs.get(u["code"]) == sorted((p["code"], p["share"]) for p in u["predecessors"])
    )
    assert agree == mapping["comparison"]["agree"]


def test_units_before_the_reform():
    snapshot = history.pre_reform_snapshot()
    assert len(snapshot.provinces) == 63 and len(snapshot.communes) == 10_047
    assert len(snapshot.districts) == 696  # five island districts without communes among them
    assert snapshot.as_of == datetime.date(2025, 6, 30)


def test_shipped_thai_nguyen_files_agree_with_the_mapping():
    """The demo's files and the law's mapping name the same units with the same codes."""
    mapping = {(u["code"], u["name"]) for u in national_data()["units"] if u["province_code"] == "19"}
    after = history.snapshot_read(successions.DATA_DIR / "thai_nguyen_2025.json")
    assert {(c.code, c.name) for c in after.communes} == mapping
    assert ("05788", "Xã Phú Lạc") in mapping  # 05794 in vietnam-provinces (the draft list), 05788 in 1027/CTK-CSCL
    before = history.snapshot_read(successions.DATA_DIR / "thai_nguyen_2024.json")
    pre = history.pre_reform_snapshot().only_province("19")
    assert {(c.code, c.name, c.district_code) for c in before.communes} == {
        (c.code, c.name, c.district_code) for c in pre.communes
    }
    predecessors = {
        p["code"] for u in national_data()["units"] if u["province_code"] == "19" for p in u["predecessors"]
    }
    assert {c.code for c in before.communes} <= predecessors
    # The current list read from the package gets the official codes.
    current = {c.name: c.code for c in history.snapshot_current().only_province("19").communes}
    assert current["Xã Phú Lạc"] == "05788"


def test_thai_nguyen_2024_mapping_dates_and_unresolved_units():
    data = successions.mapping_data(successions.SHIPPED_FILES[0])
    assert data["effective_date"] == "2024-12-01"
    assert data["resolutions"][0] == {
        "number": "1240/NQ-UBTVQH15",
        "date": "2024-10-24",
        "effective_date": "2024-12-01",
        "province_code": "19",
        "province": "Tỉnh Thái Nguyên",
    }
    assert {u["code"] for u in data["unresolved"]} == {"05704", "05782"}
    note = json.loads((successions.DATA_DIR / "thai_nguyen_2024.json").read_text(encoding="utf-8"))["note"]
    assert "1240/NQ-UBTVQH15 of 24/10/2024, in force from 1 December 2024" in note
