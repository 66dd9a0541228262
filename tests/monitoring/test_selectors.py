"""Selectors: the contract the workflow and dossier page rely on, scope per role, counts by outcome."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring import selectors, services
from monitoring.choices import FindingStatus, Moderation, ReportSubject, Severity
from verification.choices import DossierStatus

TODAY = timezone.localdate()


def _report(world, **kw):
    return services.supervision_report_create(
        actor=world.users.front, title="Giám sát", period_start=TODAY, period_end=TODAY, **kw
    )


def _finding(world, report, text):
    return services.finding_add(
        report=report, actor=world.users.front, severity=Severity.MEDIUM, description=text, recommendation="-"
    )


def test_open_findings_for_dossier(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    on_dossier = _report(world, subject_kind=ReportSubject.DOSSIER, dossier=d)
    on_commune = _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.pb[0])
    elsewhere = _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.pb[1])
    open_ = _finding(world, on_dossier, "mở")
    answered = services.finding_respond(
        finding=_finding(world, on_dossier, "đã trả lời"), actor=world.users.commune, response="ok"
    )
    services.finding_close(finding=_finding(world, on_dossier, "đã đóng"), actor=world.users.front)
    commune_level = _finding(world, on_commune, "cấp xã")
    _finding(world, elsewhere, "xã khác")
    found = list(selectors.open_findings_for_dossier(dossier=d))
    assert {f.pk for f in found} == {open_.pk, answered.pk, commune_level.pk}
    assert {f.status for f in found} == {FindingStatus.OPEN, FindingStatus.ANSWERED}


def test_overview_counts_the_findings_the_dossier_page_lists(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    _finding(world, _report(world, subject_kind=ReportSubject.DOSSIER, dossier=d), "hồ sơ")
    _finding(world, _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.pb[0]), "cấp xã")
    _finding(world, _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.pb[1]), "xã khác")
    other = dossier(DossierStatus.SUBMITTED, commune=world.pb[2])
    counts = {row.pk: row.unresolved_findings for row in selectors.overview_dossiers(user=world.users.front)}
    assert counts == {d.pk: 2, other.pk: 0}
    assert counts[d.pk] == len(selectors.open_findings_for_dossier(dossier=d))


def test_critiques_for_dossier_in_order(world, dossier):
    d = dossier(DossierStatus.UNDER_VERIFICATION)
    other = dossier(DossierStatus.UNDER_VERIFICATION, commune=world.pb[1])
    for text in ["một", "hai"]:
        services.critique_add(dossier=d, actor=world.users.front, text=text)
    services.critique_add(dossier=other, actor=world.users.front, text="khác")
    assert [c.text for c in selectors.critiques_for_dossier(dossier=d)] == ["một", "hai"]


def test_public_comment_summary(world, dossier):
    d = dossier(DossierStatus.PUBLIC_CONSULTATION)
    outcomes = [Moderation.PENDING, Moderation.ACCEPTED, Moderation.ACCEPTED, Moderation.REJECTED]
    for outcome in outcomes:
        c = services.public_comment_submit(dossier=d, text="ý kiến")
        if outcome != Moderation.PENDING:
            services.public_comment_moderate(comment=c, actor=world.users.commune, outcome=outcome)
    summary = selectors.public_comment_summary(dossier=d)
    assert summary["total"] == 4 and summary["published"] == 2 and summary["pending"] == 1
    assert {v: n for v, _label, n in summary["by_outcome"]} == {
        Moderation.PENDING: 1,
        Moderation.ACCEPTED: 2,
        Moderation.EXPLAINED: 0,
        Moderation.REJECTED: 1,
    }


@pytest.mark.parametrize(
    ("username", "expected"),
    [("front", 2), ("province", 2), ("viewer", 2), ("district", 1), ("commune", 1), ("verifier", 1), ("outsider", 0)],
)
def test_lists_are_scoped(world, dossier, hamlets, survey, username, expected):
    survey(dossier(), hamlets["pb"], (10, 10, 10))
    survey(dossier(commune=world.dt[0]), hamlets["dt"], (10, 10, 10))
    _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.pb[0])
    _report(world, subject_kind=ReportSubject.COMMUNE, commune=world.dt[0])
    user = getattr(world.users, username)
    assert selectors.survey_list(user=user)[0].count() == expected
    assert selectors.report_list(user=user)[0].count() == expected


def test_rate_rounding_and_empty():
    assert selectors.rate_of(2, 3) == Decimal("66.67")
    assert selectors.rate_of(0, 0) is None


def test_consultation_end_matches_the_workflow_gate(settings):
    settings.NTM_CONSULTATION_DAYS = 15
    assert selectors.consultation_ends_on(datetime.date(2024, 3, 1)) == datetime.date(2024, 3, 16)
