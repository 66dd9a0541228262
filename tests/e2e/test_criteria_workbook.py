"""Browser journey: a national administrator downloads the 2026–2030 set, corrects a target in the workbook, sees
the preview of exactly that change and confirms a new version; the province office assigns commune groups."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from core.spreadsheets import dataset_xlsx
from criteria import workbook
from criteria.loader import load_criteria
from criteria.models import CommuneClassification, CriteriaSet

from .conftest import login, restore_reference_data, shot
from .test_journeys import no_error, submit

pytestmark = pytest.mark.django_db(transaction=True)


def _edited(content: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    sheet = wb[workbook.CRITERIA_SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row in range(2, sheet.max_row + 1):
        if (
            sheet.cell(row, headers["indicator_code"]).value == "2.1"
            and sheet.cell(row, headers["commune_group"]).value == 3
        ):
            sheet.cell(row, headers["target_value"]).value = 85
            sheet.cell(row, headers["provenance"]).value = "verified"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_set_workbook_round_trip_and_commune_groups(new_page, transactional_db, world):
    restore_reference_data()
    load_criteria()
    admin = new_page()
    login(admin, "admin", "pw")
    admin.goto(reverse("criteria:set_list"))
    no_error(admin)
    shot(admin, "criteria-sets")
    set_pk = CriteriaSet.objects.get(code="XA-NTM-2026").pk
    with admin.expect_download() as download:
        admin.locator(f'a[href="{reverse("criteria:set_workbook", args=[set_pk])}"]').click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115, PTH123

    admin.goto(reverse("criteria:set_import"))
    admin.locator("input[name=file]").set_input_files(
        {"name": "XA-NTM-2026.xlsx", "mimeType": "application/octet-stream", "buffer": _edited(content)}
    )
    admin.locator("form[enctype] button").click()
    admin.wait_for_load_state("networkidle")
    assert "2.1 [group 3]" in admin.locator("table").inner_text()
    shot(admin, "criteria-set-import-preview")
    submit(admin, admin.locator("button[name=confirm]"))
    assert CriteriaSet.objects.get(code="XA-NTM-2026.v2").version == 2
    shot(admin, "criteria-sets-after-import")

    officer = new_page()
    login(officer, "province", "pw")
    officer.goto(reverse("criteria:assessment_list"))
    officer.locator(f'a[href="{reverse("criteria:classification_import")}"]').click()
    officer.wait_for_load_state("networkidle")
    rows = [[c.code, c.name, 2026, 1 if i % 2 else 3, "", "QĐ 100/QĐ-UBND"] for i, c in enumerate(world.communes)]
    filled = dataset_xlsx(
        tablib.Dataset(
            *rows, headers=["commune_code", "commune_name", "year_from", "commune_group", "region", "decision"]
        )
    )
    officer.locator("input[name=file]").set_input_files(
        {"name": "nhom-xa.xlsx", "mimeType": "application/octet-stream", "buffer": filled}
    )
    officer.locator("form[enctype] button").click()
    officer.wait_for_load_state("networkidle")
    shot(officer, "commune-groups-preview")
    submit(officer, officer.locator("button[name=confirm]"))
    assert CommuneClassification.objects.count() == len(world.communes)
