"""The unit commands: thin wrappers that print the service's report and turn data errors into CommandError."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from communes import services
from communes.models import Commune, District, Province, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids), whatever Vietnamese catalogue is compiled later."""
    with translation.override("en"):
        yield


DATA = services.DATA_DIR
Y2023, Y2024, Y2025 = (str(DATA / "thai_nguyen_{}.json".format(y)) for y in (2023, 2024, 2025))


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def nothing_in_db():
    return not (Province.objects.exists() or District.objects.exists() or Commune.objects.exists())


def test_load_from_package_twice():
    first = run("load_admin_units")
    assert "Provinces: 34 created, 0 updated, 0 unchanged, 0 retired" in first
    assert "Communes: 3321 created, 0 updated, 0 unchanged, 0 retired" in first
    second = run("load_admin_units")
    assert "Communes: 0 created, 0 updated, 3321 unchanged, 0 retired" in second
    assert "Nothing to change." in second


def test_unknown_province_stops_naming_the_code():
    with pytest.raises(CommandError) as exc:
        run("load_admin_units", "--province", "99")
    assert "Province code '99' is not in" in str(exc.value) and "Nothing was written." in str(exc.value)
    assert nothing_in_db()


def test_province_option_loads_one_province():
    out = run("load_admin_units", "--province", "19")
    assert "Communes: 92 created" in out
    assert Commune.objects.count() == 92


def test_dry_run_writes_nothing():
    out = run("load_admin_units", "--file", Y2023, "--dry-run")
    assert "Communes: 177 created" in out and "Dry run: nothing was written." in out
    assert nothing_in_db()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda c: c.pop("code"), "provinces[0].districts[3].communes[7]: code missing"),
        (lambda c: c.update(code="5x"), "provinces[0].districts[3].communes[7]: code '5x' is not numeric"),
        (lambda c: c.update(unit_type="ấp"), "provinces[0].districts[3].communes[7]: unknown unit type 'ấp'"),
        (lambda c: c.update(code="05431"), "provinces[0].districts[3].communes[7]: duplicate code 05431"),
    ],
    ids=["missing code", "non-numeric code", "unknown type", "duplicate code"],
)
def test_malformed_file_writes_nothing_and_names_the_record(tmp_path, damage, message):
    data = json.loads((DATA / "thai_nguyen_2023.json").read_text(encoding="utf-8"))
    damage(data["provinces"][0]["districts"][3]["communes"][7])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("load_admin_units", "--file", str(path))
    assert message in str(exc.value)
    assert nothing_in_db()


def test_bad_json_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.json: not valid JSON \(line 1"):
        run("load_admin_units", "--file", str(path))
    assert nothing_in_db()


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run("load_admin_units", "--file", str(tmp_path / "nowhere.json"))


def test_retire_missing_needs_a_date():
    with pytest.raises(CommandError, match="--effective-date"):
        run("load_admin_units", "--retire-missing")
    with pytest.raises(CommandError, match="'2025-13-01' is not a date"):
        run("load_admin_units", "--retire-missing", "--effective-date", "2025-13-01")
    assert nothing_in_db()


def test_moving_a_2024_database_to_the_current_list():
    """The units of 2024 end on 01/07/2025 with the successions of the resolution; no option needed."""
    run("load_admin_units", "--file", Y2024)
    out = run("load_admin_units", "--province", "19")
    assert "Districts: 0 created, 0 updated, 0 unchanged, 9 retired" in out
    assert "Successions recorded:" in out
    assert "05443 Phường Trưng Vương → 05443 Phường Phan Đình Phùng (khoản 76 Điều 1, 1683/NQ-UBTVQH15)" in out
    assert Commune.objects.current().count() == 92


def test_reorganisation_commands_and_rerun():
    run("load_admin_units", "--file", Y2023)
    out = run("apply_unit_reorganisation", "--from", Y2023, "--to", Y2024, "--effective-date", "2024-12-01")
    assert "Communes: 3 created, 0 updated, 169 unchanged, 8 retired" in out
    assert "05845 Xã Ký Phú → 05845 Xã Vạn Phú (1240/NQ-UBTVQH15)" in out
    assert "05839 Xã Vạn Thọ → 05845 Xã Vạn Phú (1240/NQ-UBTVQH15)" in out
    assert "Successor unknown — record it in the admin" in out and "  05782 Xã Na Mao" in out
    again = run("apply_unit_reorganisation", "--from", Y2023, "--to", Y2024, "--effective-date", "2024-12-01")
    assert "Nothing to change." in again

    out = run("apply_unit_reorganisation", "--from", Y2024, "--to", Y2025, "--effective-date", "2025-07-01")
    assert "Districts: 0 created, 0 updated, 0 unchanged, 9 retired" in out
    assert "Predecessors not in the database" in out
    assert Commune.objects.current().count() == 92
    successions = UnitSuccession.objects.count()
    assert "Nothing to change." in run(
        "apply_unit_reorganisation", "--from", Y2024, "--to", Y2025, "--effective-date", "2025-07-01"
    )
    assert UnitSuccession.objects.count() == successions


def test_reorganisation_on_a_date_without_mapping_names_the_new_units():
    """The project's 2024 file once said 1 January 2025; on that date no resolution forms these units."""
    run("load_admin_units", "--file", Y2023)
    with pytest.raises(CommandError) as exc:
        run("apply_unit_reorganisation", "--from", Y2023, "--to", Y2024, "--effective-date", "2025-01-01")
    message = str(exc.value)
    assert "3 new unit(s) have no predecessors in the mapping for 01/01/2025" in message
    for unit in ("05569 Thị trấn Chợ Chu", "05644 Thị trấn Giang Tiên", "05845 Xã Vạn Phú"):
        assert unit in message
    assert not Commune.objects.filter(valid_to__isnull=False).exists()


def test_reorganisation_in_the_wrong_order_writes_nothing():
    run("load_admin_units", "--file", Y2023)
    current = set(Commune.objects.current().values_list("pk", flat=True))
    with pytest.raises(CommandError, match="does not hold the --from state"):
        run("apply_unit_reorganisation", "--from", Y2024, "--to", Y2025, "--effective-date", "2025-07-01")
    assert set(Commune.objects.current().values_list("pk", flat=True)) == current


def test_reorganisation_dry_run():
    run("load_admin_units", "--file", Y2023)
    out = run(
        "apply_unit_reorganisation", "--from", Y2023, "--to", Y2024, "--effective-date", "2024-12-01", "--dry-run"
    )
    assert "8 retired" in out and "Dry run: nothing was written." in out
    assert not Commune.objects.filter(valid_to__isnull=False).exists() and not UnitSuccession.objects.exists()
