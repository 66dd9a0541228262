"""Admin pieces shared by every app's admin.py."""

from import_export.admin import ExportMixin
from import_export.formats.base_formats import Format

from .spreadsheets import SafeCSV, SafeXLSX


class SpreadsheetExportMixin(ExportMixin):  # type: ignore[type-arg]  # generic in the stubs only
    """django-import-export's export action, written by the project's spreadsheet writer (text never a formula)."""

    def get_export_formats(self) -> list[type[Format]]:  # type: ignore[override]  # the stubs say instances
        return [SafeCSV, SafeXLSX]
