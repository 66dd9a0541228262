"""Recognitions across mergers: the merger rule proposes, the province confirms in one decision, the figures follow
the units in force on the chosen date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.choices import UnitLevel
from communes.models import Commune, UnitSuccession
from criteria.choices import StandardLevel
from register import selectors, services
from register.models import Recognition, RecognitionBasis, Standing
from register.standings import standings_refresh
from reports import selectors as reports
from tests.communes.factories import CommuneFactory
from tests.reports.conftest import recognise

pytestmark = pytest.mark.django_db
D = datetime.date
MERGED = D(2024, 12, 1)


def merge(predecessors, *, code, name, on=MERGED):
    """End the predecessors on `on` and form a new commune from them, as a reorganisation records it."""
    new = CommuneFactory(
        code=code, name=name, province=predecessors[0].province, district=predecessors[0].district, valid_from=on
    )
    for old in predecessors:
        Commune.objects.filter(pk=old.pk).update(valid_to=on)
        UnitSuccession.objects.create(
            level=UnitLevel.COMMUNE,
            predecessor_commune=old,
            successor_commune=new,
            effective_date=on,
            resolution="1240/NQ-UBTVQH15",
        )
    standings_refresh(commune_ids=[o.pk for o in predecessors])  # as the reorganisation's bulk write does
    return new


def key(commune, on=MERGED):
    return f"{commune.pk}:{on.isoformat()}"


DECIDED = D(2024, 12, 20)


def confirm(user, *communes, on=DECIDED):
    return services.merger_recognitions_confirm(
        actor=user, keys=[key(c) for c in communes], decision_number="3001/QĐ-UBND", decision_date=on, signer="Chủ tịch"
    )


@pytest.fixture
def merged(world):
    """Tân Khánh (advanced) + Tân Kim (NTM) → Xã Tân Thành Mới; Bảo Lý (NTM) + Hùng Sơn (none) → Xã Bảo Sơn."""
    tan_khanh, tan_kim, bao_ly = world.pb
    hung_son = world.dt[0]
    recognise(tan_khanh, on=D(2015, 9, 1))
    recognise(tan_khanh, StandardLevel.ADVANCED, on=D(2021, 10, 1))
    basic_tan_kim = recognise(tan_kim, on=D(2016, 9, 1))
    recognise(bao_ly, on=D(2017, 9, 1))
    recognise(hung_son, on=D(2018, 9, 1), revoked_on=D(2024, 6, 1))  # revoked before the merger
    tan_thanh = merge([tan_khanh, tan_kim], code="06001", name="Xã Tân Thành Mới")
    bao_son = merge([bao_ly, hung_son], code="06002", name="Xã Bảo Sơn")
    return tan_thanh, bao_son, basic_tan_kim


def test_all_predecessors_recognised_gives_a_proposal_at_the_lowest_level_then_a_counted_decision(world, merged):
    tan_thanh, bao_son, basic_tan_kim = merged
    approver = world.users.approver
    proposals = {p.commune.code: p for p in selectors.merger_proposals(user=approver)}
    assert proposals["06001"].status == selectors.MergerStatus.PROPOSED
    assert proposals["06001"].level == StandardLevel.BASIC  # advanced and basic: the lowest
    assert "Xã Tân Khánh: Advanced NTM" in proposals["06001"].reason
    # Nothing is recorded before the confirmation: the new commune counts as not recognised.
    assert not Recognition.objects.filter(commune=tan_thanh).exists()
    end_2024 = reports.unit_figures(user=world.users.province, as_of=D(2024, 12, 31)).headline
    assert (end_2024.xa_total, end_2024.ntm) == (3, 0)  # Tân Thành Mới, Bảo Sơn, Phú Xuyên

    done = confirm(approver, tan_thanh)
    rec = done.created[0]
    assert (rec.basis, rec.level, rec.year, rec.commune) == (
        RecognitionBasis.MERGER,
        StandardLevel.BASIC,
        2024,
        tan_thanh,
    )
    assert set(rec.predecessors.values_list("commune__name", flat=True)) == {"Xã Tân Khánh", "Xã Tân Kim"}
    assert basic_tan_kim.carried_into.get() == rec
    assert rec.history.count() == 1  # the register's history keeps the entry
    assert Standing.objects.get(commune=tan_thanh, year=2024).level == StandardLevel.BASIC
    end_2024 = reports.unit_figures(user=world.users.province, as_of=D(2024, 12, 31)).headline
    assert (end_2024.xa_total, end_2024.ntm) == (3, 1)
    # At the end of 2023 the old communes count: five xã, four NTM (Hùng Sơn's recognition still in force).
    end_2023 = reports.unit_figures(user=world.users.province, as_of=D(2023, 12, 31)).headline
    assert (end_2023.xa_total, end_2023.ntm, end_2023.advanced) == (5, 4, 1)
    after = {p.commune.code: p for p in selectors.merger_proposals(user=approver)}
    assert after["06001"].status == selectors.MergerStatus.CONFIRMED and after["06001"].confirmed == rec
    with pytest.raises(ValidationError, match="not a standing proposal"):
        confirm(approver, tan_thanh)  # never twice


def test_one_predecessor_not_recognised_gives_no_proposal_and_says_why(world, merged):
    _tan_thanh, bao_son, _ = merged
    proposal = next(p for p in selectors.merger_proposals(user=world.users.approver) if p.commune == bao_son)
    assert proposal.status == selectors.MergerStatus.NONE and proposal.level == ""
    assert "Xã Hùng Sơn did not" in proposal.reason and "normal dossier" in proposal.reason
    with pytest.raises(ValidationError, match="Xã Bảo Sơn: not a standing proposal"):
        confirm(world.users.approver, bao_son)
    assert not Recognition.objects.filter(commune=bao_son).exists()


def test_confirmation_is_all_or_nothing_and_checks_the_date(world, merged):
    tan_thanh, bao_son, _ = merged
    with pytest.raises(ValidationError):
        confirm(world.users.approver, tan_thanh, bao_son)
    with pytest.raises(ValidationError, match="dated before the merger"):
        confirm(world.users.approver, tan_thanh, on=D(2024, 11, 1))
    assert not Recognition.objects.filter(basis=RecognitionBasis.MERGER).exists()


def test_only_decision_recorders_confirm(world, merged):
    from django.core.exceptions import PermissionDenied

    tan_thanh, _, _ = merged
    for user in (world.users.viewer, world.users.province, world.users.commune):
        with pytest.raises(PermissionDenied):
            confirm(user, tan_thanh)


def test_results_of_a_year_and_decision_date_readings(world, merged):
    """A decision in spring for the previous year counts in that year's results, and in force only from its date."""
    tan_thanh, _, _ = merged
    confirm(world.users.approver, tan_thanh, on=D(2025, 3, 10))  # for 2024 (the merger's year), decided in 2025
    by_date = reports.unit_figures(user=world.users.province, as_of=D(2024, 12, 31), reading="on_date").headline
    for_year = reports.unit_figures(user=world.users.province, as_of=D(2024, 12, 31), reading="for_year").headline
    assert (by_date.ntm, for_year.ntm) == (0, 1)


# --- the page ----------------------------------------------------------------------------------------------------------


def test_page_lists_proposals_with_reasons_and_confirms_in_bulk(client, world, merged):
    tan_thanh, bao_son, _ = merged
    client.force_login(world.users.approver)
    url = reverse("verification:merger_recognitions")
    html = client.get(url).content.decode()
    assert 'data-code="06001"' in html and 'data-status="proposed"' in html
    assert "Xã Hùng Sơn did not" in html
    response = client.post(
        url,
        {
            "proposals": [key(tan_thanh)],
            "decision_number": "3001/QĐ-UBND",
            "decision_date": "2024-12-20",
            "signer": "Chủ tịch UBND tỉnh",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    assert Recognition.objects.get(commune=tan_thanh).decision_number == "3001/QĐ-UBND"
    # Without the confirmation tick, nothing.
    client.post(
        url, {"proposals": [key(bao_son)], "decision_number": "1", "decision_date": "2024-12-20", "signer": "x"}
    )
    assert not Recognition.objects.filter(commune=bao_son).exists()


@pytest.mark.parametrize("username", ["viewer", "province", "commune", "front", "outsider"])
def test_page_is_for_decision_recorders_only(client, world, merged, username):
    client.force_login(getattr(world.users, username))
    assert client.get(reverse("verification:merger_recognitions")).status_code == 403


def test_other_province_approver_sees_nothing_of_this_province(client, world, merged):
    from offices.choices import OfficeKind, Role
    from tests.communes.factories import ProvinceFactory
    from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory

    other = ProvinceFactory(code="06", name="Tỉnh Bắc Kạn")
    office = OfficeFactory(name="UBND tỉnh Bắc Kạn", kind=OfficeKind.PEOPLES_COMMITTEE, province=other)
    user = MembershipFactory(user=UserFactory(username="bk"), office=office, role=Role.APPROVER).user
    client.force_login(user)
    html = client.get(reverse("verification:merger_recognitions")).content.decode()
    assert "06001" not in html
    with pytest.raises(ValidationError, match="outside your area"):
        confirm(user, merged[0])


@pytest.mark.parametrize("extra", [0, 27])
def test_page_query_count_is_fixed(client, world, merged, extra, django_assert_max_num_queries):
    """3 merged communes or 30: the same number of queries."""
    province = world.province
    for i in range(extra // 3):
        olds = [CommuneFactory(code=f"07{i:02d}{j}", name=f"Xã Cũ {i}-{j}", province=province) for j in range(2)]
        for old in olds:
            recognise(old, on=D(2019, 9, 1))
        merge(olds, code=f"08{i:03d}", name=f"Xã Mới {i}")
    client.force_login(world.users.approver)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("verification:merger_recognitions"))
    assert response.content.decode().count('data-status="proposed"') == 1 + extra // 3


def test_merged_commune_page_shows_its_predecessors_decisions_and_scorecards(client, world, merged):
    from tests.criteria.factories import simple_set
    from tests.reports.conftest import stored_assessment

    tan_thanh, _, _ = merged
    basic = simple_set()
    stored_assessment(world.pb[0], basic, {1, 2}, year=2023)
    confirm(world.users.approver, tan_thanh)
    client.force_login(world.users.viewer)
    html = client.get(reverse("communes:commune_detail", args=[tan_thanh.pk])).content.decode()
    decisions = html[html.index('id="commune-decisions"') :]
    assert "Recognition by merger" in decisions and "3001/QĐ-UBND" in decisions
    assert decisions.count('data-predecessor="1"') == 3  # Tân Khánh's two decisions, Tân Kim's one
    scorecards = html[html.index('id="commune-scorecards"') : html.index('id="commune-decisions"')]
    assert "Xã Tân Khánh" in scorecards and "2023" in scorecards
    # Outside the area: 404 as for any commune.
    client.force_login(world.users.outsider)
    assert client.get(reverse("communes:commune_detail", args=[tan_thanh.pk])).status_code == 404


def test_a_recognition_by_merger_is_no_plan_result(world, merged):
    from programs.choices import TargetKind
    from programs.selectors import plan_progress
    from tests.programs.factories import AnnualPlanFactory, PlanTargetFactory

    plan = AnnualPlanFactory(province=world.province, year=2024)
    PlanTargetFactory(plan=plan, kind=TargetKind.NEW_NTM_COMMUNES, target=2)
    confirm(world.users.approver, merged[0])
    progress = plan_progress(user=world.users.province, plan=plan, as_of=D(2024, 12, 31))
    assert {r.kind: r.achieved for r in progress.rows}[TargetKind.NEW_NTM_COMMUNES] == 0


def test_the_reorganisation_command_reports_what_the_merger_rule_proposes(db):
    """After `apply_unit_reorganisation` the report lists each new xã with the rule's proposal or why there is none."""
    import io

    from django.core.management import call_command

    from communes import demo as communes_demo

    communes_demo.load(stdout=io.StringIO())
    end_2023 = D(2023, 12, 31)
    van_tho, ky_phu = (Commune.objects.valid_on(end_2023).get(code=c) for c in ("05839", "05845"))
    recognise(van_tho, StandardLevel.ADVANCED, on=D(2020, 9, 1))
    recognise(ky_phu, on=D(2019, 9, 1))
    out = io.StringIO()
    call_command(
        "apply_unit_reorganisation",
        "--from",
        str(communes_demo.DEMO_FILE),
        "--to",
        str(communes_demo.REORGANISED_2024),
        "--effective-date",
        "2024-12-01",
        stdout=out,
    )
    text = out.getvalue()
    assert "+ 05845 Xã Vạn Phú: Every predecessor held a level on 01/12/2024" in text
    assert "recognised at the lowest, New rural (NTM)" in text
    assert not Recognition.objects.filter(basis=RecognitionBasis.MERGER).exists()  # proposed, never recorded


@pytest.mark.parametrize("size", [3, 30])
def test_merged_commune_page_query_count_is_fixed(client, world, size, django_assert_max_num_queries):
    """A commune formed from 3 communes or from 30, each with a decision and a scorecard: the same queries."""
    from tests.criteria.factories import simple_set
    from tests.reports.conftest import stored_assessment

    basic = simple_set()
    olds = [CommuneFactory(code=f"09{i:03d}", name=f"Xã Cũ {i}", province=world.province) for i in range(size)]
    for old in olds:
        recognise(old, on=D(2019, 9, 1))
        stored_assessment(old, basic, {1}, year=2023)
    new = merge(olds, code="06100", name="Xã Hợp Nhất")
    client.force_login(world.users.viewer)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("communes:commune_detail", args=[new.pk])).content.decode()
    assert html.count('data-predecessor="1"') == 2 * size
