"""API tokens: issued to a user by an administrator, with an expiry, revocable. Only a hash is stored; the token
itself is shown once, when it is created (admin or `manage.py create_api_token`)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def hash_token(raw: str) -> str:
    """SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough (no password stretching)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return "ntm_" + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A user's key to the read API. The API sees what the user sees (core.scope), nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the national portal."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH + 4, editable=False, db_index=True)
    key_hash = models.CharField(_("hash of the token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
