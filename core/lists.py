"""One way to list: a selector gives the rows the user may see, a FilterSet narrows them, a django-tables2 table
shows them and writes them to a spreadsheet.

A list page is a `ListView` subclass naming its selector, its table and its words; the page gets sorting on the
columns that allow it, 50 rows a page (`?page=`), a count, an empty message, a filter bar that folds away on a phone
and a table that scrolls inside the page instead of the page scrolling sideways. `?export=xlsx` or `?export=csv`
writes every filtered row (in the page's order) with the same columns as the page, through `core.spreadsheets`, so
typed text is never written as a formula:

    class CommuneList(ListView):
        selector = staticmethod(selectors.commune_list)  # (user=, filters=, request=) -> (rows, filterset)
        table_class = CommuneTable
        title = gettext_lazy("Communes")
        export_name = "communes"

A table column is on the page and in the export unless it says otherwise: `exclude_from_export=True` for a page-only
column (a checkbox, a row of links), `visible=False` for an export-only one (a code the page shows inside a link).
Sorting is off unless a column turns it on (`orderable=True`): only where an index or a small table makes it cheap.
The sort a user picks comes first and the selector's own order breaks ties, so pages stay stable.

Pages with more than a table (summary cards, a bulk form, star bands) extend `generic/list.html` and fill its blocks;
what they need in the context comes from `get_context_data`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from html import unescape
from typing import Any

import django_tables2 as tables
import tablib
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.decorators import method_decorator
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views import View

from . import formatting, pagination, spreadsheets
from .pagecache import cached_page
from .pagination import EstimatedCountPaginator

# django-tables2 inspects a render method's signature for every cell it renders; the answer depends only on the
# function, so it is worked out once per function (a 50-row page spent a third of its time there).
_tables2_signature = tables.utils.signature


@functools.lru_cache(maxsize=2048)
def _signature_of(function: Callable[..., Any], bound: bool) -> Any:
    return _tables2_signature(function.__get__(object()) if bound else function)


def _cached_signature(fn: Callable[..., Any]) -> Any:
    function = getattr(fn, "__func__", None)
    if function is None:
        return _tables2_signature(fn)
    return _signature_of(function, True)


tables.utils.signature = _cached_signature

__all__ = ["NUM", "DateColumn", "ListTable", "ListView", "MoneyColumn", "NumberColumn", "short_date"]

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
"""Column attrs of a figure: right-aligned, tabular digits, never wrapped."""

PER_PAGE = 50


class NumberColumn(tables.Column):
    """A figure: right-aligned on the page, a number (not text) in the export."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)


class MoneyColumn(NumberColumn):
    """An amount in đồng: shown in triệu / tỷ ("1.234,5 tỷ"; `unit` "auto", "million" or "billion"), exported in
    đồng as a number."""

    def __init__(self, *args: Any, unit: str = "auto", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def render(self, value: formatting.NumberLike | None) -> str:
        return formatting.money(value, self.unit)

    def value(self, value: Any) -> Any:
        return value


def short_date(value: date | None) -> str:
    """A date (or a moment, in local time) as offices write it: 31/12/2024."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value) if isinstance(value, datetime) else value, "d/m/Y")


class DateColumn(tables.Column):
    """A date shown as offices write it (31/12/2024), exported as a date."""

    def render(self, value: date | None) -> str:
        return short_date(value)

    def value(self, value: Any) -> Any:
        return value


class ListTable(tables.Table):
    """Base of every list's table: the project's look, nothing sortable unless a column says so, exports.

    `xlsx_formats` maps a column name to an Excel number format for titled report exports (`ListView.export_title`);
    the plain export writes values as they are (numbers as numbers, dates as dates)."""

    xlsx_formats: dict[str, str] = {}

    class Meta:
        template_name = "generic/table.html"
        attrs = {"class": "table table-sm table-hover bg-white mb-2"}
        orderable = False
        default = ""

    records: list[Any] | None = None  # the records of the page the view cut; None: every row

    @property
    def paginated_rows(self) -> Any:
        """The rows of the page the view cut (its records, already fetched), else every row."""
        if self.records is None:
            return self.rows
        return tables.rows.BoundRows(data=self.records, table=self)

    def export_columns(self) -> list[Any]:
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]

    def export_rows(self) -> Iterator[list[Any]]:
        """Every row's cell values for a spreadsheet: numbers and dates as they are, text without markup."""
        columns = self.export_columns()
        for row in self.rows:
            yield [_plain(row.get_cell_value(column.name)) for column in columns]

    def as_dataset(self, title: str = "") -> tablib.Dataset:
        headers = [str(column.header) for column in self.export_columns()]
        dataset = tablib.Dataset(headers=headers, title=title[:31])
        for values in self.export_rows():
            dataset.append(values)
        return dataset


def _plain(value: Any) -> Any:
    """A cell's value for a spreadsheet: rendered HTML loses its tags and entities, text is kept as typed (leading
    tabs and the like included: core.spreadsheets keeps them from running as a formula), a moment is written in
    local time (spreadsheets know no time zones); numbers, dates and the rest go to core.spreadsheets as they are."""
    if isinstance(value, SafeData):
        return unescape(strip_tags(str(value)))
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Count(int):
    """A count that picks the plural as a number and is written with the language's grouping (1.234 / 1,234)."""

    def __str__(self) -> str:
        return formatting.number(int(self))


class ListView(View):
    """A paginated, sortable, filterable, exportable list of what a selector returns for the user.

    Set `selector` (called with `user=`, `filters=` and `request=`; returning the rows, or the rows and the
    FilterSet it applied) or override `get_rows()`; set `table_class`, `title` and, to allow downloads,
    `export_name` (the file's name without extension)."""

    template_name = "generic/list.html"
    table_class: type[ListTable] | None = None  # None: the template shows the records its own way (cards)
    selector: Callable[..., Any] | None = None
    title = ""
    paginate_by: int | None = PER_PAGE
    context_object_name: str | None = None  # the page's records are also given under this name
    login_required = True
    export_name: str | None = None
    export_param = "export"
    count_text = ngettext_lazy("%(n)s row", "%(n)s rows", "n")  # what the count says, e.g. "%(n)s units"

    # --- the rows ---------------------------------------------------------------------------------------------------

    def get_rows(self) -> tuple[QuerySet[Any], object | None]:
        """The rows the user may see, filtered, and the FilterSet that filtered them (or None)."""
        result = self.selector(user=self.request.user, filters=self.request.GET, request=self.request)  # type: ignore[misc]
        return result if isinstance(result, tuple) else (result, None)

    def get_table(self, rows: Any, **kwargs: Any) -> ListTable:
        """The table over every row, in the order the user asked for (the selector's order breaks ties)."""
        table = self.table_class(rows, order_by=(), **kwargs)  # type: ignore[misc]  # no request: tables2 would paginate on its own
        table.request = self.request
        sort = [s for s in self.request.GET.getlist("sort") if s]
        if sort and isinstance(rows, QuerySet):
            own_order = list(rows.query.order_by) or ["pk"]
            table.order_by = sort
            ordered = table.data.data
            if list(ordered.query.order_by) != own_order:
                table.data.data = ordered.order_by(*ordered.query.order_by, *own_order)
        return table

    def get_filter_form(self, filterset: Any) -> Any:
        return filterset.form if filterset is not None else None

    # --- the response -----------------------------------------------------------------------------------------------

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    @method_decorator(cached_page)
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows, filterset = self.get_rows()
        table = self.get_table(rows) if self.table_class is not None else None
        file_format = request.GET.get(self.export_param)
        if file_format and self.export_name and table is not None:
            if file_format not in spreadsheets.CONTENT_TYPES:
                raise Http404(_("Unknown format."))
            return self.export(table, file_format)
        records, page = self.paginate(table.data.data if table is not None else rows)
        if table is not None:
            table.records = records
        context = self.get_context_data(table=table, filterset=filterset, page=page, records=records)
        return render(request, self.get_template_names(), context)

    def get_template_names(self) -> list[str]:
        return [self.template_name]

    def paginate(self, rows: Any) -> tuple[list[Any], Page[Any] | None]:
        """The records of the page the user asked for (`?page=`; past the end, the last page) and the page; every
        record and no page when the list is not paginated."""
        if not self.paginate_by:
            return list(rows), None
        page = EstimatedCountPaginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        return page.object_list, page

    def get_context_data(
        self, *, table: ListTable | None, filterset: Any, page: Page[Any] | None, records: list[Any]
    ) -> dict[str, Any]:
        count = page.paginator.count if page is not None else len(records)
        context = {
            "title": self.title,
            "table": table,
            "filter": filterset,
            "filter_form": self.get_filter_form(filterset),
            "page_obj": page,
            "paginator": page.paginator if page is not None else None,
            "count": count,
            "count_label": self.count_label(count),
            "export_formats": list(spreadsheets.CONTENT_TYPES) if self.export_name else [],
            "export_param": self.export_param,
            "base_template": "base.html",
        }
        if self.context_object_name:
            context[self.context_object_name] = records
        return context

    def count_label(self, n: int) -> str:
        if n > pagination.CAP:  # EstimatedCountPaginator stopped counting there
            return _("more than {count}").format(count=formatting.number(pagination.CAP))
        return self.count_text % {"n": _Count(n)}

    # --- export -----------------------------------------------------------------------------------------------------

    def export_title(self) -> str:
        """A title for the workbook (a report): with one, the xlsx opens with the title and `export_meta()` lines
        above the table. Without (a list), the sheet is the header row and the rows."""
        return ""

    def export_meta(self) -> Iterable[str]:
        return ()

    def get_export_filename(self) -> str:
        return self.export_name or "export"

    def export_content(self, table: ListTable, file_format: str) -> bytes:
        title = self.export_title()
        if title and file_format == "xlsx":
            columns = [
                spreadsheets.Column(
                    str(c.header),
                    width=min(max(len(str(c.header)) + 4, 10), 40),
                    number_format=table.xlsx_formats.get(c.name),
                )
                for c in table.export_columns()
            ]
            return spreadsheets.build_xlsx(
                title=title, meta=self.export_meta(), columns=columns, rows=table.export_rows()
            )
        return spreadsheets.export_dataset(table.as_dataset(title or self.get_export_filename()), file_format)

    def export(self, table: ListTable, file_format: str) -> HttpResponse:
        return spreadsheets.spreadsheet_response(
            self.export_content(table, file_format), filename=self.get_export_filename(), file_format=file_format
        )
