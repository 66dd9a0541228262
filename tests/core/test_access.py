"""core.access: one rule per page decides both the refusal and whether links, tabs and forms to it are shown."""

import pytest
from django.urls import reverse

from core import access
from core.navigation import menu_for

pytestmark = pytest.mark.django_db


def _menu_urls(user) -> set[str]:
    return {c["url"] for item in menu_for(user) for c in item.get("children", [item])}


def test_a_page_without_a_rule_is_open_to_every_signed_in_user(world):
    assert access.can_open(world.users.viewer, "reports:dashboard")


def test_the_queue_rule_decides_the_menu_and_the_refusal(world, client):
    queue = reverse("verification:queue")
    for name in ["verifier", "appraiser", "approver", "admin"]:
        assert access.can_open(getattr(world.users, name), "verification:queue")
        assert queue in _menu_urls(getattr(world.users, name))
    for name in ["commune", "front", "viewer"]:
        user = getattr(world.users, name)
        assert not access.can_open(user, "verification:queue")
        assert queue not in _menu_urls(user)
        client.force_login(user)
        assert client.get(queue).status_code == 403


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("commune", True), ("province", True), ("viewer", False), ("front", False), ("verifier", False)],
)
def test_the_import_page_offers_the_upload_only_to_those_it_accepts(world, client, username, allowed):
    client.force_login(getattr(world.users, username))
    page = client.get(reverse("criteria:export"))
    assert page.status_code == 200
    assert (b'action="' + reverse("criteria:import").encode() in page.content) is allowed
    assert (b'data-testid="import-read-only"' in page.content) is not allowed
    upload = client.post(reverse("criteria:import"), {})
    assert (upload.status_code == 403) is not allowed


@pytest.mark.parametrize(("username", "allowed"), [("commune", True), ("front", False), ("verifier", False)])
def test_the_comments_tab_shows_only_to_the_moderating_offices(world, client, username, allowed):
    client.force_login(getattr(world.users, username))
    queue = reverse("monitoring:comment_queue")
    page = client.get(reverse("monitoring:finding_list"))
    assert page.status_code == 200
    assert (f'href="{queue}"'.encode() in page.content) is allowed
    assert (client.get(queue).status_code == 403) is not allowed


def test_paths_outside_the_site_are_not_judged(world):
    assert access.can_open_path(world.users.viewer, "/no/such/page/")


def test_a_visitor_opens_no_page_through_the_rules():
    from django.contrib.auth.models import AnonymousUser

    assert not access.can_open(AnonymousUser(), "reports:dashboard")


@pytest.mark.parametrize(
    ("url_name", "shown_on", "allowed"),
    [
        ("verification:dossier_add", "verification:dossier_list", {"commune", "district", "province", "admin"}),
        ("monitoring:report_add", "monitoring:report_list", {"front", "admin"}),
        ("programs:ocop_import", "programs:ocop_list", {"commune", "district", "province", "admin"}),
    ],
)
def test_add_and_import_buttons_follow_the_page_rule(world, client, url_name, shown_on, allowed):
    target = reverse(url_name)
    for username in ["admin", "province", "district", "commune", "verifier", "front", "viewer"]:
        client.force_login(getattr(world.users, username))
        page = client.get(reverse(shown_on))
        assert page.status_code == 200
        assert (f'href="{target}'.encode() in page.content) is (username in allowed), (username, url_name)
        assert (client.get(target).status_code == 403) is (username not in allowed), (username, url_name)
