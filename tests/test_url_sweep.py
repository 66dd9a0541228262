"""Every page without URL arguments, opened by every demo role and by an anonymous visitor: no server error, and
a page a role may not use answers with a refusal (302 to login, 403 or 404), never with someone else's data.

Pages with arguments are covered per app, with objects inside and outside each role's scope."""

import pytest
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer"]
SKIP_NAMESPACES = {"admin"}
PUBLIC = {
    "login",
    "monitoring:public_list",
    "open_data:index",
}
# The read API answers an anonymous request with 401 (it names its scheme) rather than a redirect to the login page,
# and a request without a required parameter (the year) with 400 naming it.
API_NAMESPACE = "api:"
API_NEEDS_PARAMETERS = {
    "api:standing-list",
    "api:capital_by_source",
    "api:dhis2_data_value_sets",
}  # what a visitor without an account may open  # Django's own admin is exercised by the admin tests and the browser journey


def _named_urls_without_arguments() -> list[str]:
    names = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIP_NAMESPACES:
                    continue
                walk(p.url_patterns, f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.regex.groups:
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return sorted(set(names))


@pytest.mark.django_db
def test_every_page_answers_every_role_without_error(client, demo_module):
    names = [n for n in _named_urls_without_arguments() if n not in {"logout", "set_language"}]
    assert {"reports:dashboard", "verification:queue", "monitoring:public_list", "funding:report"} <= set(names)
    assert len(names) > 25
    failures = []
    for username in [None, *ROLES]:
        client.logout()
        if username:
            assert client.login(request=HttpRequest(), username=username, password="ntm-demo-2024")
        for name in names:
            url = reverse(name)
            status = client.get(url).status_code
            if username:
                allowed = {200, 302, 403, 404, 405}  # 405: POST-only actions
                if name in API_NEEDS_PARAMETERS:
                    allowed = {400}
            elif name.startswith(API_NAMESPACE):
                allowed = {401, 403}
            else:
                allowed = {200} if name in PUBLIC else {302, 405}  # to the login page
            if status not in allowed:
                failures.append(f"{username or 'anonymous'} GET {url} ({name}): {status}")
    assert failures == []
