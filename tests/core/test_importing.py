"""core.importing, the one import framework, tried on a tiny importer of hamlets (code, commune code, name).

The importers of the apps (indicator values, OCOP products, plan lines, disbursements) have their own tests; here
the framework itself: whole-file refusal with row, column and reason, duplicate rows, preview counts, the confirm
that checks the stored file again and writes in one transaction, and a query count that does not grow with rows.
"""

import datetime
import uuid

import pytest
import tablib
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from communes.models import Commune, Hamlet
from core import importing
from core.importing import Change, ImportPage, import_view
from ntm_project.urls import urlpatterns as project_urlpatterns
from tests.communes.factories import HamletFactory

HEADERS = ["code", "commune_code", "name"]


class HamletImporter(importing.Importer):
    """A hamlet is found by its code; an empty name keeps the stored one (a blank row)."""

    columns = [*HEADERS, "type"]
    required = HEADERS
    help_text = "Hamlets by code; name empty keeps the stored name."

    def prepare(self, rows):
        codes = {importing.official_code(r.get("commune_code"), level="commune") for r in rows}
        self.communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
        hamlet_codes = {importing.text(r.get("code")) for r in rows}
        self.hamlets = {h.code: h for h in Hamlet.objects.filter(code__in=hamlet_codes)}

    def check(self, n, row, err):
        code = importing.text(row.get("code"))
        if not code:
            err("code", "the code is empty")
        commune_code = importing.official_code(row.get("commune_code"), level="commune")
        commune = self.communes.get(commune_code)
        if commune is None:
            err("commune_code", "unknown commune {}".format(commune_code))
        existing = self.hamlets.get(code)
        if existing is not None and commune is not None and existing.commune_id != commune.pk:
            err("code", "hamlet {} belongs to another commune".format(code))
        name = importing.text(row.get("name"))
        if not name and existing is None:
            err("name", "a new hamlet needs a name")
        if not code or commune is None:
            return None
        return Change(
            row=n,
            key=(code,),
            values={"commune_id": commune.pk, "name": name},
            label=code,
            existing=existing,
            before=existing.name if existing else "",
            after=name,
            blank=not name,
        )

    def write(self, plan):
        new = [Hamlet(code=c.key[0], **c.values) for c in plan.changes if c.is_new]
        changed = []
        for c in plan.changes:
            if not c.is_new:
                c.existing.name = c.values["name"]
                changed.append(c.existing)
        Hamlet.objects.bulk_create(new)
        Hamlet.objects.bulk_update(changed, ["name"])
        return {"created": len(new), "updated": len(changed)}


@login_required
def hamlet_import(request):
    return import_view(
        request,
        importer_class=HamletImporter,
        session_key="test_hamlet_import",
        page=ImportPage(title="Import hamlets", back_url="/", template_url="/hamlets.xlsx"),
    )


urlpatterns = [path("test-import/hamlets/", hamlet_import, name="test_hamlet_import"), *project_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def dataset(rows, headers=HEADERS):
    ds = tablib.Dataset(headers=headers)
    for row in rows:
        ds.append(row)
    return ds


def csv_upload(rows, headers=HEADERS):
    return SimpleUploadedFile("hamlets.csv", dataset(rows, headers).export("csv").encode("utf-8"))


@pytest.fixture
def stored(world):
    """Two hamlets already stored in Tân Khánh (05797)."""
    return [
        HamletFactory(commune=world.pb[0], code="05797-01", name="Xóm Đồng"),
        HamletFactory(commune=world.pb[0], code="05797-02", name="Xóm Chùa"),
    ]


def mixed_rows(world):
    """Two new hamlets, one renamed, one unchanged."""
    return [
        ["05797-03", int(world.pb[0].code), "Xóm Mới"],  # a numeric cell: Excel dropped the leading zero
        ["05800-01", world.pb[1].code, "Xóm Bãi"],
        ["05797-01", world.pb[0].code, "Xóm Đồng Mới"],
        ["05797-02", world.pb[0].code, "Xóm Chùa"],
    ]


def snapshot():
    return list(Hamlet.objects.order_by("code").values_list("code", "commune__code", "name"))


# --- checking a file -------------------------------------------------------------------------------------------------


def test_a_clean_file_is_checked_without_writing_and_counted(world, stored):
    before = snapshot()
    plan = HamletImporter(user=world.users.province).build(dataset(mixed_rows(world)[:4]))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged, plan.blank) == (2, 1, 1, 0)
    assert [c.row for c in plan.changes] == [2, 3, 4]
    assert [c.is_new for c in plan.changes] == [True, True, False]
    renamed = plan.changes[2]
    assert (renamed.before, renamed.after, renamed.cells) == ("Xóm Đồng", "Xóm Đồng Mới", ("05797-01",))
    assert snapshot() == before  # the check wrote nothing


def test_a_blank_row_is_counted_and_left_as_stored(world, stored):
    rows = [["05797-02", world.pb[0].code, ""], ["05797-01", world.pb[0].code, "Xóm Đồng"]]
    plan = HamletImporter(user=world.users.province).build(dataset(rows))
    assert plan.is_valid, plan.errors
    assert (plan.new, plan.changed, plan.unchanged, plan.blank) == (0, 0, 1, 1)
    assert plan.changes == []


def test_any_bad_row_refuses_the_whole_file_with_row_column_and_reason(world, stored):
    before = snapshot()
    rows = mixed_rows(world)
    rows[1][1] = "99999"
    rows[3][0] = ""
    rows.append(["05797-09", world.pb[0].code, ""])  # a new hamlet without a name
    plan = HamletImporter(user=world.users.province).build(dataset(rows))
    assert not plan.is_valid
    assert [(e.row, e.column) for e in plan.errors] == [(3, "commune_code"), (5, "code"), (6, "name")]
    assert plan.errors[0].reason == "unknown commune 99999"
    plan, result = HamletImporter(user=world.users.province).confirm(dataset(rows))
    assert result is None and len(plan.errors) == 3  # the write step is never called
    assert snapshot() == before


def test_missing_required_columns_refuse_the_file_on_the_header_row(world):
    plan = HamletImporter(user=world.users.province).build(dataset([["05797-01", "Xóm"]], headers=["code", "nom"]))
    [error] = plan.errors
    assert (error.row, error.column) == (1, "commune_code, name")
    assert "commune_code, name" in error.reason


def test_empty_rows_are_skipped_and_extra_columns_ignored(world):
    rows = [["05797-05", world.pb[0].code, "Xóm Nam", "Tân Khánh"], [None, "", "  ", None]]
    plan = HamletImporter(user=world.users.province).build(dataset(rows, headers=[*HEADERS, "commune_name"]))
    assert plan.is_valid, plan.errors
    assert [c.row for c in plan.changes] == [2]


def test_two_rows_naming_the_same_record_refuse_the_file(world):
    rows = [["05797-05", world.pb[0].code, "Xóm Nam"], ["05797-06", world.pb[0].code, "Xóm Bắc"]]
    rows.append(["05797-05", world.pb[0].code, "Xóm Nam 2"])
    plan = HamletImporter(user=world.users.province).build(dataset(rows))
    [error] = plan.errors
    assert (error.row, error.column) == (4, "code")  # the first required column unless the importer names one
    assert error.reason == "The same record as row 2"


def test_checking_a_file_takes_the_same_queries_for_3_rows_as_for_30(world):
    def rows(n):
        return [[f"{world.communes[i % 5].code}-{n}-{i}", world.communes[i % 5].code, f"Xóm {i}"] for i in range(n)]

    def count(n, step):
        with CaptureQueriesContext(connection) as ctx:
            plan, result = step(dataset(rows(n)))
        assert plan.is_valid, plan.errors[:3]
        return len(ctx)

    def build(ds):
        return HamletImporter(user=world.users.province).build(ds), None

    assert count(3, build) == count(30, build) == 2  # the communes and the hamlets the file names
    confirm = HamletImporter(user=world.users.province).confirm
    assert count(3, confirm) == count(30, confirm)
    assert Hamlet.objects.count() == 3 + 30


# --- the two-step view -------------------------------------------------------------------------------------------------


def test_upload_shows_a_preview_and_confirm_writes(client, world, stored):
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    page = client.get(url).content.decode()
    assert HamletImporter.help_text in page and "<code>commune_code</code>" in page and "/hamlets.xlsx" in page
    before = snapshot()
    preview = client.post(url, {"file": csv_upload(mixed_rows(world))}, HTTP_ACCEPT_LANGUAGE="en")
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.new, plan.changed, plan.unchanged) == (2, 1, 1)
    html = preview.content.decode()
    assert "2 new, 1 changed, 1 unchanged. Nothing has been written yet." in html
    assert "<td>05797-01</td>" in html and "Xóm Đồng Mới" in html
    assert snapshot() == before  # the preview wrote nothing
    response = client.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "Imported: 2 new, 1 changed." in response.content.decode()
    assert ("05797-03", "05797", "Xóm Mới") in snapshot() and ("05800-01", "05800", "Xóm Bãi") in snapshot()
    assert Hamlet.objects.get(code="05797-01").name == "Xóm Đồng Mới"
    assert "test_hamlet_import" not in client.session
    # The token is spent: confirming again writes nothing more.
    again = client.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "expired" in again.content.decode()


def test_a_refused_file_shows_row_column_reason_and_no_preview(client, world):
    client.force_login(world.users.province)
    rows = mixed_rows(world)
    rows[1][1] = "99999"
    response = client.post(reverse("test_hamlet_import"), {"file": csv_upload(rows)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "token" not in response.context
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "<td>3</td><td>commune_code</td>" in html
    assert "Nothing was written" in html
    assert not Hamlet.objects.exists()


def test_a_file_that_changes_nothing_says_so(client, world, stored):
    client.force_login(world.users.province)
    rows = [["05797-01", world.pb[0].code, "Xóm Đồng"]]
    response = client.post(reverse("test_hamlet_import"), {"file": csv_upload(rows)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The file is valid but changes nothing." in response.content.decode()
    assert "token" not in response.context


def test_an_unreadable_file_is_refused_under_the_field(client, world):
    client.force_login(world.users.province)
    response = client.post(reverse("test_hamlet_import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert response.context["form"].errors["file"] and response.context["import_form"] is response.context["form"]


def test_confirm_checks_the_stored_file_again(client, world):
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    preview = client.post(url, {"file": csv_upload(mixed_rows(world)[:2])})
    assert preview.context["plan"].new == 2
    # Meanwhile someone files hamlet 05797-03 under another commune: the confirm refuses the file, writes nothing.
    HamletFactory(commune=world.pb[2], code="05797-03", name="Xóm Khác")
    before = snapshot()
    response = client.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["plan"].errors] == [(2, "code")]
    assert snapshot() == before


def test_confirm_writes_in_one_transaction(client, world, monkeypatch):
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    preview = client.post(url, {"file": csv_upload(mixed_rows(world)[:2])})

    write = HamletImporter.write

    def write_then_fail(self, plan):
        write(self, plan)  # the rows are written...
        assert Hamlet.objects.count() == 2
        raise ValidationError("The service refused the file.")  # ...then the write step refuses

    monkeypatch.setattr(HamletImporter, "write", write_then_fail)
    response = client.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert response.redirect_chain[0] == (url, 302)
    assert "The service refused the file." in response.content.decode()
    assert not Hamlet.objects.exists()  # all or nothing


def test_a_forged_or_missing_token_writes_nothing(client, world):
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    client.post(url, {"file": csv_upload(mixed_rows(world)[:2])})
    response = client.post(url, {"confirm": "1", "token": uuid.uuid4().hex}, follow=True)
    assert "expired" in response.content.decode()
    assert not Hamlet.objects.exists()


# --- cell parsers ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "level", "code"),
    [
        (5797, "commune", "05797"),
        (5797.0, "commune", "05797"),
        ("5797", "commune", "05797"),
        (" 05797 ", "commune", "05797"),
        (173, "district", "173"),
        (1, "province", "01"),
        ("19", "province", "19"),
        ("05917-03", "commune", "05917-03"),  # not a unit code: as typed
        ("", "commune", ""),
        (None, "commune", ""),
    ],
)
def test_official_codes_get_their_zeros_back(raw, level, code):
    assert importing.official_code(raw, level=level) == code


def test_cells_read_as_offices_type_them():
    assert importing.text(12.0) == "12" and importing.text("  Xóm  ") == "Xóm" and importing.text(None) == ""
    assert importing.amount("1.500.000") == importing.amount("1,500,000") == importing.amount(1500000) == 1_500_000
    assert importing.integer("2.024", low=2000, high=2100) == 2024
    assert (
        importing.date("31/12/2024")
        == importing.date(datetime.datetime(2024, 12, 31, 8, 0))  # noqa: DTZ001 (openpyxl reads naive datetimes)
        == datetime.date(2024, 12, 31)
    )
    assert importing.date_text(datetime.date(2024, 3, 5)) == "05/03/2024"
    for parse, raw, reason in [
        (importing.amount, "-5", "negative"),
        (importing.amount, "1,5 tỷ", "not a whole amount"),
        (lambda v: importing.integer(v, low=0, high=100), "101", "not between 0 and 100"),
        (importing.date, "2024/31/12", "not a date"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse(raw)


def test_a_large_file_is_written_by_the_background_worker_with_a_progress_page(
    client, world, stored, settings, django_capture_on_commit_callbacks
):
    """Above NTM_IMPORT_BACKGROUND_ROWS rows the confirm becomes a background job: the page that follows shows its
    progress, then the same message as a small import, and the data is written once."""
    from core.models import Job, JobStatus

    settings.NTM_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    preview = client.post(url, {"file": csv_upload(mixed_rows(world))})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1", "token": preview.context["token"]})
    job = Job.objects.get(owner=world.users.province)
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["message"] == "Imported: 2 new, 1 changed." and job.result["next_url"] == "/"
    assert Hamlet.objects.get(code="05797-01").name == "Xóm Đồng Mới"
    assert "test_hamlet_import" not in client.session
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["finished"] and state["message"] == "Imported: 2 new, 1 changed."


def test_a_large_file_that_went_bad_meanwhile_fails_its_job_and_writes_nothing(
    client, world, settings, django_capture_on_commit_callbacks
):
    from core.models import Job, JobStatus

    settings.NTM_IMPORT_BACKGROUND_ROWS = 1
    client.force_login(world.users.province)
    url = reverse("test_hamlet_import")
    preview = client.post(url, {"file": csv_upload(mixed_rows(world)[:2])})
    HamletFactory(commune=world.pb[2], code="05797-03", name="Xóm Khác")
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "1", "token": preview.context["token"]})
    job = Job.objects.get(owner=world.users.province)
    assert job.status == JobStatus.FAILED and "row 2, column code" in job.error
    assert snapshot() == before
