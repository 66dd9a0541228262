"""Fixtures for the workflow: dossiers at any status with every gate passing, and seams for the apps being built
alongside (Front satisfaction from monitoring, construction debt from funding)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from criteria.choices import StandardLevel, SubjectKind
from offices.choices import OfficeKind, Role
from register.models import Recognition
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory
from verification import gates
from verification.choices import CouncilRole, DocumentKind, DossierStatus, Route, SecurityStatus, stage_of
from verification.models import Appraisal, AppraisalCouncil, CouncilMember

from .factories import DossierFactory, all_documents, assessment, document, postings


@pytest.fixture
def fakes(monkeypatch):
    """Values the other apps' selectors return: satisfaction rate per dossier, debt per commune, what the Front's
    survey lacks and its serious findings."""
    state = SimpleNamespace(rate=Decimal("95.5"), debt={}, survey_problems=[], findings=[])
    monkeypatch.setattr(gates, "satisfaction_rate", lambda dossier: state.rate)
    monkeypatch.setattr(gates, "construction_debt", lambda commune: state.debt.get(commune.pk, 0))
    monkeypatch.setattr(gates, "survey_problems", lambda dossier: list(state.survey_problems))
    monkeypatch.setattr(gates, "serious_findings", lambda dossier: list(state.findings))
    return state


@pytest.fixture
def council(world):
    """Thái Nguyên's appraisal council: a chair, a standing member and three members."""
    return make_council(world.province)


def make_council(province, members=5):
    council = AppraisalCouncil.objects.create(
        province=province, name="Hội đồng thẩm định xét công nhận NTM tỉnh", established_by="123/QĐ-UBND"
    )
    roles = [CouncilRole.CHAIR, CouncilRole.STANDING] + [CouncilRole.MEMBER] * (members - 2)
    for i, role in enumerate(roles):
        CouncilMember.objects.create(council=council, name=f"Thành viên {i + 1}", role=role, order=i)
    return council


def appraisal(dossier, actor, *, votes_for=5, present=5, council=None):
    """A recorded inspection, meeting and vote (passing by default)."""
    council = council or AppraisalCouncil.objects.filter(province=dossier.province).first()
    council = council or make_council(dossier.province)
    today = timezone.localdate()
    return Appraisal.objects.update_or_create(
        dossier=dossier,
        defaults={
            "council": council,
            "inspected_on": today - datetime.timedelta(days=3),
            "places_visited": "Xóm Đồng, xóm Trại",
            "meeting_on": today,
            "members_present": present,
            "votes_for": votes_for,
            "recorded_by": actor,
        },
    )[0]


@pytest.fixture
def prov_verifier(world):
    office = OfficeFactory(name="Tổ thẩm tra tỉnh", kind=OfficeKind.VERIFICATION, province=world.province)
    return MembershipFactory(user=UserFactory(username="prov_verifier"), office=office, role=Role.VERIFIER).user


def _ready(dossier, world):
    """Make every gate pass for this dossier."""
    editor = world.users.commune if dossier.commune_id else world.users.district
    dossier.consultation_started_on = timezone.localdate() - datetime.timedelta(days=20)
    dossier.security_status = SecurityStatus.NOT_COMPLEX
    dossier.criteria_confirmed = True
    dossier.save()
    all_documents(dossier, editor)
    document(dossier, DocumentKind.DECISION, editor)
    appraisal(dossier, editor)
    postings(dossier, editor)
    if dossier.subject_kind == SubjectKind.COMMUNE:
        assessment(dossier.commune, level=dossier.level, year=dossier.year)
    if dossier.subject_kind == SubjectKind.DISTRICT:
        for i, commune in enumerate(world.pb):
            Recognition.objects.get_or_create(
                subject_kind=SubjectKind.COMMUNE,
                commune=commune,
                level=StandardLevel.BASIC,
                defaults={
                    "year": 2020,
                    "decision_number": f"{100 + i}/QĐ-UBND",
                    "decision_date": datetime.date(2020, 12, 1),
                },
            )
        # Annex I: at least 10% of the district's communes advanced.
        Recognition.objects.get_or_create(
            subject_kind=SubjectKind.COMMUNE,
            commune=world.pb[0],
            level=StandardLevel.ADVANCED,
            defaults={"year": 2022, "decision_number": "200/QĐ-UBND", "decision_date": datetime.date(2022, 12, 1)},
        )


@pytest.fixture
def make_dossier(world, fakes):
    """make_dossier(status, route=…, commune=…, ready=True): a dossier already at `status`."""

    def make(status=DossierStatus.DRAFT, *, route=Route.DISTRICT_TIER, commune=None, ready=True, **kw):
        if route == Route.NATIONAL:
            kw.setdefault("subject_kind", SubjectKind.DISTRICT)
            kw.setdefault("district", world.phu_binh)
            commune = None
            creator = world.users.district
        else:
            commune = commune or world.pb[0]
            creator = world.users.commune
        stage = stage_of(status, route) or ""
        now = timezone.now()
        dossier = DossierFactory(
            commune=commune,
            route=route,
            status=status,
            created_by=creator,
            stage=stage,
            stage_entered_at=now if stage else None,
            due_on=timezone.localdate() + datetime.timedelta(days=10) if stage else None,
            **kw,
        )
        if ready:
            _ready(dossier, world)
        if status in (DossierStatus.RECOGNISED, DossierStatus.REVOCATION_PROPOSED):
            Recognition.objects.create(
                subject_kind=dossier.subject_kind,
                commune=dossier.commune,
                district=dossier.district if dossier.subject_kind == SubjectKind.DISTRICT else None,
                level=dossier.level,
                year=dossier.year,
                decision_number="1/QĐ-UBND",
                decision_date=datetime.date(2024, 12, 20),
                dossier=dossier,
            )
        return dossier

    return make
