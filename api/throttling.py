"""Rate limits: per API token (each token its own budget, whoever shares it), per signed-in user for the session
(the docs page trying requests), per client address for the open data. Rates in settings (NTM_API_RATE,
NTM_OPEN_DATA_RATE); the counts live in the cache (Redis through CACHE_URL across servers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from .models import ApiToken


class SettingsRate:
    """The rate read from the settings on each request (DRF reads it once, at import)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)  # type: ignore[no-any-return]


class TokenRateThrottle(SettingsRate, SimpleRateThrottle):
    scope = "api_token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # refused by the permission check anyway
        return self.cache_format % {"scope": self.scope, "ident": ident}


class OpenDataRateThrottle(SettingsRate, AnonRateThrottle):
    """Open data is read without login: limited per client address (NTM_PROXY_COUNT behind a proxy)."""

    scope = "open_data"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
