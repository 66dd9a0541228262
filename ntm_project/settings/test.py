"""Test settings: fast hasher, in-memory email and cache. DATABASE_URL picks PostgreSQL when set (CI)."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One folder per pytest-xdist worker (gw0, gw1…): workers never see or clean each other's files.
MEDIA_ROOT = BASE_DIR / ".test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "core.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "vi"

# Tests assert messages by their msgids (English) and numbers in Vietnamese formats; the project's Vietnamese
# catalogue is left out here and checked on its own in tests/core/test_i18n.py (complete, compiled, used by pages).
PROJECT_LOCALE_PATHS = LOCALE_PATHS  # noqa: F405
LOCALE_PATHS = []

# Background jobs run in the test process when their transaction commits (django_capture_on_commit_callbacks).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
