"""Reading uploads: a formula cell counts as the value Excel calculated for it, or refuses the whole file."""

import io
import re
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.spreadsheets import ImportFileError, dataset_xlsx, read_dataset
from criteria.models import Assessment, IndicatorValue
from programs.models import OcopProduct
from tests.criteria.factories import simple_set

HEADERS = ["year", "set", "commune_code", "indicator_code", "value", "note"]


def _workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_cached_values(content: bytes, cached: dict[str, str]) -> bytes:
    """What Excel saves: each formula cell (`<f>`) followed by the value it calculated (`<v>`)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, value in cached.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?', rf"\1\2<v>{value}</v>", text
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_formula_without_a_calculated_value_refuses_the_file_naming_row_and_column():
    content = _workbook([HEADERS, [2023, "IMP", "05797", "1.1", "=1+1", ""], [2023, "IMP", "05797", "1.2", 5, "=A1"]])
    with pytest.raises(ImportFileError) as refused:
        read_dataset(content, "values.xlsx")
    message = str(refused.value)
    assert "row 2, column value" in message and "row 3, column note" in message
    assert "Paste Special" in message


def test_a_formula_with_a_calculated_value_reads_as_that_value():
    content = _with_cached_values(_workbook([HEADERS, [2023, "IMP", "05797", "1.1", "=90+3.7", ""]]), {"E2": "93.7"})
    dataset = read_dataset(content, "values.xlsx")
    assert dataset.headers == HEADERS
    assert list(dataset[0]) == [2023, "IMP", "05797", "1.1", 93.7, None]


def test_text_that_looks_like_a_formula_in_a_text_cell_is_text():
    typed = tablib.Dataset([2023, "IMP", "05797", "1.1", "93,7", "=ghi chú"], headers=HEADERS)
    dataset = read_dataset(dataset_xlsx(typed), "v.xlsx")
    assert list(dataset[0]) == [2023, "IMP", "05797", "1.1", "93,7", "=ghi chú"]


@pytest.mark.django_db
def test_the_criteria_import_page_refuses_a_formula_cell_and_writes_nothing(client, world):
    simple_set(n_criteria=1, code="IMP")
    client.force_login(world.users.district)
    content = _workbook([HEADERS, [2023, "IMP", world.pb[0].code, "1.1", "=1+1", ""]])
    response = client.post(reverse("criteria:import"), {"file": SimpleUploadedFile("v.xlsx", content)})
    assert response.status_code == 200
    errors = response.context["import_form"].errors["file"]
    assert any("row 2, column value" in e for e in errors), errors
    assert not Assessment.objects.exists() and not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_the_ocop_import_page_refuses_a_formula_cell_and_writes_nothing(client, world):
    client.force_login(world.users.province)
    content = _workbook([["code", "name", "commune_code", "score"], ["OCOP-1", '=HYPERLINK("http://x")', "05797", 80]])
    response = client.post(reverse("programs:ocop_import"), {"file": SimpleUploadedFile("o.xlsx", content)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("row 2, column name" in e for e in errors), errors
    assert not OcopProduct.objects.exists()
