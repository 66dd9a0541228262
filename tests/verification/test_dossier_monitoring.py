"""The dossier page shows the Fatherland Front's open findings, its critiques and the summary of residents'
comments (monitoring's snippets) to the verifier and the appraiser, in a number of queries that does not grow with
the number of findings, critiques or comments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.choices import Moderation, ReportSubject, Severity
from monitoring.models import Critique, PublicComment
from verification.choices import DossierStatus

TODAY = timezone.localdate()


def front_records(world, dossier, n, *, start=0):
    """`n` open findings on a dossier report, `n` critiques and `n` residents' comments (half of them published)."""
    report = services.supervision_report_create(
        actor=world.users.front,
        title=f"Giám sát hồ sơ {start}",
        period_start=TODAY - datetime.timedelta(days=10),
        period_end=TODAY,
        subject_kind=ReportSubject.DOSSIER,
        dossier=dossier,
    )
    for i in range(start, start + n):
        services.finding_add(
            report=report,
            actor=world.users.front,
            severity=Severity.HIGH if i % 3 == 0 else Severity.MEDIUM,
            description=f"Phát hiện số {i}",
            recommendation="Bổ sung minh chứng",
        )
    Critique.objects.bulk_create(
        Critique(dossier=dossier, author=world.users.front, text=f"Phản biện số {i}") for i in range(start, start + n)
    )
    now = timezone.now()
    PublicComment.objects.bulk_create(
        PublicComment(dossier=dossier, text=f"Ý kiến {i}", outcome=Moderation.ACCEPTED, moderated_at=now)
        if i % 2
        else PublicComment(dossier=dossier, text=f"Ý kiến {i}")
        for i in range(start, start + n)
    )
    return report


@pytest.mark.parametrize("username", ["verifier", "appraiser"])
def test_supervisors_see_front_findings_critiques_and_comments(client, world, make_dossier, username):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    report = front_records(world, dossier, 2)
    closed = services.finding_add(
        report=report, actor=world.users.front, severity=Severity.LOW, description="Đã khắc phục", recommendation="-"
    )
    services.finding_close(finding=closed, actor=world.users.front)
    client.force_login(getattr(world.users, username))
    html = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    findings = html[html.index('id="front-findings"') : html.index('id="front-critiques"')]
    assert "Phát hiện số 0" in findings and "Phát hiện số 1" in findings
    assert "Đã khắc phục" not in findings  # closed findings leave the list
    assert "Open Front findings (2)" in findings
    assert reverse("monitoring:dossier", args=[dossier.pk]) in findings
    critiques = html[html.index('id="front-critiques"') : html.index('id="comment-summary"')]
    assert "Phản biện số 0" in critiques and "Phản biện số 1" in critiques
    summary = html[html.index('id="comment-summary"') : html.index('id="timeline"')]
    assert '<td class="num">2</td>' in summary  # comments received


def test_dossier_without_front_records_says_so(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(world.users.verifier)
    html = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert "No open findings." in html and "No critique recorded." in html


def test_findings_of_another_dossier_stay_there(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    other = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[1])
    front_records(world, other, 1)
    client.force_login(world.users.verifier)
    html = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Phát hiện số 0" not in html and "Phản biện số 0" not in html


def test_out_of_scope_dossier_shows_nothing(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.dt[0])
    front_records(world, dossier, 1)
    client.force_login(world.users.verifier)  # Phú Bình's verification team
    assert client.get(reverse("verification:dossier_detail", args=[dossier.pk])).status_code == 404


@pytest.mark.parametrize("username", ["verifier", "appraiser", "commune"])
def test_dossier_page_query_count_is_the_same_at_3_and_30(client, world, make_dossier, username):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    url = reverse("verification:dossier_detail", args=[dossier.pk])
    client.force_login(getattr(world.users, username))
    front_records(world, dossier, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    front_records(world, dossier, 27, start=3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert "Open Front findings (30)" in response.content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
