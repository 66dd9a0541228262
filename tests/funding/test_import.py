"""Excel round trip of plan lines and disbursements: dry-run preview, codes as keys, Vietnamese numbers, any bad
row refuses the whole file with row, column and reason and writes nothing."""

import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.spreadsheets import read_dataset
from funding import resources, services
from funding.models import CapitalPlanLine, Disbursement
from offices import scope

from .factories import DisbursementFactory, LineFactory, ProjectFactory, source

pytestmark = pytest.mark.django_db
M = 1_000_000
LINE_HEADERS = [
    "year",
    "unit_level",
    "unit_code",
    "source",
    "component",
    "project_code",
    "planned",
    "mobilised",
    "note",
]
PAY_HEADERS = ["year", "unit_level", "unit_code", "source", "component", "project_code", "reference", "paid_on", "amount", "note"]  # fmt: skip


def dataset(headers, rows):
    ds = tablib.Dataset(headers=headers)
    for row in rows:
        ds.append(row)
    return ds


def line_rows(world):
    return [
        [2024, "commune", world.pb[0].code, "NSDP", "infrastructure", "", "1.500.000.000", "1.200.000.000", "đường xóm"],
        [2024, "commune", int(world.pb[1].code), "DAN-CONG", "infrastructure", "", "250.000.000", "", ""],  # Excel dropped the zero
        [2024, "district", "173", "NSTW-DTPT", "production", "", "3,000,000,000", "0", ""],
        [2024, "province", "19", "TIN-DUNG", "livelihood", "", 12000000000, None, "tín dụng chính sách"],
    ]  # fmt: skip


def test_plan_lines_import_creates_then_updates(world):
    user = world.users.province
    plan = resources.PlanLineImporter(user=user).build(dataset(LINE_HEADERS, line_rows(world)))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed) == (4, 0)
    assert not CapitalPlanLine.objects.exists()  # the dry run wrote nothing
    services.plan_lines_import_apply(plan=plan, actor=user)
    assert CapitalPlanLine.objects.count() == 4
    line = CapitalPlanLine.objects.get(commune=world.pb[0])
    assert (line.planned_amount, line.mobilised_amount, line.note) == (1_500 * M, 1_200 * M, "đường xóm")
    assert line.district == world.phu_binh and line.province == world.province
    assert CapitalPlanLine.objects.get(commune=world.pb[1]).mobilised_amount == 0
    rows = line_rows(world)
    rows[0][6] = "1.600.000.000"
    plan = resources.PlanLineImporter(user=user).build(dataset(LINE_HEADERS, rows))
    assert (plan.new, plan.changed, plan.unchanged) == (0, 1, 3)
    services.plan_lines_import_apply(plan=plan, actor=user)
    assert CapitalPlanLine.objects.get(commune=world.pb[0]).planned_amount == 1_600 * M
    assert CapitalPlanLine.objects.count() == 4


@pytest.mark.parametrize(
    "row_index, column, value, reason",
    [
        (0, "planned", "1,5 tỷ", "not a whole amount"),
        (0, "planned", "-5", "negative"),
        (1, "source", "NGAN-HANG", "Unknown capital source"),
        (1, "component", "roads", "Unknown component"),
        (2, "unit_code", "999", "Unknown District code"),
        (2, "unit_level", "tinh", "not a unit level"),
        (3, "year", "năm nay", "not a whole number"),
        (0, "project_code", "DA-X", "Unknown project"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file(world, row_index, column, value, reason):
    rows = line_rows(world)
    rows[row_index][LINE_HEADERS.index(column)] = value
    plan = resources.PlanLineImporter(user=world.users.province).build(dataset(LINE_HEADERS, rows))
    assert not plan.is_valid
    [error] = plan.errors
    assert (error.row, error.column) == (row_index + 2, column)
    assert reason in error.reason
    with pytest.raises(Exception):  # noqa: B017 - the service refuses a plan with errors
        services.plan_lines_import_apply(plan=plan, actor=world.users.province)
    assert not CapitalPlanLine.objects.exists()


def test_scope_and_role_refusals(world):
    rows = line_rows(world)
    plan = resources.PlanLineImporter(user=world.users.district).build(dataset(LINE_HEADERS, rows))
    assert [(e.row, e.column) for e in plan.errors] == [(5, "unit_code")]  # the province line
    assert "outside your area" in plan.errors[0].reason
    plan = resources.PlanLineImporter(user=world.users.viewer).build(dataset(LINE_HEADERS, rows))
    assert len(plan.errors) == 4 and all("may not change" in e.reason for e in plan.errors)
    rows.append([2024, "commune", world.dt[0].code, "NSDP", "infrastructure", "", "1", "", ""])
    plan = resources.PlanLineImporter(user=world.users.commune).build(dataset(LINE_HEADERS, rows[:1] + rows[4:]))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "unit_code")]


def test_missing_columns_and_duplicate_rows(world):
    plan = resources.PlanLineImporter(user=world.users.province).build(
        dataset(["year", "unit_code", "planned"], [[2024, "19", 1]])
    )
    assert plan.errors[0].row == 1 and "unit_level" in plan.errors[0].column
    rows = line_rows(world)
    plan = resources.PlanLineImporter(user=world.users.province).build(dataset(LINE_HEADERS, rows + [rows[0]]))
    assert [(e.row, "row 2" in e.reason) for e in plan.errors] == [(6, True)]


def test_disbursement_import_over_plan_rule(world):
    user = world.users.district
    project = ProjectFactory(commune=world.pb[0])
    line = LineFactory(commune=world.pb[0], source=source("NSDP"), project=project, planned_amount=100 * M)
    DisbursementFactory(line=line, reference="UNC-OLD", amount=60 * M)
    key = [2024, "commune", world.pb[0].code, "NSDP", "infrastructure", project.code]
    rows = [key + ["UNC-1", "15/06/2024", "30.000.000", ""], key + ["UNC-2", "20/07/2024", "20.000.000", ""]]
    plan = resources.DisbursementImporter(user=user).build(dataset(PAY_HEADERS, rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "note")]
    assert "above the planned" in plan.errors[0].reason
    rows[1][-1] = "Bổ sung theo nghị quyết HĐND"
    plan = resources.DisbursementImporter(user=user).build(dataset(PAY_HEADERS, rows))
    assert plan.is_valid, plan.errors
    assert [c.row for c in plan.warnings] == [3]
    services.disbursements_import_apply(plan=plan, actor=user)
    assert list(
        Disbursement.objects.filter(line=line).order_by("reference").values_list("reference", "exceeds_plan")
    ) == [
        ("UNC-1", False),
        ("UNC-2", True),
        ("UNC-OLD", False),
    ]
    # Re-importing the same file changes nothing.
    plan = resources.DisbursementImporter(user=user).build(dataset(PAY_HEADERS, rows))
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 2)


def test_disbursement_for_a_missing_line_is_refused(world):
    rows = [[2024, "commune", world.pb[0].code, "NSDP", "infrastructure", "", "UNC-1", "15/06/2024", "1.000.000", ""]]
    plan = resources.DisbursementImporter(user=world.users.province).build(dataset(PAY_HEADERS, rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "unit_code")]
    assert "No plan line" in plan.errors[0].reason
    rows[0][7] = "31/02/2024"
    plan = resources.DisbursementImporter(user=world.users.province).build(dataset(PAY_HEADERS, rows))
    assert ("paid_on", True) in [(e.column, "not a date" in e.reason) for e in plan.errors]


def test_round_trip_export_then_import_changes_nothing(world):
    for i, commune in enumerate(world.communes):
        line = LineFactory(commune=commune, planned_amount=(i + 1) * 123_456_789, note="ghi chú")
        DisbursementFactory(line=line, amount=1_000_000 + i)
    user = world.users.province
    content = resources.export_lines(lines=CapitalPlanLine.objects.all())
    plan = resources.PlanLineImporter(user=user).build(read_dataset(content, "lines.xlsx"))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 5)
    content = resources.export_disbursements(user=user)
    plan = resources.DisbursementImporter(user=user).build(read_dataset(content, "pay.xlsx"))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged) == (0, 0, 5)


def test_import_queries_do_not_grow_with_rows(world):
    def rows(n):
        return [
            [2024, "commune", world.communes[i % 5].code, ["NSDP", "DAN-TIEN", "KHAC"][i // 5 % 3],
             ["infrastructure", "production"][i // 15], "", str((i + 1) * 1000), "", ""]
            for i in range(n)
        ]  # fmt: skip

    def count(n):
        scope.clear_cache(world.users.province)
        with CaptureQueriesContext(connection) as ctx:
            plan = resources.PlanLineImporter(user=world.users.province).build(dataset(LINE_HEADERS, rows(n)))
        assert plan.is_valid, plan.errors[:3]
        return len(ctx)

    assert count(3) == count(30)


def test_two_step_view_previews_then_writes(client, world):
    client.force_login(world.users.district)
    url = reverse("funding:lines_import")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LINE_HEADERS)
    sheet.append([2024, "commune", world.pb[0].code, "NSDP", "infrastructure", "", "1.500.000.000", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("lines.xlsx", buffer.getvalue())
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-summary"' in html
    assert not CapitalPlanLine.objects.exists()
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert CapitalPlanLine.objects.get().planned_amount == 1_500 * M


def test_view_shows_row_column_reason(client, world):
    client.force_login(world.users.district)
    csv = "year,unit_level,unit_code,source,component,planned\n2024,commune,{},NSDP,infrastructure,abc\n".format(
        world.pb[0].code
    )
    response = client.post(
        reverse("funding:lines_import"), {"file": SimpleUploadedFile("lines.csv", csv.encode("utf-8"))}
    )
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "planned" in html and "abc" in html
    assert not CapitalPlanLine.objects.exists()
