from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Administrative units")

    def ready(self):
        from core import navigation

        navigation.add_link(_("Communes"), "communes:commune_list", order=20)
