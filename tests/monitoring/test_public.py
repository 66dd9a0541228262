"""The public consultation page: no login, dossiers in consultation only, nothing personal, comments moderated
before they show, refusals and throttling."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.choices import Moderation
from monitoring.models import PublicComment
from tests.communes.factories import CommuneFactory
from tests.verification.factories import assessment as make_assessment
from verification.choices import DossierStatus

LIST = reverse("monitoring:public_list")


def _detail(d):
    return reverse("monitoring:public_detail", args=[d.pk])


@pytest.fixture
def officer(world):
    user = world.users.commune
    user.first_name, user.last_name, user.email = "Xã", "Lê Văn", "le.van.xa@tankhanh.gov.vn"
    user.save()
    return user


def test_lists_only_dossiers_in_consultation_without_login(client, world, dossier, officer):
    open_ = dossier(DossierStatus.PUBLIC_CONSULTATION)
    make_assessment(world.pb[0], year=open_.year)
    hidden = [
        dossier(DossierStatus.DRAFT, commune=world.pb[1]),
        dossier(DossierStatus.SUBMITTED, commune=world.pb[2]),
        dossier(DossierStatus.FRONT_SURVEY, commune=world.dt[0]),
        dossier(DossierStatus.REJECTED, commune=world.dt[1]),
    ]
    response = client.get(LIST)
    assert response.status_code == 200
    assert [r["dossier"].pk for r in response.context["rows"]] == [open_.pk]
    body = response.content.decode()
    assert "Xã Tân Khánh" in body and "19/19" in body
    for d in hidden:
        assert d.commune.name not in body
        assert client.get(_detail(d)).status_code == 404
        assert client.post(_detail(d), {"text": "x"}).status_code == 404
    assert PublicComment.objects.count() == 0


def test_nothing_personal_or_unmoderated_is_shown(client, world, dossier, officer):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    texts = {}
    for outcome in Moderation.values:
        c = services.public_comment_submit(dossier=d, text=f"Ý kiến {outcome}", author_name=f"Người {outcome}")
        if outcome != Moderation.PENDING:
            services.public_comment_moderate(comment=c, actor=officer, outcome=outcome, reply=f"Trả lời {outcome}")
        texts[outcome] = c.text
    for url in (LIST, _detail(d)):
        body = client.get(url).content.decode()
        for secret in ("le.van.xa@tankhanh.gov.vn", "Lê Văn", "@", officer.username + "<", "/media/", "/admin/"):
            assert secret not in body, (url, secret)
    body = client.get(_detail(d)).content.decode()
    assert texts[Moderation.ACCEPTED] in body and texts[Moderation.EXPLAINED] in body
    assert "Trả lời explained" in body
    assert texts[Moderation.PENDING] not in body and texts[Moderation.REJECTED] not in body
    assert "Người rejected" not in body


def test_comment_waits_for_moderation(client, world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    response = client.post(_detail(d), {"author_name": "", "text": "Đề nghị lắp thêm đèn đường xóm Trại"})
    assert response.status_code == 302
    comment = PublicComment.objects.get()
    assert comment.outcome == Moderation.PENDING and comment.author_name == ""
    assert "đèn đường" not in client.get(_detail(d)).content.decode()
    services.public_comment_moderate(comment=comment, actor=world.users.commune, outcome=Moderation.ACCEPTED)
    assert "đèn đường" in client.get(_detail(d)).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write your comment."),
        ({"text": "    "}, "Write your comment."),
        ({"text": "a" * 2001}, "2000"),
        ({"text": "ok", "author_name": "n" * 101}, "100"),
    ],
)
def test_empty_or_overlong_comment_is_refused(client, dossier, data, message):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    response = client.post(_detail(d), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PublicComment.objects.count() == 0


def test_flood_from_one_address_is_throttled(client, dossier, settings):
    settings.NTM_PUBLIC_COMMENTS_PER_HOUR = 3
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    for i in range(3):
        assert client.post(_detail(d), {"text": f"ý kiến {i}"}, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(_detail(d), {"text": "ý kiến 4"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "Too many comments" in response.content.decode() or "Quá nhiều" in response.content.decode()
    # A forged X-Forwarded-For does not escape the limit; another address still can comment.
    assert (
        client.post(
            _detail(d), {"text": "ý kiến 5"}, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
        ).status_code
        == 429
    )
    assert client.post(_detail(d), {"text": "ý kiến 6"}, REMOTE_ADDR="203.0.113.8").status_code == 302
    assert PublicComment.objects.count() == 4


def test_after_the_end_date_the_page_is_closed_to_comments(client, world, dossier, settings):
    settings.NTM_CONSULTATION_DAYS = 15
    today = timezone.localdate()
    over = dossier(DossierStatus.PUBLIC_CONSULTATION, consultation_started_on=today - datetime.timedelta(days=20))
    still_open = dossier(
        DossierStatus.PUBLIC_CONSULTATION,
        commune=world.pb[1],
        consultation_started_on=today - datetime.timedelta(days=3),
    )
    message = "The consultation ended on {}; comments are no longer accepted.".format(
        (today - datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    )
    listing = client.get(LIST)
    assert {r["dossier"].pk: r["closed"] for r in listing.context["rows"]} == {over.pk: True, still_open.pk: False}
    assert listing.content.decode().count("Closed</span>") == 1

    page = client.get(_detail(over))
    body = page.content.decode()
    assert page.status_code == 200 and page.context["form"] is None
    assert message in body and 'id="comment-form"' not in body
    assert 'id="comment-form"' in client.get(_detail(still_open)).content.decode()

    settings.NTM_PUBLIC_COMMENTS_PER_HOUR = 1
    forged = client.post(_detail(over), {"author_name": "Ai đó", "text": "Gửi sau hạn"}, REMOTE_ADDR="203.0.113.9")
    assert forged.status_code == 403 and message in forged.content.decode()
    assert 'id="comment-form"' not in forged.content.decode()
    assert PublicComment.objects.count() == 0
    # the refused post did not use the address's hourly allowance
    assert client.post(_detail(still_open), {"text": "Đúng hạn"}, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert list(PublicComment.objects.values_list("dossier", flat=True)) == [still_open.pk]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_public_pages_query_count_is_fixed(client, world, dossier):
    def add(n):
        made = []
        for i in range(n):
            c = CommuneFactory(name=f"Xã Công Khai {len(made)}-{i}", district=world.phu_binh)
            made.append(dossier(DossierStatus.PUBLIC_CONSULTATION, commune=c))
            make_assessment(c, year=2024)
        return made

    first = add(3)
    for d in first:
        for i in range(3):
            c = services.public_comment_submit(dossier=d, text=f"ý kiến {i}")
            services.public_comment_moderate(comment=c, actor=world.users.province, outcome=Moderation.ACCEPTED)
    small_list, _ = _queries(client, LIST)
    small_detail, _ = _queries(client, _detail(first[0]))
    add(27)
    for i in range(27):
        c = services.public_comment_submit(dossier=first[0], text=f"thêm {i}")
        services.public_comment_moderate(comment=c, actor=world.users.province, outcome=Moderation.ACCEPTED)
    large_list, response = _queries(client, LIST)
    large_detail, detail = _queries(client, _detail(first[0]))
    assert len(response.context["rows"]) == 30 and len(detail.context["comments"]) == 30
    assert small_list == large_list
    assert small_detail == large_detail


def test_the_page_links_the_report_residents_are_asked_about(client, world, dossier, officer):
    from tests.verification.factories import document
    from verification.choices import DocumentKind

    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    report_url = reverse("monitoring:public_report", args=[d.pk])
    page = client.get(_detail(d)).content.decode()
    assert report_url not in page and "has not posted its report" in page
    assert client.get(report_url).status_code == 404
    document(d, DocumentKind.MINUTES, officer)  # internal papers stay internal
    document(d, DocumentKind.RESULTS_REPORT, officer)
    page = client.get(_detail(d)).content.decode()
    assert f'href="{report_url}"' in page
    download = client.get(report_url)
    assert download.status_code == 200
    assert "results_report" in download["Content-Disposition"]
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")


def test_the_header_names_the_province_not_the_product(client, world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    for url in [LIST, _detail(d)]:
        brand = client.get(url).content.decode().split('class="navbar-brand', 1)[1].split("</a>", 1)[0]
        assert "Tỉnh Thái Nguyên" in brand and "NTM back office" not in brand
