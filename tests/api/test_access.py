"""API tokens (hashed, shown once, expiring, revocable), per-token throttling, the request log, cursor pages that
stay stable under inserts."""

import datetime
import io
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, hash_token
from api.services import api_token_issue, api_token_revoke
from tests.api.conftest import recognise
from tests.communes.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _bearer(client, raw):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_token_is_stored_hashed(world):
    token, raw = api_token_issue(user=world.users.viewer, name="portal", days=10)
    assert raw.startswith("ntm_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in str(list(ApiToken.objects.values_list()))
    assert stored.prefix == raw[:12]
    assert (stored.expires_at - stored.created_at).days == 10


def test_expired_revoked_and_inactive_tokens_are_refused(world, api):
    from rest_framework.test import APIClient

    token, raw = api_token_issue(user=world.users.viewer, name="portal", days=1)
    client = _bearer(APIClient(), raw)
    assert client.get("/api/v1/communes/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/communes/")
    assert response.status_code == 401 and response.json()["detail"] == "This token has expired."
    assert response["WWW-Authenticate"].startswith("Bearer")

    token, raw = api_token_issue(user=world.users.viewer, name="portal", days=1)
    client = _bearer(APIClient(), raw)
    assert client.get("/api/v1/communes/").status_code == 200
    api_token_revoke(token=token)
    response = client.get("/api/v1/communes/")
    assert response.status_code == 401 and response.json()["detail"] == "This token has been revoked."

    token, raw = api_token_issue(user=world.users.viewer, name="portal", days=1)
    world.users.viewer.is_active = False
    world.users.viewer.save()
    assert _bearer(APIClient(), raw).get("/api/v1/communes/").status_code == 401


def test_admin_issues_a_token_shown_once_and_revokes_it(client, world):
    client.force_login(world.users.admin)
    expires = (timezone.localtime() + datetime.timedelta(days=90)).strftime("%Y-%m-%d")
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {
            "user": world.users.district.pk,
            "name": "Cổng dữ liệu huyện",
            "expires_at_0": expires,
            "expires_at_1": "08:00:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Cổng dữ liệu huyện")
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m.split(": ")[-1] for m in shown if "ntm_" in m)
    assert hash_token(raw) == token.key_hash and token.user == world.users.district
    assert token.created_by == world.users.admin
    # The change page never shows it again.
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert raw not in page and token.key_hash not in page
    client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Only superusers manage tokens (a token reads everything its user sees).
    client.force_login(world.users.province)
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code in (302, 403)


def test_admin_refuses_an_expiry_in_the_past(client, world):
    client.force_login(world.users.admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"user": world.users.district.pk, "name": "x", "expires_at_0": "2001-01-01", "expires_at_1": "08:00:00"},
    )
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "The expiry must be in the future." in response.content.decode()


def test_create_api_token_command_prints_a_working_token(world):
    from rest_framework.test import APIClient

    out = io.StringIO()
    call_command("create_api_token", "province", "--days", "7", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.user == world.users.province and (token.expires_at - token.created_at).days == 7
    assert _bearer(APIClient(), raw).get("/api/v1/communes/").status_code == 200


def test_throttling_is_per_token(world, api, settings):
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute", "open_data": "2/minute"},
    }
    _token, raw = api_token_issue(user=world.users.viewer, name="a", days=1)
    _other, other_raw = api_token_issue(user=world.users.viewer, name="b", days=1)
    client = _bearer(APIClient(), raw)
    assert [client.get("/api/v1/communes/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in client.get("/api/v1/communes/")
    # Another token of the same user has its own budget.
    assert _bearer(APIClient(), other_raw).get("/api/v1/communes/").status_code == 200
    # The open data: per client address, without login.
    anonymous = APIClient()
    statuses = [anonymous.get("/open-data/2023/provinces.csv").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_every_request_is_logged_with_the_token_owner(world, api, caplog):
    with caplog.at_level(logging.INFO, logger="ntm.api"):
        api("district").get("/api/v1/communes/?district=173")
        api(None).get("/api/v1/communes/")
        api(None).get("/open-data/2023/provinces.json")
    lines = [r.getMessage() for r in caplog.records if r.name == "ntm.api"]
    assert lines[0].startswith("GET /api/v1/communes/?district=173 200 user=district token=ntm_")
    assert lines[1].startswith("GET /api/v1/communes/ 401 user=- token=-")
    assert lines[2].startswith("GET /open-data/2023/provinces.json 200 user=-")


def test_cursor_pages_stay_stable_under_inserts(world, api):
    """A client paging through recognitions while new ones are recorded reads every row once, none twice."""
    communes = [CommuneFactory(district=world.phu_binh, code=f"09{n:03d}") for n in range(12)]
    first = [recognise(c, year=2015) for c in communes]
    client = api("province")
    seen = []
    response = client.get("/api/v1/recognitions/?page_size=5").json()
    seen += [r["id"] for r in response["results"]]
    # Rows inserted between the pages, and one inserted "before" in every other order (an older decision).
    recognise(CommuneFactory(district=world.phu_binh, code="09900"), year=2010)
    recognise(CommuneFactory(district=world.phu_binh, code="00001"), year=2024)
    while response["next"]:
        response = client.get(response["next"]).json()
        seen += [r["id"] for r in response["results"]]
    assert len(seen) == len(set(seen))
    assert set(seen) >= {r.pk for r in first}
    assert seen == sorted(seen)
    # The page never counts the table.
    assert "count" not in response


def test_communes_page_by_code(world, api):
    client = api("admin")
    codes = []
    url = "/api/v1/communes/?page_size=2"
    while url:
        data = client.get(url).json()
        codes += [r["code"] for r in data["results"]]
        url = data["next"]
    assert codes == sorted(c.code for c in world.communes)
