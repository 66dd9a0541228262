"""Pages read again come from the cache until the database changes (core.pagecache), and never otherwise.

The cache keys on PostgreSQL's snapshot, so these tests commit for real (transactional database)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from communes.models import Commune
from core import pagecache

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LIST = "/communes/"


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
    page = client.get(LIST)
    assert commune.name in page.content.decode()
    assert rendered == ["province"]
    # A write no service or signal announces: an UPDATE of one row, committed.
    Commune.objects.filter(pk=commune.pk).update(name="Xã Tân Khánh Mới")
    page = client.get(LIST).content.decode()
    assert "Xã Tân Khánh Mới" in page
    assert rendered == ["province", "province"]


def test_a_cached_page_costs_the_session_and_snapshot_queries_only(client, world, django_assert_max_num_queries):
    client.force_login(world.users.province)
    client.get(LIST)
    with django_assert_max_num_queries(3):  # the session, the user, the snapshot
        assert client.get(LIST).status_code == 200


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


def test_admin_changelists_are_cached_and_follow_writes(client, world, django_assert_max_num_queries):
    client.force_login(world.users.admin)
    url = reverse("admin:communes_commune_changelist")
    assert world.pb[1].name in client.get(url).content.decode()
    with django_assert_max_num_queries(3):
        assert world.pb[1].name in client.get(url).content.decode()
    Commune.objects.filter(pk=world.pb[1].pk).update(name="Xã Tân Kim Mới")
    assert "Xã Tân Kim Mới" in client.get(url).content.decode()
