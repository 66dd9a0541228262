from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardLevel(models.TextChoices):
    """Recognition levels. Each level has its own criteria set (the advanced list differs from the basic one)."""

    BASIC = "basic", _("New rural (NTM)")
    ADVANCED = "advanced", _("Advanced NTM")
    MODEL = "model", _("Model NTM")
    MODERN = "modern", _("Modern NTM")


class SubjectKind(models.TextChoices):
    """What a criteria set, a dossier or a recognition is about."""

    COMMUNE = "commune", _("Commune")
    HAMLET = "hamlet", _("Hamlet")
    DISTRICT = "district", _("District")
