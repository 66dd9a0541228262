"""Each gate on its own: met, then each way it fails; a refusal lists every unmet gate and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from criteria.choices import StandardLevel, SubjectKind
from register.models import Recognition
from verification import gates
from verification.choices import ALL_GATES, DocumentKind, DossierStatus, Route, SecurityStatus
from verification.models import DossierEvent
from verification.services import dossier_transition

from .factories import assessment


def _gate(dossier, name):
    [result] = gates.evaluate_gates(dossier, [name])
    return result


def test_all_gates_pass_on_a_ready_dossier(make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    results = gates.evaluate_gates(dossier, ALL_GATES)
    assert [r.name for r in results if not r.ok] == []


def test_criteria_gate_uses_the_scorecard(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[1], ready=False)
    assert "No scorecard" in _gate(dossier, "criteria_met").reasons[0]
    assessment(world.pb[1], all_met=False)
    result = _gate(dossier, "criteria_met")
    assert not result.ok and "15" in result.reasons[0] and "19" in result.reasons[0]


def test_criteria_gate_for_a_district_needs_its_communes_recognised(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL)
    assert _gate(dossier, "criteria_met").ok
    Recognition.objects.filter(commune=world.pb[2]).update(revoked_on=datetime.date(2023, 1, 1))
    result = _gate(dossier, "criteria_met")
    assert not result.ok and "Bảo Lý" in result.reasons[0]


def test_criteria_gate_for_a_hamlet_needs_the_verifier(world, make_dossier):
    from tests.communes.factories import HamletFactory

    hamlet = HamletFactory(commune=world.pb[0])
    dossier = make_dossier(
        DossierStatus.UNDER_VERIFICATION, subject_kind=SubjectKind.HAMLET, hamlet=hamlet, level=StandardLevel.MODEL
    )
    assert _gate(dossier, "criteria_met").ok
    dossier.criteria_confirmed = False
    assert not _gate(dossier, "criteria_met").ok
    assert not _gate(dossier, "no_construction_debt").applicable


@pytest.mark.parametrize(("rate", "ok"), [(None, False), (Decimal("89.99"), False), (Decimal("90"), True)])
def test_satisfaction_gate(rate, ok, fakes, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.rate = rate
    assert _gate(dossier, "satisfaction").ok is ok


@override_settings(NTM_SATISFACTION_THRESHOLD=95.0)
def test_satisfaction_threshold_is_a_setting(fakes, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.rate = Decimal("94")
    assert "95" in _gate(dossier, "satisfaction").reasons[0]


def test_debt_gate(world, fakes, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.debt = {world.pb[0].pk: 1_500_000_000}
    result = _gate(dossier, "no_construction_debt")
    assert not result.ok and "Tân Khánh" in result.reasons[0]


def test_debt_gate_for_a_district_sums_its_communes(world, fakes, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL)
    fakes.debt = {world.pb[2].pk: 10}
    assert "Bảo Lý" in _gate(dossier, "no_construction_debt").reasons[0]


@pytest.mark.parametrize(
    ("status", "ok"),
    [(SecurityStatus.UNKNOWN, False), (SecurityStatus.COMPLEX, False), (SecurityStatus.NOT_COMPLEX, True)],
)
def test_security_gate(status, ok, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    dossier.security_status = status
    assert _gate(dossier, "security_not_complex").ok is ok


def test_consultation_gate(world, make_dossier):
    dossier = make_dossier(DossierStatus.PUBLIC_CONSULTATION)
    assert _gate(dossier, "consultation_done").ok
    dossier.consultation_started_on = timezone.localdate() - datetime.timedelta(days=3)
    reasons = _gate(dossier, "consultation_done").reasons
    assert len(reasons) == 2  # period not over, and the postings fall before this start
    dossier.consultation_started_on = None
    assert not _gate(dossier, "consultation_done").ok


@override_settings(NTM_CONSULTATION_MIN_POSTINGS=6)
def test_consultation_postings_minimum_is_a_setting(make_dossier):
    dossier = make_dossier(DossierStatus.PUBLIC_CONSULTATION)
    assert "6" in _gate(dossier, "consultation_done").reasons[0]


def test_front_comments_and_documents_gates(world, make_dossier):
    dossier = make_dossier(DossierStatus.FRONT_SURVEY)
    dossier.documents.filter(kind__in=[DocumentKind.FRONT_COMMENTS, DocumentKind.MINUTES, DocumentKind.PHOTOS]).delete()
    dossier = type(dossier).objects.get(pk=dossier.pk)
    assert not _gate(dossier, "front_comments").ok
    reasons = _gate(dossier, "documents_present").reasons
    assert "Minutes" in reasons[0] and "Photos" in reasons[0]


def test_refusal_lists_every_unmet_gate_and_writes_nothing(world, fakes, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.rate = Decimal("80")
    fakes.debt = {world.pb[0].pk: 5_000_000}
    type(dossier).objects.filter(pk=dossier.pk).update(security_status=SecurityStatus.COMPLEX)
    events = DossierEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        dossier_transition(dossier=dossier, action="verify", actor=world.users.verifier)
    text = " ".join(excinfo.value.messages)
    assert "80" in text and "construction debt" in text and "complex" in text
    assert len(excinfo.value.messages) == 3
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_VERIFICATION
    assert DossierEvent.objects.count() == events


def test_open_consultation_needs_the_results_report(world, make_dossier):
    dossier = make_dossier(DossierStatus.DRAFT, ready=False)
    with pytest.raises(ValidationError):
        dossier_transition(dossier=dossier, action="open_consultation", actor=world.users.commune)
