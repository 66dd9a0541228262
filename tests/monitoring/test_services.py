"""Services: survey validation and rates, who may write what (the Front writes only surveys, supervision and
critiques), the finding cycle, critiques, residents' comments and moderation. Refusals write nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from criteria import services as criteria_services
from monitoring import selectors, services
from monitoring.choices import FindingStatus, Moderation, ReportSubject, Severity, SurveyStatus
from monitoring.models import Critique, Finding, PublicComment, SatisfactionSurvey, SupervisionReport, SurveyHamletRow
from tests.verification.factories import assessment as make_assessment
from verification import gates
from verification import services as verification_services
from verification.choices import DossierStatus
from verification.models import DossierEvent

from .conftest import rows

TODAY = timezone.localdate()


# --- surveys -------------------------------------------------------------------------------------------------------


def test_survey_rate_is_computed_from_hamlet_rows(world, hamlets, dossier, survey):
    d = dossier()
    s = survey(d, hamlets["pb"], (100, 90, 85), (50, 50, 47), (30, 20, 20))
    totals = selectors.access_survey_by_id(user=world.users.front, pk=s.pk)
    assert (totals.total_households, totals.total_returned, totals.total_satisfied) == (180, 160, 152)
    assert selectors.dossier_satisfaction_rate(dossier=d) == Decimal("95.00")  # 152 / 160
    assert s.status == SurveyStatus.COMPLETED and s.completed_at is not None


def test_rate_comes_from_the_latest_completed_survey_only(world, hamlets, dossier, survey):
    d = dossier()
    assert selectors.dossier_satisfaction_rate(dossier=d) is None
    survey(d, hamlets["pb"][:1], (100, 100, 80), days_ago=30)
    survey(d, hamlets["pb"][:1], (100, 100, 99), days_ago=1, complete=False)  # still being collected
    assert selectors.dossier_satisfaction_rate(dossier=d) == Decimal("80.00")
    survey(d, hamlets["pb"][:1], (200, 150, 141), days_ago=5)
    assert selectors.dossier_satisfaction_rate(dossier=d) == Decimal("94.00")


def test_the_workflow_gate_reads_the_real_rate(world, hamlets, dossier, survey):
    d = dossier()
    assert gates.gate_satisfaction(d) == ["No Front satisfaction survey is recorded for this dossier."]
    survey(d, hamlets["pb"][:1], (100, 100, 85))
    reasons = gates.gate_satisfaction(d)
    assert len(reasons) == 1 and "85" in reasons[0] and "90" in reasons[0]
    survey(d, hamlets["pb"][:1], (100, 100, 92), days_ago=0)
    assert gates.gate_satisfaction(d) == []


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ((100, 90, 95), "Row 1 (Xóm Đồng): 95 satisfied but only 90 forms returned."),
        ((80, 90, 10), "Row 1 (Xóm Đồng): 90 forms returned but only 80 households surveyed."),
        ((80, -1, 0), "Row 1 (Xóm Đồng): enter whole numbers of zero or more."),
    ],
)
def test_survey_refuses_impossible_rows_and_writes_nothing(world, hamlets, dossier, survey, numbers, message):
    d = dossier()
    with pytest.raises(ValidationError) as exc:
        survey(d, hamlets["pb"], (10, 10, 10), numbers)
    assert [m.replace("Row 2", "Row 1").replace("Xóm Trại", "Xóm Đồng") for m in exc.value.messages] == [message]
    assert SatisfactionSurvey.objects.count() == 0 and SurveyHamletRow.objects.count() == 0


def test_survey_refuses_hamlets_outside_the_dossier_and_repeats(world, hamlets, dossier):
    d = dossier()
    bad = [
        services.SurveyRow(hamlets["pb"][0], 10, 10, 9),
        services.SurveyRow(hamlets["dt"][0], 10, 10, 9),
        services.SurveyRow(hamlets["pb"][0], 5, 5, 5),
    ]
    with pytest.raises(ValidationError) as exc:
        services.survey_create(
            dossier=d, actor=world.users.front, period_start=TODAY, period_end=TODAY, rows=bad, complete=True
        )
    assert exc.value.messages == [
        "Row 2 (Xóm Núi): this hamlet is not in Xã Tân Khánh.",
        "Row 3 (Xóm Đồng): this hamlet already has a row.",
    ]
    assert SatisfactionSurvey.objects.count() == 0


def test_completed_survey_needs_rows_and_returned_forms(world, hamlets, dossier, survey):
    d = dossier()
    with pytest.raises(ValidationError, match="at least one hamlet row"):
        survey(d, [])
    with pytest.raises(ValidationError, match="rate cannot be computed"):
        survey(d, hamlets["pb"][:1], (10, 0, 0))
    s = survey(d, hamlets["pb"][:1], (10, 0, 0), complete=False)  # a survey being collected may be empty
    assert s.status == SurveyStatus.IN_PROGRESS


def test_period_must_be_ordered(world, hamlets, dossier):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.survey_create(
            dossier=dossier(),
            actor=world.users.front,
            period_start=TODAY,
            period_end=TODAY - datetime.timedelta(days=1),
            rows=rows(hamlets["pb"], (10, 10, 10)),
        )


def test_survey_update_replaces_rows_and_keeps_history(world, hamlets, dossier, survey):
    d = dossier()
    s = survey(d, hamlets["pb"], (100, 90, 85), (50, 50, 47), complete=False)
    services.survey_update(
        survey=s,
        actor=world.users.front,
        period_start=s.period_start,
        period_end=s.period_end,
        rows=rows(hamlets["pb"][1:], (60, 50, 49)),
        complete=True,
    )
    assert list(s.rows.values_list("hamlet__name", "satisfied")) == [("Xóm Trại", 49)]
    assert selectors.dossier_satisfaction_rate(dossier=d) == Decimal("98.00")
    assert [h.status for h in s.history.order_by("history_id")] == [SurveyStatus.IN_PROGRESS, SurveyStatus.COMPLETED]
    assert SurveyHamletRow.history.filter(history_type="-").count() == 1  # the removed row is in the history


@pytest.mark.parametrize("username", ["commune", "district", "province", "verifier", "appraiser", "approver", "viewer"])
def test_only_the_front_enters_surveys(world, hamlets, dossier, survey, username):
    with pytest.raises(PermissionDenied):
        survey(dossier(), hamlets["pb"], (10, 10, 10), actor=getattr(world.users, username))
    assert SatisfactionSurvey.objects.count() == 0


def test_front_outside_its_area_gets_404(world, hamlets, dossier, survey, district_front):
    survey(dossier(), hamlets["pb"], (10, 10, 10), actor=district_front)  # Phú Bình: its own district
    with pytest.raises(Http404):
        survey(dossier(commune=world.dt[0]), hamlets["dt"], (10, 10, 10), actor=district_front)
    with pytest.raises(Http404):
        survey(dossier(year=2023), hamlets["pb"], (10, 10, 10), actor=world.users.outsider)
    assert SatisfactionSurvey.objects.count() == 1


@pytest.mark.parametrize(
    "status", [DossierStatus.SUBMITTED, DossierStatus.UNDER_VERIFICATION, DossierStatus.RECOGNISED]
)
def test_surveys_are_frozen_once_the_dossier_left_the_commune(world, hamlets, dossier, survey, status):
    with pytest.raises(ValidationError, match="while the commune prepares the dossier"):
        survey(dossier(status), hamlets["pb"], (10, 10, 10))


# --- the Front cannot change assessments or move dossiers ------------------------------------------------------


def test_front_cannot_change_assessments(world):
    """The service refuses; the pages (values, lock, unlock) answer 403: see test_views."""
    a = make_assessment(world.pb[0], year=2024)
    with pytest.raises(PermissionDenied):
        criteria_services.assessment_values_save(assessment=a, entries={}, actor=world.users.front)
    assert a.history.count() == 1


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (DossierStatus.DRAFT, "open_consultation"),
        (DossierStatus.PUBLIC_CONSULTATION, "close_consultation"),
        (DossierStatus.FRONT_SURVEY, "submit"),
        (DossierStatus.SUBMITTED, "start_verification"),
        (DossierStatus.UNDER_VERIFICATION, "return"),
    ],
)
def test_front_cannot_move_dossiers(world, dossier, status, action):
    d = dossier(status)
    with pytest.raises(PermissionDenied):
        verification_services.dossier_transition(dossier=d, action=action, actor=world.users.front, comment="x")
    d.refresh_from_db()
    assert d.status == status
    assert not DossierEvent.objects.filter(dossier=d).exists()


# --- supervision -------------------------------------------------------------------------------------------------


def _report(world, *, actor=None, **kw):
    kw.setdefault("subject_kind", ReportSubject.COMMUNE)
    if kw["subject_kind"] == ReportSubject.COMMUNE:
        kw.setdefault("commune", world.pb[0])
    return services.supervision_report_create(
        actor=actor or world.users.front,
        title="Giám sát tiêu chí môi trường",
        period_start=TODAY - datetime.timedelta(days=30),
        period_end=TODAY,
        **kw,
    )


def _finding(world, report, **kw):
    return services.finding_add(
        report=report,
        actor=world.users.front,
        severity=kw.pop("severity", Severity.HIGH),
        description="Thu gom rác chưa đạt",
        recommendation="Tăng tần suất thu gom",
        **kw,
    )


def test_report_on_a_dossier_copies_its_unit(world, dossier):
    d = dossier(commune=world.pb[1])
    report = _report(world, subject_kind=ReportSubject.DOSSIER, dossier=d)
    assert (report.commune, report.district, report.province) == (world.pb[1], world.phu_binh, world.province)


@pytest.mark.parametrize("username", ["commune", "district", "province", "verifier", "viewer"])
def test_only_the_front_files_reports_and_findings(world, username):
    with pytest.raises(PermissionDenied):
        _report(world, actor=getattr(world.users, username))
    report = _report(world)
    with pytest.raises(PermissionDenied):
        services.finding_add(
            report=report,
            actor=getattr(world.users, username),
            severity=Severity.LOW,
            description="x",
            recommendation="y",
        )
    assert SupervisionReport.objects.count() == 1 and Finding.objects.count() == 0


def test_report_outside_the_area_is_404(world, district_front):
    with pytest.raises(Http404):
        _report(world, actor=district_front, commune=world.dt[0])
    with pytest.raises(Http404):
        _report(world, actor=world.users.outsider)


def test_finding_cycle_office_answers_front_closes(world):
    finding = _finding(world, _report(world))
    with pytest.raises(PermissionDenied):
        services.finding_respond(finding=finding, actor=world.users.front, response="x")
    with pytest.raises(PermissionDenied):
        services.finding_respond(finding=finding, actor=world.users.viewer, response="x")
    with pytest.raises(ValidationError):
        services.finding_respond(finding=finding, actor=world.users.commune, response="  ")
    finding = services.finding_respond(finding=finding, actor=world.users.commune, response="Đã bố trí xe thu gom")
    assert finding.status == FindingStatus.ANSWERED and finding.responded_by == world.users.commune
    with pytest.raises(PermissionDenied):
        services.finding_close(finding=finding, actor=world.users.commune)
    with pytest.raises(ValidationError, match="Say why"):
        services.finding_reopen(finding=finding, actor=world.users.front, note="")
    finding = services.finding_close(finding=finding, actor=world.users.front, note="Đã kiểm tra")
    assert finding.status == FindingStatus.CLOSED
    with pytest.raises(ValidationError, match="Closed by the Front"):
        services.finding_respond(finding=finding, actor=world.users.commune, response="more")
    finding = services.finding_reopen(finding=finding, actor=world.users.front, note="Chưa khắc phục hết")
    assert finding.status == FindingStatus.OPEN and finding.closed_at is None
    assert finding.history.count() == 4


def test_named_office_answers_alone(world):
    office = world.users.district.memberships.get().office
    finding = _finding(world, _report(world), concerned_office=office)
    with pytest.raises(PermissionDenied):
        services.finding_respond(finding=finding, actor=world.users.commune, response="x")
    services.finding_respond(finding=finding, actor=world.users.district, response="Huyện đã chỉ đạo")


def test_finding_out_of_scope_is_404(world):
    finding = _finding(world, _report(world, commune=world.dt[0]))
    with pytest.raises(Http404):
        services.finding_respond(finding=finding, actor=world.users.commune, response="x")


# --- critiques ---------------------------------------------------------------------------------------------------


def test_critiques_front_only(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    services.critique_add(dossier=d, actor=world.users.front, text="Đề nghị làm rõ nguồn vốn")
    for username in ["commune", "verifier", "viewer"]:
        with pytest.raises(PermissionDenied):
            services.critique_add(dossier=d, actor=getattr(world.users, username), text="x")
    with pytest.raises(ValidationError):
        services.critique_add(dossier=d, actor=world.users.front, text="   ")
    with pytest.raises(ValidationError, match="closed"):
        services.critique_add(dossier=dossier(DossierStatus.REJECTED, year=2023), actor=world.users.front, text="x")
    assert Critique.objects.count() == 1


# --- residents' comments -------------------------------------------------------------------------------------


def test_public_comment_refusals(world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    with pytest.raises(ValidationError, match="Write your comment"):
        services.public_comment_submit(dossier=d, text="   ")
    with pytest.raises(ValidationError, match="2001 characters long; at most 2000"):
        services.public_comment_submit(dossier=d, text="a" * 2001)
    with pytest.raises(Http404):
        services.public_comment_submit(dossier=dossier(DossierStatus.DRAFT, year=2023), text="ok")
    assert PublicComment.objects.count() == 0
    c = services.public_comment_submit(dossier=d, text=" Đường xóm tốt ", author_name="")
    assert c.text == "Đường xóm tốt" and c.outcome == Moderation.PENDING


def test_public_comment_refused_after_the_consultation_ended(world, dossier, settings):
    settings.NTM_CONSULTATION_DAYS = 15
    today = timezone.localdate()
    last_day = dossier(DossierStatus.PUBLIC_CONSULTATION, consultation_started_on=today - datetime.timedelta(days=14))
    over = dossier(
        DossierStatus.PUBLIC_CONSULTATION,
        commune=world.pb[1],
        consultation_started_on=today - datetime.timedelta(days=15),
    )
    ended = today.strftime("%d/%m/%Y")
    with pytest.raises(services.ConsultationClosed) as refused:
        services.public_comment_submit(dossier=over, text="Ý kiến gửi muộn")
    assert refused.value.messages == [f"The consultation ended on {ended}; comments are no longer accepted."]
    assert isinstance(refused.value, ValidationError)
    assert PublicComment.objects.count() == 0
    assert selectors.consultation_closed(over.consultation_started_on)
    assert not selectors.consultation_closed(last_day.consultation_started_on)  # day 15 is still open
    assert services.public_comment_submit(dossier=last_day, text="Kịp hạn").dossier_id == last_day.pk


def test_moderation_by_the_commune_office(world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    c = services.public_comment_submit(dossier=d, text="Cần thêm đèn đường")
    for username in ["front", "verifier", "viewer"]:
        with pytest.raises(PermissionDenied):
            services.public_comment_moderate(
                comment=c, actor=getattr(world.users, username), outcome=Moderation.ACCEPTED
            )
    other = dossier(DossierStatus.PUBLIC_CONSULTATION, commune=world.dt[0])
    c2 = services.public_comment_submit(dossier=other, text="x")
    with pytest.raises(Http404):
        services.public_comment_moderate(comment=c2, actor=world.users.commune, outcome=Moderation.ACCEPTED)
    with pytest.raises(ValidationError, match="explanation"):
        services.public_comment_moderate(comment=c, actor=world.users.commune, outcome=Moderation.EXPLAINED)
    with pytest.raises(ValidationError):
        services.public_comment_moderate(comment=c, actor=world.users.commune, outcome=Moderation.PENDING)
    c = services.public_comment_moderate(
        comment=c, actor=world.users.commune, outcome=Moderation.EXPLAINED, reply="Đã có kế hoạch năm 2025"
    )
    assert (c.outcome, c.moderated_by) == (Moderation.EXPLAINED, world.users.commune) and c.moderated_at


def test_throttle_counts_per_address_per_hour(settings):
    settings.NTM_PUBLIC_COMMENTS_PER_HOUR = 2
    assert services.public_comment_allowed(client_ip="10.0.0.1")
    assert services.public_comment_allowed(client_ip="10.0.0.1")
    assert not services.public_comment_allowed(client_ip="10.0.0.1")
    assert services.public_comment_allowed(client_ip="10.0.0.2")
