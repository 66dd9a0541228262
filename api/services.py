"""Issuing and revoking API tokens: the only writes of the api app."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import PREFIX_LENGTH, ApiToken, hash_token, new_raw_token


@transaction.atomic
def api_token_issue(
    *,
    user: AbstractBaseUser,
    name: str,
    days: int,
    issued_by: AbstractBaseUser | None = None,
    token: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` days. Returns the row and the token itself, which is never stored
    and cannot be shown again. `token`: an unsaved row from the admin's form, filled in here."""
    if days < 1:
        raise ValueError("days must be at least 1")
    raw = new_raw_token()
    token = token or ApiToken()
    token.user = user  # type: ignore[assignment]
    token.name = name
    token.prefix = raw[: PREFIX_LENGTH + 4]
    token.key_hash = hash_token(raw)
    token.created_at = timezone.now()
    if not token.expires_at:
        token.expires_at = token.created_at + datetime.timedelta(days=days)
    token.created_by = issued_by  # type: ignore[assignment]
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
