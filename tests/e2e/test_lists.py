"""The generic list (core.lists) in a browser: every list page at desktop width and on a 390 px phone, where the
page itself never scrolls sideways (a wide table scrolls inside its own box) and the filter bar is folded behind
one button until it is opened. Screenshots of each go to test-results/screenshots/ (lists-<name>-desktop.png and
lists-<name>-phone.png)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LISTS = {
    "province": [
        ("communes", "communes:commune_list"),
        ("scorecards", "criteria:assessment_list"),
        ("dossiers", "verification:dossier_list"),
        ("register", "verification:register"),
        ("plan-lines", "funding:line_list"),
        ("ocop", "programs:ocop_list"),
        ("capital", "funding:report"),
    ],
    "verifier": [("queue", "verification:queue")],
    "front": [("monitoring", "monitoring:index"), ("findings", "monitoring:finding_list")],
}


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("username", list(LISTS))
def test_lists_read_on_a_phone(demo, new_page, username):
    desktop, phone = new_page(), new_page()
    phone.set_viewport_size(PHONE)
    for page in (desktop, phone):
        login(page, username)
    for name, url_name in LISTS[username]:
        url = reverse(url_name)
        assert desktop.goto(url).ok, url
        filters = desktop.locator("#filter-fields").count() > 0
        if filters:
            expect(desktop.locator("#filter-fields")).to_be_visible()
        shot(desktop, f"lists-{name}-desktop")
        assert phone.goto(url).ok, url
        assert not page_scrolls_sideways(phone), f"{name}: the page scrolls sideways at 390 px"
        if filters:
            fields = phone.locator("#filter-fields")
            expect(fields).to_be_hidden()
            phone.locator('[data-bs-target="#filter-fields"]').click()
            expect(fields).to_have_class(re.compile(r"\bshow\b"))  # opened, its animation over
            expect(fields).to_be_visible()
            assert not page_scrolls_sideways(phone), f"{name}: the open filter bar scrolls sideways at 390 px"
        shot(phone, f"lists-{name}-phone")


def test_the_criteria_matrix_shows_each_criterion_met_or_not(demo, new_page):
    """The matrix's cells are made in Python (reports.templatetags.report_tags): ticks and crosses with their colours,
    a row per commune of the province, the criteria's numbers as headings."""
    page = new_page()
    login(page, "province")
    assert page.goto(reverse("reports:criteria_matrix") + "?year=2023&level=basic").ok
    matrix = page.locator("#criteria-matrix")
    expect(matrix).to_be_visible()
    assert matrix.locator("tbody tr").count() > 1
    assert matrix.locator("td.table-success").count() > 0  # ✓ on green
    assert matrix.locator("td.table-danger").count() > 0  # ✗ on red
    assert matrix.locator("td.table-success").first.inner_text() == "✓"
    shot(page, "report-criteria-matrix")
