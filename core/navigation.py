"""The site's menu and its notification badge, composed from what each app registers in its AppConfig.ready().

Core imports no app: an app adds its own pages (`add_link`), a dropdown it owns (`add_section`, which apps above it
may add links to) and, for the workflow, the notification badge (`notifications`). The menu lists, in `order`, the
dropdowns and the links outside them, each dropdown's links in their own `order`, and leaves out what the user's roles
do not reach (its `roles`, and the page's rule in `core.access`) and dropdowns left empty. Seven top-level entries keep the bar on one line in Vietnamese, whose labels
run longer than English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from . import access
from .registry import Registry, Slot
from .scope import user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Link:
    label: StrOrPromise
    url_name: str
    order: int
    roles: frozenset[str] | None = None  # None: every signed-in user
    section: str | None = None  # the key of the dropdown it sits in, None at the top level


@dataclass(frozen=True)
class Section:
    key: str
    label: StrOrPromise
    order: int


@dataclass(frozen=True)
class Badge:
    """A navbar button with a count (the workflow's unread notifications)."""

    url_name: str
    count: Callable[..., int]  # (*, user) -> int


links: Registry[Link] = Registry("the menu's links")
sections: Registry[Section] = Registry("the menu's dropdowns")
notifications: Slot[Badge] = Slot("the navbar's notification badge (verification)")


def add_link(
    label: StrOrPromise, url_name: str, *, order: int, roles: Iterable[str] | None = None, section: str | None = None
) -> Link:
    return links.add(Link(label, url_name, order, frozenset(roles) if roles is not None else None, section))


def add_section(key: str, label: StrOrPromise, *, order: int) -> Section:
    return sections.add(Section(key, label, order))


def _link(link: Link, user: User | AnonymousUser, roles: frozenset[str], current_path: str) -> dict[str, Any] | None:
    if link.roles is not None and not (roles & link.roles):
        return None
    if not access.can_open(user, link.url_name):
        return None
    url = reverse(link.url_name)
    return {"label": link.label, "url": url, "active": current_path.startswith(url) and url != "/"}


def _keep_longest_active(links: list[dict[str, Any]]) -> None:
    """Only the most specific match stays active (the dashboard's /reports/ is a prefix of /reports/office/)."""
    active = [link for link in links if link["active"]]
    for link in active:
        link["active"] = link is max(active, key=lambda x: len(x["url"]))


def menu_for(user: User | AnonymousUser, current_path: str = "") -> list[dict[str, Any]]:
    """Top-level items; a dropdown has `children` and is active when one of them is. Empty dropdowns are left out."""
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    entries: list[tuple[int, dict[str, Any]]] = []
    for section in sections:
        children = [
            item
            for link in sorted((x for x in links if x.section == section.key), key=lambda x: x.order)
            if (item := _link(link, user, roles, current_path))
        ]
        if children:
            entries.append((section.order, {"label": section.label, "children": children}))
    for link in links:
        if link.section is None and (item := _link(link, user, roles, current_path)):
            entries.append((link.order, item))
    items = [item for _order, item in sorted(entries, key=lambda entry: entry[0])]
    _keep_longest_active([c for item in items for c in item.get("children", [item])])
    for item in items:
        if "children" in item:
            item["active"] = any(c["active"] for c in item["children"])
    return items


def notification_badge(user: User | AnonymousUser) -> dict[str, Any] | None:
    """The badge's link and its count as a callable the template resolves at most once (one query, and none for
    anonymous users or pages that do not show the badge). None when no app provides a badge."""
    if not notifications.provided:
        return None
    badge = notifications.get()
    cache: list[int] = []

    def count() -> int:
        if not cache:
            cache.append(badge.count(user=user) if user.is_authenticated else 0)
        return cache[0]

    return {"url": reverse(badge.url_name), "unread": count}
