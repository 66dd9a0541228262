"""The demo loads the published Thái Nguyên figures from records, and loading it again adds nothing."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["communes", "offices", "criteria", "programs", "funding", "verification", "monitoring"]


def _counts():
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
    }


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 signed copy")


DEMO_USERS = ["admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer"]


def test_demo_loads_and_is_idempotent(demo_module):
    first = _counts()
    assert "ntm-demo-2024" in demo_module
    for username in DEMO_USERS:
        assert username in demo_module
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first


def test_demo_prints_where_the_site_is_served(demo_module, monkeypatch):
    """`make run` passes HOST and PORT to the loader and to runserver: the printed address is the real one."""
    from offices.demo import site_url

    assert f"at {site_url()}" in demo_module
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8765")
    assert site_url() == "http://127.0.0.1:8765/"  # every interface: opened on this machine
    monkeypatch.setenv("HOST", "192.168.1.20")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "at http://192.168.1.20:8765/" in out.getvalue()


def test_demo_logins_work(client, demo_module):
    for username in DEMO_USERS:
        response = client.post(reverse("login"), {"username": username, "password": "ntm-demo-2024"})
        assert response.status_code == 302 and response.url == reverse("home"), username
        client.logout()


def test_demo_is_consistent_and_its_queues_can_be_worked(demo_module):
    """The demo never contradicts itself. At the end of 2023 every xã of a district-level unit recognised as
    completing the task is recognised NTM (Phú Bình's Tân Khánh included). Every live dossier has a scorecard for
    its year and level, with every criterion met once past the commune stage; so each queue's next step goes
    through, up to a recognition that the 2024 plan counts."""
    from django.contrib.auth import get_user_model

    from communes.choices import CommuneType
    from communes.models import Commune
    from criteria.choices import StandardLevel, SubjectKind
    from criteria.selectors import latest_assessment
    from monitoring.models import Finding
    from monitoring.services import finding_close
    from programs.choices import TargetKind
    from programs.selectors import plan_progress
    from register.models import Recognition
    from verification import gates
    from verification.choices import COMMUNE_STAGE, TERMINAL, DossierStatus, SecurityStatus
    from verification.models import Dossier
    from verification.services import (
        appraisal_record,
        dossier_document_add,
        dossier_review_update,
        dossier_transition,
    )

    end_2023 = datetime.date(2023, 12, 31)
    in_force = Recognition.objects.in_force_on(end_2023)
    districts = in_force.filter(subject_kind=SubjectKind.DISTRICT).select_related("district")
    assert districts.count() == 6
    ntm = set(
        in_force.filter(subject_kind=SubjectKind.COMMUNE, level=StandardLevel.BASIC).values_list(
            "commune_id", flat=True
        )
    )
    for done in districts:
        xa = Commune.objects.current().filter(district=done.district, unit_type=CommuneType.COMMUNE)
        assert xa.exists() and not xa.exclude(pk__in=ntm).exists(), done.district
    tan_khanh = Commune.objects.get(code="05917")
    assert tan_khanh.pk in ntm
    assert (
        not in_force.filter(subject_kind=SubjectKind.COMMUNE, commune=tan_khanh)
        .exclude(level=StandardLevel.BASIC)
        .exists()
    )

    live = Dossier.objects.filter(subject_kind=SubjectKind.COMMUNE).exclude(
        status__in=[*TERMINAL, DossierStatus.RECOGNISED]
    )
    assert live.exclude(status__in=COMMUNE_STAGE).count() >= 5
    for dossier in live.select_related("commune"):
        scorecard = latest_assessment(commune=dossier.commune, level=dossier.level, year=dossier.year)
        assert scorecard is not None, dossier
        if dossier.status not in COMMUNE_STAGE:
            assert scorecard.is_all_met and dossier.assessment == scorecard, dossier
            assert gates.gate_criteria_met(dossier) == [], dossier

    # Each queue's user takes the next step; the appraised dossier ends recognised. Issue 13: the Front closes
    # the serious finding it filed on the dossier under verification before it can pass; the appraisal council
    # votes and its minutes are uploaded; the decision is recorded with its signed copy.
    users = {u.username: u for u in get_user_model().objects.all()}
    today = timezone.localdate()
    for finding in Finding.objects.filter(severity="high", report__dossier__in=live).exclude(status="closed"):
        finding_close(finding=finding, actor=users["front"], note="Đã khắc phục.")
    queued = list(live.exclude(status__in=COMMUNE_STAGE).order_by("pk"))
    before = {d.pk: d.status for d in queued}
    for dossier in queued:
        if dossier.status == DossierStatus.SUBMITTED:
            dossier_transition(dossier=dossier, action="start_verification", actor=users["verifier"])
        elif dossier.status == DossierStatus.UNDER_VERIFICATION:
            dossier_review_update(
                dossier=dossier,
                actor=users["verifier"],
                security_status=SecurityStatus.NOT_COMPLEX,
                criteria_confirmed=False,
            )
            dossier_transition(dossier=dossier, action="verify", actor=users["verifier"])
        elif dossier.status == DossierStatus.VERIFIED:
            dossier_transition(dossier=dossier, action="start_appraisal", actor=users["appraiser"])
        elif dossier.status == DossierStatus.UNDER_APPRAISAL:
            appraisal = dossier.appraisal
            appraisal_record(
                dossier=dossier,
                actor=users["appraiser"],
                council=appraisal.council,
                inspected_on=appraisal.inspected_on,
                meeting_on=today,
                members_present=10,
                votes_for=10,
            )
            dossier_document_add(
                dossier=dossier, actor=users["appraiser"], kind="appraisal_minutes", file=_pdf("bien-ban.pdf")
            )
            dossier_transition(dossier=dossier, action="appraise", actor=users["appraiser"])
        elif dossier.status == DossierStatus.APPRAISED:
            recognised = dossier
            dossier_transition(
                dossier=dossier,
                action="recognise",
                actor=users["approver"],
                decision_number="99/QĐ-UBND",
                decision_date=today,
                signer="Chủ tịch UBND tỉnh",
                document=_pdf("quyet-dinh.pdf"),
                document_kind="decision",
            )
    assert all(Dossier.objects.get(pk=pk).status != status for pk, status in before.items())
    assert Recognition.objects.filter(dossier=recognised, year=2024).exists()
    progress = plan_progress(user=users["province"], year=2024)
    achieved = {r.kind: r.achieved for r in progress.rows}
    assert achieved[TargetKind.ADVANCED_COMMUNES if recognised.level == "advanced" else TargetKind.MODEL_COMMUNES] == 1
