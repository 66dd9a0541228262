"""Excel / CSV imports of programs and funding data (plan lines, disbursements, OCOP products).

The same rules as the assessment import (criteria.resources): files are read with django-import-export's format
classes; every official code in the file is resolved once (a fixed handful of queries whatever the row count);
each row is checked without writing; any bad row refuses the whole file with row, column and reason. A clean
file gives a plan (what would be created or changed) shown as a dry-run preview; confirming re-checks the stored
file and writes it in one transaction through the app's service.

An importer subclasses `Importer`: `columns`, `required`, `prepare(rows)` to resolve codes in bulk and
`check(n, row, err)` returning one `Change` per good row.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from import_export.tmp_storages import MediaStorage

from core import spreadsheets
from core.numbers import NumberFormatError, parse_integer
from core.spreadsheets import ImportFileError, read_dataset

FORMATS = spreadsheets.CONTENT_TYPES
MAX_PREVIEW_ROWS = 200


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Change:
    """One good row: the key it is stored under, the values to write, and the existing object if any."""

    row: int
    key: tuple
    values: dict[str, Any]
    label: str
    existing: Any = None
    before: str = ""
    after: str = ""
    warning: str = ""
    unit: dict = field(default_factory=dict)  # province_id, district_id, commune_id: re-checked when writing

    @property
    def is_new(self) -> bool:
        return self.existing is None


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0
    context: dict = field(default_factory=dict)

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


# --- cell parsing ------------------------------------------------------------------------------------------------


def blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw) -> str:
    if blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def code(raw, width: int) -> str:
    """Official codes are zero-padded; Excel drops the zeros of numeric cells, so pad them back."""
    if blank(raw):
        return ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return f"{int(raw):0{width}d}"
    value = str(raw).strip()
    return value.zfill(width) if value.isdigit() else value


def amount(raw) -> int:
    """Đồng as written in Vietnamese or English ("1.500.000.000", "1,500,000,000"); whole and not negative."""
    try:
        value = parse_integer(raw)
    except NumberFormatError as exc:
        raise ValueError(_("'{value}' is not a whole amount in đồng (e.g. 1.500.000)").format(value=raw)) from exc
    if value < 0:
        raise ValueError(_("{value} is negative").format(value=raw))
    return value


def integer(raw, *, low: int | None = None, high: int | None = None, what: str = "") -> int:
    try:
        value = parse_integer(raw)
    except NumberFormatError as exc:
        raise ValueError(_("'{value}' is not a whole number").format(value=raw)) from exc
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(_("{value} is not between {low} and {high}").format(value=raw, low=low, high=high))
    return value


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]


def date(raw) -> datetime.date:
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


def date_text(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- the importer --------------------------------------------------------------------------------------------------


class Importer:
    columns: list[str] = []
    required: list[str] = []
    help_text: str = ""

    def __init__(self, *, user):
        self.user = user

    def prepare(self, rows: list[dict]) -> None:
        """Resolve every code of the file in bulk (a fixed number of queries)."""

    def check(self, n: int, row: dict, err) -> Change | None:
        raise NotImplementedError

    def finish(self, plan: ImportPlan) -> None:
        """Checks across rows (e.g. running totals); may add errors."""

    def build(self, dataset: tablib.Dataset) -> ImportPlan:
        plan = ImportPlan()
        headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
        missing = [c for c in self.required if c not in headers]
        if missing:
            plan.errors.append(
                RowError(
                    1,
                    ", ".join(missing),
                    _("Required columns are missing: {columns}").format(columns=", ".join(missing)),
                )
            )
            return plan
        rows = []
        for n, raw in enumerate(dataset, start=2):  # row 1 is the header
            if all(blank(v) for v in raw):
                continue
            rows.append((n, {h: raw[i] for i, h in enumerate(headers) if h in self.columns}))
        self.prepare([r for _n, r in rows])
        seen: dict[tuple, int] = {}
        for n, row in rows:
            before = len(plan.errors)

            def err(column, reason, n=n):
                plan.errors.append(RowError(n, column, str(reason)))

            change = self.check(n, row, err)
            if len(plan.errors) > before or change is None:
                continue
            if change.key in seen:
                err(self.required[0], _("The same record as row {row}").format(row=seen[change.key]))
                continue
            seen[change.key] = n
            if change.existing is not None and not self.differs(change):
                plan.unchanged += 1
                continue
            plan.changes.append(change)
        if not plan.errors:
            self.finish(plan)
        return plan

    def differs(self, change: Change) -> bool:
        return any(getattr(change.existing, k) != v for k, v in change.values.items())


# --- the two-step view ------------------------------------------------------------------------------------------------


def _storage(folder: str, name=None):
    return MediaStorage(name=name, MEDIA_FOLDER=folder)


def import_view(request, *, importer_class, apply, session_key: str, title: str, back_url: str, template_url: str):
    """Step 1: upload, check every row, show the preview (nothing written). Step 2: confirm, which re-checks the
    stored file and writes it through `apply(plan=…, actor=…)` in one transaction."""
    from .forms import ImportForm

    folder = f"imports/{session_key}"
    context = {"title": title, "back_url": back_url, "template_url": template_url, "help": importer_class.help_text}
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(session_key) or {}
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(request, _("This import preview has expired; upload the file again."))
            return redirect(request.path)
        storage = _storage(folder, pending["name"])
        try:
            content = storage.read()
        except OSError:
            messages.error(request, _("This import preview has expired; upload the file again."))
            return redirect(request.path)
        plan = importer_class(user=request.user).build(read_dataset(content, pending["filename"]))
        if plan.is_valid:
            try:
                result = apply(plan=plan, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                return redirect(request.path)
            storage.remove()
            request.session.pop(session_key, None)
            messages.success(
                request,
                _("Imported: {created} new, {updated} changed.").format(
                    created=result["created"], updated=result["updated"]
                ),
            )
            return redirect(back_url)
        return render(request, "programs/import.html", {**context, "form": ImportForm(), "plan": plan})
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            dataset = read_dataset(content, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            plan = importer_class(user=request.user).build(dataset)
            if plan.is_valid and plan.changes:
                storage = _storage(folder)
                storage.save(content)
                token = uuid.uuid4().hex
                request.session[session_key] = {"token": token, "name": storage.name, "filename": upload.name}
                return render(
                    request,
                    "programs/import_preview.html",
                    {**context, "plan": plan, "token": token, "filename": upload.name},
                )
    return render(request, "programs/import.html", {**context, "form": form, "plan": plan})
