"""Issue 13: the Front's survey as it is done (one form per household, results per content item, coverage, the
posting date, the higher-level check, a district's per-commune per-item floor), serious findings among the gates,
and the office named in a finding told when it is filed and before it is due."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from criteria.choices import StandardLevel, SubjectKind
from monitoring import selectors, services
from monitoring.services import ItemResult, SurveyRow
from offices.choices import OfficeKind, Role
from tests.communes.factories import HamletFactory
from tests.criteria.factories import CriteriaSetFactory, CriterionFactory
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory
from verification import gates
from verification.choices import DossierStatus, Route
from verification.models import Notification

from .conftest import rows


@pytest.fixture
def items(db):
    """The content items the forms list: a commune set of three criteria for 2024."""
    criteria_set = CriteriaSetFactory(code="XA-TEST", level=StandardLevel.BASIC, year_from=2021, year_to=2025)
    return [CriterionFactory(criteria_set=criteria_set, number=n, name=f"Tiêu chí {n}") for n in (1, 2, 3)]


def _survey(world, dossier, hamlet_rows, *, item_results=(), posted=True, actor=None):
    end = timezone.localdate() - datetime.timedelta(days=1)
    return services.survey_create(
        dossier=dossier,
        actor=actor or world.users.front,
        period_start=end - datetime.timedelta(days=7),
        period_end=end,
        rows=hamlet_rows,
        complete=True,
        items=list(item_results),
        results_posted_on=end if posted else None,
    )


def test_items_posting_and_check(world, hamlets, dossier, items, district_front):
    d = dossier(DossierStatus.FRONT_SURVEY)
    assert selectors.survey_items(dossier=d) == items
    commune = world.pb[0]
    survey = _survey(
        world,
        d,
        rows(hamlets["pb"], (100, 90, 85), (50, 50, 48)),
        item_results=[ItemResult(commune, items[0], 130), ItemResult(commune, items[1], 140)],
        posted=False,
    )
    table = dict(selectors.survey_item_table(survey=survey))
    assert table[items[0]][0].rate == Decimal("92.86") and table[items[2]][0].satisfied is None
    problems = selectors.dossier_survey_problems(dossier=d)
    assert any("posted" in p for p in problems) and any("higher-level" in p for p in problems)
    # The commune's Front cannot check its own tally; the district's can.
    commune_office = OfficeFactory(
        kind=OfficeKind.FRONT, province=world.province, district=world.phu_binh, commune=commune
    )
    commune_front = MembershipFactory(user=UserFactory(), office=commune_office, role=Role.MONITOR).user
    with pytest.raises(PermissionDenied):
        services.survey_check(survey=survey, actor=commune_front, checked_on=timezone.localdate())
    services.survey_check(survey=survey, actor=district_front, checked_on=timezone.localdate(), note="Khớp phiếu")
    survey = services.survey_update(
        survey=survey,
        actor=world.users.front,
        period_start=survey.period_start,
        period_end=survey.period_end,
        rows=rows(hamlets["pb"], (100, 90, 85), (50, 50, 48)),
        complete=True,
        items=[ItemResult(commune, items[0], 130), ItemResult(commune, items[1], 140)],
        results_posted_on=survey.period_end,
    )
    assert survey.checked_on is not None  # same tally: the check stands
    assert selectors.dossier_survey_problems(dossier=d) == []
    survey = services.survey_update(
        survey=survey,
        actor=world.users.front,
        period_start=survey.period_start,
        period_end=survey.period_end,
        rows=rows(hamlets["pb"], (100, 91, 85), (50, 50, 48)),
        complete=True,
        items=[],
        results_posted_on=survey.period_end,
    )
    assert survey.checked_on is None and not survey.items.exists()  # a corrected tally is checked again


def test_item_results_are_validated(world, hamlets, dossier, items):
    d = dossier(DossierStatus.FRONT_SURVEY)
    hamlet_rows = rows(hamlets["pb"], (100, 90, 85))
    for bad in (
        [ItemResult(world.pb[0], items[0], 91)],  # more than the forms returned
        [ItemResult(world.dt[0], items[0], 10)],  # another commune
        [ItemResult(world.pb[0], items[0], 10), ItemResult(world.pb[0], items[0], 11)],
    ):
        with pytest.raises(ValidationError):
            _survey(world, d, hamlet_rows, item_results=bad)
    with pytest.raises(ValidationError) as excinfo:
        services.survey_create(
            dossier=d,
            actor=world.users.front,
            period_start=timezone.localdate() - datetime.timedelta(days=3),
            period_end=timezone.localdate(),
            rows=hamlet_rows,
            complete=True,
            results_posted_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "results_posted_on" in excinfo.value.message_dict


def test_minimum_coverage_is_a_setting(world, hamlets, dossier, settings):
    d = dossier(DossierStatus.FRONT_SURVEY)
    survey = _survey(world, d, rows(hamlets["pb"], (100, 55, 50)))
    services.survey_check(survey=survey, actor=world.users.front, checked_on=timezone.localdate())
    assert selectors.dossier_survey_problems(dossier=d) == []  # no floor by default
    settings.NTM_SURVEY_MIN_COVERAGE = 60
    [problem] = selectors.dossier_survey_problems(dossier=d)
    assert "55" in problem and "60" in problem
    settings.NTM_SURVEY_MIN_COVERAGE = 55
    assert selectors.dossier_survey_problems(dossier=d) == []


def test_district_item_floor(world, dossier):
    """320 Annex I: each content item at least 80 % satisfied in each commune of the district."""
    from tests.verification.factories import DossierFactory

    district_set = CriteriaSetFactory(
        code="HUYEN-TEST", subject=SubjectKind.DISTRICT, level=StandardLevel.BASIC, year_from=2021, year_to=2025
    )
    item = CriterionFactory(criteria_set=district_set, number=1, name="Quy hoạch")
    d = DossierFactory(
        subject_kind=SubjectKind.DISTRICT,
        district=world.phu_binh,
        route=Route.NATIONAL,
        status=DossierStatus.FRONT_SURVEY,
        created_by=world.users.district,
    )
    hamlet_rows = [SurveyRow(HamletFactory(commune=c), 100, 100, 95) for c in world.pb]
    results = [ItemResult(c, item, 90) for c in world.pb[:2]]
    survey = _survey(world, d, hamlet_rows, item_results=results)
    services.survey_check(survey=survey, actor=world.users.front, checked_on=timezone.localdate())
    [problem] = selectors.dossier_survey_problems(dossier=d)
    assert "Bảo Lý" in problem and "no result" in problem
    survey = services.survey_update(
        survey=survey,
        actor=world.users.front,
        period_start=survey.period_start,
        period_end=survey.period_end,
        rows=hamlet_rows,
        complete=True,
        items=[*results, ItemResult(world.pb[2], item, 79)],
        results_posted_on=survey.period_end,
    )
    services.survey_check(survey=survey, actor=world.users.front, checked_on=timezone.localdate())
    [problem] = selectors.dossier_survey_problems(dossier=d)
    assert "79" in problem and "80" in problem
    # The workflow's gate reads it (through the registry), blocking.
    [result] = gates.evaluate_gates(d, ["survey_conduct"])
    assert not result.ok and "Bảo Lý" in result.reasons[0]


def test_serious_findings_reach_the_gate(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    report = services.supervision_report_create(
        actor=world.users.front,
        subject_kind="commune",
        commune=world.pb[0],
        title="Giám sát",
        period_start=timezone.localdate() - datetime.timedelta(days=5),
        period_end=timezone.localdate(),
    )
    services.finding_add(
        report=report, actor=world.users.front, severity="medium", description="Nhỏ", recommendation="x"
    )
    [result] = gates.evaluate_gates(d, ["front_findings"])
    assert result.ok
    serious = services.finding_add(
        report=report, actor=world.users.front, severity="high", description="Nghiêm trọng", recommendation="y"
    )
    [result] = gates.evaluate_gates(d, ["front_findings"])
    assert not result.ok and "Nghiêm trọng" in result.reasons[0]
    services.finding_close(finding=serious, actor=world.users.front, note="Đã khắc phục")
    [result] = gates.evaluate_gates(d, ["front_findings"])
    assert result.ok


def test_office_named_in_a_finding_is_told_when_filed_and_before_due(
    world, dossier, django_capture_on_commit_callbacks
):
    world.users.commune.email = "ubnd@tankhanh.example"
    world.users.commune.save()
    office = world.users.commune.memberships.get().office
    report = services.supervision_report_create(
        actor=world.users.front,
        subject_kind="commune",
        commune=world.pb[0],
        title="Giám sát môi trường",
        period_start=timezone.localdate() - datetime.timedelta(days=5),
        period_end=timezone.localdate(),
    )
    due = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        finding = services.finding_add(
            report=report,
            actor=world.users.front,
            severity="high",
            description="Chưa thu gom rác",
            recommendation="Thu gom",
            concerned_office=office,
            respond_by=due,
        )
    note = Notification.objects.get(recipient=world.users.commune)
    assert note.kind == "finding_filed" and "Chưa thu gom rác" in note.text and note.url.startswith("/monitoring/")
    assert mail.outbox and mail.outbox[0].to == ["ubnd@tankhanh.example"]
    # Unnamed office: nobody is told.
    services.finding_add(report=report, actor=world.users.front, severity="low", description="x", recommendation="y")
    assert Notification.objects.count() == 1
    # Reminder: not yet (10 days ahead, 3 by default), then once, then never again.
    assert services.finding_reminders_send() == 0
    assert services.finding_reminders_send(today=due - datetime.timedelta(days=2)) == 1
    assert services.finding_reminders_send(today=due - datetime.timedelta(days=1)) == 0
    assert Notification.objects.filter(kind="finding_due", recipient=world.users.commune).count() == 1
    finding.refresh_from_db()
    assert finding.reminder_sent_on == due - datetime.timedelta(days=2)
    call_command("remind_findings", stdout=__import__("io").StringIO())


def test_survey_pages_show_items_coverage_and_check(client, world, hamlets, dossier, items, district_front):
    d = dossier(DossierStatus.FRONT_SURVEY)
    client.force_login(world.users.front)
    form = client.get(reverse("monitoring:survey_add", args=[d.pk])).content.decode()
    assert 'id="survey-items"' in form and "Tiêu chí 2" in form
    h = hamlets["pb"]
    commune = world.pb[0]
    response = client.post(
        reverse("monitoring:survey_add", args=[d.pk]),
        {
            "period_start": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
            "period_end": timezone.localdate().isoformat(),
            f"h{h[0].pk}_households_surveyed": "120",
            f"h{h[0].pk}_forms_returned": "110",
            f"h{h[0].pk}_satisfied": "105",
            f"i{commune.pk}_{items[0].pk}": "100",
            "results_posted_on": timezone.localdate().isoformat(),
            "complete": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = d.surveys.get()
    assert survey.items.get().satisfied == 100 and survey.results_posted_on == timezone.localdate()
    detail = reverse("monitoring:survey_detail", args=[survey.pk])
    page = client.get(detail).content.decode()
    assert 'id="coverage"' in page and "91,67%" in page and 'id="survey-check-form"' in page
    client.force_login(district_front)
    client.post(reverse("monitoring:survey_check", args=[survey.pk]), {"checked_on": timezone.localdate().isoformat()})
    survey.refresh_from_db()
    assert survey.checked_by == district_front
    client.force_login(world.users.commune)
    assert client.post(reverse("monitoring:survey_check", args=[survey.pk]), {}).status_code == 403
