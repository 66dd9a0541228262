"""Admin pieces shared by every app's admin.py."""

from collections.abc import Callable
from typing import Any

from import_export.admin import ExportMixin
from import_export.formats.base_formats import Format

from .people import full_name
from .spreadsheets import SafeCSV, SafeXLSX


class SpreadsheetExportMixin(ExportMixin):  # type: ignore[type-arg]  # generic in the stubs only
    """django-import-export's export action, written by the project's spreadsheet writer (text never a formula)."""

    def get_export_formats(self) -> list[type[Format]]:  # type: ignore[override]  # the stubs say instances
        return [SafeCSV, SafeXLSX]


def person_column(field: str, description: str) -> Callable[[Any], str]:
    """An admin list column showing the user in `field` by name in Vietnamese order (core.people.full_name)."""

    def column(obj: Any) -> str:
        return full_name(getattr(obj, field))

    column.short_description = description  # type: ignore[attr-defined]  # what the admin reads for the header
    column.admin_order_field = f"{field}__last_name"  # type: ignore[attr-defined]
    return column
