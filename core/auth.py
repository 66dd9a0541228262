"""Logins: the lockout page django-axes shows, and a log line for every login that succeeds or fails."""

import logging
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("ntm.auth")

LOCKOUT_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The login page again, saying the account is locked and when to try again (django-axes' AXES_LOCKOUT_CALLABLE).

    Each further attempt during the lockout starts the wait again, so the time shown counts from now."""
    cool_off = get_cool_off(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": True,
        "username": username,
        "retry_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime() + cool_off if cool_off else None,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=LOCKOUT_STATUS)


def _address(request: HttpRequest | None) -> str:
    return (get_client_ip_address(request) if request is not None else None) or "-"


@receiver(user_logged_in)
def _log_login(sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    log.info("login ok user=%s ip=%s", user.get_username(), _address(request))


@receiver(user_login_failed)
def _log_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    log.warning("login failed user=%s ip=%s", credentials.get("username", ""), _address(request))
