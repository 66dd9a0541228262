from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and access")

    def ready(self):
        from core import scope

        from .scope import MembershipResolver

        # Offices own the memberships: core.scope asks them which units a user covers.
        scope.resolver.provide(MembershipResolver())
