from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Province
from core import scope
from core.models import TimeStampedModel

from .choices import OfficeKind, Role


class Office(TimeStampedModel):
    """A body attached to one administrative unit: its scope is that unit's subtree."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="offices")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="offices"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="offices"
    )
    email = models.EmailField(_("email"), blank=True)
    history = HistoricalRecords()

    # Seen by the memberships of its unit and of the units above (through the unit's own province and district).
    unit_path = (scope.province("province"), scope.district("district"), scope.commune("commune"))
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "district__code", "commune__code", "kind", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.district_id and self.district.province_id != self.province_id:
            errors["district"] = _("The district is not in the office's province.")
        if self.commune_id:
            if self.commune.province_id != self.province_id:
                errors["commune"] = _("The commune is not in the office's province.")
            elif self.district_id and self.commune.district_id != self.district_id:
                errors["commune"] = _("The commune is not in the office's district.")
        if errors:
            raise ValidationError(errors)

    @property
    def unit(self):
        return self.commune or self.district or self.province


class Membership(TimeStampedModel):
    """Gives a user a role in an office. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "office__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"],
                name="offices_membership_unique_role",
                violation_error_message=_("This user already has this role in this office."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.office}"
