"""Spreadsheets in and out: the one place that writes xlsx / csv and reads an uploaded file into rows.

Writing. Text a user typed is never written as a formula. In xlsx every text cell is a string cell (openpyxl would
otherwise store "=1+1" as a formula); in csv, which has no types, text starting with =, +, -, @, a tab or a carriage
return gets a leading apostrophe, the form Excel and LibreOffice show as text (OWASP "CSV injection"). Reading a csv
we made removes that apostrophe again, so an export re-imports unchanged.

Reading. An xlsx cell holding a formula is read as the value Excel stored for it when it last calculated; a formula
without a stored value (a file written by a program that does not calculate) refuses the whole file, naming each
row and column, instead of being read as an empty cell.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import tablib
from django.http import HttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from .gcpause import gc_paused
from .numbers import NumberFormatError, parse_number
from .text import fold

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportFileError",
    "SafeCSV",
    "SafeXLSX",
    "Table",
    "TemplateColumn",
    "build_xlsx",
    "csv_text",
    "dataset_csv",
    "dataset_xlsx",
    "read_dataset",
    "read_sheets",
    "spreadsheet_response",
    "template_header_aliases",
    "template_xlsx",
    "xlsx_response",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}
PERCENT_FORMAT = "0.0%"
PERCENT2_FORMAT = "0.00%"
INTEGER_FORMAT = "#,##0"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- cells -------------------------------------------------------------------------------------------------------------


def csv_text(value: Any) -> Any:
    """A csv cell: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "isoformat"):  # dates and datetimes are written as such
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx_cell(
    ws: WriteOnlyWorksheet, value: Any, *, number_format: str | None = None, font: Font | None = None
) -> Cell:
    """A write-only cell whose text is always text, never a formula."""
    cell = WriteOnlyCell(ws, value=_plain(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    elif number_format and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


# --- workbooks ---------------------------------------------------------------------------------------------------------


@dataclass
class Column:
    header: str
    width: int = 14
    number_format: str | None = None


@dataclass
class Table:
    """A further table below the first one on the same sheet: a heading line, a header row and rows."""

    heading: str
    columns: list[Column]
    rows: Iterable[Iterable[Any]]


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet"


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_xlsx(
    *,
    title: str,
    meta: Iterable[str],
    columns: list[Column],
    rows: Iterable[Iterable[Any]],
    tables: Iterable[Table] = (),
) -> bytes:
    """A report: a title block (report, area, date), one header row and the data rows, then any further tables.

    Numbers are written as numbers (percentages as fractions with a percent format, amounts in đồng), so the office
    can total and chart them in Excel; rows stream (openpyxl write-only mode)."""
    tables = list(tables)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    widths: dict[int, int] = {}
    for cols in [columns, *[t.columns for t in tables]]:
        for i, column in enumerate(cols):
            widths[i] = max(widths.get(i, 0), column.width)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.append([xlsx_cell(ws, title, font=Font(bold=True, size=14))])
    for line in meta:
        ws.append([xlsx_cell(ws, line)])
    ws.append([])
    _append_table(ws, columns, rows)
    for table in tables:
        ws.append([])
        ws.append([xlsx_cell(ws, table.heading, font=Font(bold=True, size=12))])
        _append_table(ws, table.columns, table.rows)
    return _save(wb)


def _append_table(ws: WriteOnlyWorksheet, columns: list[Column], rows: Iterable[Iterable[Any]]) -> None:
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = xlsx_cell(ws, column.header, font=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(
            [
                xlsx_cell(ws, value, number_format=column.number_format)
                for column, value in zip(columns, row, strict=False)
            ]
        )


def dataset_xlsx(*sheets: tablib.Dataset) -> bytes:
    """One sheet per dataset: a bold, frozen header row, then the rows; text is never a formula."""
    wb = Workbook(write_only=True)
    for n, dataset in enumerate(sheets, start=1):
        ws = wb.create_sheet(_sheet_title(dataset.title or f"Sheet{n}"))
        ws.freeze_panes = "A2"
        headers = [str(h) for h in (dataset.headers or [])]
        for i, header in enumerate(headers):
            longest = max([len(header), *(len(str(v)) for v in dataset.get_col(i)[:200] if v is not None)])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(longest + 2, 8), 60)
        if headers:
            ws.append([xlsx_cell(ws, h, font=Font(bold=True)) for h in headers])
        for row in dataset:
            ws.append([xlsx_cell(ws, value) for value in row])
    return _save(wb)


def dataset_csv(dataset: tablib.Dataset) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Vietnamese), text that could run escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if dataset.headers:
        writer.writerow([csv_text(str(h)) for h in dataset.headers])
    for row in dataset:
        writer.writerow(["" if v is None else csv_text(v if isinstance(v, str) else _csv_value(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int | float):
        return value
    return str(value)


def xlsx_response(*, filename: str, **kwargs: Any) -> HttpResponse:
    """A report workbook (see build_xlsx) as a download."""
    return spreadsheet_response(build_xlsx(**kwargs), filename=filename, file_format="xlsx")


def spreadsheet_response(content: bytes, *, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    stem = slugify(filename.rsplit(".", 1)[0] if filename.endswith(f".{file_format}") else filename) or "export"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


def export_dataset(dataset: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "csv":
        return dataset_csv(dataset)
    if file_format == "xlsx":
        return dataset_xlsx(dataset)
    raise ValueError(f"unknown spreadsheet format {file_format!r}")


class SafeXLSX(base_formats.XLSX):
    """django-import-export's xlsx format (the admin's export), written by `dataset_xlsx`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        return dataset_xlsx(dataset)


class SafeCSV(base_formats.CSV):
    """django-import-export's csv format, written by `dataset_csv`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return dataset_csv(dataset).decode("utf-8")


# --- reading -----------------------------------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong format, broken file, formulas without values)."""


@gc_paused
def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """The first sheet (xlsx) or the file (csv) as rows, the first row the headers."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    try:
        rows = _xlsx_rows(content) if extension == "xlsx" else _csv_rows(content)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl, zipfile and csv raise many kinds of error for a broken file
        raise ImportFileError(_("The file could not be read: {error}").format(error=exc)) from exc
    return _dataset(rows)


@gc_paused
def read_sheets(content: bytes, filename: str) -> dict[str, tablib.Dataset]:
    """Every sheet of an xlsx workbook by name (a csv is one sheet named ""), each as `read_dataset` reads one:
    for files whose data spans sheets (a criteria set: its criteria on one sheet, the set's own fields on another)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        return {"": read_dataset(content, filename)}
    if extension != "xlsx":
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = {}
        formulas = _has_formulas(content)
        for index, name in enumerate(workbook.sheet_names):
            rows = [[_calamine_cell(v) for v in row] for row in workbook.get_sheet_by_index(index).to_python()]
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            if formulas:
                _check_formulas(content, name, rows)
            sheets[name] = _dataset(rows)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine, openpyxl and zipfile raise many kinds of error for a broken file
        raise ImportFileError(_("The file could not be read: {error}").format(error=exc)) from exc
    return sheets


def _dataset(rows: list[list[Any]]) -> tablib.Dataset:
    """The rows as a Dataset, padded to the widest; built in one go (appending checks every row's width again)."""
    if not rows:
        return tablib.Dataset()
    width = max(map(len, rows))
    padded = (row if len(row) == width else [*row, *[None] * (width - len(row))] for row in rows[1:])
    return tablib.Dataset(*padded, headers=[*rows[0], *[None] * (width - len(rows[0]))])


# A csv cell we wrote with an apostrophe before a formula's first character (csv_text).
_QUOTED_FORMULA = tuple("'" + c for c in FORMULA_STARTS)


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = content.decode("utf-8-sig")
    # A file repeats the same year, code and answer on thousands of rows: each distinct cell is kept once (a third
    # of the memory of a large file).
    seen: dict[str, str] = {}
    keep = seen.setdefault
    if "'" not in text:
        return [[keep(v, v) for v in row] for row in csv.reader(io.StringIO(text))]
    return [
        [keep(v, v[1:] if v.startswith(_QUOTED_FORMULA) else v) for v in row] for row in csv.reader(io.StringIO(text))
    ]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    """The active sheet's cells as Excel stored them (python-calamine, ten times openpyxl's speed): numbers, dates,
    booleans, text; an empty cell is None and a whole number an int, as openpyxl would give them."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    index = _active_sheet_index(content)
    sheet_name = workbook.sheet_names[index]
    seen: dict[str, str] = {}  # each distinct text once, as for a csv

    def cell(value: Any) -> Any:
        value = _calamine_cell(value)
        return seen.setdefault(value, value) if isinstance(value, str) else value

    rows = [[cell(v) for v in row] for row in workbook.get_sheet_by_index(index).iter_rows()]  # row by row
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    if _has_formulas(content):
        _check_formulas(content, sheet_name, rows)
    return rows


def _calamine_cell(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _active_sheet_index(content: bytes) -> int:
    """The sheet shown when the file was saved (workbook.xml's activeTab), as openpyxl's `active`."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = archive.read("xl/workbook.xml")
    found = re.search(rb'activeTab="(\d+)"', workbook)
    return int(found.group(1)) if found else 0


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet of the file holds a formula (<f> element): most files have none, and are read once."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)  # once: unpacking a large sheet is most of the time here
                if b"<f>" in xml or b"<f " in xml:
                    return True
        return False


def _check_formulas(content: bytes, sheet: str, values: Sequence[Sequence[Any]]) -> None:
    """Formula cells take the value Excel cached for them; a formula with none refuses the file."""
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        missing = []
        headers = values[0] if values else []
        for r, row in enumerate(wb[sheet].iter_rows(), start=1):
            for c, cell in enumerate(row):
                if cell.data_type == "f" and r <= len(values) and values[r - 1][c] is None:
                    header = headers[c] if c < len(headers) and headers[c] else get_column_letter(c + 1)
                    missing.append(_("row {row}, column {column}").format(row=r, column=header))
    finally:
        wb.close()
    if missing:
        shown = "; ".join(missing[:20]) + ("; …" if len(missing) > 20 else "")
        raise ImportFileError(
            _(
                "Formulas without a calculated value ({cells}): open the file in Excel and save it, or paste the "
                "cells as values (Paste Special → Values), then upload it again."
            ).format(cells=shown)
        )


# --- import templates: the officer's workbook -------------------------------------------------------------------------

# What a template column holds, which decides its cell format, its drop-down and how it reads back.
TEXT, CODE, INTEGER, NUMBER, AMOUNT, DATE, YES_NO, VALUE, YEAR = (
    "text",
    "code",
    "integer",
    "number",
    "amount",
    "date",
    "yes_no",
    "value",
    "year",  # a number shown without a thousands separator (2026, not 2.026)
)
# The words a yes/no cell takes, as Vietnamese forms write them (the importers also read "có/không", "x", "1/0").
YES_NO_WORDS = ("Đạt", "Không đạt")
DATE_FORMAT = "dd/mm/yyyy"
TEMPLATE_SPARE_ROWS = 200  # empty, unlocked rows below the data of a template where records may be added
_KEY_FILL = PatternFill("solid", fgColor="E7E9EC")  # grey: protected, names the record or is shown for reference
_HEADER_FILL = PatternFill("solid", fgColor="D9EAD3")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of an import template. `code` is the importer's column key (still accepted as a header);
    `label` the header the office reads. `key` columns name the record or are shown for reference: protected.
    `kind` is one of the kinds above; VALUE columns take, row by row, the kind that `kind_of(row)` gives (the
    criteria template: a yes/no indicator's value is Đạt / Không đạt, a percentage a number). `choices`: a drop-down
    of the codes the column accepts."""

    code: str
    label: Any
    kind: str = TEXT
    width: int = 14
    key: bool = False
    help: Any = ""
    choices: tuple[str, ...] = ()
    kind_of: Callable[[dict[str, Any]], str] | None = None


def template_header_aliases(columns: Sequence[TemplateColumn]) -> dict[str, str]:
    """Every header a template column may carry in a file: its code, and its label in Vietnamese, in English and
    in the active language (folded: case, diacritics and spaces ignored), mapped to the code."""
    aliases: dict[str, str] = {}
    for column in columns:
        labels = {column.code, str(column.label)}
        for language in ("vi", "en"):
            with translation.override(language):
                labels.add(str(column.label))
        for label in labels:
            aliases.setdefault(fold(label), column.code)
    return aliases


def _template_cell_value(value: Any, kind: str) -> tuple[Any, str | None]:
    """The value as a typed cell (numbers as numbers, dates as dates) and its display format."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("@" if kind in (TEXT, CODE) else None)
    if kind == YEAR:
        try:
            return int(parse_number(value)), "0"
        except (NumberFormatError, ValueError):
            return _plain(value), "@"
    if kind in (INTEGER, NUMBER, AMOUNT):
        try:
            number = parse_number(value)
        except NumberFormatError:
            return _plain(value), "@"  # shown as it is: the import will name the row
        if number == number.to_integral_value():
            return int(number), INTEGER_FORMAT
        return float(number), "#,##0.0##"
    if kind == DATE:
        if isinstance(value, str):
            try:
                return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date(), DATE_FORMAT  # noqa: DTZ007
            except ValueError:
                return value, "@"
        return value, DATE_FORMAT
    if kind in (TEXT, CODE, YES_NO):
        return ILLEGAL_CHARACTERS_RE.sub("", str(value)) if not isinstance(value, int) else str(value), "@"
    return _plain(value), None


def template_xlsx(
    dataset: tablib.Dataset,
    *,
    columns: Sequence[TemplateColumn],
    title: str,
    instructions: Sequence[str],
    spare_rows: int = TEMPLATE_SPARE_ROWS,
) -> bytes:
    """An import template as an office fills it in. The dataset's headers are the column codes; the workbook has:

    - the data sheet first (the one the import reads): the headers in the office's language, bold and frozen,
      readable widths, numbers and dates as such with Vietnamese display formats, drop-downs (Đạt / Không đạt,
      codes), key columns grey and protected, the cells to fill in (and `spare_rows` empty rows) left editable;
    - a sheet of instructions: what the file is for, then each column with what it takes;
    - a hidden sheet with the drop-downs' lists of codes.
    The sheet is protected without a password (against slips, not people): Review › Unprotect Sheet lifts it."""
    by_code = {c.code: c for c in columns}
    headers = [str(h) for h in (dataset.headers or [])]
    cols = [by_code.get(h) or TemplateColumn(h, h, key=True) for h in headers]
    wb = Workbook()
    ws = wb.worksheets[0]  # the sheet the import reads (read_dataset: the active one)
    ws.title = _sheet_title(title)
    guide = wb.create_sheet(_sheet_title(_("Instructions")))
    lists = wb.create_sheet(_sheet_title(_("Lists")))
    lists.sheet_state = "hidden"

    bold = Font(bold=True)
    for j, column in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=str(column.label))
        cell.font, cell.fill = bold, _KEY_FILL if column.key else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"

    editable = Protection(locked=False)
    yes_no_cells: list[str] = []
    number_cells: list[str] = []
    last_row = 1
    for i, raw in enumerate(dataset, start=2):
        last_row = i
        row = dict(zip(headers, raw, strict=False))
        for j, (column, value) in enumerate(zip(cols, raw, strict=False), start=1):
            kind = column.kind_of(row) if column.kind == VALUE and column.kind_of else column.kind
            shown, number_format = _template_cell_value(value, kind)
            cell = ws.cell(row=i, column=j, value=shown)
            if isinstance(shown, str):
                cell.data_type = "s"  # text is never a formula
            if number_format:
                cell.number_format = number_format
            if column.key:
                cell.fill = _KEY_FILL
            else:
                cell.protection = editable
            if column.kind == VALUE and kind == YES_NO:
                yes_no_cells.append(cell.coordinate)
            elif column.kind == VALUE and kind in (INTEGER, NUMBER, AMOUNT):
                number_cells.append(cell.coordinate)
    for i in range(last_row + 1, last_row + 1 + spare_rows):
        for j, column in enumerate(cols, start=1):
            spare = ws.cell(row=i, column=j)
            spare.protection = editable
            if column.kind in (TEXT, CODE):
                spare.number_format = "@"
            elif column.kind == DATE:
                spare.number_format = DATE_FORMAT
            elif column.kind in (INTEGER, AMOUNT):
                spare.number_format = INTEGER_FORMAT
            elif column.kind == YEAR:
                spare.number_format = "0"
    bottom = max(last_row + spare_rows, 2)

    def drop_down(formula: str, cells: str, error: str) -> None:
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        validation.error, validation.errorTitle = error, _("Not in the list")
        validation.sqref = MultiCellRange(cells)
        ws.add_data_validation(validation)

    list_column = 0
    for j, column in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if column.choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=str(column.label))
            for k, choice in enumerate(column.choices, start=2):
                lists.cell(row=k, column=list_column, value=str(choice)).data_type = "s"
            drop_down(
                f"'{lists.title}'!${list_letter}$2:${list_letter}${len(column.choices) + 1}",
                f"{letter}2:{letter}{bottom}",
                _("Choose a value from the list."),
            )
        elif column.kind == YES_NO:
            drop_down(f'"{",".join(YES_NO_WORDS)}"', f"{letter}2:{letter}{bottom}", _("Choose Đạt or Không đạt."))
    if yes_no_cells:
        drop_down(f'"{",".join(YES_NO_WORDS)}"', " ".join(yes_no_cells), _("Choose Đạt or Không đạt."))
    if number_cells:
        validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        validation.error, validation.errorTitle = _("Write a number, 0 or more."), _("Not a number")
        validation.showErrorMessage = True
        validation.sqref = MultiCellRange(" ".join(number_cells))
        ws.add_data_validation(validation)

    ws.protection.sheet = True
    for allowed in ("formatColumns", "formatRows", "autoFilter", "sort"):
        setattr(ws.protection, allowed, False)  # the office may still widen, sort and filter

    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100
    guide.cell(row=1, column=1, value=str(title)).font = Font(bold=True, size=14)
    line = 3
    for paragraph in instructions:
        cell = guide.cell(row=line, column=1, value=str(paragraph))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.merge_cells(start_row=line, start_column=1, end_row=line, end_column=2)
        guide.row_dimensions[line].height = 15 * (1 + len(str(paragraph)) // 110)
        line += 1
    line += 1
    guide.cell(row=line, column=1, value=_("Column")).font = bold
    guide.cell(row=line, column=2, value=_("What it takes")).font = bold
    for column in cols:
        line += 1
        guide.cell(row=line, column=1, value=str(column.label))
        note = str(column.help) or ""
        if column.key:
            note = (note + " " if note else "") + _("Grey, protected: names the record; do not change it.")
        cell = guide.cell(row=line, column=2, value=note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)
