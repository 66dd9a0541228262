from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core import navigation

        navigation.add_link(_("Dashboard"), "reports:dashboard", order=10)
        navigation.add_link(_("Reports"), "reports:index", order=70)
