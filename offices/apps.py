from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and access")

    def ready(self):
        from communes import registry as communes_registry
        from core import scope

        from .choices import DATA_WRITE_ROLES
        from .scope import MembershipResolver

        # Offices own the memberships: core.scope asks them which units a user covers.
        scope.resolver.provide(MembershipResolver())
        # ... and the roles: the units app lets a province office's editors import its succession mapping.
        communes_registry.data_write_roles.provide(DATA_WRITE_ROLES)
