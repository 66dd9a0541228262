from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import navigation
        from funding.models import CapitalPlanLine, Disbursement
        from programs.models import AnnualPlan, PlanTarget, Registration

        from . import jobs, signals  # noqa: F401 (jobs registers the report workbooks with core.jobs)

        for model in (AnnualPlan, PlanTarget, Registration, CapitalPlanLine, Disbursement):
            post_save.connect(signals.figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
            post_delete.connect(signals.figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-del")

        navigation.add_link(_("Dashboard"), "reports:dashboard", order=10)
        navigation.add_link(_("Reports"), "reports:index", order=70)
