from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Recognition register")

    def ready(self):
        from criteria import selectors as criteria_selectors

        from .selectors import recognised_at_set_level

        # The revocation-risk list (criteria) flags communes recognised at the set's level; criteria sits below the
        # register and reads it through this slot.
        criteria_selectors.recognised_at_set_level.provide(recognised_at_set_level)
