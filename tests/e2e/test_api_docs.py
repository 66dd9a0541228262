"""The API's docs page (Swagger UI) works in a browser under the site's CSP: any blocked script is a console error,
which fails the test (conftest's `new_page`)."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

PASSWORD = "docs-page-2026"


def test_api_docs_page_runs_under_the_csp(transactional_db, django_user_model, new_page):
    django_user_model.objects.create_superuser("docs", "docs@example.gov.vn", PASSWORD)
    page = new_page()
    login(page, "docs", PASSWORD)
    page.goto("/api/v1/docs/")
    page.wait_for_selector("text=NTM back office API")
    page.wait_for_selector(".opblock-summary-path >> text=/api/v1/communes/")
    # Try a request from the page: the session signs it in.
    page.click(".opblock-summary-path >> text=/api/v1/provinces/")
    page.click("button.try-out__btn")
    page.click("button.execute")
    page.wait_for_selector(".response .response-col_status >> text=200")
    shot(page, "api-docs")
