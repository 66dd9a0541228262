"""Two approvers press "verify" on the same dossier at the same moment: one transition, one clear refusal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verification.choices import DossierStatus
from verification.models import DossierEvent
from verification.services import dossier_transition


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_make_one_transition(transactional_db, world, make_dossier, monkeypatch):
    from offices.choices import OfficeKind, Role
    from offices.models import Office
    from tests.offices.factories import MembershipFactory, UserFactory

    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    office = Office.objects.get(memberships__user=world.users.verifier)
    second = MembershipFactory(user=UserFactory(username="verifier2"), office=office, role=Role.VERIFIER).user
    assert office.kind == OfficeKind.VERIFICATION

    # Both threads meet at a barrier just before asking for the row lock, so they really run at the same time.
    barrier = threading.Barrier(2, timeout=20)
    from verification import services

    original_get = services.Dossier.objects.select_for_update

    def select_for_update(*args, **kwargs):
        barrier.wait()
        return original_get(*args, **kwargs)

    monkeypatch.setattr(services.Dossier.objects, "select_for_update", select_for_update)
    outcomes = {}

    def approve(user):
        try:
            dossier_transition(dossier=dossier, action="verify", actor=user, comment=user.username)
            outcomes[user.username] = "done"
        except ValidationError as exc:
            outcomes[user.username] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (world.users.verifier, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()).count("done") == 1, outcomes
    [refusal] = [v for v in outcomes.values() if v != "done"]
    assert "not possible while the dossier is" in refusal
    assert DossierEvent.objects.filter(dossier=dossier, action="verify").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.VERIFIED
