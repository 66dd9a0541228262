"""The demo loads the published Thái Nguyên figures from records, and loading it again adds nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["communes", "offices", "criteria", "programs", "funding", "verification", "monitoring"]


def _counts():
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
    }


def test_demo_loads_and_is_idempotent():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()
    assert "ntm-demo-2024" in out.getvalue()
    for username in [
        "admin",
        "province",
        "district",
        "commune",
        "verifier",
        "appraiser",
        "approver",
        "front",
        "viewer",
    ]:
        assert username in out.getvalue()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first


def test_demo_logins_work(client):
    call_command("load_demo", stdout=io.StringIO())
    for username in [
        "admin",
        "province",
        "district",
        "commune",
        "verifier",
        "appraiser",
        "approver",
        "front",
        "viewer",
    ]:
        assert client.login(username=username, password="ntm-demo-2024"), username
