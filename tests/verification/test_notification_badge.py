"""The navbar's unread-notification badge: one query on pages with the navbar, none for anonymous visitors or
print layouts; it links to the notifications page and goes when they are read."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verification.choices import DossierStatus

NOTIFICATIONS = reverse("verification:notifications")


def _badge(html):
    found = re.search(r'id="nav-unread">(\d+)<', html)
    return int(found.group(1)) if found else None


def _notification_queries(ctx):
    return [q for q in ctx.captured_queries if "verification_notification" in q["sql"]]


def test_badge_counts_unread_notifications(client, world, make_dossier, django_capture_on_commit_callbacks):
    from verification.services import dossier_transition

    client.force_login(world.users.commune)
    html = client.get(reverse("communes:commune_list")).content.decode()
    assert 'id="nav-notifications"' in html and f'href="{NOTIFICATIONS}"' in html
    assert _badge(html) is None  # nothing unread, no badge
    dossier = make_dossier(DossierStatus.APPRAISED)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, action="reject", actor=world.users.approver, comment="Chưa đạt")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("communes:commune_list")).content.decode()
    assert _badge(html) == 1
    assert len(_notification_queries(ctx)) == 1
    client.post(reverse("verification:notifications_read"))
    assert _badge(client.get(reverse("communes:commune_list")).content.decode()) is None


def test_badge_is_per_user(client, world, make_dossier, django_capture_on_commit_callbacks):
    from verification.services import dossier_transition

    dossier = make_dossier(DossierStatus.APPRAISED)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, action="reject", actor=world.users.approver, comment="Chưa đạt")
    client.force_login(world.users.viewer)
    assert _badge(client.get(reverse("communes:commune_list")).content.decode()) is None


def test_no_query_for_anonymous_visitors_or_print_layouts(client, world):
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("login")).content.decode()
    assert 'id="nav-notifications"' not in html and not _notification_queries(ctx)
    client.force_login(world.users.province)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), {"print": "1"})
    assert response.status_code == 200 and not _notification_queries(ctx)
