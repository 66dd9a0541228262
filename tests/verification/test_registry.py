"""The workflow reads the Front's records through verification.registry, which monitoring fills in its ready(): the
satisfaction rate its gate checks and the panels of the dossier page. Without a provider the gate fails with a
reason, never passes."""

import pytest

from core.registry import Slot
from monitoring.selectors import dossier_satisfaction_rate
from verification import gates, registry
from verification.choices import DossierStatus
from verification.gates import satisfaction_rate as read_rate
from verification.templatetags.verification_tags import render_dossier_panels

pytestmark = pytest.mark.django_db


def test_monitoring_provides_the_rate_and_the_panels():
    assert registry.satisfaction_rate.get() is dossier_satisfaction_rate
    assert [panel.template for panel in registry.dossier_panels] == [
        "monitoring/_dossier_findings.html",
        "monitoring/_dossier_critiques.html",
        "monitoring/_comment_summary.html",
    ]


def test_panels_render_in_order(world, make_dossier):
    html = str(render_dossier_panels(make_dossier(DossierStatus.UNDER_VERIFICATION)))
    assert html.index('id="front-findings"') < html.index('id="front-critiques"') < html.index('id="comment-summary"')


def test_gate_fails_without_a_provider(world, make_dossier, monkeypatch):
    dossier = make_dossier(DossierStatus.FRONT_SURVEY)
    monkeypatch.setattr(registry, "satisfaction_rate", Slot("test"))
    monkeypatch.setattr(gates, "satisfaction_rate", read_rate)  # the real reader, not the fixtures' fake
    (result,) = gates.evaluate_gates(dossier, ["satisfaction"])
    assert not result.ok and "monitoring app missing" in result.reasons[0]
