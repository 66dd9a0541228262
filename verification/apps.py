from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Recognition workflow")

    def ready(self):
        from core import navigation
        from offices.choices import SUPERVISOR_ROLES, Role

        from .selectors import unread_count

        navigation.add_section("recognition", _("Recognition"), order=50)
        navigation.add_link(
            _("My queue"), "verification:queue", order=10, roles=SUPERVISOR_ROLES, section="recognition"
        )
        navigation.add_link(_("Dossiers"), "verification:dossier_list", order=20, section="recognition")
        navigation.add_link(_("Recognitions"), "verification:register", order=30, section="recognition")
        navigation.add_link(
            _("Recognitions by merger"),
            "verification:merger_recognitions",
            order=40,
            roles={Role.APPROVER},
            section="recognition",
        )
        navigation.notifications.provide(navigation.Badge("verification:notifications", unread_count))
