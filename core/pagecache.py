"""Rendered pages kept until the database changes: a page a signed-in user reads again is sent from the cache.

A page is cached per user, address (with its query), language and day, under the database's MVCC snapshot
(PostgreSQL's `pg_current_snapshot()`: the transactions committed so far). Two requests that see the same snapshot
read the same data, so the same page; any committed write anywhere — a service, the admin, an import, a raw SQL
statement, another process — gives the next request another snapshot, hence a new rendering. Nothing has to
remember to invalidate anything, which is why this is safe to put on every list and report; the price is that a busy
deployment re-renders after each write (the figures underneath stay cached per scope, core.cache).

Not cached: SQLite (no snapshot to read; `make run` renders every page), a request inside a transaction (its own
uncommitted rows are not in the snapshot; tests run in one), a response other than a plain 200, one that sets
cookies of its own, and a request with flash messages waiting (the page would show them again). The CSRF token in a
cached page's forms is replaced by the requesting session's own on every hit.

The day is in the key; the print layout (`?print=1`), which says the minute it was printed, is never cached; what
moves within a day by the clock alone (a dossier's age in whole days since the hour it arrived) may lag by at most
TIMEOUT, after which every entry is rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

__all__ = ["cached_page", "from_cache", "keep", "page_key", "snapshot"]

TIMEOUT = 600
MAX_BYTES = 2 * 1024 * 1024  # a larger response (a big workbook) is rendered each time: 300 entries stay < 600 MB
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def snapshot() -> str | None:
    """The committed state of the database as one string, or None when it cannot be known (SQLite; inside a
    transaction, whose own rows the snapshot does not show)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None  # inside a transaction: it may have written, or be about to (its rows are not in the snapshot)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return str(cursor.fetchone()[0])


@functools.cache
def _code_stamp() -> str:
    """Changes with the code, templates and translations, so a deployment never serves a page an older release
    cached in a shared cache (Redis)."""
    root = Path(settings.BASE_DIR)
    patterns = ("*/*.py", "*/*/*.py", "templates/**/*.html", "locale/**/*.mo")
    newest = max((p.stat().st_mtime for pattern in patterns for p in root.glob(pattern)), default=0.0)
    return f"{newest:.0f}"


def page_key(request: HttpRequest, user: Any, *vary: object) -> str | None:
    """The cache key of this GET for this user (the API's token user is not `request.user`), or None when the
    response must be rendered. `vary`: whatever else the response depends on (the API's negotiated format)."""
    if request.method != "GET" or not user.is_authenticated or not settings.NTM_PAGE_CACHE:
        return None
    if "print" in request.GET:  # a printed report says the minute it was printed (reports/print_base.html)
        return None
    if len(messages.get_messages(request)):
        return None
    state = snapshot()
    if state is None:
        return None
    parts = (
        _code_stamp(),
        user.pk,
        request.get_full_path(),
        translation.get_language(),
        timezone.localdate().isoformat(),
        state,
        vary,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie (set inside the admin's csrf_protect) is the browser's, never stored with the page.
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and len(response.content) <= MAX_BYTES
    )


def from_cache(request: HttpRequest, key: str) -> HttpResponse | None:
    """The response kept under `key`, its forms carrying this request's CSRF token; None if there is none."""
    entry = cache.get(key)
    if entry is None:
        return None
    content, headers = entry
    if b"csrfmiddlewaretoken" in content:
        token = get_token(request).encode()
        content = _CSRF_INPUT.sub(lambda m: m.group(1) + token + m.group(2), content)
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view that reads (GET) and whose page depends only on the database, the user, the address, the
    language and the day."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = page_key(request, request.user)
        if key is None:
            return view(request, *args, **kwargs)
        hit = from_cache(request, key)
        if hit is not None:
            return hit
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()  # a TemplateResponse (the admin's): cache what it renders
        keep(key, response)
        return response

    return wrapper


def keep(key: str, response: HttpResponse) -> None:
    """Keep a rendered response under `key`, if it may be served again."""
    if _storable(response):
        headers = {name: response[name] for name in KEPT_HEADERS if name in response}
        cache.set(key, (response.content, headers), TIMEOUT)
