"""Pages: scope per role, forged POSTs, queues, bulk approve, register, notifications, query budgets."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from criteria.choices import StandardLevel, SubjectKind
from register.models import Recognition
from tests.communes.factories import CommuneFactory
from verification import gates
from verification.choices import DossierStatus, Route
from verification.models import DossierEvent, Notification


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _many_communes(world, n):
    return [CommuneFactory(name=f"Xã Mới {i}", district=world.phu_binh) for i in range(n)]


# --- list and detail -------------------------------------------------------------------------------------------------


def test_dossier_list_scope_per_role(client, world, make_dossier):
    make_dossier(DossierStatus.DRAFT)
    make_dossier(DossierStatus.DRAFT, commune=world.dt[0])
    url = reverse("verification:dossier_list")
    expected = {"commune": 1, "district": 1, "verifier": 1, "province": 2, "viewer": 2, "front": 2, "outsider": 0}
    for username, n in expected.items():
        client.force_login(getattr(world.users, username))
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == n, username


def test_dossier_list_query_count_is_fixed(client, world, make_dossier):
    client.force_login(world.users.province)
    url = reverse("verification:dossier_list")
    for c in _many_communes(world, 3):
        make_dossier(DossierStatus.SUBMITTED, commune=c, ready=False)
    small, _ = _count_queries(client, url)
    for c in _many_communes(world, 27):
        make_dossier(DossierStatus.SUBMITTED, commune=c, ready=False)
    large, response = _count_queries(client, url)
    assert response.context["page_obj"].paginator.count == 30
    assert small == large


def test_detail_shows_gates_and_only_allowed_buttons(client, world, make_dossier, fakes):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.rate = Decimal("80")
    client.force_login(world.users.verifier)
    response = client.get(reverse("verification:dossier_detail", args=[dossier.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert [a["transition"].action for a in response.context["actions"]] == ["verify", "return"]
    assert not response.context["actions"][0]["ready"]
    assert "80" in body  # the failing satisfaction gate is shown before pressing
    client.force_login(world.users.commune)
    response = client.get(reverse("verification:dossier_detail", args=[dossier.pk]))
    assert response.context["actions"] == []


def test_detail_out_of_scope_is_404(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.DRAFT, commune=world.dt[0])
    for username in ["commune", "verifier", "outsider"]:
        client.force_login(getattr(world.users, username))
        assert client.get(reverse("verification:dossier_detail", args=[dossier.pk])).status_code == 404


@pytest.mark.parametrize(
    ("username", "action", "code"),
    [
        ("commune", "verify", 403),  # role cannot verify
        ("viewer", "verify", 403),
        ("front", "recognise", 403),
        ("appraiser", "verify", 403),
        ("verifier", "recognise", 403),
        ("verifier", "return", 302),  # allowed, but a reason is required: message, nothing changes
        ("outsider", "verify", 404),
        ("verifier", "nonsense", 404),
    ],
)
def test_forged_posts_change_nothing(client, world, make_dossier, username, action, code):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    events = DossierEvent.objects.count()
    client.force_login(getattr(world.users, username))
    response = client.post(reverse("verification:dossier_transition", args=[dossier.pk, action]))
    assert response.status_code == code
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_VERIFICATION
    assert DossierEvent.objects.count() == events


def test_forged_post_for_the_wrong_level_is_403(client, world, prov_verifier, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.DISTRICT_TIER)
    client.force_login(prov_verifier)
    assert client.post(reverse("verification:dossier_transition", args=[dossier.pk, "verify"])).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_VERIFICATION


def test_transition_is_post_only(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(world.users.verifier)
    assert client.get(reverse("verification:dossier_transition", args=[dossier.pk, "verify"])).status_code == 405


def test_verify_by_post_and_return_with_reason(client, world, make_dossier, django_capture_on_commit_callbacks):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(world.users.verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("verification:dossier_transition", args=[dossier.pk, "return"]),
            {"return-comment": "Thiếu biên bản họp thôn"},
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    client.force_login(world.users.commune)
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Thiếu biên bản họp thôn" in page
    assert Notification.objects.filter(recipient=world.users.commune, kind="returned").count() == 1


def test_gate_refusal_is_a_message(client, world, make_dossier, fakes):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.rate = None
    client.force_login(world.users.verifier)
    response = client.post(reverse("verification:dossier_transition", args=[dossier.pk, "verify"]), follow=True)
    assert "satisfaction survey" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_VERIFICATION


def _post_decision(client, dossier):
    """The approver's decision form, as posted from the dossier page, then confirmed (issue 13: a decision is
    recorded only once confirmed; the first post shows what will be recorded and changes nothing)."""
    url = reverse("verification:dossier_transition", args=[dossier.pk, "recognise"])
    fields = {
        "recognise-decision_number": "3456/QĐ-UBND",
        "recognise-decision_date": "2024-12-20",
        "recognise-signer": "Chủ tịch UBND tỉnh",
    }
    page = client.post(url, fields)
    assert page.status_code == 200 and "3456/QĐ-UBND" in page.content.decode()
    assert type(dossier).objects.get(pk=dossier.pk).status == DossierStatus.APPRAISED
    client.post(url, {**fields, "recognise-confirmed": "1"})


def test_recognise_by_post_creates_the_register_entry(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    client.force_login(world.users.approver)
    _post_decision(client, dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECOGNISED
    assert Recognition.objects.get(dossier=dossier).decision_number == "3456/QĐ-UBND"


def test_timeline_shows_the_decision_date_in_the_active_language(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    client.force_login(world.users.approver)
    _post_decision(client, dossier)
    event = dossier.events.get(action="recognise")
    assert event.decision_day == datetime.date(2024, 12, 20)
    url = reverse("verification:dossier_detail", args=[dossier.pk])
    vietnamese = client.get(url).content.decode()
    assert "3456/QĐ-UBND (20/12/2024)" in vietnamese and "2024-12-20" not in vietnamese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3456/QĐ-UBND (20 Dec 2024)" in english


# --- create, documents, postings, findings ---------------------------------------------------------------------


def test_commune_officer_opens_a_dossier(client, world):
    client.force_login(world.users.commune)
    url = reverse("verification:dossier_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"subject_kind": "commune", "commune": world.pb[0].pk, "level": "basic", "year": 2025})
    assert response.status_code == 302
    event = DossierEvent.objects.get(action="open")
    assert event.dossier.commune == world.pb[0] and event.dossier.route == Route.DISTRICT_TIER
    response = client.post(url, {"subject_kind": "commune", "commune": world.dt[0].pk, "level": "basic", "year": 2025})
    assert response.status_code == 200 and "commune" in response.context["form"].errors


def test_readers_cannot_open_dossiers(client, world):
    for username in ["viewer", "verifier", "front"]:
        client.force_login(getattr(world.users, username))
        assert client.get(reverse("verification:dossier_add")).status_code == 403


def test_documents_and_postings(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.PUBLIC_CONSULTATION, ready=False)
    dossier.consultation_started_on = timezone.localdate() - datetime.timedelta(days=2)
    dossier.save()
    client.force_login(world.users.commune)
    client.post(
        reverse("verification:document_add", args=[dossier.pk]),
        {"kind": "results_report", "title": "Báo cáo kết quả", "file": SimpleUploadedFile("bc.pdf", b"%PDF")},
    )
    client.post(
        reverse("verification:posting_add", args=[dossier.pk]),
        {"posted_on": timezone.localdate().isoformat(), "place": "loudspeaker", "note": "Đài truyền thanh xã"},
    )
    assert dossier.documents.get().title == "Báo cáo kết quả"
    assert dossier.postings.get().note == "Đài truyền thanh xã"
    client.post(
        reverse("verification:posting_add", args=[dossier.pk]), {"posted_on": "2000-01-01", "place": "loudspeaker"}
    )
    assert dossier.postings.count() == 1  # before the consultation: refused
    client.force_login(world.users.viewer)
    response = client.post(
        reverse("verification:document_add", args=[dossier.pk]),
        {"kind": "photos", "file": SimpleUploadedFile("a.jpg", b"x")},
    )
    assert response.status_code == 403
    client.force_login(world.users.front)  # the Front files its own comments
    client.post(
        reverse("verification:document_add", args=[dossier.pk]),
        {"kind": "front_comments", "file": SimpleUploadedFile("mttq.pdf", b"%PDF")},
    )
    assert dossier.documents.filter(kind="front_comments").exists()


def test_consultation_opened_with_a_past_start_date(client, world, make_dossier):
    """The commune records when posting began (it may predate the app): postings and the period count from then."""
    dossier = make_dossier(DossierStatus.DRAFT, ready=False)
    client.force_login(world.users.commune)
    client.post(
        reverse("verification:document_add", args=[dossier.pk]),
        {"kind": "results_report", "file": SimpleUploadedFile("bc.pdf", b"%PDF")},
    )
    today = timezone.localdate()
    url = reverse("verification:dossier_transition", args=[dossier.pk, "open_consultation"])
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'name="open_consultation-started_on"' in page
    client.post(url, {"open_consultation-started_on": (today + datetime.timedelta(days=1)).isoformat()})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT  # a start in the future is refused
    start = today - datetime.timedelta(days=16)
    client.post(url, {"open_consultation-started_on": start.isoformat()})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PUBLIC_CONSULTATION and dossier.consultation_started_on == start
    for i in range(5):
        day = start + datetime.timedelta(days=3 * i)
        client.post(
            reverse("verification:posting_add", args=[dossier.pk]),
            {"posted_on": day.isoformat(), "place": "loudspeaker"},
        )
    assert dossier.postings.count() == 5
    assert gates.gate_consultation_done(dossier) == []


def test_verifier_records_findings(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, ready=False)
    client.force_login(world.users.verifier)
    client.post(reverse("verification:dossier_review", args=[dossier.pk]), {"security_status": "not_complex"})
    dossier.refresh_from_db()
    assert dossier.security_status == "not_complex"
    assert dossier.events.filter(action="review").exists()
    client.force_login(world.users.commune)
    assert (
        client.post(
            reverse("verification:dossier_review", args=[dossier.pk]), {"security_status": "complex"}
        ).status_code
        == 403
    )


# --- queues --------------------------------------------------------------------------------------------------------


def _queue_ids(client, user, role=""):
    client.force_login(user)
    response = client.get(reverse("verification:queue") + (f"?role={role}" if role else ""))
    assert response.status_code == 200
    return {row["dossier"].pk for row in response.context["rows"]}


def test_queue_scope_per_role(client, world, prov_verifier, make_dossier):
    s = DossierStatus
    pb_submitted = make_dossier(s.SUBMITTED)
    pb_verifying = make_dossier(s.UNDER_VERIFICATION, commune=world.pb[1])
    dt_submitted = make_dossier(s.SUBMITTED, commune=world.dt[0])
    verified = make_dossier(s.VERIFIED, commune=world.pb[2])
    appraising = make_dossier(s.UNDER_APPRAISAL, commune=world.dt[1])
    appraised = make_dossier(s.APPRAISED, level=StandardLevel.ADVANCED)
    revocation = make_dossier(s.REVOCATION_PROPOSED, level=StandardLevel.MODEL)
    district = make_dossier(s.SUBMITTED, route=Route.NATIONAL)
    make_dossier(s.DRAFT, commune=world.pb[1], level=StandardLevel.MODEL)
    make_dossier(s.RECOGNISED, commune=world.pb[2], level=StandardLevel.MODEL)
    assert _queue_ids(client, world.users.verifier) == {pb_submitted.pk, pb_verifying.pk}
    assert _queue_ids(client, prov_verifier) == {district.pk}  # provincial team: district dossiers (and two-tier)
    assert _queue_ids(client, world.users.appraiser) == {verified.pk, appraising.pk}
    assert _queue_ids(client, world.users.approver) == {appraised.pk, revocation.pk}
    # Superusers see every unit: their first queue (verifier) holds every dossier waiting for verification.
    assert _queue_ids(client, world.users.admin) == {pb_submitted.pk, pb_verifying.pk, dt_submitted.pk, district.pk}
    for username in ["commune", "viewer", "front", "outsider"]:
        client.force_login(getattr(world.users, username))
        assert client.get(reverse("verification:queue")).status_code == 403


def test_queue_oldest_first_with_due_date(client, world, make_dossier):
    newer = make_dossier(DossierStatus.SUBMITTED)
    older = make_dossier(DossierStatus.SUBMITTED, commune=world.pb[1])
    type(older).objects.filter(pk=older.pk).update(
        stage_entered_at=timezone.now() - datetime.timedelta(days=30),
        due_on=timezone.localdate() - datetime.timedelta(days=15),
    )
    client.force_login(world.users.verifier)
    rows = client.get(reverse("verification:queue")).context["rows"]
    assert [r["dossier"].pk for r in rows] == [older.pk, newer.pk]
    assert rows[0]["age"] == 30 and rows[0]["overdue"] and not rows[1]["overdue"]
    overdue = client.get(reverse("verification:queue") + "?overdue=true").context["rows"]
    assert [r["dossier"].pk for r in overdue] == [older.pk]
    page = client.get(reverse("verification:queue") + "?overdue=true", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="true" selected>Yes</option>' in page and "Unknown" not in page
    on_time = client.get(reverse("verification:queue") + "?overdue=false").context["rows"]
    assert [r["dossier"].pk for r in on_time] == [newer.pk]
    for everything in ["", "unknown"]:
        rows = client.get(reverse("verification:queue"), {"overdue": everything}).context["rows"]
        assert [r["dossier"].pk for r in rows] == [older.pk, newer.pk]


def test_queue_query_count_is_fixed(client, world, make_dossier):
    url = reverse("verification:queue")
    client.force_login(world.users.verifier)
    for c in _many_communes(world, 3):
        make_dossier(DossierStatus.SUBMITTED, commune=c, ready=False)
    small, _ = _count_queries(client, url)
    for c in _many_communes(world, 27):
        make_dossier(DossierStatus.UNDER_VERIFICATION, commune=c, ready=False)
    large, response = _count_queries(client, url)
    assert len(response.context["rows"]) == 30
    assert small == large


def test_bulk_approve_applies_gates_to_each(client, world, make_dossier, fakes, django_capture_on_commit_callbacks):
    good = make_dossier(DossierStatus.SUBMITTED)
    also_good = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[1])
    failing = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[2])
    fakes.debt = {world.pb[2].pk: 3_000_000}
    out_of_scope = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.dt[0])
    client.force_login(world.users.verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("verification:queue_approve"),
            {"role": "verifier", "dossiers": [good.pk, also_good.pk, failing.pk, out_of_scope.pk]},
            follow=True,
        )
    text = response.content.decode()
    for d in (good, also_good, failing, out_of_scope):
        d.refresh_from_db()
    assert (good.status, also_good.status) == (DossierStatus.VERIFIED, DossierStatus.VERIFIED)
    assert failing.status == DossierStatus.UNDER_VERIFICATION and not failing.events.exists()
    assert out_of_scope.status == DossierStatus.UNDER_VERIFICATION
    assert "construction debt" in text
    # They arrive in the appraiser's queue, who is told in-app and by email.
    assert Notification.objects.filter(recipient=world.users.appraiser, kind="arrived").count() == 2


def test_arrival_emails_the_next_office(world, make_dossier, django_capture_on_commit_callbacks):
    from verification.services import dossier_transition

    world.users.verifier.email = "thamtra@phubinh.example"
    world.users.verifier.save()
    dossier = make_dossier(DossierStatus.FRONT_SURVEY)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, action="submit", actor=world.users.commune)
    assert [m.to for m in mail.outbox] == [["thamtra@phubinh.example"]]
    assert "Tân Khánh" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=world.users.verifier).kind == "arrived"


# --- register and notifications ---------------------------------------------------------------------------------


def _recognise(commune, level, year, day, **kw):
    return Recognition.objects.create(
        subject_kind=SubjectKind.COMMUNE,
        commune=commune,
        level=level,
        year=year,
        decision_number=f"{commune.code}/{level}",
        decision_date=day,
        **kw,
    )


def test_register_scope_counts_and_as_of(client, world):
    _recognise(world.pb[0], "basic", 2015, datetime.date(2015, 12, 1))
    _recognise(world.pb[1], "basic", 2019, datetime.date(2019, 12, 1))
    _recognise(world.pb[1], "advanced", 2022, datetime.date(2022, 12, 1))
    _recognise(world.dt[0], "basic", 2020, datetime.date(2020, 12, 1), revoked_on=datetime.date(2023, 6, 1))
    Recognition.objects.create(
        subject_kind=SubjectKind.DISTRICT,
        district=world.phu_binh,
        level="basic",
        year=2022,
        decision_number="567/QĐ-TTg",
        decision_date=datetime.date(2023, 5, 22),
    )
    url = reverse("verification:register")
    client.force_login(world.users.viewer)
    counts = client.get(url + "?as_of=2022").context["counts"]
    assert counts["commune"]["basic"] == 3 and counts["commune"]["advanced"] == 1 and counts["district"]["basic"] == 0
    counts = client.get(url + "?as_of=2023").context["counts"]
    assert counts["commune"]["basic"] == 2 and counts["district"]["basic"] == 1
    client.force_login(world.users.commune)
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 1  # own commune only
    assert client.get(url + "?level=advanced").context["page_obj"].paginator.count == 0
    client.force_login(world.users.outsider)
    assert client.get(url).context["page_obj"].paginator.count == 0


def test_register_query_count_is_fixed(client, world):
    client.force_login(world.users.province)
    url = reverse("verification:register")
    for i, c in enumerate(_many_communes(world, 3)):
        _recognise(c, "basic", 2015 + i, datetime.date(2015 + i, 12, 1))
    small, _ = _count_queries(client, url)
    for i, c in enumerate(_many_communes(world, 27)):
        _recognise(c, "basic", 2011 + i % 12, datetime.date(2011 + i % 12, 12, 1))
    large, response = _count_queries(client, url)
    assert response.context["page_obj"].paginator.count == 30
    assert small == large


def test_notifications_page(client, world, make_dossier, django_capture_on_commit_callbacks):
    from verification.services import dossier_transition

    dossier = make_dossier(DossierStatus.APPRAISED)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, action="reject", actor=world.users.approver, comment="Chưa đạt tiêu chí 17")
    client.force_login(world.users.commune)
    response = client.get(reverse("verification:notifications"))
    assert "Chưa đạt tiêu chí 17" in response.content.decode()
    client.post(reverse("verification:notifications_read"))
    assert not Notification.objects.filter(recipient=world.users.commune, read_at__isnull=True).exists()


# --- admin ---------------------------------------------------------------------------------------------------------


def test_admin_status_read_only_and_actions_use_the_service(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(world.users.admin)
    page = client.get(reverse("admin:verification_dossier_change", args=[dossier.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    assert client.get(reverse("admin:verification_dossier_changelist")).status_code == 200
    client.post(
        reverse("admin:verification_dossier_changelist"),
        {"action": "transition_verify", "_selected_action": [dossier.pk]},
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.VERIFIED
    assert dossier.events.get().actor == world.users.admin
    assert client.get(reverse("admin:verification_dossierevent_changelist")).status_code == 200
    assert client.get(reverse("admin:register_recognition_changelist")).status_code == 200


def test_revocation_of_a_unit_recognised_before_the_app(client, world, django_capture_on_commit_callbacks):
    rec = _recognise(world.pb[1], "basic", 2016, datetime.date(2016, 12, 1))
    url = reverse("verification:recognition_revocation", args=[rec.pk])
    for username, code in [("viewer", 403), ("verifier", 403), ("approver", 403), ("outsider", 404)]:
        client.force_login(getattr(world.users, username))
        assert client.post(url, {"comment": "x"}).status_code == code, username
    client.force_login(world.users.appraiser)
    assert "propose revocation" in client.get(reverse("verification:register")).content.decode()
    client.post(url, {"comment": "Tiêu chí 10 (thu nhập) và 17 không còn đạt"})
    rec.refresh_from_db()
    dossier = rec.dossier
    assert dossier.status == DossierStatus.REVOCATION_PROPOSED and dossier.commune == world.pb[1]
    client.force_login(world.users.approver)
    assert dossier.pk in {r["dossier"].pk for r in client.get(reverse("verification:queue")).context["rows"]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("verification:dossier_transition", args=[dossier.pk, "revoke"]),
            {
                "revoke-comment": "Quyết định thu hồi",
                "revoke-decision_number": "99/QĐ-UBND",
                "revoke-decision_date": "2024-03-01",
                "revoke-confirmed": "1",  # issue 13: decisions are confirmed
            },
        )
    rec.refresh_from_db()
    assert (rec.revoked_on, rec.revocation_decision) == (datetime.date(2024, 3, 1), "99/QĐ-UBND")
    assert Notification.objects.filter(dossier=dossier, kind="decided").exists()


def test_hamlet_dossier_and_due_days_setting(client, world, settings, monkeypatch):
    from tests.communes.factories import HamletFactory
    from verification.models import Dossier

    settings.NTM_DUE_DAYS = {**settings.NTM_DUE_DAYS, "verification": 7}
    hamlet = HamletFactory(commune=world.pb[0], code="05797-01")
    client.force_login(world.users.commune)
    client.post(
        reverse("verification:dossier_add"),
        {"subject_kind": "hamlet", "hamlet_code": "05797-01", "level": "model", "year": 2025},
    )
    dossier = Dossier.objects.get(hamlet=hamlet)
    assert dossier.commune == world.pb[0] and str(dossier).startswith(hamlet.name)
    from verification import services

    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.FRONT_SURVEY)
    dossier.refresh_from_db()
    from verification import gates

    monkeypatch.setattr(gates, "evaluate_gates", lambda dossier, names: [])  # only the due date is under test here
    services.dossier_transition(dossier=dossier, action="submit", actor=world.users.commune)
    dossier.refresh_from_db()
    assert dossier.due_on == timezone.localdate() + datetime.timedelta(days=7)
    outside = HamletFactory(commune=world.dt[0], code="05650-01")
    response = client.post(
        reverse("verification:dossier_add"),
        {"subject_kind": "hamlet", "hamlet_code": outside.code, "level": "model", "year": 2025},
    )
    assert "hamlet_code" in response.context["form"].errors


def test_event_keeps_the_attached_document(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(world.users.verifier)
    client.post(
        reverse("verification:dossier_transition", args=[dossier.pk, "verify"]),
        {"verify-document": SimpleUploadedFile("bbtt.pdf", b"%PDF"), "verify-document_kind": "verification_report"},
    )
    event = dossier.events.get(action="verify")
    assert [d.kind for d in event.documents.all()] == ["verification_report"]


def test_timeline_notification_and_email_name_people_in_vietnamese_order(
    client, world, make_dossier, django_capture_on_commit_callbacks, mailoutbox
):
    from core.people import split_full_name

    verifier = world.users.verifier
    verifier.last_name, verifier.first_name = split_full_name("Phạm Thẩm Tra")
    verifier.save()
    world.users.commune.email = "xa@tankhanh.gov.vn"
    world.users.commune.save()
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("verification:dossier_transition", args=[dossier.pk, "return"]),
            {"return-comment": "Thiếu biên bản họp thôn"},
        )
    client.force_login(world.users.commune)
    pages = [
        client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode(),
        client.get(reverse("verification:notifications")).content.decode(),
        *[m.body for m in mailoutbox],
    ]
    assert len(pages) == 3
    for text in pages:
        assert "Phạm Thẩm Tra" in text and "Tra Phạm Thẩm" not in text
