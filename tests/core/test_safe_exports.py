"""Every export of every list and report writes text a user typed as text, never as a formula (issue 10).

The same text is put in every kind of field the exports show (unit names, notes, references, decision numbers,
signers, product names and owners); each export must carry it (so the check is not vacuous) and hold no formula:
no xlsx cell of formula type, and in csv no cell that a spreadsheet would run (it starts with an apostrophe)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import FORMULA_STARTS, SafeCSV, SafeXLSX, dataset_csv, dataset_xlsx, read_dataset
from criteria.choices import StandardLevel, SubjectKind
from funding.models import CapitalPlanLine, Disbursement
from programs.models import OcopProduct
from register.models import Recognition
from tests.criteria.conftest import assess
from tests.criteria.factories import simple_set
from tests.funding.factories import DisbursementFactory, LineFactory, ProjectFactory
from tests.programs.factories import AnnualPlanFactory, OcopProductFactory, PlanTargetFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ["=1+1", '=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]


@pytest.fixture
def planted(world, request):
    """The payload in every typed field the exports read, in Tân Khánh (Phú Bình)."""
    text = request.param
    commune, district = world.pb[0], world.phu_binh
    commune.name, district.name = text, text
    commune.save()
    district.save()
    criteria_set = simple_set(n_criteria=2)
    assessment = assess(commune, criteria_set, {"1.1": Decimal(90), "2.1": Decimal(70)})
    assessment.values.update(note=text)
    line = LineFactory(commune=commune, note=text, project=ProjectFactory(commune=commune, name=text))
    DisbursementFactory(line=line, reference=text, note=text)
    OcopProductFactory(commune=commune, name=text, owner=text, decision_number=text)
    Recognition.objects.create(
        subject_kind=SubjectKind.COMMUNE,
        commune=commune,
        level=StandardLevel.BASIC,
        year=2023,
        decision_number=text,
        decision_date=datetime.date(2023, 12, 20),
        signer=text,
        issuing_body=text,
    )
    target = PlanTargetFactory(plan=AnnualPlanFactory(province=world.province, year=2023, note=text), note=text)
    RegistrationFactory(target=target, commune=commune, note=text)
    not_yet = world.pb[1]  # registered, not recognised: the plan report lists it by name
    not_yet.name = text
    not_yet.save()
    RegistrationFactory(target=target, commune=not_yet, note=text)
    return text, criteria_set


def _exports(criteria_set, district_pk):
    """(name, url, format) of every export page."""
    set_query = f"criteria_set={criteria_set.code}&year=2023"
    return [
        ("dashboard", reverse("reports:dashboard") + "?year=2023&format=xlsx", "xlsx"),
        ("dashboard-district", reverse("reports:dashboard") + f"?year=2023&format=xlsx&district={district_pk}", "xlsx"),
        ("criteria-matrix", reverse("reports:criteria_matrix") + "?year=2023&format=xlsx", "xlsx"),
        ("recognition-register", reverse("reports:recognition_register") + "?year=2023&format=xlsx", "xlsx"),
        ("revocation-risk", reverse("reports:revocation_risk") + "?year=2023&format=xlsx", "xlsx"),
        ("plan-vs-result", reverse("reports:plan_vs_result") + "?year=2023&format=xlsx", "xlsx"),
        ("capital-by-source", reverse("reports:capital_mobilisation") + "?year=2024&format=xlsx", "xlsx"),
        ("capital-by-unit", reverse("reports:capital_mobilisation") + "?year=2024&format=xlsx&by=unit", "xlsx"),
        ("funding-report", reverse("funding:report") + "?year=2024&export=xlsx", "xlsx"),
        ("plan-lines-xlsx", reverse("funding:line_list") + "?export=xlsx", "xlsx"),
        ("plan-lines-csv", reverse("funding:line_list") + "?export=csv", "csv"),
        ("disbursements", reverse("funding:disbursements_export"), "xlsx"),
        ("ocop-xlsx", reverse("programs:ocop_list") + "?export=xlsx", "xlsx"),
        ("ocop-csv", reverse("programs:ocop_list") + "?export=csv", "csv"),
        ("values-template-xlsx", reverse("criteria:export") + f"?{set_query}&file_format=xlsx", "xlsx"),
        ("values-template-csv", reverse("criteria:export") + f"?{set_query}&file_format=csv", "csv"),
    ]


EXPORT_NAMES = [name for name, _url, _fmt in _exports(type("S", (), {"code": "X"}), 1)]


def _cells(content: bytes, fmt: str):
    """Every cell as (is_formula, text)."""
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(content))  # not read-only: data_type tells formulas apart
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield cell.data_type == "f", str(cell.value)
    else:
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
            for value in row:
                yield value.startswith(FORMULA_STARTS), value


def _assert_safe(content: bytes, fmt: str, text: str, what: str):
    cells = list(_cells(content, fmt))
    formulas = [value for is_formula, value in cells if is_formula]
    assert formulas == [], f"{what}: formula cells {formulas[:5]}"
    # Written into XML, a carriage return may come back as a line feed; the cell is still the text typed.
    shown = {text, text.replace("\r", "\n")} if fmt == "xlsx" else {"'" + text}
    assert any(s in value for _f, value in cells for s in shown), f"{what}: the typed text is not in the export"


@pytest.mark.parametrize("planted", PAYLOADS, indirect=True)
@pytest.mark.parametrize("export", EXPORT_NAMES)
def test_no_export_writes_typed_text_as_a_formula(client, world, planted, export):
    text, criteria_set = planted
    name, url, fmt = next(e for e in _exports(criteria_set, world.phu_binh.pk) if e[0] == export)
    client.force_login(world.users.admin)
    response = client.get(url)
    assert response.status_code == 200, f"{name}: {response.status_code}"
    assert response["Content-Disposition"].startswith("attachment;")
    _assert_safe(response.content, fmt, text, name)


@pytest.mark.parametrize("planted", PAYLOADS[:4], indirect=True)
@pytest.mark.parametrize("model", [OcopProduct, CapitalPlanLine, Disbursement], ids=lambda m: m.__name__)
@pytest.mark.parametrize("file_format", [SafeXLSX, SafeCSV], ids=["xlsx", "csv"])
def test_the_admin_exports_write_no_formula(world, planted, model, file_format):
    text, _set = planted
    request = RequestFactory().get("/")
    request.user = world.users.admin
    model_admin = admin.site._registry[model]
    assert file_format in model_admin.get_export_formats()
    content = model_admin.get_export_data(file_format(), request, model._default_manager.all())
    content = content if isinstance(content, bytes) else content.encode("utf-8")
    _assert_safe(content, "xlsx" if file_format is SafeXLSX else "csv", text, model.__name__)


def test_an_escaped_csv_reads_back_as_typed():
    import tablib

    dataset = tablib.Dataset(headers=["note", "amount"])
    for text in PAYLOADS:
        dataset.append([text, 5])
    back = read_dataset(dataset_csv(dataset), "notes.csv")
    assert [row[0] for row in back] == PAYLOADS
    back = read_dataset(dataset_xlsx(dataset), "notes.xlsx")
    assert [row[0] for row in back] == PAYLOADS
