"""Issue 15: the province confirms the recognitions the merger rule proposes after the July 2025 reform, then reads a
merged commune's history and its 2026 scorecard, in a browser on the live server with the demo (which reaches
today). Screenshots go to test-results/screenshots/."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser
REFORM = datetime.date(2025, 7, 1)


def test_province_confirms_recognitions_by_merger_and_reads_a_merged_commune(demo, new_page):
    from communes.models import Commune
    from register.models import Recognition, RecognitionBasis
    from register.standings import standings_refresh

    # The demo confirmed the reform's proposals itself; take that decision back so the province confirms it here.
    carried = Recognition.objects.filter(basis=RecognitionBasis.MERGER, commune__valid_from=REFORM)
    communes = list(carried.values_list("commune_id", flat=True))
    assert len(communes) > 10
    for rec in carried:
        rec.predecessors.clear()
    carried.delete()
    standings_refresh(commune_ids=communes)
    tan_khanh = Commune.objects.current().get(code="05917")

    page = new_page()
    login(page, "approver")
    page.goto(reverse("verification:merger_recognitions"))
    proposed = page.locator('#merger-proposals tr[data-status="proposed"]')
    expect(proposed.first).to_be_visible()
    assert proposed.count() == len(communes)
    assert page.locator('#merger-proposals tr[data-status="none"]').count() > 0  # each with its reason
    expect(page.locator('tr[data-code="05917"][data-status="proposed"]')).to_be_visible()
    shot(page, "merger-proposals")

    page.locator("#id_decision_number").fill("1486/QĐ-UBND")
    page.locator("#id_decision_date").fill("2025-08-15")
    page.locator("#id_signer").fill("Chủ tịch UBND tỉnh")
    page.locator("#id_confirmed").check()
    with page.expect_navigation():
        page.locator("#merger-confirm").click()
    expect(page.locator('#merger-proposals tr[data-status="proposed"]')).to_have_count(0)
    expect(page.locator('tr[data-code="05917"][data-status="confirmed"]')).to_be_visible()
    shot(page, "merger-confirmed")
    assert Recognition.objects.filter(basis=RecognitionBasis.MERGER, commune__valid_from=REFORM).count() == len(
        communes
    )

    # The merged commune's page: its recognition by merger beside its predecessors' decisions and scorecards.
    page.locator(f'tr[data-code="05917"] a[href="{reverse("communes:commune_detail", args=[tan_khanh.pk])}"]').click()
    page.wait_for_url(f"**{reverse('communes:commune_detail', args=[tan_khanh.pk])}")
    decisions = page.locator("#commune-decisions")
    expect(decisions).to_contain_text("1486/QĐ-UBND")
    assert decisions.locator('tr[data-predecessor="1"]').count() >= 3  # Bàn Đạt, Đào Xá, Tân Khánh of 2023
    assert page.locator('#commune-scorecards tr[data-predecessor="1"]').count() >= 3
    shot(page, "merged-commune")

    # Its 2026 scorecard under the 2026–2030 set.
    scorecard = tan_khanh.assessments.get(year=2026)
    page.locator(f'#commune-scorecards a[href="{reverse("criteria:assessment_detail", args=[scorecard.pk])}"]').click()
    # The scorecard opens by the commune's code (the current Tân Khánh) and year.
    page.wait_for_url("**/criteria/scorecard/05917/2026/**")
    expect(page.locator("body")).to_contain_text(scorecard.criteria_set.name)
    shot(page, "merged-commune-scorecard-2026")

    # The dashboard as of today counts the province as it is now: 77 xã.
    page.goto(reverse("reports:dashboard"))
    expect(page.locator("#stat-ntm")).to_contain_text("/77")
    shot(page, "dashboard-today")
    page.goto(reverse("reports:dashboard") + "?year=2023")
    expect(page.locator("#stat-ntm")).to_have_text("118/126")
    expect(page.locator("#stat-districts")).to_have_text("6/9")
