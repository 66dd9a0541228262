"""Issue 13: the recognition procedure as offices run it. Each rule met and unmet: the appraisal council's vote
(threshold a setting), the decision with its signed copy and a confirmation, the verification report and its
publication, district conditions (320 Annex I; towns by Annex II), the central appraisal of a district, the
prerequisites from the register, the plan registration warning and the Front's serious findings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from communes.choices import CommuneType, DistrictType
from criteria.choices import StandardLevel, SubjectKind
from register.models import Recognition
from tests.communes.factories import CommuneFactory, DistrictFactory
from verification import gates, services
from verification.choices import DocumentKind, DossierStatus, Route, find_transition
from verification.models import Appraisal, DossierEvent, ReportPublication

from .conftest import appraisal, make_council

DECISION = {"decision_number": "77/QĐ-UBND", "decision_date": datetime.date(2025, 1, 10), "signer": "Chủ tịch"}


def _gate(dossier, name):
    [result] = gates.evaluate_gates(type(dossier).objects.get(pk=dossier.pk), [name])
    return result


def _pdf(name="signed.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed")


def _recognise(commune, level, year=2020, **kw):
    return Recognition.objects.create(
        subject_kind=SubjectKind.COMMUNE,
        commune=commune,
        level=level,
        year=year,
        decision_number=f"{commune.code}/{level}/{year}",
        decision_date=datetime.date(year, 12, 1),
        **kw,
    )


# --- the appraisal council --------------------------------------------------------------------------------------


def test_appraisal_needs_the_council_record_minutes_and_a_majority(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL)
    assert _gate(dossier, "appraisal_vote").ok
    Appraisal.objects.filter(dossier=dossier).delete()
    assert "not recorded" in _gate(dossier, "appraisal_vote").reasons[0]
    appraisal(dossier, world.users.appraiser, votes_for=2, present=5)
    reasons = _gate(dossier, "appraisal_vote").reasons
    assert reasons and "2 of 5" in reasons[0] and "50" in reasons[0]
    appraisal(dossier, world.users.appraiser, votes_for=3, present=5)  # 3/5 > half
    assert _gate(dossier, "appraisal_vote").ok
    appraisal(dossier, world.users.appraiser, votes_for=3, present=6)  # exactly half is not more than half
    assert not _gate(dossier, "appraisal_vote").ok
    dossier.documents.filter(kind=DocumentKind.APPRAISAL_MINUTES).delete()
    appraisal(dossier, world.users.appraiser, votes_for=5, present=5)
    assert "minutes" in " ".join(_gate(dossier, "appraisal_vote").reasons)


@override_settings(NTM_APPRAISAL_MAJORITY_PERCENT=75)
def test_vote_threshold_is_a_setting(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL)
    appraisal(dossier, world.users.appraiser, votes_for=3, present=4)  # 75%: not more than 75%
    assert "75" in _gate(dossier, "appraisal_vote").reasons[0]
    appraisal(dossier, world.users.appraiser, votes_for=4, present=4)
    assert _gate(dossier, "appraisal_vote").ok


def test_appraise_is_refused_without_a_vote_and_writes_nothing(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL)
    Appraisal.objects.filter(dossier=dossier).update(votes_for=1)
    events = DossierEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_transition(dossier=dossier, action="appraise", actor=world.users.appraiser)
    assert "Appraisal council" in " ".join(excinfo.value.messages)
    assert DossierEvent.objects.count() == events


def test_appraisal_record_service(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL, ready=False)
    council = make_council(world.province, members=5)
    today = timezone.localdate()
    args = {"council": council, "inspected_on": today - datetime.timedelta(days=2), "meeting_on": today}
    for bad, field in [
        ({"members_present": 5, "votes_for": 4, "votes_against": 2}, "votes_for"),  # more votes than present
        ({"members_present": 7, "votes_for": 7}, "members_present"),  # more present than members
        ({"members_present": 5, "votes_for": 5, "meeting_on": None}, "meeting_on"),
        ({"members_present": 5, "votes_for": 5, "meeting_on": today + datetime.timedelta(days=1)}, "meeting_on"),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            services.appraisal_record(dossier=dossier, actor=world.users.appraiser, **{**args, **bad})
        assert field in excinfo.value.message_dict, bad
    other = make_council(DistrictFactory().province)
    with pytest.raises(ValidationError):
        services.appraisal_record(dossier=dossier, actor=world.users.appraiser, **{**args, "council": other})
    for user in (world.users.verifier, world.users.approver, world.users.commune):
        with pytest.raises(PermissionDenied):
            services.appraisal_record(dossier=dossier, actor=user, **args, members_present=5, votes_for=5)
    assert not Appraisal.objects.exists()
    recorded = services.appraisal_record(
        dossier=dossier, actor=world.users.appraiser, **args, members_present=5, votes_for=5, conclusion="Đạt"
    )
    assert recorded.tally == "5/5" and dossier.events.filter(action="appraisal").exists()


def test_a_returned_dossier_is_voted_on_again(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL)
    services.dossier_transition(dossier=dossier, action="return", actor=world.users.appraiser, comment="Bổ sung")
    vote = Appraisal.objects.get(dossier=dossier)
    assert vote.votes_for is None and vote.meeting_on is None and vote.inspected_on is not None


def test_appraisal_page(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL, ready=False)
    council = make_council(world.province)
    url = reverse("verification:appraisal_edit", args=[dossier.pk])
    for username, code in [("verifier", 403), ("approver", 403), ("outsider", 404)]:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == code, username
    client.force_login(world.users.appraiser)
    page = client.get(url)
    assert page.status_code == 200 and "Thành viên 1" in page.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "council": council.pk,
            "inspected_on": today,
            "places_visited": "Xóm Đồng",
            "meeting_on": today,
            "members_present": 5,
            "votes_for": 5,
            "votes_against": 0,
            "abstentions": 0,
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'id="vote-tally"' in detail and "5/5" in detail


# --- the decision: its signed copy, and a confirmation -------------------------------------------------------------


def test_decision_needs_its_signed_copy(world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    dossier.documents.filter(kind=DocumentKind.DECISION).delete()
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_transition(dossier=dossier, action="recognise", actor=world.users.approver, **DECISION)
    assert "signed decision" in " ".join(excinfo.value.messages)
    assert not Recognition.objects.filter(dossier=dossier).exists()
    services.dossier_transition(
        dossier=dossier,
        action="recognise",
        actor=world.users.approver,
        document=_pdf("qd.pdf"),
        document_kind=DocumentKind.DECISION,
        **DECISION,
    )
    event = dossier.events.get(action="recognise")
    assert [d.kind for d in event.documents.all()] == [DocumentKind.DECISION]
    assert Recognition.objects.get(dossier=dossier).decision_number == "77/QĐ-UBND"


def test_decision_stage_forms_have_headings_and_ask_for_confirmation(client, world, make_dossier):
    """Issue 16: the three forms of the decision stage each have a heading; each asks for confirmation; after
    returning, the page says what happened in words."""
    dossier = make_dossier(DossierStatus.APPRAISED)
    client.force_login(world.users.approver)
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    for action in ("recognise", "reject", "return"):
        assert f'id="action-{action}"' in page
        assert str(find_transition(action, dossier.status, dossier.route).label) in page
    url = reverse("verification:dossier_transition", args=[dossier.pk, "return"])
    confirm = client.post(url, {"return-comment": "Thiếu hồ sơ"})
    assert confirm.status_code == 200 and 'id="confirm-button"' in confirm.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.APPRAISED
    done = client.post(url, {"return-comment": "Thiếu hồ sơ", "return-confirmed": "1"}, follow=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    text = done.content.decode()
    assert "The dossier was returned to the commune." in text and "Done: Draft" not in text


def test_confirmation_is_refused_at_once_when_conditions_fail(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    dossier.documents.filter(kind=DocumentKind.DECISION).delete()
    client.force_login(world.users.approver)
    response = client.post(
        reverse("verification:dossier_transition", args=[dossier.pk, "recognise"]),
        {"recognise-decision_number": "1/QĐ", "recognise-decision_date": "2024-12-01"},
        follow=True,
    )
    assert "signed decision" in response.content.decode() and 'id="confirm-button"' not in response.content.decode()


def test_bulk_decision_needs_the_signed_copy_and_a_confirmation(client, world, make_dossier):
    first = make_dossier(DossierStatus.APPRAISED)
    second = make_dossier(DossierStatus.APPRAISED, commune=world.pb[1])
    for d in (first, second):
        d.documents.filter(kind=DocumentKind.DECISION).delete()
    client.force_login(world.users.approver)
    fields = {
        "role": "approver",
        "dossiers": [first.pk, second.pk],
        "decision_number": "500/QĐ-UBND",
        "decision_date": "2024-12-20",
        "signer": "Chủ tịch",
    }
    client.post(reverse("verification:queue_approve"), {**fields, "document": _pdf()})  # not confirmed
    assert not Recognition.objects.exists()
    client.post(reverse("verification:queue_approve"), {**fields, "document": _pdf(), "confirmed": "on"})
    for d in (first, second):
        d.refresh_from_db()
        assert d.status == DossierStatus.RECOGNISED
        assert d.documents.filter(kind=DocumentKind.DECISION).count() == 1


# --- the verification report and its publication -----------------------------------------------------------------


def test_verify_needs_the_signed_verification_report(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    assert _gate(dossier, "verification_report").ok
    dossier.documents.filter(kind=DocumentKind.VERIFICATION_REPORT).delete()
    assert not _gate(dossier, "verification_report").ok
    with pytest.raises(ValidationError):
        services.dossier_transition(dossier=dossier, action="verify", actor=world.users.verifier)


@override_settings(NTM_PUBLISH_VERIFICATION_REPORT=True, NTM_VERIFICATION_PUBLICATION_DAYS=10)
def test_verification_report_published_for_comments_when_the_setting_is_on(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    assert "not been published" in _gate(dossier, "verification_report").reasons[0]
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.verification_publication_add(
            dossier=dossier, actor=world.users.commune, published_on=today, place="Cổng TTĐT huyện"
        )
    services.verification_publication_add(
        dossier=dossier, actor=world.users.verifier, published_on=today - datetime.timedelta(days=4), place="Cổng"
    )
    assert "10 days" in _gate(dossier, "verification_report").reasons[0]
    ReportPublication.objects.update(published_on=today - datetime.timedelta(days=10))
    assert _gate(dossier, "verification_report").ok


def test_publication_is_not_required_when_the_setting_is_off(make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    assert not dossier.publications.exists() and _gate(dossier, "verification_report").ok


# --- district dossiers --------------------------------------------------------------------------------------------


def test_district_needs_ten_percent_advanced(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL)
    assert _gate(dossier, "district_conditions").ok  # 1 of 3 advanced
    Recognition.objects.filter(level=StandardLevel.ADVANCED).delete()
    reasons = _gate(dossier, "district_conditions").reasons
    assert "0 of 3" in reasons[0] and "10" in reasons[0]
    _recognise(world.pb[2], StandardLevel.MODEL, 2023)  # a model commune counts as advanced
    assert _gate(dossier, "district_conditions").ok


def test_every_township_must_meet_the_civilised_urban_standard(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL)
    township = CommuneFactory(name="Thị trấn Hương Sơn", district=world.phu_binh, unit_type=CommuneType.TOWNSHIP)
    assert "Hương Sơn" in _gate(dossier, "district_conditions").reasons[0]
    verifier = world.users.admin
    services.dossier_review_update(
        dossier=dossier,
        actor=verifier,
        security_status="not_complex",
        criteria_confirmed=True,
        townships={township.pk: (False, "")},
    )
    assert "does not meet" in _gate(dossier, "district_conditions").reasons[0]
    services.dossier_review_update(
        dossier=dossier,
        actor=verifier,
        security_status="not_complex",
        criteria_confirmed=True,
        townships={township.pk: (True, "45/QĐ-UBND")},
    )
    assert _gate(dossier, "district_conditions").ok
    assert gates.gate_district_conditions(dossier) == []


def test_towns_are_judged_by_their_own_set(world, make_dossier):
    town = DistrictFactory(code="164", name="Thành phố Sông Công", province=world.province, unit_type=DistrictType.CITY)
    CommuneFactory(district=town, name="Xã Bá Xuyên")
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL, district=town, ready=False)
    assert gates.district_rules(town)["set"].endswith("Annex II")
    assert gates.gate_district_conditions(dossier) == []  # no advanced share, no township rule
    rural = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.NATIONAL, ready=False)
    assert gates.gate_district_conditions(rural) != []


def test_district_route_records_the_central_appraisal(client, world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_APPRAISAL, route=Route.NATIONAL)
    transition = find_transition("appraise", dossier.status, dossier.route)
    assert "central" in str(transition.label) and "appraisal_vote" not in transition.gates
    dossier.documents.filter(kind=DocumentKind.CENTRAL_APPRAISAL).delete()
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_transition(dossier=dossier, action="appraise", actor=world.users.appraiser)
    assert "ministries" in " ".join(excinfo.value.messages)
    client.force_login(world.users.appraiser)
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'id="district-rules"' in page and "Prime Minister" in page
    assert reverse("verification:appraisal_edit", args=[dossier.pk]) not in page  # no provincial council vote
    recognise = find_transition("recognise", DossierStatus.APPRAISED, Route.NATIONAL)
    assert "Prime Minister" in str(recognise.label)


# --- prerequisites, plan registration, Front findings ----------------------------------------------------------


def test_advanced_needs_ntm_in_force(world, make_dossier):
    dossier = make_dossier(DossierStatus.FRONT_SURVEY, level=StandardLevel.ADVANCED, commune=world.pb[1])
    assert "New rural" in _gate(dossier, "prerequisite").reasons[0]
    rec = _recognise(world.pb[1], StandardLevel.BASIC, revoked_on=datetime.date(2023, 1, 1))
    assert not _gate(dossier, "prerequisite").ok  # revoked: not in force
    rec.revoked_on = None
    rec.save()
    assert _gate(dossier, "prerequisite").ok


def test_model_needs_the_2021_2025_advanced_standard(world, make_dossier):
    dossier = make_dossier(DossierStatus.FRONT_SURVEY, level=StandardLevel.MODEL, commune=world.pb[1])
    _recognise(world.pb[1], StandardLevel.ADVANCED, 2019)
    assert "2021" in _gate(dossier, "prerequisite").reasons[0]
    _recognise(world.pb[1], StandardLevel.ADVANCED, 2022)
    assert _gate(dossier, "prerequisite").ok


def test_basic_has_no_prerequisite(make_dossier):
    assert _gate(make_dossier(DossierStatus.FRONT_SURVEY), "prerequisite").ok


def test_a_unit_recognised_at_the_level_for_the_year_is_refused(world):
    _recognise(world.pb[0], StandardLevel.BASIC, 2024)
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_create(
            actor=world.users.commune, subject_kind="commune", level="basic", year=2024, commune=world.pb[0]
        )
    assert "already recognised" in excinfo.value.messages[0]
    services.dossier_create(
        actor=world.users.commune, subject_kind="commune", level="basic", year=2025, commune=world.pb[0]
    )


def test_no_plan_registration_is_a_warning_the_approver_sees(client, world, make_dossier):
    from programs.choices import TargetKind
    from programs.models import AnnualPlan, PlanTarget, Registration

    dossier = make_dossier(DossierStatus.APPRAISED)
    result = _gate(dossier, "plan_registration")
    assert result.ok and "not registered" in result.warnings[0]
    client.force_login(world.users.approver)
    page = client.get(reverse("verification:dossier_detail", args=[dossier.pk])).content.decode()
    assert "not registered in the 2024 plan" in page
    services.dossier_transition(  # a warning does not block
        dossier=dossier, action="recognise", actor=world.users.approver, **DECISION
    )
    plan = AnnualPlan.objects.create(province=world.province, year=2025)
    target = PlanTarget.objects.create(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=2)
    Registration.objects.create(target=target, commune=world.pb[1])
    other = make_dossier(DossierStatus.APPRAISED, commune=world.pb[1], year=2025)
    assert _gate(other, "plan_registration").warnings == []


def test_serious_front_findings_block_or_warn(world, make_dossier, fakes, settings):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    fakes.findings = ["Chưa niêm yết danh sách hộ nghèo"]
    result = _gate(dossier, "front_findings")
    assert not result.ok and "hộ nghèo" in result.reasons[0]
    with pytest.raises(ValidationError):
        services.dossier_transition(dossier=dossier, action="verify", actor=world.users.verifier)
    settings.NTM_FRONT_FINDINGS_BLOCK = False
    result = _gate(dossier, "front_findings")
    assert result.ok and result.warnings
    services.dossier_transition(dossier=dossier, action="verify", actor=world.users.verifier)


def test_submission_is_filed_by_the_coordination_office(client, world, make_dossier):
    from verification.permissions import can_add_document

    dossier = make_dossier(DossierStatus.APPRAISED)
    assert can_add_document(world.users.province, dossier, DocumentKind.SUBMISSION)
    assert not can_add_document(world.users.province, dossier, DocumentKind.DECISION)
    assert not can_add_document(world.users.district, dossier, DocumentKind.SUBMISSION)
    dossier.documents.filter(kind=DocumentKind.SUBMISSION).delete()
    assert not _gate(dossier, "submission").ok
    services.dossier_document_add(
        dossier=dossier, actor=world.users.province, kind=DocumentKind.SUBMISSION, file=_pdf("tt.pdf")
    )
    assert _gate(dossier, "submission").ok


def test_notifications_page_shows_office_notices(client, world):
    from verification.models import Notification

    Notification.objects.create(
        recipient=world.users.commune, kind="finding_filed", text="MTTQ: phát hiện mới", url="/monitoring/reports/1/"
    )
    client.force_login(world.users.commune)
    page = client.get(reverse("verification:notifications")).content.decode()
    assert "MTTQ: phát hiện mới" in page and 'href="/monitoring/reports/1/"' in page
