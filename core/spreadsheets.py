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
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import tablib
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

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
    "build_xlsx",
    "csv_text",
    "dataset_csv",
    "dataset_xlsx",
    "read_dataset",
    "read_sheets",
    "spreadsheet_response",
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


def _uncsv_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
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
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    width = max(len(r) for r in rows)
    dataset.headers = list(rows[0]) + [None] * (width - len(rows[0]))
    for row in rows[1:]:
        dataset.append(list(row) + [None] * (width - len(row)))
    return dataset


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = content.decode("utf-8-sig")
    return [[_uncsv_text(v) for v in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    """The active sheet's cells as Excel stored them (python-calamine, ten times openpyxl's speed): numbers, dates,
    booleans, text; an empty cell is None and a whole number an int, as openpyxl would give them."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    index = _active_sheet_index(content)
    sheet_name = workbook.sheet_names[index]
    rows = [[_calamine_cell(v) for v in row] for row in workbook.get_sheet_by_index(index).to_python()]
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
        return any(
            b"<f>" in archive.read(name) or b"<f " in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


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
