"""The main pages of each main role, as a newcomer opens them from the menu: on a 390 px phone the page itself never
scrolls sideways (a wide table scrolls inside its own box), and axe-core finds no WCAG 2.0 / 2.1 A or AA violation
at desktop width or on the phone.

axe-core is vendored under tests/e2e/vendor/ (version in the file name, its MPL-2.0 licence beside it) and injected
into each page; the Content-Security-Policy forbids injected scripts, so only these test contexts bypass it.
Screenshots go to test-results/screenshots/ (phone-<role>-<page>.png)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
ROLES = ["admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer"]
# Pages reached from a list: its first dossier and scorecard, and the forms a role's buttons open (a new dossier, a
# supervision report, the Excel export / import), each only where the role is shown the way in.
DETAILS = [
    ("verification:dossier_list", "table tbody a[href*='/dossiers/']"),
    ("verification:dossier_list", "a[href$='/dossiers/new/']"),
    ("criteria:assessment_list", "table tbody a[href*='/criteria/']"),
    ("criteria:assessment_list", "a[href$='/criteria/export/']"),
    ("monitoring:report_list", "a[href$='/monitoring/reports/new/']"),
]


def main_pages(page) -> list[str]:
    """The menu's pages, and those the role's lists lead to (DETAILS)."""
    page.goto(reverse("reports:dashboard"))
    urls = page.eval_on_selector_all(
        "#mainnav a.nav-link[href], #mainnav a.dropdown-item[href]",
        "links => links.map(a => a.getAttribute('href')).filter(h => h && h.startsWith('/') && !h.startsWith('/admin'))",
    )
    opened = None
    for list_name, selector in DETAILS:
        if opened != list_name:
            page.goto(reverse(list_name))
            opened = list_name
        first = page.locator(selector).first
        if first.count():
            urls.append(first.get_attribute("href"))
    return list(dict.fromkeys([reverse("reports:dashboard"), *urls]))


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])}× e.g. {v['nodes'][0]['target']} "
        f"{v['nodes'][0].get('failureSummary', '')[:200]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_fit_a_phone_and_pass_axe(demo, new_page, username):
    desktop = new_page(bypass_csp=True)
    phone = new_page(bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True)
    for page in (desktop, phone):
        login(page, username)
    pages = main_pages(desktop)
    assert len(pages) >= 4, pages
    problems = []
    for url in pages:
        assert desktop.goto(url).ok, url
        problems += [f"{url} desktop: {v}" for v in axe_violations(desktop)]
        assert phone.goto(url).ok, url
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{url} phone: the page is {width} px wide and scrolls sideways")
        problems += [f"{url} phone: {v}" for v in axe_violations(phone)]
        shot(phone, f"phone-{username}-{url.strip('/').replace('/', '-') or 'home'}")
    assert not problems, "\n".join(problems)


def test_login_and_public_pages_pass_axe(demo, new_page):
    """The pages a resident or a newcomer sees without an account, at desktop width and on a phone."""
    desktop = new_page(bypass_csp=True)
    phone = new_page(bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True)
    desktop.goto(reverse("monitoring:public_list"))
    consultation = desktop.locator("table tbody a[href*='/monitoring/public/']").first.get_attribute("href")
    problems = []
    for url in [reverse("login"), reverse("monitoring:public_list"), consultation]:
        for name, page in [("desktop", desktop), ("phone", phone)]:
            assert page.goto(url).ok, url
            problems += [f"{url} {name}: {v}" for v in axe_violations(page)]
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{url} phone: the page is {width} px wide and scrolls sideways")
        shot(phone, f"phone-public-{url.strip('/').replace('/', '-')}")
    assert not problems, "\n".join(problems)
