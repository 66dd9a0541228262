"""Pages: scope per role, the Front reads everything in its area and writes only its own records, forms refuse
bad input with messages, query counts do not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.choices import FindingStatus, Moderation, ReportSubject, Severity
from monitoring.models import Critique, Finding, PublicComment, SatisfactionSurvey, SupervisionReport
from offices.choices import OfficeKind, Role
from tests.communes.factories import CommuneFactory, HamletFactory
from tests.offices.factories import MembershipFactory, OfficeFactory
from tests.verification.factories import assessment as make_assessment
from verification.choices import DossierStatus

from .conftest import rows

TODAY = timezone.localdate()
INDEX = reverse("monitoring:index")


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def _report(world, commune=None, dossier=None):
    return services.supervision_report_create(
        actor=world.users.front,
        subject_kind=ReportSubject.DOSSIER if dossier else ReportSubject.COMMUNE,
        commune=None if dossier else (commune or world.pb[0]),
        dossier=dossier,
        title="Giám sát",
        period_start=TODAY - datetime.timedelta(days=10),
        period_end=TODAY,
    )


def _finding(world, report, **kw):
    return services.finding_add(
        report=report,
        actor=world.users.front,
        severity=Severity.HIGH,
        description="Phát hiện",
        recommendation="Kiến nghị",
        **kw,
    )


def _populate(world, dossier, n, tag):
    """n communes in Phú Bình, each with a hamlet, a dossier in consultation with a completed survey, a critique,
    a report with a finding and a comment awaiting moderation."""
    made = []
    for i in range(n):
        commune = CommuneFactory(name=f"Xã {tag} {i}", district=world.phu_binh)
        hamlet = HamletFactory(commune=commune)
        d = dossier(DossierStatus.FRONT_SURVEY, commune=commune, due_on=TODAY - datetime.timedelta(days=1))
        services.survey_create(
            dossier=d,
            actor=world.users.front,
            period_start=TODAY,
            period_end=TODAY,
            rows=rows([hamlet], (100, 90, 88)),
            complete=True,
        )
        services.critique_add(dossier=d, actor=world.users.front, text="Phản biện")
        _finding(world, _report(world, dossier=d), respond_by=TODAY)
        _finding(world, _report(world, commune=commune))
        make_assessment(commune, year=2023)
        PublicComment.objects.create(dossier=d, text="Ý kiến")
        made.append(d)
    return made


# --- overview ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "dossiers", "communes"),
    [
        ("front", 2, 5),
        ("pb_front", 1, 3),
        ("viewer", 2, 5),
        ("verifier", 1, 3),
        ("commune", 1, 1),
        ("outsider", 0, 0),
    ],
)
def test_overview_scope_per_role(client, world, dossier, district_front, username, dossiers, communes):
    dossier(DossierStatus.UNDER_VERIFICATION)
    dossier(DossierStatus.PUBLIC_CONSULTATION, commune=world.dt[0])
    dossier(DossierStatus.RECOGNISED, commune=world.dt[1])  # decided: not "under way"
    user = district_front if username == "pb_front" else getattr(world.users, username)
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert len(response.context["dossiers"]) == dossiers
    assert response.context["page_obj"].paginator.count == communes


def test_overview_shows_what_is_overdue(client, world, dossier, hamlets):
    late = dossier(DossierStatus.UNDER_VERIFICATION, due_on=TODAY - datetime.timedelta(days=2))
    dossier(
        DossierStatus.PUBLIC_CONSULTATION,
        commune=world.dt[0],
        consultation_started_on=TODAY - datetime.timedelta(days=40),
    )
    report = _report(world)
    _finding(world, report, respond_by=TODAY + datetime.timedelta(days=3))
    overdue = _finding(world, report)
    Finding.objects.filter(pk=overdue.pk).update(respond_by=TODAY - datetime.timedelta(days=1))
    client.force_login(world.users.front)
    response = client.get(INDEX)
    counts = response.context["counts"]
    assert (counts["active"], counts["overdue"], counts["consultation_overrun"]) == (2, 1, 1)
    assert counts["unresolved_findings"] == 2
    assert [f.pk for f in response.context["overdue_findings"]] == [overdue.pk]
    assert [r["dossier"].pk for r in response.context["dossiers"] if r["overdue"]] == [late.pk]


def test_overview_query_count_is_fixed(client, world, dossier):
    client.force_login(world.users.front)
    _populate(world, dossier, 3, "A")
    small, _ = _queries(client, INDEX)
    _populate(world, dossier, 27, "B")
    large, response = _queries(client, INDEX)
    assert len(response.context["dossiers"]) == 30
    assert all(r["rate"] is not None for r in response.context["dossiers"])
    assert small == large


@pytest.mark.parametrize(
    ("url_name", "username"),
    [
        ("monitoring:survey_list", "front"),
        ("monitoring:report_list", "front"),
        ("monitoring:finding_list", "commune"),
        ("monitoring:finding_list", "front"),
        ("monitoring:comment_queue", "province"),
    ],
)
def test_lists_query_count_is_fixed(client, world, dossier, url_name, username):
    client.force_login(getattr(world.users, username))
    _populate(world, dossier, 3, "A")
    if username == "commune":  # the commune office sees findings on its own commune
        for _ in range(3):
            _finding(world, _report(world))
    small, _ = _queries(client, reverse(url_name))
    _populate(world, dossier, 27, "B")
    if username == "commune":
        for _ in range(27):
            _finding(world, _report(world))
    large, response = _queries(client, reverse(url_name))
    assert response.context["page_obj"].paginator.count >= 30
    assert small == large


def test_dossier_monitoring_page_query_count_is_fixed(client, world, dossier, hamlets):
    d = dossier(DossierStatus.FRONT_SURVEY)
    client.force_login(world.users.front)

    def add(n):
        for _ in range(n):
            services.survey_create(
                dossier=d,
                actor=world.users.front,
                period_start=TODAY,
                period_end=TODAY,
                rows=rows(hamlets["pb"], (10, 9, 8), (20, 20, 19)),
                complete=True,
            )
            services.critique_add(dossier=d, actor=world.users.front, text="Phản biện")
            _finding(world, _report(world, dossier=d))

    add(3)
    small, _ = _queries(client, reverse("monitoring:dossier", args=[d.pk]))
    add(27)
    large, response = _queries(client, reverse("monitoring:dossier", args=[d.pk]))
    assert len(response.context["surveys"]) == 30
    assert small == large


# --- the dossier's monitoring page and the snippets -------------------------------------------------------------


def test_dossier_page_per_role(client, world, dossier, hamlets):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    _finding(world, _report(world, dossier=d))
    services.critique_add(dossier=d, actor=world.users.front, text="Đề nghị làm rõ nguồn vốn")
    url = reverse("monitoring:dossier", args=[d.pk])
    client.force_login(world.users.verifier)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "Phát hiện" in body and "Đề nghị làm rõ nguồn vốn" in body
    assert not response.context["can_critique"] and not response.context["can_survey"]
    client.force_login(world.users.front)
    assert client.get(url).context["can_critique"]
    for username in ["outsider"]:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == 404
    client.force_login(world.users.commune)
    other = dossier(DossierStatus.DRAFT, commune=world.dt[0])
    assert client.get(reverse("monitoring:dossier", args=[other.pk])).status_code == 404


def test_snippet_tags_for_the_dossier_page(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    report = _report(world, dossier=d)
    open_ = _finding(world, report)
    closed = services.finding_add(
        report=report, actor=world.users.front, severity=Severity.LOW, description="Đã xong", recommendation="-"
    )
    services.finding_close(finding=closed, actor=world.users.front)
    services.critique_add(dossier=d, actor=world.users.front, text="Phản biện số một")
    html = Template(
        "{% load monitoring_tags %}{% dossier_findings dossier %}{% dossier_critiques dossier %}"
        "{% comment_summary dossier %}{% satisfaction_rate dossier %}"
    ).render(Context({"dossier": d}))
    assert open_.description in html and "Đã xong" not in html
    assert "Phản biện số một" in html
    assert 'id="comment-summary"' in html


# --- surveys through the page ------------------------------------------------------------------------------------


def test_survey_form_access(client, world, dossier, hamlets, district_front):
    d = dossier(DossierStatus.FRONT_SURVEY)
    url = reverse("monitoring:survey_add", args=[d.pk])
    client.force_login(world.users.front)
    response = client.get(url)
    assert response.status_code == 200 and "Xóm Trại" in response.content.decode()
    for username in ["commune", "verifier", "viewer", "province"]:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == 403, username
        assert client.post(url, {}).status_code == 403, username
    other = dossier(DossierStatus.FRONT_SURVEY, commune=world.dt[0])
    client.force_login(district_front)
    assert client.get(reverse("monitoring:survey_add", args=[other.pk])).status_code == 404
    client.force_login(world.users.outsider)
    assert client.get(url).status_code == 404


def _post_data(hamlets, lines, complete=True):
    data = {"period_start": TODAY.isoformat(), "period_end": TODAY.isoformat()}
    if complete:
        data["complete"] = "on"
    for hamlet, (surveyed, returned, satisfied) in zip(hamlets, lines, strict=False):
        data[f"h{hamlet.pk}_households_surveyed"] = surveyed
        data[f"h{hamlet.pk}_forms_returned"] = returned
        data[f"h{hamlet.pk}_satisfied"] = satisfied
    return data


def test_survey_form_saves_vietnamese_numbers(client, world, dossier, hamlets):
    d = dossier(DossierStatus.FRONT_SURVEY)
    client.force_login(world.users.front)
    data = _post_data(hamlets["pb"], [("1.200", "1.150", "1.100"), ("", "", "")])
    response = client.post(reverse("monitoring:survey_add", args=[d.pk]), data)
    assert response.status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert list(survey.rows.values_list("households_surveyed", "forms_returned", "satisfied")) == [(1200, 1150, 1100)]
    detail = client.get(response.url)
    assert "95,65%" in detail.content.decode()  # 1100 / 1150, shown the Vietnamese way


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([(100, 90, 95)], "Row 1 (Xóm Đồng): 95 satisfied but only 90 forms returned."),
        ([(100, 120, 95)], "Row 1 (Xóm Đồng): 120 forms returned but only 100 households surveyed."),
        ([(100, "abc", 95)], "Row 1 (Xóm Đồng), forms returned: enter a whole number of zero or more."),
        ([(100, 90, "")], "Row 1 (Xóm Đồng), satisfied: enter a whole number of zero or more."),
    ],
)
def test_survey_form_refuses_with_a_message(client, world, dossier, hamlets, lines, message):
    d = dossier(DossierStatus.FRONT_SURVEY)
    client.force_login(world.users.front)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("monitoring:survey_add", args=[d.pk]), _post_data(hamlets["pb"], lines), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SatisfactionSurvey.objects.count() == 0


def test_survey_edit_after_submission_is_refused(client, world, dossier, hamlets, survey):
    d = dossier(DossierStatus.FRONT_SURVEY)
    s = survey(d, hamlets["pb"], (10, 10, 10))
    d.status = DossierStatus.SUBMITTED
    d.save()
    client.force_login(world.users.front)
    response = client.post(reverse("monitoring:survey_edit", args=[s.pk]), _post_data(hamlets["pb"], [(10, 10, 1)]))
    assert response.status_code == 200
    assert s.rows.get().satisfied == 10
    assert not client.get(reverse("monitoring:survey_detail", args=[s.pk])).context["can_edit"]


# --- the Front writes only its own records -------------------------------------------------------------------------


def test_front_pages_cannot_move_dossiers_or_change_scorecards(client, world, dossier):
    d = dossier(DossierStatus.FRONT_SURVEY)
    a = make_assessment(world.pb[0], year=2024)
    client.force_login(world.users.front)
    for action in ["submit", "close_consultation", "return", "verify"]:
        response = client.post(
            reverse("verification:dossier_transition", args=[d.pk, action]), {f"{action}-comment": "x"}
        )
        assert response.status_code == 403, action
    assert client.post(reverse("criteria:assessment_lock", args=[a.pk]), {"reason": "x"}).status_code == 403
    values = reverse("criteria:values_edit", args=[world.pb[0].code, 2024, "basic"])
    assert client.get(values).status_code == 403
    assert client.post(values, {}).status_code == 403
    d.refresh_from_db()
    a.refresh_from_db()
    assert d.status == DossierStatus.FRONT_SURVEY and a.locked_at is None


def test_critique_through_the_page(client, world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    url = reverse("monitoring:critique_add", args=[d.pk])
    client.force_login(world.users.commune)
    assert client.post(url, {"text": "x"}).status_code == 403
    client.force_login(world.users.front)
    assert client.post(url, {"text": ""}).status_code == 302
    assert Critique.objects.count() == 0
    assert client.post(url, {"text": "Đề nghị công khai"}).status_code == 302
    assert Critique.objects.get().author == world.users.front


def test_reports_and_findings_through_the_pages(client, world, dossier):
    client.force_login(world.users.commune)
    assert client.get(reverse("monitoring:report_add")).status_code == 403
    client.force_login(world.users.front)
    data = {
        "subject_kind": ReportSubject.COMMUNE,
        "commune": world.pb[0].pk,
        "title": "Giám sát môi trường",
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY - datetime.timedelta(days=1)).isoformat(),
    }
    response = client.post(reverse("monitoring:report_add"), data)
    assert response.status_code == 200 and SupervisionReport.objects.count() == 0
    data["period_end"] = TODAY.isoformat()
    response = client.post(reverse("monitoring:report_add"), data)
    report = SupervisionReport.objects.get()
    assert response.url == reverse("monitoring:report_detail", args=[report.pk])
    client.post(
        reverse("monitoring:finding_add", args=[report.pk]),
        {"severity": Severity.MEDIUM, "description": "Rác chưa thu gom", "recommendation": "Thu gom"},
    )
    finding = Finding.objects.get()
    close = reverse("monitoring:finding_action", args=[finding.pk, "close"])
    respond = reverse("monitoring:finding_action", args=[finding.pk, "respond"])
    assert client.post(respond, {"response": "x"}).status_code == 403
    client.force_login(world.users.commune)
    assert client.get(reverse("monitoring:report_detail", args=[report.pk])).status_code == 200
    assert client.post(close, {}).status_code == 403
    assert client.post(respond, {"response": "Đã khắc phục"}).status_code == 302
    client.force_login(world.users.front)
    client.post(close, {"note": "Đạt"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.response == "Đã khắc phục"
    office = OfficeFactory(kind=OfficeKind.COMMUNE, province=world.province, district=world.dai_tu, commune=world.dt[0])
    client.force_login(MembershipFactory(office=office, role=Role.EDITOR).user)
    assert client.get(reverse("monitoring:report_detail", args=[report.pk])).status_code == 404
    assert client.post(respond, {"response": "x"}).status_code == 404


def test_moderation_pages(client, world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    comment = services.public_comment_submit(dossier=d, text="Ý kiến")
    other = services.public_comment_submit(
        dossier=dossier(DossierStatus.PUBLIC_CONSULTATION, commune=world.dt[0]), text="Ý kiến khác"
    )
    url = reverse("monitoring:comment_moderate", args=[comment.pk])
    client.force_login(world.users.front)
    assert client.get(reverse("monitoring:comment_queue")).status_code == 403
    assert client.post(url, {"outcome": Moderation.ACCEPTED}).status_code == 403
    client.force_login(world.users.commune)
    response = client.get(reverse("monitoring:comment_queue"))
    assert [c.pk for c in response.context["page_obj"]] == [comment.pk]
    assert (
        client.post(reverse("monitoring:comment_moderate", args=[other.pk]), {"outcome": "accepted"}).status_code == 404
    )
    assert client.post(url, {"outcome": Moderation.ACCEPTED}).status_code == 302
    comment.refresh_from_db()
    assert comment.outcome == Moderation.ACCEPTED and comment.moderated_by == world.users.commune


def test_report_page_query_count_is_fixed(client, world):
    office = world.users.district.memberships.get().office
    report = _report(world)
    client.force_login(world.users.district)
    url = reverse("monitoring:report_detail", args=[report.pk])
    for _ in range(3):
        _finding(world, report, concerned_office=office)
    small, _ = _queries(client, url)
    for _ in range(27):
        _finding(world, report, concerned_office=office)
    large, response = _queries(client, url)
    assert len(response.context["findings"]) == 30 and all(f.can_respond for f in response.context["findings"])
    assert small == large
