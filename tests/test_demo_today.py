"""The demo of today (two-tier government, no districts since 01/07/2025): a 2026 NTM dossier of a current xã goes
commune → provincial verification team → provincial appraisal council → chairman's decision, worked by the demo
users through the services; and the demo users of 2023 units still have an area today."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

TAN_KHANH = "05917"  # the demo commune officer's commune; since 01/07/2025 the new Xã Tân Khánh (with Bàn Đạt, Đào Xá)


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed copy")


def _users():
    return {u.username: u for u in get_user_model().objects.all()}


def _today_tan_khanh():
    from communes.models import Commune

    return Commune.objects.current().get(code=TAN_KHANH, unit_type="xa")


def test_a_2026_dossier_goes_the_provincial_route_end_to_end(demo_module):
    from criteria.models import Assessment, CriterionResult, Indicator
    from criteria.services import ValueEntry, assessment_values_save
    from monitoring.services import SurveyRow, survey_check, survey_create
    from programs.choices import TargetKind
    from programs.models import AnnualPlan
    from programs.services import plan_save, plan_target_set, registration_create
    from register.models import Recognition
    from verification.choices import ACTIONS, DossierStatus, Route, SecurityStatus
    from verification.models import AppraisalCouncil
    from verification.selectors import dossier_queue
    from verification.services import (
        appraisal_record,
        consultation_posting_add,
        dossier_create,
        dossier_document_add,
        dossier_review_update,
        dossier_transition,
    )

    users = _users()
    today = timezone.localdate()
    commune = _today_tan_khanh()
    assert commune.district_id is None and not commune.province.has_district_tier

    # The commune officer brings the 2026 scorecard (set XA-NTM-2026) up to every criterion: the demo drew some
    # unmet; the officer enters the values that reach each target the evaluation names.
    scorecard = Assessment.objects.get(commune=commune, year=2026, criteria_set__code="XA-NTM-2026")
    assert scorecard.criteria_total == 10
    unmet = [d for r in CriterionResult.objects.filter(assessment=scorecard, is_met=False) for d in r.details]
    indicators = dict(
        Indicator.objects.filter(criterion__criteria_set=scorecard.criteria_set).values_list("code", "pk")
    )
    entries = {
        indicators[d["code"]]: ValueEntry(value=True if d["value_type"] == "bool" else Decimal(d["target"]))
        for d in unmet
    }
    scorecard = assessment_values_save(assessment=scorecard, entries=entries, actor=users["commune"])
    assert scorecard.is_all_met

    # The province registers the commune in its 2026 plan.
    plan = plan_save(actor=users["province"], plan=AnnualPlan(province=commune.province, year=2026))
    target = plan_target_set(actor=users["province"], plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=5)
    registration_create(actor=users["province"], target=target, commune=commune)

    # The commune opens the dossier: no district, so the provincial route.
    dossier = dossier_create(actor=users["commune"], subject_kind="commune", level="basic", year=2026, commune=commune)
    assert dossier.route == Route.PROVINCIAL and dossier.district_id is None

    def add(actor, kind):
        dossier_document_add(dossier=dossier, actor=users[actor], kind=kind, file=_pdf(f"{kind}.pdf"))

    add("commune", "results_report")
    started = today - datetime.timedelta(days=16)
    dossier = dossier_transition(
        dossier=dossier, action="open_consultation", actor=users["commune"], started_on=started
    )
    for i, place in enumerate(["commune_office", "cultural_house", "loudspeaker", "cultural_house", "loudspeaker"]):
        consultation_posting_add(
            dossier=dossier, actor=users["commune"], posted_on=started + datetime.timedelta(days=3 * i), place=place
        )
    add("front", "front_comments")
    dossier = dossier_transition(dossier=dossier, action="close_consultation", actor=users["commune"])

    # The Front's survey over the hamlets the new commune took in from Bàn Đạt, Tân Khánh and Đào Xá.
    hamlets = list(commune.hamlets.order_by("code"))
    assert len(hamlets) > 20
    survey = survey_create(
        dossier=dossier,
        actor=users["front"],
        period_start=started,
        period_end=started + datetime.timedelta(days=10),
        rows=[SurveyRow(hamlet=h, households_surveyed=60, forms_returned=58, satisfied=56) for h in hamlets],
        complete=True,
        results_posted_on=started + datetime.timedelta(days=11),
    )
    survey_check(survey=survey, actor=users["front"], checked_on=today)
    for kind in ["request_letter", "comments_summary", "minutes", "debt_report", "photos"]:
        add("commune", kind)
    dossier = dossier_transition(dossier=dossier, action="submit", actor=users["commune"])

    # Verification by the provincial team (the district's task since 01/07/2025): in the verifier's queue.
    queue, _filters = dossier_queue(user=users["verifier"], role="verifier")
    assert dossier in queue
    dossier = dossier_transition(dossier=dossier, action="start_verification", actor=users["verifier"])
    dossier_review_update(
        dossier=dossier, actor=users["verifier"], security_status=SecurityStatus.NOT_COMPLEX, criteria_confirmed=False
    )
    add("verifier", "verification_report")
    dossier = dossier_transition(dossier=dossier, action="verify", actor=users["verifier"])
    assert dossier.status == DossierStatus.VERIFIED

    # Appraisal by the provincial council: inspection, meeting, vote, minutes.
    queue, _filters = dossier_queue(user=users["appraiser"], role="appraiser")
    assert dossier in queue
    dossier = dossier_transition(dossier=dossier, action="start_appraisal", actor=users["appraiser"])
    appraisal_record(
        dossier=dossier,
        actor=users["appraiser"],
        council=AppraisalCouncil.objects.get(province=commune.province),
        inspected_on=today - datetime.timedelta(days=1),
        places_visited="Trụ sở UBND xã Tân Khánh, các xóm",
        inspection_findings="Các tiêu chí đạt như hồ sơ.",
        meeting_on=today,
        members_present=10,
        votes_for=10,
    )
    add("appraiser", "appraisal_minutes")
    dossier = dossier_transition(dossier=dossier, action="appraise", actor=users["appraiser"])
    assert dossier.status == DossierStatus.APPRAISED

    # The coordination office's submission, then the chairman's decision with its signed copy.
    add("province", "submission")
    dossier = dossier_transition(
        dossier=dossier,
        action="recognise",
        actor=users["approver"],
        decision_number="126/QĐ-UBND",
        decision_date=today,
        signer="Chủ tịch UBND tỉnh",
        document=_pdf("quyet-dinh.pdf"),
        document_kind="decision",
    )
    assert dossier.status == DossierStatus.RECOGNISED
    steps = dossier.events.filter(action__in=ACTIONS).order_by("at", "id")
    assert list(steps.values_list("action", flat=True)) == [
        "open_consultation",
        "close_consultation",
        "submit",
        "start_verification",
        "verify",
        "start_appraisal",
        "appraise",
        "recognise",
    ]
    assert list(steps.values_list("to_status", flat=True))[-5:] == [
        "under_verification",
        "verified",
        "under_appraisal",
        "appraised",
        "recognised",
    ]
    recognition = Recognition.objects.get(dossier=dossier)
    assert (recognition.commune, recognition.year, recognition.level) == (commune, 2026, "basic")
    assert Recognition.objects.in_force_on(today).filter(commune=commune, year=2026).exists()


def test_demo_users_of_2023_units_have_an_area_today(client, demo_module):
    """The commune officer works for the new Xã Tân Khánh too (its 2023 commune's too, so 2023 reads the same);
    the verifier for the provincial team; the Phú Bình district office has no unit today, and its dashboard says
    so and names where its communes went."""
    from core.scope import scope_for
    from reports import selectors

    users = _users()
    commune = _today_tan_khanh()
    today = timezone.localdate()
    assert scope_for(users["commune"]).covers_commune(commune)
    rows = selectors.unit_figures(user=users["commune"], as_of=today).rows
    assert [r.code for r in rows] == [TAN_KHANH]
    end_2023 = selectors.unit_figures(user=users["commune"], as_of=datetime.date(2023, 12, 31)).rows
    assert [r.code for r in end_2023] == [TAN_KHANH]
    assert scope_for(users["verifier"]).covers_province(commune.province)

    client.force_login(users["commune"])
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200 and page.context["one_commune"] is not None
    assert page.context["one_commune"].code == TAN_KHANH

    client.force_login(users["district"])
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    ended = page.context["ended_districts"]
    assert [d.name for d in ended] == ["Huyện Phú Bình"]
    assert {c.name for c in ended[0].successors} >= {"Xã Tân Khánh", "Xã Phú Bình", "Xã Kha Sơn"}
    notice = page.content.decode()
    assert "Huyện Phú Bình ceased on 01/07/2025" in notice and "Xã Kha Sơn" in notice
    # Named, not linked: today's communes are outside the district office's area (they would answer 404).
    assert reverse("communes:commune_detail", args=[commune.pk]) not in notice
    before = client.get(reverse("reports:dashboard"), {"year": 2023})
    assert before.context["ended_districts"] == []
