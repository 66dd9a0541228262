"""Excel (xlsx) files of the reports: a title block (report, area, date) then one header row and the data rows.

Numbers are written as numbers (percentages as fractions with a percent format, amounts in đồng), so the office can
total and chart them in Excel; the workbook streams rows (openpyxl write-only mode)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT_FORMAT = "0.0%"
PERCENT2_FORMAT = "0.00%"
INTEGER_FORMAT = "#,##0"


@dataclass
class Column:
    header: str
    width: int = 14
    number_format: str | None = None


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet"


def _value(value):
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    return str(value)


@dataclass
class Table:
    """A further table below the first one on the same sheet: a heading line, a header row and rows."""

    heading: str
    columns: list[Column]
    rows: Iterable[Iterable]


def build_xlsx(
    *,
    title: str,
    meta: Iterable[str],
    columns: list[Column],
    rows: Iterable[Iterable],
    tables: Iterable[Table] = (),
) -> bytes:
    tables = list(tables)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    widths: dict[int, int] = {}
    for cols in [columns, *[t.columns for t in tables]]:
        for i, column in enumerate(cols):
            widths[i] = max(widths.get(i, 0), column.width)
    for i, width in widths.items():
        ws.column_dimensions[_letter(i)].width = width
    head = WriteOnlyCell(ws, value=str(title))
    head.font = Font(bold=True, size=14)
    ws.append([head])
    for line in meta:
        ws.append([str(line)])
    ws.append([])
    _append_table(ws, columns, rows)
    for table in tables:
        ws.append([])
        heading = WriteOnlyCell(ws, value=str(table.heading))
        heading.font = Font(bold=True, size=12)
        ws.append([heading])
        _append_table(ws, table.columns, table.rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _append_table(ws, columns: list[Column], rows: Iterable[Iterable]) -> None:
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=False):
            cell = WriteOnlyCell(ws, value=_value(value))
            if column.number_format and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = column.number_format
            cells.append(cell)
        ws.append(cells)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(*, filename: str, **kwargs) -> HttpResponse:
    response = HttpResponse(build_xlsx(**kwargs), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "report"}.xlsx"'
    return response
