"""Who may use the read API: a signed-in user (API token or session) with a membership or superuser, and only
to read."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


class ReadOnlyAuthenticated(BasePermission):
    """GET, HEAD and OPTIONS by an authenticated user; every other method is refused (405 from the viewsets, which
    declare no write actions; 403 here for anything that slips through)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.method in SAFE_METHODS and request.user and request.user.is_authenticated)
