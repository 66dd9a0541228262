"""Browser tests: Playwright driving Debian's chromium against a live server loaded with the demo.

Screenshots of each main page are saved under test-results/screenshots/ for people to look at.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, missing, restore_reference_data

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
DEMO_PASSWORD = "ntm-demo-2024"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        missing("needs chromium: apt-get install -y chromium")  # a failure under CI=true, a skip elsewhere
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    restore_reference_data()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _vietnamese_catalogue(settings):
    """Browser tests see the pages as users do, with the project's Vietnamese catalogue (the rest of the suite
    asserts msgids; see settings/test.py)."""
    settings.LOCALE_PATHS = settings.PROJECT_LOCALE_PATHS


@pytest.fixture
def new_page(browser, live_server):
    """Factory: a fresh browser context (its own cookies) per user, with a base URL on the live server.

    Every console error and uncaught script error on any page fails the test when it ends: in particular each
    Content-Security-Policy violation (an inline script or handler the policy blocked), which Chromium reports
    on the console. A test that expects an error answer says so: `new_page.expected.add("status of 429")`."""
    contexts, errors = [], []

    def make(locale="vi-VN", **options):
        """`options` go to the browser context (a viewport, or bypass_csp for tests that inject a script)."""
        options.setdefault("viewport", {"width": 1400, "height": 900})
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        return page

    make.expected = set()
    yield make
    for context in contexts:
        context.close()
    errors = [e for e in errors if not any(expected in e for expected in make.expected)]
    assert errors == [], "console errors (a Content-Security-Policy violation among them?)"


def login(page, username: str, password: str = DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Charts drawn by Chart.js animate in: draw them at their final state so the picture shows the figures.
    page.evaluate(
        "() => window.Chart && Object.values(Chart.instances).forEach(c => { c.stop(); c.options.animation = false; c.update('none'); })"
    )
    page.screenshot(path=str(path), full_page=True)
    return path
