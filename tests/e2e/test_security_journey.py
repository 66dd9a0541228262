"""Issue 10 in a browser: a locked account, a file too large, and a dossier document opened through its link.

Runs with the Content-Security-Policy on, like every browser test (tests/e2e/conftest.py fails a test on any
console error, a policy violation included)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser


def test_five_wrong_passwords_lock_the_account(demo, new_page):
    new_page.expected.add("status of 429")  # the lockout page answers 429 Too Many Requests
    page = new_page()
    page.goto(reverse("login"))
    for n in range(5):
        page.fill("#id_username", "commune")
        page.fill("#id_password", f"sai-mat-khau-{n}")
        page.click("button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#locked-out")).to_be_visible()
    page.fill("#id_password", "ntm-demo-2024")  # the right password: still refused while locked
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#locked-out")).to_contain_text("15")
    shot(page, "login-locked")
    assert page.url.endswith(reverse("login"))


def test_a_file_over_the_limit_is_stopped_before_it_is_sent(demo, new_page, settings):
    settings.NTM_MAX_UPLOAD_MB = 1
    page = new_page()
    login(page, "commune")
    page.goto(reverse("criteria:import"))
    file_input = page.locator("input[type=file]")
    file_input.set_input_files(
        {"name": "so-lieu.xlsx", "mimeType": "application/octet-stream", "buffer": b"0" * 1_100_000}
    )
    message = file_input.evaluate("input => input.validationMessage")
    assert "1 MB" in message
    expect(page.locator("input[type=file] + .invalid-feedback")).to_contain_text("1 MB")
    shot(page, "upload-too-large")


def test_a_document_opens_through_its_scoped_link(demo, new_page):
    from verification.models import DossierDocument

    document = DossierDocument.objects.order_by("pk").first()
    assert document is not None, "the demo's dossiers carry documents"
    page = new_page()
    login(page, "province")
    page.goto(reverse("verification:dossier_detail", args=[document.dossier_id]))
    link = page.locator(f'a[href="{reverse("verification:document_download", args=[document.pk])}"]').first
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == document.file.filename
    shot(page, "dossier-documents")
