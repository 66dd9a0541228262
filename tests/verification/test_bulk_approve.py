"""Bulk approval from a queue is a service: each dossier in its own transaction, refusals reported and nothing
written for them, ids outside the actor's queue ignored."""

import pytest
from django.core.exceptions import ValidationError

from verification.choices import DossierStatus
from verification.services import dossier_bulk_approve

pytestmark = pytest.mark.django_db


def test_each_dossier_is_taken_up_and_approved_or_refused_alone(world, make_dossier, fakes):
    waiting = make_dossier(DossierStatus.SUBMITTED)
    taken_up = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[1])
    failing = make_dossier(DossierStatus.SUBMITTED, commune=world.pb[2])
    fakes.debt = {world.pb[2].pk: 3_000_000}
    elsewhere = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.dt[0])

    result = dossier_bulk_approve(
        actor=world.users.verifier,
        role="verifier",
        dossier_ids=[waiting.pk, taken_up.pk, failing.pk, elsewhere.pk],
        comment="Đạt",
    )

    assert [d.pk for d in result.done] == [waiting.pk, taken_up.pk]
    assert [(d.pk, type(exc)) for d, exc in result.refused] == [(failing.pk, ValidationError)]
    assert "construction debt" in " ".join(result.refused[0][1].messages)
    for d in (waiting, taken_up, failing, elsewhere):
        d.refresh_from_db()
    assert waiting.status == taken_up.status == DossierStatus.VERIFIED
    assert list(waiting.events.values_list("action", flat=True)) == ["start_verification", "verify"]
    # The refused one was not even taken up: its transaction was rolled back whole.
    assert failing.status == DossierStatus.SUBMITTED and not failing.events.exists()
    assert elsewhere.status == DossierStatus.UNDER_VERIFICATION


def test_nothing_ticked_does_nothing(world):
    result = dossier_bulk_approve(actor=world.users.verifier, role="verifier", dossier_ids=[])
    assert result.done == [] and result.refused == []
