"""Criteria sets as data (loaded from criteria/data/), and yearly assessments of communes against them.

Nothing criterion-specific lives in Python: sets, criteria, indicators, targets and regions come from the data
files and the admin. `criteria.evaluation` is the only code that decides met / not met; the services store its
results (per indicator value, per criterion, counts on the assessment) so lists never recompute per row.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.choices import CommuneGroup
from communes.models import Commune, Province, Region
from core import scope
from core.files import ScopedFileField, private_name
from core.models import TimeStampedModel

from .choices import Comparator, StandardLevel, SubjectKind, TargetScheme, ValueType


class CriteriaSetQuerySet(models.QuerySet["CriteriaSet"]):
    def current_versions(self) -> "CriteriaSetQuerySet":
        """The latest version of each set: the one new scorecards use."""
        return self.filter(superseded_at__isnull=True)


class CriteriaSet(TimeStampedModel):
    """A versioned set of criteria for one subject (commune, district, hamlet) and level, over a period."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    subject = models.CharField(_("subject"), max_length=16, choices=SubjectKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=StandardLevel.choices)
    year_from = models.PositiveSmallIntegerField(_("first year"))
    year_to = models.PositiveSmallIntegerField(_("last year"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    target_scheme = models.CharField(
        _("targets vary by"), max_length=16, choices=TargetScheme.choices, default=TargetScheme.REGION
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("issued by province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        help_text=_("Only for sets a province defines (e.g. model hamlets); empty for national sets."),
    )
    is_provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Some content could not be checked against the official text.")
    )
    source = models.TextField(_("source notes"), blank=True)
    # Versions: a workbook imported over a set makes a new set (the old one stays for the assessments made with
    # it); `series_code` is the code the workbook carries, shared by every version.
    series_code = models.CharField(_("series code"), max_length=32, blank=True, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    superseded_at = models.DateTimeField(
        _("superseded at"), null=True, blank=True, help_text=_("When a newer version replaced it for new scorecards.")
    )

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-year_from", "level", "code"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")),
                name="criteria_criteriaset_period_order",
                violation_error_message=_("The last year cannot be before the first year."),
            )
        ]

    def __str__(self):
        version = f" v{self.version}" if self.version > 1 else ""
        return f"{self.name} ({self.year_from}–{self.year_to}){version}"

    def save(self, *args, **kwargs):
        if not self.series_code:
            self.series_code = self.code
        super().save(*args, **kwargs)

    @property
    def is_current_version(self) -> bool:
        return self.superseded_at is None

    def covers_year(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to


class CriterionGroup(models.Model):
    """Group of criteria inside a set (e.g. "I. Planning", "II. Socio-economic infrastructure")."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["criteria_set", "order", "code"]
        verbose_name = _("criterion group")
        verbose_name_plural = _("criterion groups")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="criteria_criteriongroup_unique_code",
                violation_error_message=_("This set already has a group with this code."),
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """One criterion of a set (e.g. no. 17 Environment and food safety). Met when all its indicators are met."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.ForeignKey(
        CriterionGroup,
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="criteria",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    is_revocation_key = models.BooleanField(
        _("key criterion for revocation"),
        default=False,
        help_text=_(
            "Decision 18/2022: a commune with 30–50% of criteria unmet is at risk when one of them is a key "
            "criterion (income, environment, quality of living environment, defence and security)."
        ),
    )

    class Meta:
        ordering = ["criteria_set", "number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="criteria_criterion_unique_code",
                violation_error_message=_("This set already has a criterion with this code."),
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "number"],
                name="criteria_criterion_unique_number",
                violation_error_message=_("This set already has a criterion with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    """A measurable indicator of a criterion (e.g. 17.1), with its value type and how it compares to the target."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=16, help_text=_("Official number, e.g. 17.1; unique in its set."))
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    value_type = models.CharField(_("value type"), max_length=16, choices=ValueType.choices)
    comparator = models.CharField(_("comparison"), max_length=8, choices=Comparator.choices)
    unit = models.CharField(_("unit"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Number or wording not confirmed in public sources.")
    )
    source = models.TextField(_("source notes"), blank=True)

    class Meta:
        ordering = ["criterion__criteria_set", "criterion__number", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "code"],
                name="criteria_indicator_unique_code",
                violation_error_message=_("This criterion already has an indicator with this code."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        allowed = {
            ValueType.BOOL: {Comparator.MET, Comparator.EQ},
            ValueType.TEXT: {Comparator.MET, Comparator.EQ},
        }.get(self.value_type, {Comparator.GTE, Comparator.LTE, Comparator.EQ})
        if self.comparator not in allowed:
            raise ValidationError(
                {
                    "comparator": _("This comparison does not apply to values of type {type}.").format(
                        type=self.get_value_type_display()
                    )
                }
            )


class IndicatorTarget(models.Model):
    """The target of an indicator: general (no region, no group), for one region, or for one commune group.

    Optional years narrow it to part of the set's period (e.g. the income target rises each year).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune_group = models.PositiveSmallIntegerField(
        _("commune group"), choices=CommuneGroup.choices, null=True, blank=True
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4, null=True, blank=True)
    text_value = models.CharField(_("target text"), max_length=255, blank=True)
    is_provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Not found in public sources: a plausible value so evaluation works. Check and edit."),
    )
    is_delegated = models.BooleanField(
        _("set by the province"), default=False, help_text=_("The national text leaves this target to the province.")
    )
    source_document = models.CharField(
        _("source document"), max_length=255, blank=True, help_text=_("e.g. Quyết định 51/2025/QĐ-TTg, Phụ lục I")
    )
    article = models.CharField(_("article"), max_length=64, blank=True, help_text=_("Article, clause or item."))
    source = models.TextField(_("source notes"), blank=True)

    class Meta:
        ordering = ["indicator", "region__code", "commune_group", "year_from"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(commune_group__isnull=True),
                name="criteria_indicatortarget_region_or_group",
                violation_error_message=_("A target applies to a region or to a commune group, not both."),
            )
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.display_value()}"

    def display_value(self) -> str:
        if self.text_value:
            return self.text_value
        return "" if self.value is None else f"{self.value.normalize():f}"

    def covers_year(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (self.year_to is None or year <= self.year_to)


class Assessment(TimeStampedModel):
    """A commune measured against one criteria set for one year. Counts are stored by evaluation on every save."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="assessments"
    )
    criteria_met = models.PositiveSmallIntegerField(_("criteria met"), default=0)
    criteria_total = models.PositiveSmallIntegerField(_("criteria in the set"), default=0)
    key_criteria_unmet = models.PositiveSmallIntegerField(
        _("key criteria not met"), default=0, help_text=_("Unmet criteria that count for revocation (18/2022).")
    )
    is_all_met = models.BooleanField(_("all criteria met"), default=False)
    level_reached = models.CharField(
        _("level reached"),
        max_length=16,
        choices=StandardLevel.choices,
        blank=True,
        help_text=_("The set's level when every criterion is met; empty otherwise."),
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lock_reason = models.CharField(_("lock reason"), max_length=500, blank=True)
    history = HistoricalRecords()

    unit_path = scope.commune("commune")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "commune__code", "criteria_set__code"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "criteria_set"],
                name="criteria_assessment_unique_commune_year_set",
                violation_error_message=_("This commune already has an assessment against this set for this year."),
            )
        ]
        indexes = [models.Index(fields=["year", "criteria_set"], name="criteria_assessment_year_set")]

    def __str__(self):
        return f"{self.commune} – {self.year} – {self.criteria_set.code}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def criteria_unmet(self) -> int:
        return self.criteria_total - self.criteria_met

    def clean(self):
        if self.criteria_set_id and self.year and not self.criteria_set.covers_year(self.year):
            raise ValidationError(
                {"year": _("The set {set} does not cover {year}.").format(set=self.criteria_set.code, year=self.year)}
            )
        if self.criteria_set_id and self.criteria_set.subject != SubjectKind.COMMUNE:
            raise ValidationError({"criteria_set": _("Communes are assessed against commune sets only.")})


def evidence_path(instance, filename):
    return private_name(f"criteria/evidence/{instance.assessment.year}/{instance.assessment.commune.code}", filename)


class IndicatorValue(TimeStampedModel):
    """The value of one indicator in one assessment, with a note and evidence. `is_met` is stored by evaluation."""

    # No index of its own: the unique (assessment, indicator) index serves every lookup by assessment, and each
    # index is kept up to date on every row a large import writes.
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="values", db_index=False
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    value_number = models.DecimalField(_("number"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    value_text = models.CharField(_("text"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = ScopedFileField(
        _("evidence file"),
        upload_to=evidence_path,
        blank=True,
        max_length=255,
        download_url_name="criteria:evidence_download",
    )
    is_met = models.BooleanField(_("met"), default=False)
    # History is read per value (its id) and by date; an import writes a history row per value, so the copies of
    # the assessment and indicator keys are not indexed there (a third of the time of writing them).
    history = HistoricalRecords(no_db_index=["assessment", "indicator"])

    unit_path = scope.through("assessment")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "indicator__criterion__number", "indicator__order"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"],
                name="criteria_indicatorvalue_unique",
                violation_error_message=_("This indicator already has a value in this assessment."),
            )
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.raw_value}"

    @property
    def raw_value(self):
        """The stored value whatever the type (None when nothing was entered)."""
        if self.value_number is not None:
            return self.value_number
        if self.value_bool is not None:
            return self.value_bool
        return self.value_text or None


class CriterionResult(models.Model):
    """Stored result of one criterion in one assessment, with the reasons it fails (written by evaluation)."""

    # The unique (assessment, criterion) index serves lookups by assessment (see IndicatorValue.assessment).
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="results", db_index=False
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    is_met = models.BooleanField(_("met"), default=False)
    reasons = models.TextField(_("reasons"), blank=True, help_text=_("One line per failing indicator."))
    details = models.JSONField(_("details"), default=list, blank=True, help_text=_("Facts behind the reasons."))

    class Meta:
        ordering = ["assessment", "criterion__number"]
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"],
                name="criteria_criterionresult_unique",
                violation_error_message=_("This criterion already has a result in this assessment."),
            )
        ]

    def __str__(self):
        return f"{self.criterion.code}: {'✓' if self.is_met else '✗'}"


class CommuneClassification(TimeStampedModel):
    """Which commune group (51/2025) and which target region a commune belongs to, from a year on.

    A commune's group can change (it urbanises, leaves Area III); each change is a new row, so a scorecard of any
    year is evaluated with the classification in force that year (`criteria.selectors.classifications_in`)."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="classifications"
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    commune_group = models.PositiveSmallIntegerField(
        _("commune group"), choices=CommuneGroup.choices, null=True, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("target region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only when it differs from the province's."),
    )
    decision = models.CharField(_("decision"), max_length=255, blank=True, help_text=_("The decision placing it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    unit_path = scope.commune("commune")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "-year_from"]
        verbose_name = _("commune classification")
        verbose_name_plural = _("commune classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year_from"],
                name="criteria_communeclassification_unique_year",
                violation_error_message=_("This commune already has a classification from this year."),
            )
        ]

    def __str__(self):
        return f"{self.commune} {self.year_from}: {self.get_commune_group_display() or '–'}"
