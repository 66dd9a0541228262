"""The over-disbursement rule (service and form), permissions per role, construction debt services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from funding import services
from funding.forms import DisbursementForm
from funding.models import CapitalPlanLine, Disbursement

from .factories import DisbursementFactory, LineFactory, source

pytestmark = pytest.mark.django_db
M = 1_000_000
DAY = datetime.date(2024, 5, 2)


@pytest.fixture
def line(world):
    line = LineFactory(commune=world.pb[0], planned_amount=500 * M)
    DisbursementFactory(line=line, amount=400 * M)
    return line


def pay(line, user, amount, note=""):
    return services.disbursement_create(
        line=line, actor=user, reference=f"UNC-{amount}", paid_on=DAY, amount=amount, note=note
    )


def test_within_plan_needs_no_note(world, line):
    d = pay(line, world.users.commune, 100 * M)
    assert not d.exceeds_plan


def test_above_plan_without_note_is_refused_and_writes_nothing(world, line):
    with pytest.raises(ValidationError) as exc:
        pay(line, world.users.commune, 100 * M + 1)
    assert "note" in exc.value.message_dict
    assert "above the planned" in exc.value.message_dict["note"][0]
    assert Disbursement.objects.filter(line=line).count() == 1


def test_above_plan_with_note_is_kept_with_a_warning(world, line):
    d = pay(line, world.users.district, 250 * M, note="Bổ sung từ nguồn tăng thu")
    assert d.exceeds_plan
    assert Disbursement.objects.filter(line=line, exceeds_plan=True).count() == 1


def test_form_applies_the_same_rule(world, line):
    data = {"reference": "UNC-9", "paid_on": "2024-05-02", "amount": "150.000.000", "note": ""}
    form = DisbursementForm(data, line=line)
    assert not form.is_valid()
    assert "note" in form.errors
    form = DisbursementForm({**data, "note": "đã báo cáo"}, line=line)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == 150 * M and form.over == 50 * M


@pytest.mark.parametrize(
    "role, error",
    [("viewer", PermissionDenied), ("verifier", PermissionDenied), ("front", PermissionDenied), ("outsider", Http404)],
)
def test_roles_without_data_entry_cannot_pay(world, line, role, error):
    with pytest.raises(error):
        pay(line, getattr(world.users, role), 1 * M)
    assert Disbursement.objects.filter(line=line).count() == 1


def test_other_commune_officer_gets_404(world):
    line = LineFactory(commune=world.pb[1])
    with pytest.raises(Http404):
        pay(line, world.users.commune, 1 * M)
    dai_tu_line = LineFactory(commune=world.dt[0])
    with pytest.raises(Http404):
        pay(dai_tu_line, world.users.district, 1 * M)


def test_plan_line_save_fills_parents_and_checks_scope(world):
    line = CapitalPlanLine(
        year=2025, commune=world.pb[1], source=source("NSDP"), component="infrastructure", planned_amount=10 * M
    )
    services.plan_line_save(actor=world.users.district, line=line)
    assert (line.province_id, line.district_id) == (world.province.pk, world.phu_binh.pk)
    province_line = CapitalPlanLine(
        year=2025, province=world.province, source=source("NSDP"), component="infrastructure", planned_amount=1
    )
    with pytest.raises(Http404):
        services.plan_line_save(actor=world.users.district, line=province_line)
    duplicate = CapitalPlanLine(
        year=2025, commune=world.pb[1], source=source("NSDP"), component="infrastructure", planned_amount=1
    )
    with pytest.raises(ValidationError):
        services.plan_line_save(actor=world.users.province, line=duplicate)


def test_lowering_the_plan_below_what_was_paid_needs_a_note(world, line):
    line.planned_amount = 300 * M
    with pytest.raises(ValidationError):
        services.plan_line_save(actor=world.users.province, line=line)
    line.note = "Điều chỉnh kế hoạch"
    services.plan_line_save(actor=world.users.province, line=line)


def test_construction_debt_record_and_settle(world):
    debt = services.construction_debt_record(
        actor=world.users.commune, commune=world.pb[0], amount=20 * M, as_of=datetime.date(2024, 1, 1)
    )
    from funding.selectors import outstanding_construction_debt

    assert outstanding_construction_debt(commune=world.pb[0]) == 20 * M
    with pytest.raises(PermissionDenied):
        services.construction_debt_settle(debt=debt, actor=world.users.viewer, settled_on=datetime.date(2024, 2, 1))
    services.construction_debt_settle(debt=debt, actor=world.users.district, settled_on=datetime.date(2024, 2, 1))
    assert outstanding_construction_debt(commune=world.pb[0]) == 0
    with pytest.raises(Http404):
        services.construction_debt_record(
            actor=world.users.commune, commune=world.pb[1], amount=1, as_of=datetime.date(2024, 1, 1)
        )
