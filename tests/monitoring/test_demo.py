"""The monitoring demo: surveys for the live dossiers, supervision with findings, a consultation with comments
awaiting moderation; loading it again creates nothing."""

import io

import pytest

from monitoring import demo
from monitoring.choices import FindingStatus, Moderation, SurveyStatus
from monitoring.models import Critique, Finding, PublicComment, SatisfactionSurvey, SupervisionReport
from monitoring.selectors import dossier_satisfaction_rate, public_dossier_list
from offices import demo as offices_demo
from tests.verification.test_demo import _load_units
from verification import demo as verification_demo
from verification.choices import DossierStatus
from verification.models import Dossier


@pytest.fixture
def loaded(db):
    _load_units(hamlets_per_commune=3)
    offices_demo.load(stdout=io.StringIO())
    verification_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(stdout=out)
    return out.getvalue()


def _counts():
    return [m.objects.count() for m in (SatisfactionSurvey, SupervisionReport, Finding, Critique, PublicComment)]


def test_demo_records_and_idempotence(loaded):
    live = Dossier.objects.exclude(
        status__in=[DossierStatus.PUBLIC_CONSULTATION, DossierStatus.RECOGNISED, DossierStatus.DRAFT]
    ).exclude(status__in=[DossierStatus.REJECTED, DossierStatus.REVOKED])
    assert live.exists()
    for d in live:
        survey = d.surveys.get()
        if d.status == DossierStatus.FRONT_SURVEY:
            assert survey.status == SurveyStatus.IN_PROGRESS and dossier_satisfaction_rate(dossier=d) is None
        else:
            assert survey.status == SurveyStatus.COMPLETED and dossier_satisfaction_rate(dossier=d) > 85
    assert set(Finding.objects.values_list("status", flat=True)) == set(FindingStatus.values)
    assert Critique.objects.count() == 1
    consultation = list(public_dossier_list())
    assert len(consultation) == 1
    assert consultation[0].public_comments.filter(outcome=Moderation.PENDING).count() == 3
    first = _counts()
    demo.load(stdout=io.StringIO())
    assert _counts() == first
    assert "Monitoring demo:" in loaded
