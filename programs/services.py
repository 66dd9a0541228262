"""The only place programs data changes: plans, targets, registrations and OCOP products."""

import calendar
import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communes.models import Commune, District, Hamlet
from core.importing import ImportPlan
from offices.permissions import can_change_unit, require_change, require_change_unit

from .choices import OCOP_VALIDITY_MONTHS
from .models import AnnualPlan, OcopProduct, PlanTarget, Registration


@transaction.atomic
def plan_save(*, actor: User, plan: AnnualPlan) -> AnnualPlan:
    if plan.district_id:
        plan.province_id = plan.district.province_id  # type: ignore[union-attr]
    require_change(actor, plan)
    if plan.pk:
        require_change(actor, AnnualPlan.objects.select_for_update().get(pk=plan.pk))
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_target_set(*, actor: User, plan: AnnualPlan, kind: str, target: int, note: str = "") -> PlanTarget:
    """Set (create or change) the plan's target of one kind."""
    require_change(actor, plan)
    obj = PlanTarget.objects.select_for_update(of=("self",)).filter(plan=plan, kind=kind).first() or PlanTarget(
        plan=plan, kind=kind
    )
    obj.target, obj.note = target, note
    obj.full_clean()
    obj.save()
    return obj


def _unit_ids(
    *, commune: Commune | None = None, hamlet: Hamlet | None = None, district: District | None = None
) -> dict[str, int | None]:
    if hamlet is not None:
        commune = hamlet.commune
    if commune is not None:
        return {"province_id": commune.province_id, "district_id": commune.district_id, "commune_id": commune.pk}
    return {"province_id": district.province_id, "district_id": district.pk, "commune_id": None}  # type: ignore[union-attr]


@transaction.atomic
def registration_create(
    *,
    actor: User,
    target: PlanTarget,
    commune: Commune | None = None,
    hamlet: Hamlet | None = None,
    district: District | None = None,
    note: str = "",
    registered_on: datetime.date | None = None,
) -> Registration:
    """Register a commune, hamlet or district against a plan target. The actor must be able to change the unit's
    data (a commune officer registers their commune; a district office any commune of the district)."""
    if commune is None and hamlet is None and district is None:
        raise ValidationError(_("Choose the unit to register."))
    require_change_unit(actor, **_unit_ids(commune=commune, hamlet=hamlet, district=district))
    registration = Registration(
        target=target,
        commune=hamlet.commune if hamlet is not None else commune,
        hamlet=hamlet,
        district=district,
        note=note,
        registered_on=registered_on or timezone.localdate(),
    )
    registration.full_clean()
    registration.save()
    return registration


@transaction.atomic
def registration_delete(*, actor: User, registration: Registration) -> None:
    require_change(actor, registration)
    registration.delete()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ocop_default_expiry(decision_date: datetime.date) -> datetime.date:
    """A certificate is valid OCOP_VALIDITY_MONTHS from the decision (the last day is the day before)."""
    return add_months(decision_date, OCOP_VALIDITY_MONTHS) - datetime.timedelta(days=1)


@transaction.atomic
def ocop_product_save(*, actor: User, product: OcopProduct) -> OcopProduct:
    require_change(actor, product)
    if product.pk:
        require_change(actor, OcopProduct.objects.select_for_update().select_related("commune").get(pk=product.pk))
    if product.expires_on is None and product.decision_date:
        product.expires_on = ocop_default_expiry(product.decision_date)
    product.full_clean()
    product.save()
    return product


OCOP_FIELDS = ["commune_id", "name", "owner", "group", "score", "decision_number", "decision_date", "expires_on"]


@transaction.atomic
def ocop_import_apply(*, plan: ImportPlan, actor: User) -> dict[str, int]:
    """Write a checked OCOP import plan (programs.resources.OcopImporter) in bulk."""
    if plan.errors:
        raise ValidationError(_("The file has errors; nothing was imported."))
    from django.core.exceptions import PermissionDenied

    for change in plan.changes:
        if not can_change_unit(actor, **change.unit):
            raise PermissionDenied(_("The file names communes outside your area; nothing was imported."))
    new, changed = [], []
    for change in plan.changes:
        if change.is_new:
            new.append(OcopProduct(code=change.key[0], **change.values))
        else:
            for name, value in change.values.items():
                setattr(change.existing, name, value)
            changed.append(change.existing)
    for obj in new + changed:
        if obj.expires_on is None:
            obj.expires_on = ocop_default_expiry(obj.decision_date)
        obj.clean_fields(exclude=["commune", "thematic_program"])
    if new:
        bulk_create_with_history(new, OcopProduct, batch_size=1000, default_user=actor)
    if changed:
        bulk_update_with_history(changed, OcopProduct, OCOP_FIELDS, batch_size=1000, default_user=actor)
    return {"created": len(new), "updated": len(changed)}
