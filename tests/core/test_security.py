"""Login lockout (django-axes), login logging, the upload size limit, the Content-Security-Policy and production's
deployment checklist."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from criteria.models import IndicatorValue

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-dung-2024"

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world):
    user = world.users.commune
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password, ip="10.0.0.7", **extra):
    return client.post(reverse("login"), {"username": "commune", "password": password}, REMOTE_ADDR=ip, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout -----------------------------------------------------------------------------------------------------------


def test_the_sixth_try_after_five_wrong_passwords_is_refused_even_with_the_right_one(client, officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for n in range(1, 5):
        response = _login(client, f"sai-{n}")
        assert response.status_code == 200, n  # the form again, "wrong username or password"
    fifth = _login(client, "sai-5")
    assert fifth.status_code == 429 and fifth.context["locked_out"]
    sixth = _login(client, PASSWORD)
    assert sixth.status_code == 429 and not _logged_in(client)
    assert "Too many wrong passwords" in sixth.content.decode()
    assert fifth.context["retry_minutes"] == 15


def test_the_lock_holds_one_account_from_one_address(client, officer):
    for n in range(5):
        _login(client, f"sai-{n}")
    assert _login(client, PASSWORD).status_code == 429
    other_address = _login(client, PASSWORD, ip="10.0.0.8")
    assert other_address.status_code == 302 and _logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, officer, settings):
    for n in range(5):
        _login(client, f"sai-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert _login(client, PASSWORD).status_code == 302 and _logged_in(client)


def test_staff_unlock_from_the_admin(client, officer, world):
    for n in range(5):
        _login(client, f"sai-{n}")
    admin_client = client.__class__()
    admin_client.force_login(world.users.admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "commune" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="commune")
    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert _login(client, PASSWORD).status_code == 302 and _logged_in(client)


def test_the_lockout_message_is_vietnamese_and_says_when_to_retry(client, officer, settings):
    settings.LOCALE_PATHS = settings.PROJECT_LOCALE_PATHS
    for n in range(5):
        _login(client, f"sai-{n}")
    page = _login(client, PASSWORD, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    retry_at = re.search(r"\d\d:\d\d", page[page.index('id="locked-out"') :])
    assert "15 phút" in page and "Thử lại sau" in page and retry_at


def test_logins_and_failures_are_logged(client, officer, caplog):
    with caplog.at_level(logging.INFO, logger="ntm.auth"):
        _login(client, "sai")
        _login(client, PASSWORD)
    lines = [r.getMessage() for r in caplog.records if r.name == "ntm.auth"]
    assert lines == ["login failed user=commune ip=10.0.0.7", "login ok user=commune ip=10.0.0.7"]
    assert AccessLog.objects.filter(username="commune", ip_address="10.0.0.7").exists()


def test_the_public_comment_form_keeps_its_own_throttle(settings):
    """Lockout is for logins; residents' comments have their own hourly limit (tests/monitoring/test_public.py)."""
    assert settings.NTM_PUBLIC_COMMENTS_PER_HOUR == 5


# --- uploads -----------------------------------------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, world, settings):
    settings.NTM_MAX_UPLOAD_MB = 1
    client.force_login(world.users.district)
    big = SimpleUploadedFile("values.xlsx", b"x" * (1024 * 1024 + 10))
    response = client.post(reverse("criteria:import"), {"file": big}, HTTP_REFERER="http://testserver/criteria/import/")
    assert response.status_code == 413
    page = response.content.decode()
    assert "files up to 1 MB are accepted" in page and 'href="http://testserver/criteria/import/"' in page
    assert not IndicatorValue.objects.exists()


def test_an_upload_under_the_limit_goes_through(client, world, settings):
    settings.NTM_MAX_UPLOAD_MB = 1
    client.force_login(world.users.district)
    response = client.post(reverse("criteria:import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF" * 1000)})
    assert response.status_code == 200 and response.context["import_form"].errors["file"]


def test_pages_tell_the_browser_the_limit(client, world, settings):
    settings.NTM_MAX_UPLOAD_MB = 7
    client.force_login(world.users.district)
    assert 'data-max-upload-mb="7"' in client.get(reverse("criteria:import")).content.decode()


# --- Content-Security-Policy -------------------------------------------------------------------------------------------


def test_every_kind_of_page_carries_the_policy(client, world):
    pages = [reverse("login"), reverse("monitoring:public_list")]
    client.force_login(world.users.admin)
    pages += [reverse("reports:dashboard"), reverse("admin:index"), "/no-such-page/"]
    for url in pages:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", url


INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


def test_no_template_has_inline_script_or_event_handlers():
    """The policy allows no inline script: behaviour lives in static/js and is wired by data attributes."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_HANDLER.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
    assert found == []


# --- production settings -----------------------------------------------------------------------------------------------


def _production(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="ntm_project.settings.production",
        SECRET_KEY="production-check-" + "k3y-w1th-3nough-ch4racters-and-variety-0123456789",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checklist_is_clean_in_production():
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_https_only():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _production("shell", "-v", "0", "-c", script)
    assert result.stdout.split() == ["True", "31536000", "True", "True"], result.stderr
    relaxed = _production(
        "shell", "-v", "0", "-c", script, DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0"
    )
    assert relaxed.stdout.split()[:2] == ["False", "0"], relaxed.stderr
