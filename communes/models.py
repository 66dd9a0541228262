"""Administrative units. Codes are the official ones (General Statistics Office); a code may be reused by a new
unit after a merger, so a unit is current while `valid_to` is empty and only one current unit holds a code."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import scope
from core.models import TimeStampedModel
from core.text import fold

from .choices import (
    CommuneGroup,
    CommuneType,
    DistrictType,
    HamletType,
    ProvinceType,
    SuccessionKind,
    SuccessionShare,
    UnitLevel,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

_Unit = TypeVar("_Unit", bound="AdminUnit")


class Region(models.Model):
    """Socio-economic region whose targets apply to 2021–2025 indicators (e.g. northern midlands and mountains)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=128)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class AdminUnitQuerySet(scope.ScopedQuerySet[_Unit]):
    def current(self) -> Self:
        return self.filter(valid_to__isnull=True)

    def valid_on(self, day: datetime.date) -> Self:
        """Units that existed on `day` (history stays attached to the unit it named)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )


class AdminUnit(TimeStampedModel):
    code = models.CharField(_("official code"), max_length=16, db_index=True)
    name = models.CharField(_("name"), max_length=128)
    search_name = models.CharField(_("search key"), max_length=128, editable=False, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty while the unit exists."))

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The search key is derived from the name; computing it here keeps it from going stale on any edit path.
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def _current_code_unique(name):
    return models.UniqueConstraint(
        fields=["code"],
        condition=Q(valid_to__isnull=True),
        name=name,
        violation_error_message=_("Another current unit already has this official code."),
    )


class ProvinceQuerySet(AdminUnitQuerySet["Province"]):
    def worked_in(self, user: "User | AnonymousUser | None", roles: Iterable[str] | None = None) -> Self:
        """Provinces the user works in: those of every unit the scope covers (wider than `visible_to`, which is
        only the provinces whose own office the user belongs to)."""
        s = scope.scope_for(user, roles)
        if s.everything:
            return self.all()
        return self.filter(
            Q(id__in=s.province_ids) | Q(districts__id__in=s.district_ids) | Q(communes__id__in=s.commune_ids)
        ).distinct()


class Province(AdminUnit):
    """Province or centrally-run city."""

    unit_type = models.CharField(_("type"), max_length=16, choices=ProvinceType.choices, default=ProvinceType.PROVINCE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="provinces"
    )
    has_district_tier = models.BooleanField(
        _("has district tier"),
        default=False,
        help_text=_("Three-tier provinces (before July 2025) route commune dossiers through district verification."),
    )

    unit_path = scope.province()
    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [_current_code_unique("communes_province_current_code")]


class District(AdminUnit):
    """District-level unit (huyện, thị xã, thành phố thuộc tỉnh). Abolished on 1 July 2025; kept for history."""

    unit_type = models.CharField(_("type"), max_length=16, choices=DistrictType.choices, default=DistrictType.DISTRICT)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="districts"
    )

    unit_path = scope.district()

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [_current_code_unique("communes_district_current_code")]


class Commune(AdminUnit):
    """Commune-level unit. The province is stored directly because the district tier may be absent."""

    unit_type = models.CharField(_("type"), max_length=16, choices=CommuneType.choices, default=CommuneType.COMMUNE)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("target region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only when it differs from the province's, e.g. extremely disadvantaged communes."),
    )
    commune_group = models.PositiveSmallIntegerField(
        _("commune group (2026–2030)"), choices=CommuneGroup.choices, null=True, blank=True
    )
    is_extremely_disadvantaged = models.BooleanField(_("extremely disadvantaged (ĐBKK)"), default=False)

    unit_path = scope.commune()

    class Meta:
        ordering = ["province__code", "district__code", "code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [_current_code_unique("communes_commune_current_code")]

    @property
    def is_ntm_subject(self) -> bool:
        return self.unit_type == CommuneType.COMMUNE

    @property
    def target_region_id(self):
        """Region whose targets apply: the commune's own if set, else its province's."""
        return self.region_id or self.province.region_id


class Hamlet(TimeStampedModel):
    """Thôn / xóm / bản / ấp: a self-governing community inside a commune, not a government tier."""

    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="hamlets")
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=128)
    hamlet_type = models.CharField(_("type"), max_length=16, choices=HamletType.choices, default=HamletType.XOM)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated for the demo; official hamlet lists are not published.")
    )

    unit_path = scope.commune("commune")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "code"]
        verbose_name = _("hamlet")
        verbose_name_plural = _("hamlets")

    def __str__(self):
        return self.name


class UnitSuccession(TimeStampedModel):
    """Old unit → new unit after a reorganisation, as the resolution says, so records that named the old unit stay
    attached to it and a new unit's history can be read through its predecessors.

    A new commune has one row per predecessor (commune, or district for the island districts that became special
    zones), each whole or in part, with the clause and resolution that formed it."""

    level = models.CharField(pgettext_lazy("administrative level", "level"), max_length=16, choices=UnitLevel.choices)
    predecessor_province = models.ForeignKey(
        Province, verbose_name=_("old province"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    successor_province = models.ForeignKey(
        Province, verbose_name=_("new province"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    predecessor_district = models.ForeignKey(
        District,
        verbose_name=_("old district"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="successions",
    )
    predecessor_commune = models.ForeignKey(
        Commune,
        verbose_name=_("old commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="successions",
    )
    successor_commune = models.ForeignKey(
        Commune,
        verbose_name=_("new commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="predecessions",
    )
    share = models.CharField(_("share"), max_length=8, choices=SuccessionShare.choices, default=SuccessionShare.WHOLE)
    effective_date = models.DateField(_("effective date"))
    resolution = models.CharField(_("resolution"), max_length=64, blank=True, help_text=_("E.g. 1683/NQ-UBTVQH15."))
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)
    clause = models.CharField(_("clause"), max_length=64, blank=True, help_text=_("E.g. khoản 41 Điều 1."))
    clause_text = models.TextField(_("text of the clause"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-effective_date", "level"]
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        level=UnitLevel.PROVINCE,
                        predecessor_province__isnull=False,
                        successor_province__isnull=False,
                        predecessor_commune__isnull=True,
                        successor_commune__isnull=True,
                    )
                    | Q(
                        level=UnitLevel.COMMUNE,
                        predecessor_commune__isnull=False,
                        successor_commune__isnull=False,
                        predecessor_district__isnull=True,
                        predecessor_province__isnull=True,
                        successor_province__isnull=True,
                    )
                    | Q(
                        level=UnitLevel.DISTRICT,
                        predecessor_district__isnull=False,
                        successor_commune__isnull=False,
                        predecessor_commune__isnull=True,
                        predecessor_province__isnull=True,
                        successor_province__isnull=True,
                    )
                ),
                name="communes_unitsuccession_one_pair",
                violation_error_message=_(
                    "A succession links one old unit to one new unit (a district only to the special zone it became)."
                ),
            ),
            models.UniqueConstraint(
                fields=["predecessor_commune", "successor_commune"],
                name="communes_unitsuccession_unique_commune_pair",
                violation_error_message=_("This succession is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["predecessor_district", "successor_commune"],
                name="communes_unitsuccession_unique_district_pair",
                violation_error_message=_("This succession is already recorded."),
            ),
        ]

    def __str__(self):
        old = self.predecessor_commune or self.predecessor_district or self.predecessor_province
        new = self.successor_commune or self.successor_province
        return f"{old} → {new} ({self.effective_date:%d/%m/%Y})"


class SuccessionMapping(TimeStampedModel):
    """One row of a mapping an office imported: one predecessor of one new unit under one clause of a resolution.

    Applied when the office's province is reorganised on `effective_date` (it takes precedence over the mapping
    shipped with the application for that province and date): `apply_unit_reorganisation` refuses new units with
    no predecessors here and records the successions from it."""

    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    effective_date = models.DateField(_("effective date"))
    resolution = models.CharField(_("resolution"), max_length=64)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)
    clause = models.CharField(_("clause"), max_length=64, blank=True)
    clause_text = models.TextField(_("text of the clause"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SuccessionKind.choices, default=SuccessionKind.NEW)
    successor_code = models.CharField(_("new unit code"), max_length=16)
    successor_name = models.CharField(_("new unit name"), max_length=128)
    successor_type = models.CharField(_("new unit type"), max_length=16, choices=CommuneType.choices)
    predecessor_level = models.CharField(
        _("old unit level"), max_length=16, choices=UnitLevel.choices, default=UnitLevel.COMMUNE
    )
    predecessor_code = models.CharField(_("old unit code"), max_length=16)
    predecessor_name = models.CharField(_("old unit name"), max_length=128)
    predecessor_type = models.CharField(_("old unit type"), max_length=16)
    predecessor_province_code = models.CharField(_("old unit province code"), max_length=2)
    share = models.CharField(_("share"), max_length=8, choices=SuccessionShare.choices, default=SuccessionShare.WHOLE)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["province_code", "effective_date", "successor_code", "predecessor_code"]
        verbose_name = _("succession mapping row")
        verbose_name_plural = _("succession mapping")
        constraints = [
            models.UniqueConstraint(
                fields=["effective_date", "successor_code", "predecessor_level", "predecessor_code"],
                name="communes_successionmapping_unique_pair",
                violation_error_message=_("This predecessor is already mapped to this new unit."),
            )
        ]

    def __str__(self):
        return "{} {} → {} {} ({})".format(
            self.predecessor_code, self.predecessor_name, self.successor_code, self.successor_name, self.resolution
        )
