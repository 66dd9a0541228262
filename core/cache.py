"""Cached figures that are never stale: each cached value's key carries the generation of the data it was computed
from, and every write that changes that data moves the generation on (`bump`, in the writer's transaction).

Generations live in the database (core.models.Generation), so a write made by any process — a web worker, the
background worker — retires the entries every process cached, whatever the cache backend (local memory by default,
Redis through CACHE_URL in production). A stale entry is never read again and simply expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache as django_cache
from django.db.models import F

from .models import Generation

T = TypeVar("T")
TIMEOUT = 3600
EVERYTHING = "all"

__all__ = ["EVERYTHING", "GenerationsPerRequest", "bump", "cached", "generations"]

# Within one request the generations are read once (GenerationsPerRequest); a bump in the same request forgets them.
_per_request: ContextVar[dict | None] = ContextVar("ntm_generations", default=None)


def bump(*names: str) -> None:
    """Move these generations on (and the one every national figure depends on)."""
    for name in {*names, EVERYTHING}:
        if not Generation.objects.filter(name=name).update(value=F("value") + 1):
            Generation.objects.get_or_create(name=name, defaults={"value": 1})
    memo = _per_request.get()
    if memo is not None:
        memo.clear()


def generations(names: Iterable[str]) -> tuple:
    """The current generation of each name (0 for one never bumped), in one query."""
    names = tuple(sorted(set(names)))
    memo = _per_request.get()
    if memo is not None and names in memo:
        return memo[names]
    found = dict(Generation.objects.filter(name__in=names).values_list("name", "value"))
    values = tuple(found.get(name, 0) for name in names)
    if memo is not None:
        memo[names] = values
    return values


def cached(key: Iterable, depends_on: Iterable[str], compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """`compute()` once per `key` and generation of `depends_on`; afterwards from the cache."""
    parts = repr((tuple(key), generations(depends_on)))
    cache_key = "figures:" + hashlib.sha256(parts.encode()).hexdigest()
    value = django_cache.get(cache_key)
    if value is None:
        value = compute()
        django_cache.set(cache_key, value, timeout)
    return value


class GenerationsPerRequest:
    """Middleware: a page that shows several cached figures reads their generations with one query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _per_request.set({})
        try:
            return self.get_response(request)
        finally:
            _per_request.reset(token)
