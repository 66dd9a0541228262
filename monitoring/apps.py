from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Front monitoring")

    def ready(self):
        from core import access, navigation

        from . import permissions

        access.allow(
            "monitoring:comment_queue",
            permissions.moderates_comments,
            refusal=_("Comments are moderated by the unit's data-entry office."),
        )
        access.allow(
            "monitoring:report_add",
            permissions.is_monitor,
            refusal=_("Supervision reports are filed by the Fatherland Front only."),
        )
        from verification import registry

        from .selectors import dossier_satisfaction_rate, dossier_serious_findings, dossier_survey_problems
        from .templatetags import monitoring_tags

        # The workflow sits below the Front's records: its satisfaction gate and its dossier page read them here.
        registry.satisfaction_rate.provide(dossier_satisfaction_rate)
        registry.survey_problems.provide(dossier_survey_problems)
        registry.serious_findings.provide(dossier_serious_findings)
        for template, context in [
            ("monitoring/_dossier_findings.html", monitoring_tags.dossier_findings),
            ("monitoring/_dossier_critiques.html", monitoring_tags.dossier_critiques),
            ("monitoring/_comment_summary.html", monitoring_tags.comment_summary),
        ]:
            registry.dossier_panels.add(registry.DossierPanel(template, context))
        navigation.add_link(_("Front monitoring"), "monitoring:index", order=60)
