from typing import Any

from django.http import HttpRequest

from .navigation import menu_for, notification_badge


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {"menu": [], "notifications": None}
    return {"menu": menu_for(user, request.path), "notifications": notification_badge(user)}
