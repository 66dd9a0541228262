"""The menu: grouped into dropdowns, filtered by role, the current page marked active."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.navigation import menu_for


def _urls(items):
    return [c["url"] for item in items for c in item.get("children", [item])]


def test_queue_only_for_roles_that_have_one(world):
    queue = reverse("verification:queue")
    assert queue in _urls(menu_for(world.users.verifier))
    assert queue in _urls(menu_for(world.users.approver))
    assert queue not in _urls(menu_for(world.users.commune))
    assert queue not in _urls(menu_for(world.users.viewer))


def test_dropdowns_group_entries_and_mark_the_current_page(world):
    plans = reverse("programs:plan_list")
    items = menu_for(world.users.viewer, plans)
    group = next(item for item in items if "children" in item and plans in _urls([item]))
    assert group["active"] and [c["active"] for c in group["children"]].count(True) == 1
    assert len(items) <= 7  # one line in Vietnamese at 1280 px
    assert not any(item["active"] for item in items if item is not group)


def test_nothing_for_anonymous_visitors():
    assert menu_for(AnonymousUser()) == []


def test_only_the_most_specific_entry_is_active(world):
    items = menu_for(world.users.province, reverse("reports:criteria_matrix"))
    active = [c["url"] for item in items for c in item.get("children", [item]) if c["active"]]
    assert active == [reverse("reports:index")]
