from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Read API and open data")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (the OpenAPI description of the token authentication)
