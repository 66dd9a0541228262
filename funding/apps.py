from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from core import access, navigation
        from offices.permissions import can_enter_data

        access.allow("funding:lines_import", can_enter_data, refusal=_("Your role may not import data."))
        access.allow("funding:disbursements_import", can_enter_data, refusal=_("Your role may not import data."))

        navigation.add_link(_("Funding"), "funding:report", order=20, section="plans")
