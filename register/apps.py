from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Recognition register")

    def ready(self):
        from communes import registry as communes_registry
        from communes.models import Commune
        from criteria import registry as criteria_registry
        from criteria import selectors as criteria_selectors
        from criteria.models import Assessment

        from . import signals
        from .models import Recognition
        from .selectors import (
            annotate_ntm_status,
            commune_decisions_panel,
            merger_report_lines,
            ntm_level_label,
            recognised_at_set_level,
        )

        # The revocation-risk list (criteria) flags communes recognised at the set's level; criteria sits below the
        # register and reads it through this slot.
        criteria_selectors.recognised_at_set_level.provide(recognised_at_set_level)
        communes_registry.ntm_status.provide(communes_registry.NtmStatus(annotate_ntm_status, ntm_level_label))
        # Standings follow every write of what they are made of (register.standings): bulk writes through the
        # lower apps' registries, single saves (admin, workflow, data entry) through these signals.
        criteria_registry.assessments_changed.add(signals.communes_changed)
        communes_registry.units_changed.add(signals.units_changed)
        communes_registry.reorganised.add(merger_report_lines)
        communes_registry.commune_panels.add(commune_decisions_panel)
        for model, handler in (
            (Recognition, signals.recognition_saved),
            (Assessment, signals.assessment_saved),
            (Commune, signals.commune_saved),
        ):
            post_save.connect(handler, sender=model, dispatch_uid=f"standings-{model.__name__}-save")
            post_delete.connect(handler, sender=model, dispatch_uid=f"standings-{model.__name__}-delete")
        post_migrate.connect(signals.build_missing_standings, sender=self)
