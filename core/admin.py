"""Admin pieces shared by every app's admin.py."""

from import_export.admin import ExportMixin

from .spreadsheets import SafeCSV, SafeXLSX


class SpreadsheetExportMixin(ExportMixin):
    """django-import-export's export action, written by the project's spreadsheet writer (text never a formula)."""

    def get_export_formats(self):
        return [SafeCSV, SafeXLSX]
