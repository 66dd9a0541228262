"""The register of recognitions and revocations: the only source of "recognised" counts in the app.

Every app that counts recognitions reads it here, below the workflow that writes it (verification records a
decision and a revocation through its transitions). The table keeps the name it had when the register lived in
verification.
"""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Hamlet, Province
from core import scope
from core.models import TimeStampedModel
from criteria.choices import StandardLevel, SubjectKind


class RecognitionQuerySet(scope.ScopedQuerySet["Recognition"]):
    def in_force_on(self, day: datetime.date) -> Self:
        """Recognitions decided on or before `day` and not revoked by then (figures "as they stood" on a date)."""
        return self.filter(decision_date__lte=day).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


class RecognitionBasis(models.TextChoices):
    """How the unit came to be recognised."""

    DOSSIER = "dossier", _("Decision on a dossier")
    MERGER = "merger", _("Recognition by merger")


class Recognition(TimeStampedModel):
    """A recognition decision for one unit at one level (register entry). Revocation sets `revoked_on`.

    A recognition by merger (`basis`) carries the level every predecessor of a merged commune held on the day of the
    merger; `predecessors` links the predecessors' decisions it rests on (register.selectors.merger_proposals)."""

    subject_kind = models.CharField(_("subject"), max_length=16, choices=SubjectKind.choices)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="recognitions"
    )
    hamlet = models.ForeignKey(
        Hamlet, verbose_name=_("hamlet"), on_delete=models.PROTECT, null=True, blank=True, related_name="recognitions"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    level = models.CharField(_("level"), max_length=16, choices=StandardLevel.choices)
    year = models.PositiveSmallIntegerField(_("year recognised for"))
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_decision = models.CharField(_("revocation decision"), max_length=64, blank=True)
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The decision's provenance, by name only: the register never imports the workflow that writes it.
    dossier = models.OneToOneField(
        "verification.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognition",
        help_text=_("The dossier whose decision created this entry; empty for decisions recorded before the app."),
    )
    basis = models.CharField(
        _("basis"), max_length=16, choices=RecognitionBasis.choices, default=RecognitionBasis.DOSSIER
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors' recognitions"),
        symmetrical=False,
        blank=True,
        related_name="carried_into",
        help_text=_("For a recognition by merger: the decisions of the merged communes it carries on."),
    )
    history = HistoricalRecords(table_name="verification_historicalrecognition")

    # District recognitions by their district, communes by their commune, hamlets by the hamlet's commune.
    unit_path = (
        scope.district("district", when=Q(subject_kind=SubjectKind.DISTRICT)),
        scope.commune("commune", when=Q(subject_kind=SubjectKind.COMMUNE)),
        scope.commune("hamlet__commune", when=Q(subject_kind=SubjectKind.HAMLET)),
    )
    objects = RecognitionQuerySet.as_manager()

    class Meta:
        db_table = "verification_recognition"
        ordering = ["-decision_date", "level"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        subject_kind=SubjectKind.COMMUNE,
                        commune__isnull=False,
                        hamlet__isnull=True,
                        district__isnull=True,
                    )
                    | Q(subject_kind=SubjectKind.HAMLET, hamlet__isnull=False, district__isnull=True)
                    | Q(
                        subject_kind=SubjectKind.DISTRICT,
                        district__isnull=False,
                        commune__isnull=True,
                        hamlet__isnull=True,
                    )
                ),
                # Named when the register lived in verification; the name is the database's.
                name="verification_recognition_subject_matches_kind",
                violation_error_message=_("A recognition names exactly the unit of its subject kind."),
            ),
        ]

    def __str__(self):
        return f"{self.subject} – {self.get_level_display()} ({self.decision_number})"

    @property
    def subject(self):
        return self.hamlet or self.commune or self.district


class StandingQuerySet(scope.ScopedQuerySet["Standing"]):
    pass


class Standing(models.Model):
    """A commune's standing at the end of a year, kept by `register.standings` for the dashboards and reports.

    One row per commune and year in which the commune existed on 31 December (from the programme's start to this
    year): the highest level it held, read both ways the figures are published — by decision date (in force on
    31 December) and by the year recognised for — and its latest basic-set scorecard up to that year. Derived data:
    every write that changes it refreshes it (recognitions, assessments, units), and `manage.py rebuild_standings`
    rebuilds it; never edited by hand. Dashboards aggregate a few thousand of these rows with an index instead of
    looking for each commune's latest scorecard and recognitions per request.
    """

    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_xa = models.BooleanField(_("commune (xã)"), default=True)
    level = models.CharField(_("level in force on 31 December"), max_length=16, blank=True)
    level_for_year = models.CharField(_("level recognised for the year"), max_length=16, blank=True)
    basic_assessment = models.ForeignKey(
        "criteria.Assessment",
        verbose_name=_("latest basic scorecard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    criteria_met = models.PositiveSmallIntegerField(_("criteria met"), null=True, blank=True)
    criteria_total = models.PositiveSmallIntegerField(_("criteria in the set"), null=True, blank=True)
    is_all_met = models.BooleanField(_("all criteria met"), default=False)

    unit_path = scope.lowest_unit()
    objects = StandingQuerySet.as_manager()

    class Meta:
        ordering = ["year", "commune"]
        verbose_name = _("commune standing")
        verbose_name_plural = _("commune standings")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="register_standing_unique_commune_year"),
        ]
        indexes = [
            models.Index(fields=["year", "province", "district"], name="register_standing_year_area"),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.year}: {self.level or '-'}"
