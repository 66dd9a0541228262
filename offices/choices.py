from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    COORDINATION = "coordination", _("Coordination office")
    COMMUNE = "commune", _("Commune People's Committee")
    VERIFICATION = "verification", _("Verification team")
    APPRAISAL = "appraisal", _("Appraisal council")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee (decision)")
    FRONT = "front", _("Fatherland Front committee")


class Role(models.TextChoices):
    """What a membership lets its user do inside the office's units."""

    EDITOR = "editor", _("Data entry")
    VERIFIER = "verifier", _("Verifier")
    APPRAISER = "appraiser", _("Appraiser")
    APPROVER = "approver", _("Approver")
    MONITOR = "monitor", _("Front monitor")
    VIEWER = "viewer", _("Read-only")


# Roles that may change programme data (indicator values, plans, funding, dossiers) in their scope.
DATA_WRITE_ROLES = frozenset({Role.EDITOR})
# Roles that act on the recognition workflow queues.
SUPERVISOR_ROLES = frozenset({Role.VERIFIER, Role.APPRAISER, Role.APPROVER})
