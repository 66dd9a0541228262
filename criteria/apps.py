from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Criteria and assessments")

    def ready(self):
        from core import access, navigation
        from offices.permissions import can_enter_data

        access.allow("criteria:import", can_enter_data, refusal=_("Your role may not import data."))

        from . import jobs  # noqa: F401 (registers the re-evaluation with core.jobs)

        navigation.add_link(_("Scorecards"), "criteria:assessment_list", order=30)

        from communes import registry as communes_registry

        from .selectors import commune_scorecards_panel

        # A commune's page lists its scorecards and, for a merged commune, its predecessors'.
        communes_registry.commune_panels.add(commune_scorecards_panel)
