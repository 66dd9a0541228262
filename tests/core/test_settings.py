"""Production settings refuse to start unsafely; checked in a fresh interpreter so this process is untouched."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_production(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    clean.update(env, DJANGO_SETTINGS_MODULE="ntm_project.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_needs_a_secret_key():
    result = _import_production()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _import_production(SECRET_KEY="x" * 50, DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_starts_with_a_key_and_debug_off():
    result = _import_production(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
