"""Criteria sets as one workbook: export, edit in Excel, import as a new version with a preview; shipped sets load
through the same parser; a bad row refuses the whole file."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria import workbook
from criteria.choices import TargetScheme
from criteria.loader import DATA_DIR, load_criteria
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorTarget
from criteria.selectors import criteria_set_for
from criteria.workbook import CriteriaWorkbookImporter
from tests.offices.factories import UserFactory

from .factories import simple_set

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (CriteriaSet, Criterion, Indicator, IndicatorTarget)]


def _edit(content: bytes, edit) -> bytes:
    """Open a workbook as Excel would, let `edit(criteria_sheet, set_sheet, headers)` change cells, save it."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    sheet = wb[workbook.CRITERIA_SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    edit(sheet, wb[workbook.SET_SHEET], headers)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row_of(sheet, headers, indicator_code, **target):
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, headers["indicator_code"]).value != indicator_code:
            continue
        if all(sheet.cell(row, headers[k]).value == v for k, v in target.items()):
            return row
    raise AssertionError(f"no row for {indicator_code} {target}")


def _confirm(user, content):
    importer = CriteriaWorkbookImporter(user=user)
    return importer.confirm(importer.read(content, "set.xlsx"))


def _check(user, content):
    importer = CriteriaWorkbookImporter(user=user)
    dataset = importer.read(content, "set.xlsx")
    return importer, dataset, importer.build(dataset)


@pytest.fixture
def loaded(world):
    load_criteria()
    return world


def test_export_then_import_unchanged_changes_nothing(loaded):
    for code in ["XA-NTM-2021", "XA-NTM-2026", "XOM-KM-19"]:
        content = workbook.export_set(CriteriaSet.objects.get(code=code))
        _importer, _dataset, plan = _check(loaded.users.admin, content)
        assert plan.is_valid, plan.errors
        assert plan.changes == [], [c.cells for c in plan.changes]
        assert plan.unchanged > 10


def test_edited_target_previews_exactly_that_change_and_confirm_makes_a_new_version(loaded):
    old = CriteriaSet.objects.get(code="XA-NTM-2026")
    content = workbook.export_set(old)

    def edit(sheet, _set_sheet, headers):
        row = _row_of(sheet, headers, "2.1", commune_group=3)
        sheet.cell(row, headers["target_value"]).value = 85
        sheet.cell(row, headers["provenance"]).value = "verified"
        sheet.cell(row, headers["article"]).value = "Mục 2.1"

    edited = _edit(content, edit)
    before = _counts()
    importer, _dataset, plan = _check(loaded.users.admin, edited)
    assert _counts() == before  # the preview wrote nothing
    assert plan.is_valid, plan.errors
    assert [c.cells for c in plan.changes] == [("Target", "changed", "2.1 [group 3]")]
    change = plan.changes[0]
    assert "value=80" in change.before and "value=85" in change.after
    assert "provisional=True" in change.before and "provisional=False" in change.after
    assert "Mục 2.1" in change.after
    assert "A new version of" in importer.summary(plan)

    _plan, result = _confirm(loaded.users.admin, edited)
    assert result == {"code": "XA-NTM-2026.v2", "version": 2, "changes": 1}
    new = CriteriaSet.objects.get(code="XA-NTM-2026.v2")
    old.refresh_from_db()
    assert old.superseded_at is not None and new.previous_version == old and new.series_code == "XA-NTM-2026"
    assert criteria_set_for(level="basic", year=2026) == new
    target = IndicatorTarget.objects.get(indicator__criterion__criteria_set=new, indicator__code="2.1", commune_group=3)
    assert target.value == 85 and not target.is_provisional and target.article == "Mục 2.1"
    # The old version is untouched (its scorecards keep it) and the new one holds a full copy.
    assert IndicatorTarget.objects.get(
        indicator__criterion__criteria_set=old, indicator__code="2.1", commune_group=3
    ).value == Decimal(80)
    assert new.criteria.count() == 10 and new.target_scheme == TargetScheme.COMMUNE_GROUP
    # Exporting the new version and importing it again changes nothing.
    _i, _d, again = _check(loaded.users.admin, workbook.export_set(new))
    assert again.is_valid and again.changes == []


def test_added_and_removed_items_are_listed(loaded):
    content = workbook.export_set(CriteriaSet.objects.get(code="XA-NTM-2026"))

    def edit(sheet, _set_sheet, headers):
        row = _row_of(sheet, headers, "1.1")
        sheet.cell(row, headers["indicator_code"]).value = "1.9"
        sheet.delete_rows(_row_of(sheet, headers, "2.1", commune_group=1))

    _importer, _dataset, plan = _check(loaded.users.admin, _edit(content, edit))
    assert plan.is_valid, plan.errors
    assert sorted(c.cells for c in plan.changes) == [
        ("Indicator", "added", "1.9"),
        ("Indicator", "removed", "1.1"),
        ("Target", "removed", "2.1 [group 1]"),
    ]


def test_a_bad_row_refuses_the_whole_file_with_row_and_column(loaded):
    content = workbook.export_set(CriteriaSet.objects.get(code="XA-NTM-2026"))

    def edit(sheet, set_sheet, headers):
        sheet.cell(3, headers["value_type"]).value = "money"
        sheet.cell(4, headers["region"]).value = "XX"
        sheet.cell(5, headers["target_value"]).value = "nhiều"
        sheet.cell(6, headers["target_value"]).value = 50  # a valid change elsewhere is not written either
        set_sheet.cell(3, 2).value = "Bộ tiêu chí đã sửa"

    before = _counts()
    bad = _edit(content, edit)
    _importer, _dataset, plan = _check(loaded.users.admin, bad)
    assert not plan.is_valid
    problems = {(e.row, e.column) for e in plan.errors}
    assert {(3, "value_type"), (4, "region"), (5, "target_value")} <= problems
    assert any("XX" in e.reason for e in plan.errors)
    plan, result = _confirm(loaded.users.admin, bad)
    assert result is None and _counts() == before


def test_rows_of_one_criterion_must_agree(loaded):
    content = workbook.export_set(CriteriaSet.objects.get(code="XA-NTM-2026"))

    def edit(sheet, _set_sheet, headers):
        row = _row_of(sheet, headers, "2.1", commune_group=2)
        sheet.cell(row, headers["criterion_name"]).value = "Hạ tầng"

    _importer, _dataset, plan = _check(loaded.users.admin, _edit(content, edit))
    assert [(e.column, "Differs from row" in e.reason) for e in plan.errors] == [("criterion_name", True)]


def test_a_province_imports_its_own_hamlet_set_but_not_a_national_one(loaded):
    editor = loaded.users.province
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_criteriaset", "view_criteriaset"]))
    hamlet = CriteriaSet.objects.get(code="XOM-KM-19")

    def rename(sheet, set_sheet, headers):
        set_sheet.cell(2, 2).value = "XOM-KM-26"  # a new code: a new set, version 1
        set_sheet.cell(6, 2).value = 2026
        set_sheet.cell(7, 2).value = 2030

    renamed = _edit(workbook.export_set(hamlet), rename)
    _i, _dataset, plan = _check(editor, renamed)
    assert plan.is_valid, plan.errors
    assert plan.base is None and plan.changes[0].cells == ("Set", "added", "XOM-KM-26")
    _confirm(editor, renamed)
    created = CriteriaSet.objects.get(code="XOM-KM-26")
    assert created.province == loaded.province and created.version == 1 and created.criteria.count() == 10

    national = workbook.export_set(CriteriaSet.objects.get(code="XA-NTM-2026"))
    _i, _d, refused = _check(editor, _edit(national, lambda s, ss, h: s.cell(2, h["target_value"])))
    assert [(e.column, e.reason) for e in refused.errors] == [("set: province", "You may not import national sets.")]


def test_shipped_sets_load_from_a_workbook_exactly_as_from_json(loaded, tmp_path):
    """The loader reads .xlsx set files through the same parser: an office's workbook can ship as data."""
    original = CriteriaSet.objects.get(code="XA-NTM-2021")
    spec = workbook.spec_of(original)
    spec.code = "XA-NTM-2021-COPY"
    path = tmp_path / "copy.xlsx"
    path.write_bytes(workbook.workbook(spec))
    load_criteria([path])
    copy = CriteriaSet.objects.get(code="XA-NTM-2021-COPY")
    assert workbook.spec_of(copy).criteria == workbook.spec_of(original).criteria
    assert (DATA_DIR / "commune_basic_2026_2030.json").exists()


def test_2026_set_marks_what_is_provisional(loaded):
    new = CriteriaSet.objects.get(code="XA-NTM-2026")
    assert new.is_provisional and "group 3" in new.source.lower()
    targets = IndicatorTarget.objects.filter(indicator__criterion__criteria_set=new)
    assert targets.exists() and not targets.filter(is_provisional=False).exists()
    assert set(targets.values_list("source_document", flat=True)) == {"Quyết định 51/2025/QĐ-TTg, Phụ lục I"}
    assert set(targets.values_list("commune_group", flat=True)) == {1, 2, 3}


# --- pages ------------------------------------------------------------------------------------------------------------


def test_pages_need_the_permission(client, loaded):
    for user in [loaded.users.viewer, loaded.users.province]:
        client.force_login(user)
        assert client.get(reverse("criteria:set_list")).status_code == 403
        pk = CriteriaSet.objects.get(code="XA-NTM-2026").pk
        assert client.get(reverse("criteria:set_workbook", args=[pk])).status_code == 403
        assert client.get(reverse("criteria:set_import")).status_code == 403
    client.logout()
    assert client.get(reverse("criteria:set_list")).status_code == 302


def test_import_page_previews_then_confirms(client, loaded):
    client.force_login(loaded.users.admin)
    old = CriteriaSet.objects.get(code="XA-NTM-2026")
    response = client.get(reverse("criteria:set_workbook", args=[old.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')

    def edit(sheet, _set_sheet, headers):
        sheet.cell(_row_of(sheet, headers, "2.1", commune_group=2), headers["target_value"]).value = 95

    upload = SimpleUploadedFile("XA-NTM-2026.xlsx", _edit(response.content, edit))
    preview = client.post(reverse("criteria:set_import"), {"file": upload})
    assert preview.status_code == 200
    assert [c.cells for c in preview.context["plan"].changes] == [("Target", "changed", "2.1 [group 2]")]
    assert CriteriaSet.objects.filter(series_code="XA-NTM-2026").count() == 1
    done = client.post(reverse("criteria:set_import"), {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302
    assert CriteriaSet.objects.get(series_code="XA-NTM-2026", superseded_at__isnull=True).version == 2

    unchanged = client.post(
        reverse("criteria:set_import"),
        {"file": SimpleUploadedFile("same.xlsx", client.get(reverse("criteria:set_workbook", args=[old.pk])).content)},
    )
    # The old version's workbook against the new version: the one target differs back.
    assert [c.cells for c in unchanged.context["plan"].changes] == [("Target", "changed", "2.1 [group 2]")]


def test_admin_action_exports_one_set(client, loaded):
    client.force_login(loaded.users.admin)
    pk = CriteriaSet.objects.get(code="XA-NTM-2021").pk
    response = client.post(
        reverse("admin:criteria_criteriaset_changelist"), {"action": "export_workbook", "_selected_action": [pk]}
    )
    assert response.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames
    assert sheets == [workbook.CRITERIA_SHEET, workbook.SET_SHEET]


def test_set_list_query_count_is_fixed(client, world, django_assert_max_num_queries):
    staff = UserFactory(username="keeper")
    staff.user_permissions.add(*Permission.objects.filter(codename="view_criteriaset"))
    client.force_login(staff)

    def page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("criteria:set_list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    for n in range(3):
        simple_set(n_criteria=2, code=f"Q{n}")
    with django_assert_max_num_queries(15):
        few, r1 = page()
    for n in range(3, 30):
        simple_set(n_criteria=2, code=f"Q{n}")
    many, r2 = page()
    assert few == many
    assert (r1.context["count"], r2.context["count"]) == (3, 30)


def test_a_scorecard_keeps_the_version_it_was_made_with(client, loaded):
    from .conftest import assess

    old = CriteriaSet.objects.get(code="XA-NTM-2026")
    commune = loaded.pb[0]
    made = assess(commune, old, {"2.1": Decimal(95)}, year=2026)

    def edit(sheet, _set_sheet, headers):
        sheet.cell(_row_of(sheet, headers, "2.1", commune_group=2), headers["target_value"]).value = 99

    _confirm(loaded.users.admin, _edit(workbook.export_set(old), edit))
    client.force_login(loaded.users.province)
    response = client.get(reverse("criteria:scorecard", args=[commune.code, 2026]))
    assert response.context["assessment"] == made and response.context["criteria_set"] == old
    # A commune with no scorecard yet starts on the new version.
    other = client.get(reverse("criteria:scorecard", args=[loaded.pb[1].code, 2026]))
    assert other.context["criteria_set"].code == "XA-NTM-2026.v2"


def test_checking_and_writing_a_set_takes_the_same_queries_for_3_and_30_criteria(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        original = simple_set(n_criteria=n, indicators_per_criterion=2, code=f"N{n}")
        spec = workbook.spec_of(original)
        spec.criteria[0].indicators[0].targets[0].value = Decimal(70)  # one change: the plan is written
        content = workbook.workbook(spec)
        admin = type(world.users.admin).objects.get(pk=world.users.admin.pk)  # no scope cached from the last call
        with CaptureQueriesContext(connection) as check:
            _i, _d, plan = _check(admin, content)
        assert plan.is_valid and len(plan.changes) == 1
        with CaptureQueriesContext(connection) as write:
            _plan, result = _confirm(admin, content)
        assert result["version"] == 2
        return len(check.captured_queries), len(write.captured_queries)

    assert queries(3) == queries(30)


def test_a_target_must_follow_the_set_scheme(loaded):
    content = workbook.export_set(CriteriaSet.objects.get(code="XA-NTM-2026"))

    def edit(sheet, _set_sheet, headers):
        row = _row_of(sheet, headers, "2.1", commune_group=1)
        sheet.cell(row, headers["commune_group"]).value = None
        sheet.cell(row, headers["region"]).value = "TDMNPB"

    _importer, _dataset, plan = _check(loaded.users.admin, _edit(content, edit))
    assert [(e.column, "commune group" in e.reason) for e in plan.errors] == [("region", True)]
