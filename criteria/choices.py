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


class TargetScheme(models.TextChoices):
    """How a set's targets vary: by socio-economic region (2021–2025) or by commune group (2026–2030)."""

    GENERAL = "general", _("One target for every unit")
    REGION = "region", _("By region")
    COMMUNE_GROUP = "commune_group", _("By commune group")


class ValueType(models.TextChoices):
    BOOL = "bool", _("Yes / no")
    PERCENT = "percent", _("Percent")
    AMOUNT = "amount", _("Amount")
    COUNT = "count", _("Count")
    TEXT = "text", _("Text")


NUMERIC_TYPES = frozenset({ValueType.PERCENT, ValueType.AMOUNT, ValueType.COUNT})


class Comparator(models.TextChoices):
    """How a value is compared with its target. `met`: a yes/no indicator answered yes, or a text filled in."""

    GTE = "gte", _("at least (≥)")
    LTE = "lte", _("at most (≤)")
    EQ = "eq", _("equal to (=)")
    MET = "met", _("met (yes)")


COMPARATOR_SYMBOLS: dict[str, str] = {Comparator.GTE: "≥", Comparator.LTE: "≤", Comparator.EQ: "=", Comparator.MET: ""}

# From this year (the 2026–2030 period, Decision 51/2025/QĐ-TTg) a recognition level is offered only when a criteria
# set defines it for the year: the advanced and model levels of 2021–2025 have no 2026–2030 set.
LEVELS_BY_SET_FROM = 2026

# Standard levels from the lowest to the highest, to tell which level a commune reaches.
LEVEL_ORDER: list[str] = [StandardLevel.BASIC, StandardLevel.ADVANCED, StandardLevel.MODEL, StandardLevel.MODERN]


class MetBucket(models.TextChoices):
    """Buckets used by provincial reports on the number of criteria met (e.g. 19/19, 15–18, 10–14, below 10)."""

    ALL = "all", _("All met")
    NEAR = "near", _("15 to all but one")
    MID = "mid", _("10 to 14")
    LOW = "low", _("Below 10")
