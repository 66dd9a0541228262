from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and plans")

    def ready(self):
        from core import access, navigation
        from offices.permissions import can_enter_data

        access.allow("programs:ocop_import", can_enter_data, refusal=_("Your role may not import data."))

        # The plans dropdown: funding adds its page to it.
        navigation.add_section("plans", _("Plans and funding"), order=40)
        navigation.add_link(_("Plans"), "programs:plan_list", order=10, section="plans")
        navigation.add_link(_("OCOP"), "programs:ocop_list", order=30, section="plans")
