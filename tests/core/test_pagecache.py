"""Pages read again come from the cache until the database changes (core.pagecache), and never otherwise.

The cache keys on PostgreSQL's snapshot, so these tests commit for real (transactional database)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune
from core import pagecache

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LIST = "/communes/"


def from_cache(get, *, queries):
    """`get()` until it is answered from the cache: with at most `queries` queries (signing in and the snapshot).

    The snapshot is the whole PostgreSQL cluster's, where the other test workers commit all the time; a read is
    served from the cache when no commit fell between it and the read before, which takes a few tries at most."""
    for _ in range(200):
        with CaptureQueriesContext(connection) as done:
            response = get()
        if len(done) <= queries:
            return response
    pytest.fail(f"never answered from the cache in 200 reads (last took {len(done)} queries)")


@pytest.fixture
def rendered(monkeypatch):
    """How many times the commune list was really rendered (not sent from the cache)."""
    from communes import views

    calls = []
    original = views.CommuneList.get_rows

    def counting(self):
        calls.append(self.request.user.username)
        return original(self)

    monkeypatch.setattr(views.CommuneList, "get_rows", counting)
    return calls


def test_a_page_read_again_comes_from_the_cache_until_any_write_commits(client, world, rendered):
    client.force_login(world.users.province)
    commune = world.pb[0]
    assert commune.name in client.get(LIST).content.decode()
    assert commune.name in from_cache(lambda: client.get(LIST), queries=3).content.decode()
    # A write no service or signal announces: an UPDATE of one row, committed.
    Commune.objects.filter(pk=commune.pk).update(name="Xã Tân Khánh Mới")
    renders = len(rendered)
    page = client.get(LIST).content.decode()
    assert "Xã Tân Khánh Mới" in page
    assert len(rendered) == renders + 1


def test_a_cached_page_is_sent_without_rendering(client, world, rendered, monkeypatch):
    client.force_login(world.users.province)
    client.get(LIST)
    renders = len(rendered)
    monkeypatch.setattr(pagecache, "snapshot", lambda: "frozen")  # as if nobody committed anything meanwhile
    client.get(LIST)
    assert client.get(LIST).status_code == 200
    assert len(rendered) == renders + 1  # the first read under that snapshot; the second came from the cache


def test_each_user_gets_their_own_page(client, world, rendered):
    client.force_login(world.users.province)
    everyone = client.get(LIST).content.decode()
    client.force_login(world.users.district)
    phu_binh = client.get(LIST).content.decode()
    assert world.dt[0].name in everyone
    assert world.dt[0].name not in phu_binh  # Đại Từ is outside the Phú Bình office
    assert rendered == ["province", "district"]
    client.force_login(world.users.outsider)
    assert world.pb[0].name not in client.get(LIST).content.decode()


def test_a_transaction_that_has_written_reads_its_own_rows(client, world):
    client.force_login(world.users.province)
    client.get(LIST)
    with transaction.atomic():
        Commune.objects.filter(pk=world.pb[0].pk).update(name="Xã Chưa Lưu")
        assert pagecache.snapshot() is None
        assert "Xã Chưa Lưu" in client.get(LIST).content.decode()
        transaction.set_rollback(True)
    page = client.get(LIST).content.decode()
    assert "Xã Chưa Lưu" not in page
    assert world.pb[0].name in page


def test_the_forms_of_a_cached_page_carry_the_readers_csrf_token(world):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(world.users.province)
    first.get(LIST)
    page = second.get(LIST).content.decode()  # the first browser's rendering, from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert first.get(LIST).status_code == 200  # the first browser is still signed in; the second one is not
    assert second.get(LIST).status_code == 302


def test_a_flash_message_is_shown_once_never_replayed_from_the_cache(client, world, rf):
    client.force_login(world.users.province)
    client.get(LIST)
    # A message waiting in the session, as a service's redirect leaves it.
    request = rf.get(LIST)
    request.session = client.session
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Đã lưu xã.")
    request._messages.update(_Response(client))
    assert "Đã lưu xã." in client.get(LIST).content.decode()
    assert "Đã lưu xã." not in client.get(LIST).content.decode()


class _Response:
    """Where FallbackStorage writes its cookie: the test client's cookies."""

    def __init__(self, client):
        self.client = client

    def set_cookie(self, key, value, **kwargs):
        self.client.cookies[key] = value

    def delete_cookie(self, key, **kwargs):
        self.client.cookies.pop(key, None)


def test_the_snapshot_is_postgresqls():
    assert connection.vendor == "postgresql"
    assert re.fullmatch(r"\d+:\d+:[\d,]*", pagecache.snapshot())


def test_admin_changelists_are_cached_and_follow_writes(client, world):
    client.force_login(world.users.admin)
    url = reverse("admin:communes_commune_changelist")
    assert world.pb[1].name in client.get(url).content.decode()
    assert world.pb[1].name in from_cache(lambda: client.get(url), queries=3).content.decode()
    Commune.objects.filter(pk=world.pb[1].pk).update(name="Xã Tân Kim Mới")
    assert "Xã Tân Kim Mới" in client.get(url).content.decode()


def test_api_lists_are_cached_per_token_user_and_follow_writes(world):
    from rest_framework.test import APIClient

    from api.services import api_token_issue

    def reader(user):
        _token, raw = api_token_issue(user=user, name="test", days=1)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    province, district = reader(world.users.province), reader(world.users.district)
    url = reverse("api:commune-list")

    def names(client):
        response = client.get(url)
        assert response.status_code == 200
        return {row["name"] for row in response.json()["results"]}

    assert world.dt[0].name in names(province)
    assert world.dt[0].name not in names(district)  # another user's cached list is never served
    names(province)  # each token's first use wrote its last_used_at: a write, so a new snapshot
    cached = from_cache(lambda: province.get(url), queries=2)  # the token (with its user), the snapshot
    assert world.dt[0].name in {row["name"] for row in cached.json()["results"]}
    Commune.objects.filter(pk=world.dt[0].pk).update(name="Xã Hùng Sơn Mới")
    assert "Xã Hùng Sơn Mới" in names(province)
    assert reader(world.users.outsider).get(url).json()["results"] == []


def test_a_printed_report_is_rendered_each_time_with_the_minute_it_was_printed(client, world, monkeypatch):
    monkeypatch.setattr(pagecache, "snapshot", lambda: "frozen")
    client.force_login(world.users.province)
    url = reverse("reports:criteria_matrix") + "?print=1"
    assert pagecache.page_key(client.get(url).wsgi_request, world.users.province) is None
    assert pagecache.page_key(client.get(LIST).wsgi_request, world.users.province) is not None
