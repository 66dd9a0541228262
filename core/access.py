"""Who may open a page that takes no object: one rule per URL name.

The view refuses with `require` (403) and every menu entry, tab, button and form that leads to the page asks
`can_open` (the `{% can_open %}` template tag, the menu, the generic import page), so a role is never shown a way in
that then answers 403. Core imports no app: each app registers its rules, taken from its `permissions.py`, in its
`AppConfig.ready()`. A page without a rule is open to every signed-in user (its rows still follow scope).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise

Rule = Callable[["User | AnonymousUser"], bool]

_rules: dict[str, tuple[Rule, StrOrPromise]] = {}


def allow(url_name: str, rule: Rule, *, refusal: StrOrPromise) -> None:
    """Register who may open `url_name` ("app:name") and the sentence the refusal shows to the others."""
    _rules[url_name] = (rule, refusal)


def can_open(user: User | AnonymousUser, url_name: str) -> bool:
    if not user.is_authenticated:
        return False
    entry = _rules.get(url_name)
    return entry is None or entry[0](user)


def can_open_path(user: User | AnonymousUser, path: str) -> bool:
    """`can_open` for a path (a form's action): paths outside the site's URLs are not ours to judge."""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return True
    return can_open(user, match.view_name)


def require(user: User | AnonymousUser, url_name: str) -> None:
    """In the view: 403 with the registered sentence for a user the rule leaves out."""
    entry = _rules.get(url_name)
    if entry is not None and not can_open(user, url_name):
        raise PermissionDenied(str(entry[1]))
