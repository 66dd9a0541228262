"""Capital for the programme: sources (data), plan lines with what was mobilised, disbursements, investment
projects and outstanding construction debt. Amounts are integers in đồng; totals are computed in SQL
(funding.selectors)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Province
from core import scope
from core.models import TimeStampedModel

from .choices import Component, SourceGroup, UnitLevel


class CapitalSource(models.Model):
    """A source of capital (central budget for investment, local budget, credit, community labour…)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    group = models.CharField(_("group"), max_length=16, choices=SourceGroup.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("capital source")
        verbose_name_plural = _("capital sources")

    def __str__(self):
        return self.name

    @property
    def is_credit(self) -> bool:
        return self.group == SourceGroup.CREDIT


class UnitFields(models.Model):
    """The administrative unit a funding row belongs to: province always; district and commune when lower.

    A commune row also carries its district and province (copied from the commune), so scope and area filters
    work without joins: the row belongs to the lowest unit set.
    """

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    unit_path = scope.lowest_unit()
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.commune or self.district or self.province

    @property
    def unit_level(self) -> str:
        if self.commune_id:
            return UnitLevel.COMMUNE
        if self.district_id:
            return UnitLevel.DISTRICT
        return UnitLevel.PROVINCE

    def fill_parents(self) -> None:
        """Copy district and province from the commune (or province from the district)."""
        if self.commune_id:
            self.district_id = self.commune.district_id
            self.province_id = self.commune.province_id
        elif self.district_id:
            self.province_id = self.district.province_id

    def clean(self):
        if self.commune_id and (
            self.commune.province_id != self.province_id or self.commune.district_id != self.district_id
        ):
            raise ValidationError({"commune": _("The commune is not in this district and province.")})
        if self.district_id and self.district.province_id != self.province_id:
            raise ValidationError({"district": _("The district is not in this province.")})


class Project(UnitFields, TimeStampedModel):
    """An investment project (e.g. a commune road), linked to the criterion it helps meet."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    criterion = models.ForeignKey(
        "criteria.Criterion",
        verbose_name=_("criterion served"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    total_investment = models.BigIntegerField(_("total investment (đồng)"), default=0)
    year_start = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0),
                name="funding_project_investment_not_negative",
                violation_error_message=_("The total investment cannot be negative."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class CapitalPlanLine(UnitFields, TimeStampedModel):
    """Planned capital for one year, unit, source and component (optionally one project), with what was
    actually mobilised. Disbursements are recorded against the line."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(CapitalSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="lines")
    component = models.CharField(_("component"), max_length=16, choices=Component.choices)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    planned_amount = models.BigIntegerField(_("planned (đồng)"), default=0)
    mobilised_amount = models.BigIntegerField(_("mobilised (đồng)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "province__code", "district__code", "commune__code", "source__order", "component"]
        verbose_name = _("capital plan line")
        verbose_name_plural = _("capital plan lines")
        constraints = [
            # Empty district / commune / project count as one value (0), on every database.
            models.UniqueConstraint(
                "year",
                "province",
                Coalesce("district", 0),
                Coalesce("commune", 0),
                "source",
                "component",
                Coalesce("project", 0),
                name="funding_capitalplanline_unique_key",
                violation_error_message=_("This unit already has a line for this year, source, component and project."),
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__gte=0) & Q(mobilised_amount__gte=0),
                name="funding_capitalplanline_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["year", "province", "source"], name="funding_line_year_prov_src")]

    def __str__(self):
        return f"{self.year} {self.unit} – {self.source} – {self.get_component_display()}"

    def clean(self):
        super().clean()
        if self.project_id and self.project.province_id != self.province_id:
            raise ValidationError({"project": _("The project is in another province.")})


class Disbursement(TimeStampedModel):
    """Money paid out against a plan line. Above the line's planned amount only with a note (kept as a warning)."""

    line = models.ForeignKey(
        CapitalPlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="disbursements"
    )
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("Payment order or voucher number; the key for imports.")
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.BigIntegerField(_("amount (đồng)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    exceeds_plan = models.BooleanField(
        _("above the planned amount"),
        default=False,
        editable=False,
        help_text=_("Set when this payment took the line's disbursements above its planned amount."),
    )
    history = HistoricalRecords()

    unit_path = scope.through("line")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["line", "paid_on", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["line", "reference"],
                name="funding_disbursement_unique_reference",
                violation_error_message=_("This line already has a disbursement with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_disbursement_amount_positive",
                violation_error_message=_("A disbursement amount must be positive."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.paid_on:%d/%m/%Y})"


class ConstructionDebt(TimeStampedModel):
    """Outstanding debt for basic construction (nợ đọng XDCB) of a commune. Unsettled debt blocks recognition."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="construction_debts"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="debts"
    )
    amount = models.BigIntegerField(_("amount (đồng)"))
    as_of = models.DateField(_("as of"))
    settled = models.BooleanField(_("settled"), default=False)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    unit_path = scope.commune("commune")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "-as_of"]
        verbose_name = _("construction debt")
        verbose_name_plural = _("construction debts")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_constructiondebt_amount_positive",
                violation_error_message=_("A debt amount must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(settled=False) | Q(settled_on__isnull=False),
                name="funding_constructiondebt_settled_has_date",
                violation_error_message=_("A settled debt needs the date it was settled."),
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True) | Q(settled_on__gte=F("as_of")),
                name="funding_constructiondebt_settled_after_as_of",
                violation_error_message=_("A debt cannot be settled before the date it was recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.commune} – {self.amount:,} đ ({self.as_of:%d/%m/%Y})"
