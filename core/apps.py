from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from import_export.formats import base_formats

        # auth connects the login log receivers; importing registers the background import with core.jobs.
        from . import auth, importing  # noqa: F401
        from .spreadsheets import SafeXLSX

        # The admin's xlsx export keeps numbers and dates as such only for the formats in this list.
        base_formats.BINARY_FORMATS.append(SafeXLSX)
