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


def build_xlsx(*, title: str, meta: Iterable[str], columns: list[Column], rows: Iterable[Iterable]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    for i, column in enumerate(columns):
        ws.column_dimensions[_letter(i)].width = column.width
    bold = Font(bold=True)
    head = WriteOnlyCell(ws, value=str(title))
    head.font = Font(bold=True, size=14)
    ws.append([head])
    for line in meta:
        ws.append([str(line)])
    ws.append([])
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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(*, filename: str, **kwargs) -> HttpResponse:
    response = HttpResponse(build_xlsx(**kwargs), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "report"}.xlsx"'
    return response
