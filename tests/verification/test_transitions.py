"""Table-driven: every allowed transition works; every other (action, status, route, user) is refused and writes
nothing. The oracle below states each user's role and level independently of the service's own checks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from criteria.choices import SubjectKind
from offices.choices import Role
from register.models import Recognition
from verification.choices import (
    ACTIONS,
    TRANSITIONS,
    ActingLevel,
    DossierStatus,
    Route,
    find_transition,
)
from verification.models import DossierEvent, Notification
from verification.services import dossier_transition

# username → (role, level) it acts with on a dossier of Xã Tân Khánh (Phú Bình) / of the Phú Bình district.
ACTS_AS = {
    "commune": {(Role.EDITOR, ActingLevel.UNIT)},
    "district": {(Role.EDITOR, ActingLevel.UNIT)},
    "province": {(Role.EDITOR, ActingLevel.UNIT)},
    "verifier": {(Role.VERIFIER, ActingLevel.DISTRICT)},
    "prov_verifier": {(Role.VERIFIER, ActingLevel.PROVINCE)},
    "appraiser": {(Role.APPRAISER, ActingLevel.PROVINCE)},
    "approver": {(Role.APPROVER, ActingLevel.PROVINCE)},
    "front": set(),
    "viewer": set(),
    "outsider": set(),
}
# The commune officer covers only its commune, not the district as a subject.
NOT_FOR_DISTRICT_SUBJECTS = {"commune"}
DECISION = {"decision_number": "77/QĐ-UBND", "decision_date": datetime.date(2025, 1, 10), "signer": "Chủ tịch"}


def _users(world, prov_verifier):
    users = {name: getattr(world.users, name) for name in ACTS_AS if name != "prov_verifier"}
    users["prov_verifier"] = prov_verifier
    return users


def _expected_allowed(username, transition, route) -> bool:
    if transition is None:
        return False
    if route == Route.NATIONAL and username in NOT_FOR_DISTRICT_SUBJECTS:
        return False
    return any(role in transition.roles and level == transition.level for role, level in ACTS_AS[username])


def _actor_for(t, route, world, prov_verifier):
    for name in ACTS_AS:
        if name in ("province",):
            continue
        if _expected_allowed(name, t, route):
            return prov_verifier if name == "prov_verifier" else getattr(world.users, name)
    raise AssertionError(f"no actor for {t}")


ALLOWED_CASES = [(t, route) for t in TRANSITIONS for route in sorted(t.routes)]


@pytest.mark.parametrize(
    ("transition", "route"), ALLOWED_CASES, ids=[f"{t.action}:{t.source}->{t.target}:{r}" for t, r in ALLOWED_CASES]
)
def test_every_allowed_transition(
    transition, route, world, prov_verifier, make_dossier, django_capture_on_commit_callbacks
):
    dossier = make_dossier(transition.source, route=route)
    actor = _actor_for(transition, route, world, prov_verifier)
    before = DossierEvent.objects.filter(dossier=dossier).count()
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_transition(dossier=dossier, action=transition.action, actor=actor, comment="Lý do", **DECISION)
    dossier.refresh_from_db()
    assert dossier.status == transition.target == result.status
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert DossierEvent.objects.filter(dossier=dossier).count() == before + 1
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        transition.action,
        transition.source,
        transition.target,
        actor,
    )
    if transition.action == "recognise":
        rec = Recognition.objects.get(dossier=dossier)
        assert (rec.decision_number, rec.level, rec.subject_kind) == ("77/QĐ-UBND", dossier.level, dossier.subject_kind)
        if route == Route.NATIONAL:
            assert rec.district == world.phu_binh and rec.issuing_body
    if transition.action == "revoke":
        rec = Recognition.objects.get(dossier=dossier)
        assert rec.revoked_on == DECISION["decision_date"] and rec.revocation_reason == "Lý do"
    if transition.target == DossierStatus.DRAFT:
        assert dossier.return_reason == "Lý do"
        assert Notification.objects.filter(dossier=dossier, kind="returned").exists()


STATUS_ROUTES = [(s, r) for s in DossierStatus for r in Route]


@pytest.mark.parametrize(("status", "route"), STATUS_ROUTES, ids=[f"{s}:{r}" for s, r in STATUS_ROUTES])
def test_every_forbidden_transition_is_refused_and_writes_nothing(status, route, world, prov_verifier, make_dossier):
    dossier = make_dossier(status, route=route)
    users = _users(world, prov_verifier)
    events = DossierEvent.objects.count()
    recognitions = list(Recognition.objects.values_list("id", "revoked_on"))
    checked = 0
    for action in sorted(ACTIONS):
        t = find_transition(action, status, route)
        for name, user in users.items():
            if _expected_allowed(name, t, route):
                continue
            with pytest.raises((PermissionDenied, ValidationError, Http404)) as excinfo:
                dossier_transition(dossier=dossier, action=action, actor=user, comment="x", **DECISION)
            if name == "outsider":
                assert excinfo.type is not ValidationError and issubclass(excinfo.type, Http404)
            dossier.refresh_from_db()
            assert dossier.status == status, (action, name)
            checked += 1
    assert checked > 0
    assert DossierEvent.objects.count() == events
    assert list(Recognition.objects.values_list("id", "revoked_on")) == recognitions
    assert not Notification.objects.exists()


def test_out_of_scope_is_not_found(world, make_dossier):
    """A Đại Từ dossier is invisible to Phú Bình's verifier and to Tân Khánh's commune officer."""
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION, commune=world.dt[0])
    with pytest.raises(Http404):
        dossier_transition(dossier=dossier, action="verify", actor=world.users.verifier)
    other = make_dossier(DossierStatus.DRAFT, commune=world.pb[1])
    with pytest.raises(Http404):
        dossier_transition(dossier=other, action="open_consultation", actor=world.users.commune)


def test_wrong_level_is_forbidden(world, prov_verifier, make_dossier):
    """Three-tier: the district verifies, not a provincial team; two-tier: the reverse."""
    tiered = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.DISTRICT_TIER)
    with pytest.raises(PermissionDenied):
        dossier_transition(dossier=tiered, action="verify", actor=prov_verifier)
    two_tier = make_dossier(DossierStatus.UNDER_VERIFICATION, route=Route.PROVINCIAL, commune=world.pb[1])
    with pytest.raises(PermissionDenied):
        dossier_transition(dossier=two_tier, action="verify", actor=world.users.verifier)


def _walk(dossier, steps):
    for action, actor in steps:
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor, comment="ok", **DECISION)
    return dossier


def test_three_tier_route_end_to_end(world, make_dossier):
    """District verification, provincial appraisal, provincial decision; the assessment locks on appraisal."""
    u = world.users
    dossier = make_dossier(DossierStatus.FRONT_SURVEY, route=Route.DISTRICT_TIER)
    dossier = _walk(
        dossier,
        [
            ("submit", u.commune),
            ("start_verification", u.verifier),
            ("verify", u.verifier),
            ("start_appraisal", u.appraiser),
            ("appraise", u.appraiser),
        ],
    )
    dossier.refresh_from_db()
    assert dossier.assessment is not None and dossier.assessment.locked_at is not None
    dossier = _walk(dossier, [("recognise", u.approver)])
    assert dossier.status == DossierStatus.RECOGNISED
    assert list(dossier.events.values_list("to_status", flat=True)) == [
        "submitted",
        "under_verification",
        "verified",
        "under_appraisal",
        "appraised",
        "recognised",
    ]


def test_two_tier_route_provincial_team_then_council(world, prov_verifier, make_dossier):
    """Two-tier: a provincial team verifies in place of the district; the provincial council still appraises
    before the chairman decides (no decision straight after verification)."""
    u = world.users
    world.province.has_district_tier = False
    world.province.save()
    dossier = make_dossier(DossierStatus.FRONT_SURVEY, route=Route.PROVINCIAL)
    dossier = _walk(dossier, [("submit", u.commune), ("start_verification", prov_verifier), ("verify", prov_verifier)])
    with pytest.raises(ValidationError):
        dossier_transition(dossier=dossier, action="recognise", actor=u.approver, **DECISION)
    dossier = _walk(dossier, [("start_appraisal", u.appraiser), ("appraise", u.appraiser), ("recognise", u.approver)])
    assert dossier.status == DossierStatus.RECOGNISED
    assert Recognition.objects.get(dossier=dossier).commune == world.pb[0]


def test_district_dossier_goes_national(world, prov_verifier, make_dossier):
    u = world.users
    dossier = make_dossier(DossierStatus.FRONT_SURVEY, route=Route.NATIONAL)
    dossier = _walk(
        dossier,
        [
            ("submit", u.district),
            ("start_verification", prov_verifier),
            ("verify", prov_verifier),
            ("start_appraisal", u.appraiser),
            ("appraise", u.appraiser),
        ],
    )
    dossier = dossier_transition(
        dossier=dossier,
        action="recognise",
        actor=u.approver,
        decision_number="567/QĐ-TTg",
        decision_date=datetime.date(2023, 5, 22),
        signer="Phó Thủ tướng",
        issuing_body="Thủ tướng Chính phủ",
    )
    rec = Recognition.objects.get(dossier=dossier)
    assert (rec.subject_kind, rec.district, rec.issuing_body) == (
        SubjectKind.DISTRICT,
        world.phu_binh,
        "Thủ tướng Chính phủ",
    )


def test_route_follows_the_tier(world):
    from verification.services import dossier_create

    d = dossier_create(actor=world.users.commune, subject_kind="commune", level="basic", year=2024, commune=world.pb[0])
    assert d.route == Route.DISTRICT_TIER
    world.province.has_district_tier = False
    world.province.save()
    world.pb[1].province.refresh_from_db()
    d2 = dossier_create(
        actor=world.users.province, subject_kind="commune", level="basic", year=2024, commune=world.pb[1]
    )
    assert d2.route == Route.PROVINCIAL
    d3 = dossier_create(
        actor=world.users.district, subject_kind="district", level="basic", year=2024, district=world.phu_binh
    )
    assert d3.route == Route.NATIONAL and d3.commune is None


def test_only_editors_open_dossiers(world):
    from verification.services import dossier_create

    with pytest.raises(PermissionDenied):
        dossier_create(
            actor=world.users.verifier, subject_kind="commune", level="basic", year=2024, commune=world.pb[0]
        )
    with pytest.raises(Http404):
        dossier_create(actor=world.users.commune, subject_kind="commune", level="basic", year=2024, commune=world.dt[0])
    dossier_create(actor=world.users.commune, subject_kind="commune", level="basic", year=2024, commune=world.pb[0])
    with pytest.raises(ValidationError):  # one open dossier per unit, level and year
        dossier_create(actor=world.users.commune, subject_kind="commune", level="basic", year=2024, commune=world.pb[0])


def test_decision_requires_number_and_date(world, make_dossier):
    dossier = make_dossier(DossierStatus.APPRAISED)
    with pytest.raises(ValidationError) as excinfo:
        dossier_transition(dossier=dossier, action="recognise", actor=world.users.approver)
    assert "decision_number" in excinfo.value.message_dict
    assert not Recognition.objects.filter(dossier=dossier).exists()


def test_return_requires_a_reason(world, make_dossier):
    dossier = make_dossier(DossierStatus.UNDER_VERIFICATION)
    with pytest.raises(ValidationError):
        dossier_transition(dossier=dossier, action="return", actor=world.users.verifier, comment="  ")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_VERIFICATION
