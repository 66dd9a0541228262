from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Recognition workflow")

    def ready(self):
        from core import access, navigation
        from offices.choices import SUPERVISOR_ROLES, Role

        from . import permissions
        from .selectors import unread_count

        access.allow(
            "verification:queue",
            permissions.has_queue,
            refusal=_("Queues are for verifiers, appraisers and approvers."),
        )
        access.allow(
            "verification:dossier_add",
            permissions.opens_dossiers,
            refusal=_("Only a data-entry office opens recognition dossiers."),
        )
        from register.permissions import can_confirm_mergers

        access.allow(
            "verification:merger_recognitions",
            can_confirm_mergers,
            refusal=_("Only those who record recognition decisions may confirm recognitions by merger."),
        )
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
