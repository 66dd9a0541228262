"""The programme and its phases, thematic programmes, yearly plans with targets and registrations, OCOP products.

Targets are promises typed in; what was achieved is counted from the recognition register
(register.Recognition) by programs.selectors, never stored here.
"""

import datetime
from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Hamlet, Province
from core import scope
from core.models import TimeStampedModel
from criteria.choices import SubjectKind

from .choices import OCOP_STAR_BANDS, OcopGroup, TargetKind, target_subject


class Program(TimeStampedModel):
    """A national target programme (e.g. New Rural Development)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class Phase(TimeStampedModel):
    """A period of the programme (2021–2025, 2026–2030) with the texts it rests on."""

    program = models.ForeignKey(Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="phases")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    year_from = models.PositiveSmallIntegerField(_("first year"))
    year_to = models.PositiveSmallIntegerField(_("last year"))
    legal_basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        ordering = ["program", "year_from"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=F("year_from")),
                name="programs_phase_period_order",
                violation_error_message=_("The last year cannot be before the first year."),
            )
        ]

    def __str__(self):
        # Names usually carry the period already ("giai đoạn 2021-2025"): the years are added only when missing.
        if str(self.year_from) in self.name and str(self.year_to) in self.name:
            return self.name
        return f"{self.name} ({self.year_from}–{self.year_to})"

    def covers_year(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to


class ThematicProgram(TimeStampedModel):
    """A thematic programme ("chuyên đề") of the programme: OCOP, smart NTM, environment, craft villages…"""

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="thematic_programs"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    year_from = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["program", "order", "code"]
        verbose_name = _("thematic programme")
        verbose_name_plural = _("thematic programmes")

    def __str__(self):
        return self.name


class AnnualPlan(TimeStampedModel):
    """A province's (or, where the tier exists, a district's) plan for one year."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ntm_plans",
        help_text=_("Empty for the province's own plan."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    # A plan belongs to its province, or to its district: the offices that may change it (the pages show wider:
    # programs.selectors.visible_plans).
    unit_path = scope.lowest_unit(commune=False)
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province__code", "district__code"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                condition=Q(district__isnull=True),
                name="programs_annualplan_one_province_plan",
                violation_error_message=_("This province already has a plan for this year."),
            ),
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=Q(district__isnull=False),
                name="programs_annualplan_one_district_plan",
                violation_error_message=_("This district already has a plan for this year."),
            ),
        ]

    def __str__(self):
        return self.title or _("{unit} plan {year}").format(unit=self.unit, year=self.year)

    @property
    def unit(self):
        return self.district or self.province

    def clean(self):
        if self.district_id and self.province_id and self.district.province_id != self.province_id:
            raise ValidationError({"district": _("The district is not in this province.")})
        if self.phase_id and self.year and not self.phase.covers_year(self.year):
            raise ValidationError({"year": _("The phase does not cover this year.")})

    def area_q(self, path: str = "") -> Q:
        """Q for communes (reached through `path`) inside the plan's area."""
        p = f"{path}__" if path else ""
        if self.district_id:
            return Q(**{f"{p}district_id": self.district_id})
        return Q(**{f"{p}province_id": self.province_id})


class PlanTarget(TimeStampedModel):
    """How many units of one kind the plan promises to have recognised in its year."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("target"), max_length=24, choices=TargetKind.choices)
    target = models.PositiveIntegerField(_("number planned"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    unit_path = scope.through("plan")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "kind"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind"],
                name="programs_plantarget_unique_kind",
                violation_error_message=_("This plan already has a target of this kind."),
            )
        ]

    def __str__(self):
        return f"{self.plan}: {self.get_kind_display()} {self.target}"


class Registration(TimeStampedModel):
    """A commune, hamlet or district registered against a plan target (it aims to be recognised that year)."""

    target = models.ForeignKey(
        PlanTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="registrations"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ntm_registrations",
        help_text=_("For a hamlet, its commune."),
    )
    hamlet = models.ForeignKey(
        Hamlet, verbose_name=_("hamlet"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_on = models.DateField(_("registered on"), default=datetime.date.today)
    note = models.CharField(_("note"), max_length=255, blank=True)

    # Commune and hamlet registrations by their commune, district registrations by their district.
    unit_path = (
        scope.commune("commune", when=Q(commune__isnull=False)),
        scope.district("district", when=Q(district__isnull=False)),
    )
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["target", "district__code", "commune__code", "hamlet__code"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(commune__isnull=False, hamlet__isnull=True, district__isnull=True)
                    | Q(commune__isnull=False, hamlet__isnull=False, district__isnull=True)
                    | Q(commune__isnull=True, hamlet__isnull=True, district__isnull=False)
                ),
                name="programs_registration_one_unit",
                violation_error_message=_("A registration names one commune, one hamlet or one district."),
            ),
            models.UniqueConstraint(
                fields=["target", "commune"],
                condition=Q(hamlet__isnull=True, commune__isnull=False),
                name="programs_registration_unique_commune",
                violation_error_message=_("This commune is already registered against this target."),
            ),
            models.UniqueConstraint(
                fields=["target", "hamlet"],
                condition=Q(hamlet__isnull=False),
                name="programs_registration_unique_hamlet",
                violation_error_message=_("This hamlet is already registered against this target."),
            ),
            models.UniqueConstraint(
                fields=["target", "district"],
                condition=Q(district__isnull=False),
                name="programs_registration_unique_district",
                violation_error_message=_("This district is already registered against this target."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.target.get_kind_display()} {self.target.plan.year}"

    @property
    def unit(self):
        return self.hamlet or self.commune or self.district

    def clean(self):
        if self.hamlet_id and not self.commune_id:
            self.commune_id = self.hamlet.commune_id
        if not self.target_id:
            return
        subject = target_subject(self.target.kind)
        errors = {}
        if subject == SubjectKind.DISTRICT and not self.district_id:
            errors["district"] = _("This target counts districts: choose a district.")
        elif subject == SubjectKind.HAMLET and not self.hamlet_id:
            errors["hamlet"] = _("This target counts model hamlets: choose a hamlet.")
        elif subject == SubjectKind.COMMUNE and (self.hamlet_id or not self.commune_id):
            errors["commune"] = _("This target counts communes: choose a commune (and no hamlet).")
        if errors:
            raise ValidationError(errors)
        plan = self.target.plan
        if self.hamlet_id and self.hamlet.commune_id != self.commune_id:
            raise ValidationError({"hamlet": _("The hamlet is not in this commune.")})
        if self.commune_id:
            commune = self.commune
            inside = (
                commune.district_id == plan.district_id if plan.district_id else commune.province_id == plan.province_id
            )
        else:
            district = self.district
            inside = district.pk == plan.district_id if plan.district_id else district.province_id == plan.province_id
        if not inside:
            raise ValidationError(_("{unit} is outside the plan's area.").format(unit=self.unit))


class OcopQuerySet(scope.ScopedQuerySet["OcopProduct"]):
    def with_stars(self) -> Self:
        """Annotate `stars` from the score, with the bands of programs.choices (computed in SQL, never stored)."""
        return self.annotate(
            stars=Case(
                *[When(score__gte=lowest, then=Value(stars)) for lowest, stars in OCOP_STAR_BANDS],
                default=Value(None),
                output_field=models.PositiveSmallIntegerField(),
            )
        )

    def in_force_on(self, day: datetime.date) -> Self:
        return self.filter(decision_date__lte=day).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class OcopProduct(TimeStampedModel):
    """An OCOP product rated by a council: score out of 100 (stars follow from it), decision, expiry."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="ocop_products"
    )
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("The province's register number; the key for imports.")
    )
    name = models.CharField(_("product"), max_length=255)
    owner = models.CharField(_("owner (cooperative, enterprise, household)"), max_length=255)
    group = models.CharField(_("group"), max_length=16, choices=OcopGroup.choices)
    score = models.PositiveSmallIntegerField(_("score (out of 100)"))
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    thematic_program = models.ForeignKey(
        ThematicProgram,
        verbose_name=_("thematic programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    unit_path = scope.commune("commune")
    objects = OcopQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "name"]
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=100),
                name="programs_ocopproduct_score_range",
                violation_error_message=_("The score is out of 100."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("decision_date")),
                name="programs_ocopproduct_expiry_after_decision",
                violation_error_message=_("The expiry date must come after the decision date."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def star_count(self) -> int | None:
        from .choices import stars_for_score

        return getattr(self, "stars", None) or stars_for_score(self.score)
