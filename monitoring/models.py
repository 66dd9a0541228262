"""The Fatherland Front's records (domain.md §6): satisfaction surveys with one row per hamlet, supervision reports
and their findings, critiques (phản biện) on dossiers, and residents' public comments during the consultation.

Survey totals and the satisfaction rate are never stored: `monitoring.selectors` sums the hamlet rows in SQL.
Writes go through `monitoring.services` only.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Hamlet, Province
from core import scope
from core.models import TimeStampedModel

from .choices import (
    COMMENT_MAX_LENGTH,
    COMMENT_NAME_MAX_LENGTH,
    FINDING_COLOURS,
    MODERATION_COLOURS,
    SEVERITY_COLOURS,
    FindingStatus,
    Moderation,
    ReportSubject,
    Severity,
    SurveyStatus,
)


class SatisfactionSurvey(TimeStampedModel):
    """The Front's survey of residents' satisfaction with a dossier's results (guidance 90/HD-MTTW-BTT).

    Households surveyed, forms returned and satisfied are the sums of the hamlet rows; the rate is satisfied /
    forms returned × 100, computed by `monitoring.selectors`, never typed.
    """

    dossier = models.ForeignKey(
        "verification.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="surveys"
    )
    period_start = models.DateField(_("survey from"))
    period_end = models.DateField(_("survey until"))
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.IN_PROGRESS
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    results_posted_on = models.DateField(_("results posted at the hamlet cultural houses on"), null=True, blank=True)
    checked_on = models.DateField(_("tally checked by the higher-level Front on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    check_note = models.TextField(_("higher-level check: note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "-period_end", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="monitoring_satisfactionsurvey_period_ordered",
                violation_error_message=_("The survey cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status=SurveyStatus.IN_PROGRESS) | Q(completed_at__isnull=False),
                name="monitoring_satisfactionsurvey_completed_has_date",
                violation_error_message=_("A completed survey records when it was completed."),
            ),
        ]

    def __str__(self):
        return _("Survey {start}–{end} – {dossier}").format(
            start=self.period_start.strftime("%d/%m/%Y"), end=self.period_end.strftime("%d/%m/%Y"), dossier=self.dossier
        )


class SurveyHamletRow(models.Model):
    """One hamlet's tally, collected by the hamlet Front work committee."""

    survey = models.ForeignKey(
        SatisfactionSurvey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="rows"
    )
    hamlet = models.ForeignKey(Hamlet, verbose_name=_("hamlet"), on_delete=models.PROTECT, related_name="+")
    households_surveyed = models.PositiveIntegerField(_("households surveyed"))
    forms_returned = models.PositiveIntegerField(_("forms returned"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "hamlet__code"]
        verbose_name = _("survey row (hamlet)")
        verbose_name_plural = _("survey rows (hamlets)")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "hamlet"],
                name="monitoring_surveyhamletrow_one_per_hamlet",
                violation_error_message=_("This hamlet already has a row in the survey."),
            ),
            models.CheckConstraint(
                condition=Q(forms_returned__lte=F("households_surveyed")),
                name="monitoring_surveyhamletrow_returned_le_surveyed",
                violation_error_message=_("More forms returned than households surveyed."),
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("forms_returned")),
                name="monitoring_surveyhamletrow_satisfied_le_returned",
                violation_error_message=_("More satisfied answers than forms returned."),
            ),
        ]

    def __str__(self):
        return f"{self.hamlet}: {self.satisfied}/{self.forms_returned}/{self.households_surveyed}"


class SurveyItemResult(models.Model):
    """Satisfied answers for one content item (a criterion of the set, as the forms list them) in one commune.

    The denominator is the forms returned in the commune's hamlets (one form per household); a district's survey
    has one result per commune and item, which its per-commune per-item floor is checked against."""

    survey = models.ForeignKey(
        SatisfactionSurvey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="items"
    )
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(
        "criteria.Criterion", verbose_name=_("content item"), on_delete=models.PROTECT, related_name="+"
    )
    satisfied = models.PositiveIntegerField(_("satisfied"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "commune__code", "criterion__number"]
        verbose_name = _("survey result (content item)")
        verbose_name_plural = _("survey results (content items)")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "commune", "criterion"],
                name="monitoring_surveyitemresult_one_per_item",
                violation_error_message=_("This content item already has a result for the commune."),
            )
        ]

    def __str__(self):
        return f"{self.commune} – {self.criterion}: {self.satisfied}"


class SupervisionReport(TimeStampedModel):
    """A Front supervision (giám sát) of a commune or of a dossier over a period; its findings follow.

    `province`, `district` and `commune` are copied from the subject so that scope filters without joins.
    """

    subject_kind = models.CharField(_("subject"), max_length=16, choices=ReportSubject.choices)
    dossier = models.ForeignKey(
        "verification.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_reports",
    )
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_reports",
    )
    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("supervised from"))
    period_end = models.DateField(_("supervised until"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    # Reports on a commune (or on a commune's dossier) by commune; reports on a district dossier by district.
    unit_path = (
        scope.commune("commune", when=Q(commune__isnull=False)),
        scope.district("district", when=Q(commune__isnull=True)),
    )
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("supervision report")
        verbose_name_plural = _("supervision reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind=ReportSubject.COMMUNE, commune__isnull=False, dossier__isnull=True)
                    | Q(subject_kind=ReportSubject.DOSSIER, dossier__isnull=False)
                ),
                name="monitoring_supervisionreport_subject_matches_kind",
                violation_error_message=_("A supervision report names a commune or a dossier, as its subject says."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="monitoring_supervisionreport_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def subject(self):
        return self.dossier if self.subject_kind == ReportSubject.DOSSIER else self.commune


class Finding(TimeStampedModel):
    """One finding of a supervision report: what was found, what the Front recommends, and the answer.

    The office concerned answers (open → answered); the Front closes or reopens. See choices.FINDING_TRANSITIONS.
    """

    report = models.ForeignKey(
        SupervisionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="findings"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField(_("finding"))
    recommendation = models.TextField(_("recommendation"))
    concerned_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any data-entry office covering the subject may answer."),
    )
    respond_by = models.DateField(_("answer due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    response = models.TextField(_("response of the office concerned"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    front_note = models.TextField(_("Front's note on closing or reopening"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    history = HistoricalRecords()

    unit_path = scope.through("report")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["status", "respond_by"], name="monitoring_finding_status_due")]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.description[:60]}"

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")

    @property
    def status_colour(self) -> str:
        return FINDING_COLOURS.get(self.status, "secondary")


class Critique(TimeStampedModel):
    """A critique (phản biện xã hội) by the Front on a dossier, shown in its timeline. Append-only."""

    dossier = models.ForeignKey(
        "verification.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="critiques"
    )
    text = models.TextField(_("critique"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "created_at", "id"]
        verbose_name = _("Front critique")
        verbose_name_plural = _("Front critiques")

    def __str__(self):
        return f"{self.dossier_id}: {self.text[:60]}"


class PublicComment(models.Model):
    """A resident's comment on a dossier in public consultation. Shown publicly only once the commune office
    publishes it; the outcome is kept for the summary of residents' comments. No address or contact is stored."""

    dossier = models.ForeignKey(
        "verification.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="public_comments"
    )
    author_name = models.CharField(_("name (optional)"), max_length=COMMENT_NAME_MAX_LENGTH, blank=True)
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    outcome = models.CharField(_("moderation"), max_length=16, choices=Moderation.choices, default=Moderation.PENDING)
    reply = models.TextField(_("answer published with the comment"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    history = HistoricalRecords()

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "submitted_at", "id"]
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        indexes = [models.Index(fields=["dossier", "outcome"], name="monitoring_comment_outcome")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=Moderation.PENDING) | Q(moderated_at__isnull=False),
                name="monitoring_publiccomment_moderated_has_date",
                violation_error_message=_("A moderated comment records when it was moderated."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.text[:60]}"

    @property
    def outcome_colour(self) -> str:
        return MODERATION_COLOURS.get(self.outcome, "secondary")
