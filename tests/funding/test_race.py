"""Two officers record payments on the same line at the same moment: each fits the plan alone, together they
would not. The line is locked, so the second one sees the first and needs a note."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding import services
from funding.models import Disbursement

from .factories import LineFactory

M = 1_000_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_payments_cannot_both_slip_under_the_plan(world, monkeypatch):
    line = LineFactory(commune=world.pb[0], planned_amount=100 * M)
    barrier = threading.Barrier(2, timeout=20)
    original = services.CapitalPlanLine.objects.select_for_update

    def select_for_update(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(services.CapitalPlanLine.objects, "select_for_update", select_for_update)
    outcomes = {}

    def pay(user, reference):
        try:
            services.disbursement_create(
                line=line, actor=user, reference=reference, paid_on=datetime.date(2024, 5, 1), amount=60 * M
            )
            outcomes[reference] = "done"
        except ValidationError as exc:
            outcomes[reference] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=pay, args=(world.users.commune, "A")),
        threading.Thread(target=pay, args=(world.users.district, "B")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()).count("done") == 1, outcomes
    [refusal] = [v for v in outcomes.values() if v != "done"]
    assert "above the planned" in refusal
    assert Disbursement.objects.filter(line=line).count() == 1
