from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from core import navigation

        navigation.add_link(_("Funding"), "funding:report", order=20, section="plans")
