"""One way to import a spreadsheet: check every row without writing, show a dry-run preview, confirm, write.

Every importer of the project (indicator values, OCOP products, capital plan lines, disbursements) declares only
its columns, its checks and its write step by subclassing `Importer`; the rest is here, the same for every file.
django-import-export's default path runs queries per row (minutes for a province's 12,000 rows), so:

1. The upload is read by `core.spreadsheets.read_dataset` (xlsx or csv; a formula without a value refuses it).
2. `Importer.build` checks the header row, then `prepare(rows)` resolves every code of the file in bulk (a fixed
   number of queries whatever the row count), then `check(n, row, err)` checks each row without writing and
   returns one `Change` per good row. Two rows naming the same record are refused. `finish(plan)` runs the checks
   across rows and looks up what is stored, in bulk; rows that would change nothing are counted, not kept.
   Any bad row refuses the whole file, with row, column and reason (`RowError`): nothing is written.
3. `import_view` shows a clean file as a preview. Confirming re-reads the stored upload, checks it again (the data
   may have changed meanwhile) and writes it through the importer's `write(plan)`, all in one transaction.

The cell parsers read cells the way offices type them: Vietnamese number formats, official codes whose leading
zeros Excel dropped (`official_code`, the one place codes are padded), dates as 31/12/2024.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import localize
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from import_export.tmp_storages import MediaStorage

from core import access
from core.gcpause import gc_paused
from core.jobs import Progress, job_kind, start_job
from core.numbers import NumberFormatError, parse_integer
from core.spreadsheets import (
    TEMPLATE_SPARE_ROWS,
    ImportFileError,
    TemplateColumn,
    export_dataset,
    read_dataset,
    template_header_aliases,
    template_xlsx,
)
from core.text import fold

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    from core.models import Job

__all__ = [
    "CODE_WIDTH",
    "Change",
    "ImportForm",
    "ImportPage",
    "ImportPlan",
    "Importer",
    "RowError",
    "amount",
    "blank",
    "counts",
    "date",
    "date_text",
    "import_view",
    "integer",
    "official_code",
    "render_import_page",
    "text",
]

MAX_PREVIEW_ROWS = 200


# --- what a check produces ---------------------------------------------------------------------------------------------


@dataclass
class RowError:
    """Why a file is refused: the row (1 is the header row), the column and the reason, as the office reads them."""

    row: int
    column: str
    reason: str


NO_UNIT: Mapping[str, int | None] = MappingProxyType({})  # one shared empty mapping, not a dict per row


@dataclass(slots=True)  # a large file holds one per row
class Change:
    """One good row: the key of the record it names, the values to write, and the stored record if there is one.

    `label` is what the preview shows of the record: one text, or a tuple with one text per `preview_columns`.
    `unit` (province_id, district_id, commune_id) lets the write step check the user's area again. A `blank` row
    names a record but fills in nothing to change: it counts for duplicates, then is only counted.
    """

    row: int
    key: tuple[Any, ...]
    values: dict[str, Any]
    label: str | tuple[str, ...] = ""
    existing: Any = None
    before: str = ""
    after: str = ""
    warning: str = ""
    unit: Mapping[str, int | None] = field(default_factory=lambda: NO_UNIT)
    blank: bool = False

    @property
    def is_new(self) -> bool:
        return self.existing is None

    @property
    def cells(self) -> tuple[str, ...]:
        return self.label if isinstance(self.label, tuple) else (self.label,)


@dataclass
class ImportPlan:
    """The result of checking a file: what would be written, or why nothing will be."""

    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0
    blank: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def new(self) -> int:
        return sum(1 for c in self.changes if c.is_new)

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if not c.is_new)

    @property
    def warnings(self) -> list[Change]:
        return [c for c in self.changes if c.warning]

    @property
    def preview(self) -> list[Change]:
        return self.changes[:MAX_PREVIEW_ROWS]


# --- cell parsers ------------------------------------------------------------------------------------------------------


def blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


class _Rows:
    """The file's rows (blank ones skipped) as dicts of the columns an importer reads, made again at each pass:
    kept as a list, they would hold a large file in memory a second time."""

    def __init__(self, dataset: tablib.Dataset, read: list[tuple[int, str]]) -> None:
        self.dataset, self.read = dataset, read

    def numbered(self) -> Iterator[tuple[int, dict[str, Any]]]:
        read = self.read
        for n, raw in enumerate(self.dataset, start=2):  # row 1 is the header
            if not _blank_row(raw):
                yield n, {h: raw[i] for i, h in read}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (row for _n, row in self.numbered())


def _blank_row(raw: Sequence[object]) -> bool:
    """Every cell empty (the inlined `blank`: a file's every row passes here)."""
    return not any(value is not None and (not isinstance(value, str) or value.strip()) for value in raw)


def text(raw: object) -> str:
    """A cell as text; a whole number Excel stored as 12.0 reads "12"."""
    if blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


# Official unit codes (General Statistics Office): province 2 digits, district 3, commune 5, zero-padded.
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


def official_code(raw: object, *, level: str) -> str:
    """A unit's official code as stored, from a cell, a form field or a data file.

    Excel drops the leading zeros of a numeric cell and people type 5797 for 05797, so digits are padded back to the
    level's width; anything else is returned as typed (and will not be found)."""
    if blank(raw):
        return ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = int(raw)
    value = str(raw).strip()
    return value.zfill(CODE_WIDTH[level]) if value.isascii() and value.isdigit() else value


def amount(raw: object) -> int:
    """Đồng as written in Vietnamese or English ("1.500.000.000", "1,500,000,000"); whole and not negative."""
    try:
        value = parse_integer(raw)
    except NumberFormatError as exc:
        raise ValueError(_("'{value}' is not a whole amount in đồng (e.g. 1.500.000)").format(value=raw)) from exc
    if value < 0:
        raise ValueError(_("{value} is negative").format(value=raw))
    return value


def integer(raw: object, *, low: int | None = None, high: int | None = None) -> int:
    try:
        value = parse_integer(raw)
    except NumberFormatError as exc:
        raise ValueError(_("'{value}' is not a whole number").format(value=raw)) from exc
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(_("{value} is not between {low} and {high}").format(value=raw, low=low, high=high))
    return value


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]


def date(raw: object) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    value = text(raw)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise ValueError(_("'{value}' is not a date (write 31/12/2024)").format(value=value))


def date_text(value: datetime.date | None) -> str:
    """A date as exports write it and `date` reads it back."""
    return value.strftime("%d/%m/%Y") if value else ""


# --- the importer ------------------------------------------------------------------------------------------------------


class Importer:
    """Subclass it, declare the columns, and write `prepare`, `check` and `write` (and `finish` when rows depend on
    each other or on stored records). Instances are made per file and per user; `prepare` may keep lookups on
    `self`."""

    columns: Sequence[str] = ()  # every column read; others in the file are ignored (e.g. names next to codes)
    required: Sequence[str] = ()  # refused when the header row lacks one
    help_text: StrOrPromise = ""  # what the upload page says: columns, formats, what happens to existing records
    preview_columns: Sequence[StrOrPromise] = (pgettext_lazy("import row", "Record"),)  # headings of `Change.label`
    duplicate_column: str = ""  # the column a duplicate row is reported on (default: the first required one)
    duplicate_message: StrOrPromise = gettext_lazy("The same record as row {row}")
    success_message: StrOrPromise = gettext_lazy(
        "Imported: {created} new, {updated} changed."
    )  # formatted with write()
    plan_class: type[ImportPlan] = ImportPlan
    # Every column of the downloadable template (the read ones and those shown for reference), in its order, with
    # the header the office reads: files may carry these headers or the codes in `columns`.
    template_columns: Sequence[TemplateColumn] = ()

    def __init__(self, *, user: User) -> None:
        self.user = user

    @classmethod
    def column_label(cls, code: str) -> str:
        """The header of a column as the template writes it (the code when the template does not name it)."""
        return next((str(c.label) for c in cls.template_columns if c.code == code), code)

    @classmethod
    def instructions(cls) -> list[str]:
        """What the template's instruction sheet and the upload page say, in this order."""
        return [
            str(cls.help_text),
            gettext(
                "Fill in the white cells; the grey columns name the record and are protected. Keep the header row: "
                "the columns may be moved, and the English codes are accepted as headers too."
            ),
            gettext(
                "Numbers as numbers (93,7 or 1.500.000), dates as 31/12/2024, yes/no as Đạt or Không đạt; the "
                "drop-downs offer the codes the import accepts."
            ),
            gettext("The file is checked whole before anything is written: a preview shows what will change."),
        ]

    @classmethod
    def template(
        cls,
        dataset: tablib.Dataset,
        *,
        file_format: str,
        title: str,
        choices: dict[str, Sequence[str]] | None = None,
        spare_rows: int = TEMPLATE_SPARE_ROWS,
    ) -> bytes:
        """The downloadable template: an officer's workbook (core.spreadsheets.template_xlsx) or a csv with the
        codes as headers (read back the same way). `choices`: the codes a column's drop-down offers, by column."""
        if file_format != "xlsx" or not cls.template_columns:
            return export_dataset(dataset, file_format)
        columns = [
            dataclasses.replace(c, choices=tuple(choices[c.code])) if choices and choices.get(c.code) else c
            for c in cls.template_columns
        ]
        return template_xlsx(
            dataset, columns=columns, title=title, instructions=cls.instructions(), spare_rows=spare_rows
        )

    def header_of(self, header: object) -> str:
        """The column code a file's header names: the code itself or the template's label in any language."""
        shown = str(header).strip() if header is not None else ""
        if shown in self.columns or not self.template_columns:
            return shown
        if not hasattr(self, "_aliases"):
            self._aliases = template_header_aliases(self.template_columns)
        return self._aliases.get(fold(shown), shown)

    @property
    def optional(self) -> list[str]:
        return [c for c in self.columns if c not in self.required]

    # What each importer declares.

    def prepare(self, rows: Iterable[dict[str, Any]]) -> None:
        """Resolve every code of the file in bulk (a fixed number of queries, whatever the row count). `rows` may
        be read more than once."""

    def check(self, n: int, row: dict[str, Any], err: Callable[[str, object], None]) -> Change | None:
        """Check row `n` without writing: call `err(column, reason)` for each problem, return the Change if none."""
        raise NotImplementedError

    def finish(self, plan: ImportPlan) -> None:
        """Checks across rows and look-ups of stored records (set `existing`, `before`); may add errors."""

    def differs(self, change: Change) -> bool:
        """Whether writing the change would change the stored record."""
        return any(getattr(change.existing, name) != value for name, value in change.values.items())

    def write(self, plan: ImportPlan) -> dict[str, int]:
        """Write a checked plan through the app's service; return the counts `success_message` names."""
        raise NotImplementedError

    def summary(self, plan: ImportPlan) -> str:
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged. Nothing has been written yet.") % counts(
            new=plan.new, changed=plan.changed, unchanged=plan.unchanged
        )

    def warnings_summary(self, plan: ImportPlan) -> str:
        """A line above the preview when some changes carry a warning."""
        return ""

    def read(self, content: bytes, filename: str) -> tablib.Dataset:
        """The rows to check, from the uploaded file: its first sheet. An importer whose file spans several sheets
        reads them here (keeping what it needs on `self`) and returns the sheet of rows."""
        return read_dataset(content, filename)

    # The framework.

    @gc_paused
    def build(self, dataset: tablib.Dataset) -> ImportPlan:
        """Check a whole file without writing anything."""
        plan = self.plan_class()
        headers = [self.header_of(h) for h in (dataset.headers or [])]
        missing = [c for c in self.required if c not in headers]
        if missing:
            columns = ", ".join(missing)
            plan.errors.append(
                RowError(1, columns, _("Required columns are missing: {columns}").format(columns=columns))
            )
            return plan
        rows = _Rows(dataset, [(i, h) for i, h in enumerate(headers) if h in self.columns])
        self.prepare(rows)
        seen: dict[tuple[Any, ...], int] = {}
        for n, row in rows.numbered():
            errors_before = len(plan.errors)

            def err(column: str, reason: object, n: int = n) -> None:
                plan.errors.append(RowError(n, column, str(reason)))

            change = self.check(n, row, err)
            if len(plan.errors) > errors_before or change is None:
                continue
            if change.key in seen:
                err(self.duplicate_column or self.required[0], self.duplicate_message.format(row=seen[change.key]))
                continue
            seen[change.key] = n
            if change.blank:
                plan.blank += 1
                continue
            plan.changes.append(change)
        if not plan.errors:
            self.finish(plan)
        if not plan.errors:
            kept = [c for c in plan.changes if c.is_new or self.differs(c)]
            plan.unchanged += len(plan.changes) - len(kept)
            plan.changes = kept
            self.describe(plan.preview)
        return plan

    def describe(self, changes: list[Change]) -> None:
        """Fill in what the preview shows of these changes (`before` / `after`), when `check` and `finish` have not:
        a large file's rows need no description, only the ones the preview lists."""

    @gc_paused
    def confirm(self, dataset: tablib.Dataset) -> tuple[ImportPlan, dict[str, int] | None]:
        """Check the file again and, if every row is still good, write it: one transaction, all or nothing."""
        with transaction.atomic():
            plan = self.build(dataset)
            if not plan.is_valid:
                return plan, None
            return plan, self.write(plan)


# An importer, or one with some of its arguments given (functools.partial).
ImporterClass: TypeAlias = "type[Importer] | functools.partial[Importer]"


def counts(**numbers: int) -> dict[str, str]:
    """Numbers for a sentence, written as the page's language writes them (12.000 in Vietnamese)."""
    return {name: localize(value) for name, value in numbers.items()}


# --- the two-step view -------------------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in file (.xlsx or .csv)"))

    def __init__(self, *args: Any, label: StrOrPromise = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label


@dataclass
class ImportPage:
    """What the import pages show around the importer: where they come from and where the template is.

    `template_url` is a download of the current data as a template, or the action of `template_form` when the
    template needs choices (a criteria set, a year). `import_url` is where the upload form posts (default: the
    page itself)."""

    title: StrOrPromise
    back_url: str
    back_label: StrOrPromise = gettext_lazy("Back")
    template_url: str = ""
    template_form: forms.Form | None = None
    template_help: StrOrPromise = ""
    form_label: StrOrPromise = ""
    import_url: str = ""


def render_import_page(
    request: HttpRequest,
    *,
    importer: Importer,
    page: ImportPage,
    form: ImportForm | None = None,
    plan: ImportPlan | None = None,
) -> HttpResponse:
    """The upload page: the importer's instructions, the template, the upload form, and why a file was refused."""
    form = form if form is not None else ImportForm(label=page.form_label)
    context = _page_context(request, importer=importer, page=page)
    context.update(form=form, import_form=form, plan=plan)  # both names: pages and tests read either
    if plan is not None:
        # Each refused cell named by the header the office's file carries (the template's), not the column code.
        context["errors"] = [
            {"row": e.row, "column": _shown_column(importer, e.column), "reason": e.reason} for e in plan.errors[:300]
        ]
    return render(request, "generic/import.html", context)


def _shown_column(importer: Importer, code: str) -> str:
    label = importer.column_label(code)
    return code if label == code else f"{label} ({code})"


def _page_context(request: HttpRequest, *, importer: Importer, page: ImportPage) -> dict[str, Any]:
    """The page says what the template's instruction sheet says, and names each column as its header does; the
    upload shows only to those the import accepts (the template stays downloadable for every reader)."""

    def named(codes: Sequence[str]) -> list[dict[str, str]]:
        return [{"code": code, "label": importer.column_label(code)} for code in codes]

    import_url = page.import_url or request.path
    return {
        **page.__dict__,
        "import_url": import_url,
        "importer": importer,
        "instructions": importer.instructions(),
        "required_columns": named(importer.required),
        "optional_columns": named(importer.optional),
        "can_upload": access.can_open_path(request.user, import_url),
    }


def _storage(session_key: str, name: str | None = None) -> MediaStorage:
    return MediaStorage(name=name, MEDIA_FOLDER=f"imports/{session_key}")  # type: ignore[call-arg]  # stubs lag


def import_view(
    request: HttpRequest, *, importer_class: ImporterClass, session_key: str, page: ImportPage
) -> HttpResponse:
    """Step 1: upload, check every row, show the preview (nothing written); the file is kept under a token in the
    session. Step 2: confirm, which checks the stored file again and writes it in one transaction.

    The caller decides who may import (the app's scope rules) before calling this."""
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, importer_class=importer_class, session_key=session_key, page=page)
    importer = importer_class(user=request.user)  # type: ignore[arg-type]  # signed in: the caller checked
    form = ImportForm(request.POST or None, request.FILES or None, label=page.form_label)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            dataset = importer.read(content, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            plan = importer.build(dataset)
            if plan.is_valid and plan.changes:
                storage = _storage(session_key)
                storage.save(content)
                token = uuid.uuid4().hex
                request.session[session_key] = {"token": token, "name": storage.name, "filename": upload.name}
                context = _page_context(request, importer=importer, page=page)
                context.update(
                    plan=plan,
                    token=token,
                    filename=upload.name,
                    summary=importer.summary(plan),
                    warnings=importer.warnings_summary(plan),
                )
                return render(request, "generic/import_preview.html", context)
    return render_import_page(request, importer=importer, page=page, form=form, plan=plan)


def _confirm(
    request: HttpRequest, *, importer_class: ImporterClass, session_key: str, page: ImportPage
) -> HttpResponse:
    expired = _("This import preview has expired; upload the file again.")
    pending = request.session.get(session_key) or {}
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, expired)
        return redirect(request.path)
    storage = _storage(session_key, pending["name"])
    try:
        content = storage.read()
    except OSError:
        messages.error(request, expired)
        return redirect(request.path)
    importer = importer_class(user=request.user)  # type: ignore[arg-type]  # signed in: the caller checked
    dataset = importer.read(content, pending["filename"])
    if len(dataset) > settings.NTM_IMPORT_BACKGROUND_ROWS:
        # A large file is written by the background worker; the page that follows shows its progress.
        job = start_job(
            kind=BACKGROUND_IMPORT,
            owner=request.user,  # type: ignore[arg-type]  # signed in
            title=str(page.title),
            importer=_dotted(importer_class),
            importer_kwargs=_kwargs(importer_class),
            session_key=session_key,
            stored=storage.name,
            filename=pending["filename"],
            back_url=page.back_url,
        )
        request.session.pop(session_key, None)
        return redirect("core:job_detail", pk=job.pk)
    try:
        plan, result = importer.confirm(dataset)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(request.path)
    if result is None:
        return render_import_page(request, importer=importer, page=page, plan=plan)
    storage.remove()
    request.session.pop(session_key, None)
    messages.success(request, importer.success_message.format(**result))
    return redirect(page.back_url)


# --- large files in the background ------------------------------------------------------------------------------------

BACKGROUND_IMPORT = "core.import"


def _dotted(importer_class: ImporterClass) -> str:
    cls = importer_class.func if isinstance(importer_class, functools.partial) else importer_class
    return f"{cls.__module__}.{cls.__qualname__}"


def _kwargs(importer_class: ImporterClass) -> dict[str, Any]:
    """The arguments a partial importer was given, as JSON (sets become lists)."""
    if not isinstance(importer_class, functools.partial):
        return {}
    return {k: sorted(v) if isinstance(v, set | frozenset) else v for k, v in importer_class.keywords.items()}


@job_kind(BACKGROUND_IMPORT)
def _import_in_background(
    *,
    job: Job,
    progress: Progress,
    importer: str,
    importer_kwargs: dict[str, Any],
    session_key: str,
    stored: str,
    filename: str,
    back_url: str,
) -> dict[str, Any]:
    """The confirm step of a large import: check the stored file again and write it, all or nothing."""
    importer_class = import_string(importer)
    kwargs = {k: set(v) if isinstance(v, list) else v for k, v in importer_kwargs.items()}
    instance = importer_class(user=job.owner, **kwargs)
    storage = _storage(session_key, stored)
    dataset = instance.read(storage.read(), filename)
    progress.step(gettext("Checking every row again and writing them"), total=len(dataset))
    plan, result = instance.confirm(dataset)
    if result is None:
        shown = "; ".join(
            gettext("row {row}, column {column}: {reason}").format(row=e.row, column=e.column, reason=e.reason)
            for e in plan.errors[:10]
        )
        raise ValidationError(gettext("Nothing was written: {errors}").format(errors=shown))
    progress.advance(len(dataset))
    storage.remove()
    return {"message": str(instance.success_message).format(**result), "next_url": back_url, **result}
