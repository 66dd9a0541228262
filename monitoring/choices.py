"""Statuses and outcomes of the Front's records (domain.md §6), with badge colours and the allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    """A survey counts for the workflow gate only once the Front marks it completed."""

    IN_PROGRESS = "in_progress", _("Being collected")
    COMPLETED = "completed", _("Completed")


class ReportSubject(models.TextChoices):
    """What a supervision report is about. Funding projects are not modelled yet (no funding.Project)."""

    COMMUNE = "commune", _("Commune")
    DOSSIER = "dossier", _("Recognition dossier")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    MEDIUM = "medium", _("Significant")
    HIGH = "high", _("Serious")


SEVERITY_COLOURS = {Severity.LOW: "secondary", Severity.MEDIUM: "warning", Severity.HIGH: "danger"}


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered by the office concerned")
    CLOSED = "closed", _("Closed by the Front")


FINDING_COLOURS = {FindingStatus.OPEN: "danger", FindingStatus.ANSWERED: "warning", FindingStatus.CLOSED: "success"}
# Findings that still need attention (shown to the verifier and appraiser on the dossier page).
UNRESOLVED = frozenset({FindingStatus.OPEN, FindingStatus.ANSWERED})

# action → (allowed from, to, who): "office" = an editor of the office concerned, "front" = a Front monitor.
FINDING_TRANSITIONS = {
    "respond": (frozenset({FindingStatus.OPEN, FindingStatus.ANSWERED}), FindingStatus.ANSWERED, "office"),
    "close": (frozenset({FindingStatus.OPEN, FindingStatus.ANSWERED}), FindingStatus.CLOSED, "front"),
    "reopen": (frozenset({FindingStatus.ANSWERED, FindingStatus.CLOSED}), FindingStatus.OPEN, "front"),
}


class Moderation(models.TextChoices):
    """How the commune office handled a resident's comment: the "summary of residents' comments" counts these."""

    PENDING = "pending", _("Awaiting moderation")
    ACCEPTED = "accepted", _("Published, taken into account")
    EXPLAINED = "explained", _("Published, answered with an explanation")
    REJECTED = "rejected", _("Not published (off-topic, abusive or personal data)")


PUBLISHED = frozenset({Moderation.ACCEPTED, Moderation.EXPLAINED})
MODERATION_COLOURS = {
    Moderation.PENDING: "secondary",
    Moderation.ACCEPTED: "success",
    Moderation.EXPLAINED: "info",
    Moderation.REJECTED: "dark",
}

# Public comment limits.
COMMENT_MAX_LENGTH = 2000
COMMENT_NAME_MAX_LENGTH = 100
