"""The only place funding data changes. Keyword-only arguments, one transaction each, full_clean() before saving."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import cache
from core.formatting import money
from offices.permissions import can_change_unit, require_change

from .models import CapitalPlanLine, ConstructionDebt, Disbursement

LINE_FIELDS = ["planned_amount", "mobilised_amount", "note"]


@transaction.atomic
def plan_line_save(*, actor, line: CapitalPlanLine) -> CapitalPlanLine:
    """Create or update a plan line (the unit's parents are filled from its lowest unit)."""
    line.fill_parents()
    require_change(actor, line)
    if line.pk:
        stored = CapitalPlanLine.objects.select_for_update().get(pk=line.pk)
        require_change(actor, stored)
        paid = stored.disbursements.aggregate(total=Sum("amount"))["total"] or 0
        if paid > line.planned_amount and not line.note.strip():
            raise ValidationError(
                {
                    "planned_amount": _(
                        "{paid} is already disbursed on this line; a lower planned amount needs a note."
                    ).format(paid=money(paid))
                }
            )
    line.full_clean()
    line.save()
    return line


def over_plan_amount(*, planned: int, already: int, amount: int) -> int:
    """How far a new payment takes the line's disbursements above its planned amount (0 if not)."""
    return max(0, already + amount - planned)


def over_plan_message(*, planned: int, already: int, amount: int) -> str:
    return _(
        "This payment takes the line to {total}, {over} above the planned {planned}: write a note explaining it."
    ).format(
        total=money(already + amount),
        over=money(over_plan_amount(planned=planned, already=already, amount=amount)),
        planned=money(planned),
    )


@transaction.atomic
def disbursement_create(
    *, line: CapitalPlanLine, actor, reference: str, paid_on: datetime.date, amount: int, note: str = ""
) -> Disbursement:
    """Record a payment against a plan line. Going above the line's planned amount is allowed only with a note,
    and the payment is flagged so lists and reports show the warning."""
    line = CapitalPlanLine.objects.select_for_update().get(pk=line.pk)
    require_change(actor, line)
    already = line.disbursements.aggregate(total=Sum("amount"))["total"] or 0
    over = over_plan_amount(planned=line.planned_amount, already=already, amount=amount)
    if over and not note.strip():
        raise ValidationError({"note": over_plan_message(planned=line.planned_amount, already=already, amount=amount)})
    disbursement = Disbursement(
        line=line,
        reference=reference.strip(),
        paid_on=paid_on,
        amount=amount,
        note=note.strip(),
        exceeds_plan=bool(over),
    )
    disbursement.full_clean()
    disbursement.save()
    return disbursement


@transaction.atomic
def construction_debt_record(
    *, actor, commune, amount: int, as_of: datetime.date, note: str = "", project=None
) -> ConstructionDebt:
    debt = ConstructionDebt(commune=commune, amount=amount, as_of=as_of, note=note, project=project)
    require_change(actor, debt)
    debt.full_clean()
    debt.save()
    return debt


@transaction.atomic
def construction_debt_settle(*, debt: ConstructionDebt, actor, settled_on: datetime.date) -> ConstructionDebt:
    debt = ConstructionDebt.objects.select_for_update().select_related("commune").get(pk=debt.pk)
    require_change(actor, debt)
    debt.settled, debt.settled_on = True, settled_on
    debt.full_clean()
    debt.save(update_fields=["settled", "settled_on", "updated_at"])
    return debt


# --- imports (plans built by funding.resources; nothing is written unless every row is good) ---------------------


def _check_plan(plan, actor) -> None:
    if plan.errors:
        raise ValidationError(_("The file has errors; nothing was imported."))
    for change in plan.changes:
        if not can_change_unit(actor, **change.unit):
            raise PermissionDenied(_("The file names units outside your area; nothing was imported."))


@transaction.atomic
def plan_lines_import_apply(*, plan, actor) -> dict[str, int]:
    _check_plan(plan, actor)
    new = [CapitalPlanLine(**c.values) for c in plan.changes if c.is_new]
    changed = []
    for c in plan.changes:
        if not c.is_new:
            for name in LINE_FIELDS:
                setattr(c.existing, name, c.values[name])
            changed.append(c.existing)
    # Codes and amounts were checked row by row when the plan was built; here only the plain field checks run
    # (foreign keys would cost queries per row; the database constraints guard the key).
    for obj in new + changed:
        obj.clean_fields(exclude=["province", "district", "commune", "source", "project"])
    if new:
        bulk_create_with_history(new, CapitalPlanLine, batch_size=1000, default_user=actor)
    if changed:
        bulk_update_with_history(changed, CapitalPlanLine, LINE_FIELDS, batch_size=1000, default_user=actor)
    cache.bump(*{f"province:{c.unit['province_id']}" for c in plan.changes})  # bulk writes send no signals
    return {"created": len(new), "updated": len(changed)}


@transaction.atomic
def disbursements_import_apply(*, plan, actor) -> dict[str, int]:
    _check_plan(plan, actor)
    fields = ["paid_on", "amount", "note", "exceeds_plan"]
    # Lock the lines and re-check the over-plan rule against what is stored now.
    line_ids = {c.values["line_id"] for c in plan.changes}
    list(CapitalPlanLine.objects.select_for_update(of=("self",)).filter(pk__in=line_ids).order_by().values_list("pk"))
    new = [Disbursement(**c.values) for c in plan.changes if c.is_new]
    changed = []
    for c in plan.changes:
        if not c.is_new:
            for name in fields:
                setattr(c.existing, name, c.values[name])
            changed.append(c.existing)
    for obj in new + changed:
        obj.clean_fields(exclude=["line"])
    if new:
        bulk_create_with_history(new, Disbursement, batch_size=1000, default_user=actor)
    if changed:
        bulk_update_with_history(changed, Disbursement, fields, batch_size=1000, default_user=actor)
    cache.bump(*{f"province:{c.unit['province_id']}" for c in plan.changes})  # bulk writes send no signals
    return {"created": len(new), "updated": len(changed)}
