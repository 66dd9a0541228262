"""Reads for the Front's pages, the dossier page and the public consultation page.

Everything a logged-in user sees passes through the models' declared unit paths (core.scope); totals and rates are
summed in SQL from the hamlet rows. The public selectors read dossiers in public consultation only.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import CommuneType
from communes.models import Commune, Hamlet, Province
from core.formatting import PUBLISHED_PERCENT_DECIMALS, number
from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment, Criterion
from offices import scope
from offices.choices import Role
from register.models import Recognition
from verification.choices import TERMINAL, DocumentKind, DossierStatus
from verification.models import Dossier, DossierDocument

from .choices import PUBLISHED, UNRESOLVED, FindingStatus, Moderation, ReportSubject, Severity, SurveyStatus
from .filters import FindingFilterSet, ReportFilterSet, SurveyFilterSet
from .models import Critique, Finding, PublicComment, SatisfactionSurvey, SupervisionReport, SurveyHamletRow

_DOSSIER_RELATED = ("dossier", "dossier__province", "dossier__district", "dossier__commune", "dossier__hamlet")
NOT_ACTIVE = (*TERMINAL, DossierStatus.RECOGNISED)


def _not_found() -> Http404:
    return Http404(_("Not found or outside your area."))


# --- surveys -----------------------------------------------------------------------------------------------------


def rate_of(satisfied: int | Decimal, returned: int | Decimal | None) -> Decimal | None:
    """Satisfied / forms returned × 100, two decimals (None when no form was returned)."""
    if not returned:
        return None
    return (Decimal(satisfied) * 100 / Decimal(returned)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def with_totals(qs: QuerySet[SatisfactionSurvey]) -> QuerySet[SatisfactionSurvey]:
    """Annotate households, forms returned and satisfied summed over the hamlet rows (one query)."""
    return qs.annotate(
        total_households=Coalesce(Sum("rows__households_surveyed"), 0),
        total_returned=Coalesce(Sum("rows__forms_returned"), 0),
        total_satisfied=Coalesce(Sum("rows__satisfied"), 0),
        row_count=Count("rows"),
    )


def survey_rate(survey: SatisfactionSurvey) -> Decimal | None:
    """The rate of a survey annotated by `with_totals`."""
    return rate_of(survey.total_satisfied, survey.total_returned)  # type: ignore[attr-defined]  # with_totals


def _latest_completed(dossier_ref: Dossier | OuterRef) -> QuerySet[SatisfactionSurvey]:
    return SatisfactionSurvey.objects.filter(dossier=dossier_ref, status=SurveyStatus.COMPLETED).order_by(  # type: ignore[misc]
        "-period_end", "-completed_at", "-id"
    )


def latest_completed_survey(*, dossier: Dossier) -> SatisfactionSurvey | None:
    return with_totals(_latest_completed(dossier)).first()


def dossier_satisfaction_rate(*, dossier: Dossier) -> Decimal | None:
    """Rate of the dossier's latest completed survey (satisfied / forms returned × 100), or None. One query.

    The workflow's satisfaction gate reads this (verification.gates.satisfaction_rate)."""
    survey = latest_completed_survey(dossier=dossier)
    return survey_rate(survey) if survey is not None else None


def _row_sum(field: str) -> Subquery:
    """Sum of `field` over the rows of the outer dossier's latest completed survey."""
    latest = _latest_completed(OuterRef(OuterRef("pk"))).values("pk")[:1]
    return Subquery(
        SurveyHamletRow.objects.filter(survey_id=Subquery(latest))
        .order_by()
        .values("survey_id")
        .annotate(s=Sum(field))
        .values("s")[:1],
        output_field=IntegerField(),
    )


def with_survey_totals(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Annotate each dossier with its latest completed survey's returned and satisfied forms (no extra query)."""
    return qs.annotate(survey_returned=_row_sum("forms_returned"), survey_satisfied=_row_sum("satisfied"))


def survey_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[SatisfactionSurvey], SurveyFilterSet]:
    qs = (
        with_totals(SatisfactionSurvey.objects.visible_to(user))
        .select_related(*_DOSSIER_RELATED, "entered_by")
        .order_by("-period_end", "-id")
    )
    filterset = SurveyFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_survey_by_id(*, user: User | AnonymousUser, pk: int) -> SatisfactionSurvey:
    try:
        return (
            with_totals(SatisfactionSurvey.objects.visible_to(user))
            .select_related(*_DOSSIER_RELATED, "entered_by")
            .get(pk=pk)
        )
    except SatisfactionSurvey.DoesNotExist as exc:
        raise _not_found() from exc


def survey_rows(*, survey: SatisfactionSurvey) -> QuerySet[SurveyHamletRow]:
    return survey.rows.select_related("hamlet").order_by("hamlet__code")


def survey_history(*, survey: SatisfactionSurvey) -> QuerySet[Any]:
    return survey.history.select_related("history_user").order_by("-history_date", "-history_id")  # type: ignore[no-any-return]  # django-simple-history


def dossier_surveys(*, dossier: Dossier) -> QuerySet[SatisfactionSurvey]:
    return with_totals(dossier.surveys.all()).select_related("entered_by").order_by("-period_end", "-id")


def survey_hamlets(*, dossier: Dossier) -> QuerySet[Hamlet]:
    """Hamlets a survey of this dossier may have rows for: the dossier's hamlet, commune or district."""
    qs = Hamlet.objects.select_related("commune")
    if dossier.subject_kind == SubjectKind.HAMLET:
        return qs.filter(pk=dossier.hamlet_id)  # type: ignore[misc]  # a hamlet dossier's
    if dossier.subject_kind == SubjectKind.DISTRICT:
        return qs.filter(commune__district_id=dossier.district_id, commune__valid_to__isnull=True).order_by(  # type: ignore[misc]
            "commune__code", "code"
        )
    return qs.filter(commune_id=dossier.commune_id).order_by("code")  # type: ignore[misc]


def coverage_of(returned: int | Decimal, households: int | Decimal | None) -> Decimal | None:
    """Household coverage: forms returned / households × 100 (one form per household), two decimals."""
    return rate_of(returned, households)


def survey_items(*, dossier: Dossier) -> list[Criterion]:
    """The content items the forms list: the criteria of the set the dossier is judged against (none when the set
    is not loaded)."""
    from criteria.models import Criterion
    from criteria.selectors import criteria_set_for

    subject = SubjectKind.DISTRICT if dossier.subject_kind == SubjectKind.DISTRICT else SubjectKind.COMMUNE
    criteria_set = criteria_set_for(level=dossier.level, year=dossier.year, subject=subject, province=dossier.province)
    if criteria_set is None:
        return []
    return list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))


def survey_item_communes(*, dossier: Dossier) -> list[Commune]:
    """The communes a survey reports content items for: the dossier's commune, or each xã of a district."""
    if dossier.subject_kind == SubjectKind.DISTRICT:
        return list(
            Commune.objects.current()
            .filter(district_id=dossier.district_id, unit_type=CommuneType.COMMUNE)  # type: ignore[misc]
            .order_by("code")
        )
    return [dossier.commune] if dossier.commune_id else []  # type: ignore[list-item]


@dataclass
class ItemCell:
    commune: Commune
    satisfied: int | None
    returned: int

    @property
    def rate(self) -> Decimal | None:
        return None if self.satisfied is None else rate_of(self.satisfied, self.returned)


def survey_item_table(
    *, survey: SatisfactionSurvey, items: list[Criterion] | None = None, communes: list[Commune] | None = None
) -> list[tuple[Criterion, list[ItemCell]]]:
    """(criterion, [ItemCell per commune]) for each content item: satisfied answers over the commune's forms
    returned. Three queries."""
    dossier = survey.dossier
    items = survey_items(dossier=dossier) if items is None else items
    communes = survey_item_communes(dossier=dossier) if communes is None else communes
    returned = dict(
        survey.rows.order_by()
        .values("hamlet__commune_id")
        .annotate(n=Sum("forms_returned"))
        .values_list("hamlet__commune_id", "n")
    )
    results = {(r.commune_id, r.criterion_id): r.satisfied for r in survey.items.all()}
    return [
        (item, [ItemCell(c, results.get((c.pk, item.pk)), returned.get(c.pk, 0)) for c in communes]) for item in items
    ]


def dossier_survey_problems(*, dossier: Dossier) -> list[str]:
    """What the dossier's latest completed survey lacks besides its overall rate (the workflow's gate reads it):
    household coverage under `NTM_SURVEY_MIN_COVERAGE`, results not posted at the hamlets, no higher-level check,
    and for a district under Annex I each content item at least its floor in each commune. Empty when there is no
    completed survey (the satisfaction gate says so)."""
    from verification.gates import district_rules

    survey = latest_completed_survey(dossier=dossier)
    if survey is None:
        return []
    problems = []
    minimum = Decimal(str(settings.NTM_SURVEY_MIN_COVERAGE))
    coverage = coverage_of(survey.total_returned, survey.total_households)  # type: ignore[attr-defined]
    if minimum and (coverage is None or coverage < minimum):
        problems.append(
            _("Forms returned from {coverage}% of households; at least {minimum}% are required.").format(
                coverage=number(coverage or 0, PUBLISHED_PERCENT_DECIMALS), minimum=number(minimum, 0)
            )
        )
    if survey.results_posted_on is None:
        problems.append(_("The date the results were posted at the hamlet cultural houses is not recorded."))
    if survey.checked_on is None:
        problems.append(_("The higher-level Front has not checked the tally."))
    floor = district_rules(dossier.district).get("item_floor") if dossier.subject_kind == SubjectKind.DISTRICT else None
    if floor:
        floor = Decimal(str(floor))
        table = survey_item_table(
            survey=survey, items=survey_items(dossier=dossier), communes=survey_item_communes(dossier=dossier)
        )
        for item, cells in table:
            for cell in cells:
                if cell.rate is None:
                    problems.append(
                        _("{commune}, item {number} ({item}): no result.").format(
                            commune=cell.commune, number=item.number, item=item.name
                        )
                    )
                elif cell.rate < floor:
                    problems.append(
                        _("{commune}, item {number} ({item}): {rate}% satisfied, below {floor}%.").format(
                            commune=cell.commune,
                            number=item.number,
                            item=item.name,
                            rate=number(cell.rate, PUBLISHED_PERCENT_DECIMALS),
                            floor=number(floor, 0),
                        )
                    )
    return problems


# --- supervision -------------------------------------------------------------------------------------------------


def _reports(user: User | AnonymousUser) -> QuerySet[SupervisionReport]:
    return SupervisionReport.objects.visible_to(user).select_related(
        "commune", "district", "dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "created_by"
    )


def report_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[SupervisionReport], ReportFilterSet]:
    qs = _reports(user).annotate(
        finding_count=Count("findings"),
        unresolved_count=Count("findings", filter=Q(findings__status__in=UNRESOLVED)),
    )
    filterset = ReportFilterSet(filters or {}, queryset=qs.order_by("-period_end", "-id"), request=request)
    return filterset.qs, filterset


def access_report_by_id(*, user: User | AnonymousUser, pk: int) -> SupervisionReport:
    try:
        return _reports(user).get(pk=pk)
    except SupervisionReport.DoesNotExist as exc:
        raise _not_found() from exc


def report_findings(*, report: SupervisionReport) -> QuerySet[Finding]:
    return report.findings.select_related("concerned_office", "responded_by", "closed_by").order_by("id")


def finding_list(
    *, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None, request: HttpRequest | None = None
) -> tuple[QuerySet[Finding], FindingFilterSet]:
    qs = (
        Finding.objects.visible_to(user)
        .select_related("report", "report__commune", "report__dossier", "report__district", "concerned_office")
        .order_by("status", "respond_by", "id")
    )
    filterset = FindingFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_finding_by_id(*, user: User | AnonymousUser, pk: int) -> Finding:
    try:
        return (
            Finding.objects.visible_to(user)
            .select_related("report", "report__commune", "report__district", "report__dossier", "concerned_office")
            .get(pk=pk)
        )
    except Finding.DoesNotExist as exc:
        raise _not_found() from exc


def _dossier_findings_q(dossier: Dossier) -> Q:
    q = Q(report__dossier=dossier)
    if dossier.commune_id and dossier.subject_kind == SubjectKind.COMMUNE:
        q |= Q(report__subject_kind=ReportSubject.COMMUNE, report__commune_id=dossier.commune_id)
    return q


def dossier_serious_findings(*, dossier: Dossier) -> list[str]:
    """Descriptions of the unresolved serious findings on the dossier or its commune (the workflow's gate)."""
    return list(
        Finding.objects.filter(_dossier_findings_q(dossier), status__in=UNRESOLVED, severity=Severity.HIGH)
        .order_by("id")
        .values_list("description", flat=True)
    )


def open_findings_for_dossier(*, dossier: Dossier) -> QuerySet[Finding]:
    """Unresolved findings (open, or answered but not yet closed by the Front) of supervision reports on this
    dossier and, for a commune dossier, on its commune. For the verifier and appraiser on the dossier page; the
    caller has already checked that the user sees the dossier. One query."""
    return (
        Finding.objects.filter(_dossier_findings_q(dossier), status__in=UNRESOLVED)
        .select_related("report", "concerned_office", "responded_by")
        .order_by("-severity", "report__period_end", "id")
    )


# --- critiques and comments ---------------------------------------------------------------------------------------


def critiques_for_dossier(*, dossier: Dossier) -> QuerySet[Critique]:
    """The Front's critiques on the dossier, oldest first, for its timeline. One query."""
    return Critique.objects.filter(dossier=dossier).select_related("author").order_by("created_at", "id")


def public_comment_summary(*, dossier: Dossier) -> dict[str, Any]:
    """Counts of residents' comments by moderation outcome, for the dossier's "summary of residents' comments":
    {"total", "published", "by_outcome": [(value, label, n), …]} with every outcome listed. One query."""
    counts = dict(
        PublicComment.objects.filter(dossier=dossier)
        .values("outcome")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("outcome", "n")
    )
    rows = [(value, label, counts.get(value, 0)) for value, label in Moderation.choices]
    return {
        "total": sum(counts.values()),
        "published": sum(n for value, _label, n in rows if value in PUBLISHED),
        "pending": counts.get(Moderation.PENDING, 0),
        "by_outcome": rows,
    }


def moderation_queue(*, user: User | AnonymousUser, outcome: str = Moderation.PENDING) -> QuerySet[PublicComment]:
    """Comments on dossiers whose unit the user's data-entry office covers (the office that moderates)."""
    qs = PublicComment.objects.visible_to(user, {Role.EDITOR})
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.select_related(*_DOSSIER_RELATED, "moderated_by").order_by("submitted_at", "id")


def access_comment_by_id(*, user: User | AnonymousUser, pk: int) -> PublicComment:
    try:
        return PublicComment.objects.visible_to(user).select_related(*_DOSSIER_RELATED).get(pk=pk)
    except PublicComment.DoesNotExist as exc:
        raise _not_found() from exc


def dossier_comments(*, dossier: Dossier) -> QuerySet[PublicComment]:
    return dossier.public_comments.select_related("moderated_by").order_by("submitted_at", "id")


# --- public consultation page (no login) --------------------------------------------------------------------------


def consultation_ends_on(started: date | None) -> date | None:
    """End of the posting period: NTM_CONSULTATION_DAYS after the start (the date the workflow gate shows)."""
    if started is None:
        return None
    return started + timedelta(days=settings.NTM_CONSULTATION_DAYS)


def consultation_closed(started: date | None, *, today: date | None = None) -> bool:
    """Whether the posting period is over: from its end date on, as the workflow gate counts it ("runs 15 days from
    the start: it ends on …"), comments are refused even while the dossier still waits in public consultation."""
    ends = consultation_ends_on(started)
    return ends is not None and (today or timezone.localdate()) >= ends


def consultation_closed_message(started: date | None) -> str:
    """What a resident reads once the period is over."""
    ends = consultation_ends_on(started)
    return _("The consultation ended on {day}; comments are no longer accepted.").format(
        day=ends.strftime("%d/%m/%Y") if ends else ""
    )


def _assessment_field(field: str) -> Coalesce:
    """The dossier's relied-on assessment when fixed, else the commune's assessment for its level and year."""
    latest = Assessment.objects.filter(
        commune_id=OuterRef("commune_id"),
        year=OuterRef("year"),
        criteria_set__level=OuterRef("level"),
        criteria_set__subject=SubjectKind.COMMUNE,
    ).order_by("-criteria_set__year_from", "-id")
    return Coalesce(f"assessment__{field}", Subquery(latest.values(field)[:1]))


def public_dossier_list() -> QuerySet[Dossier]:
    """Dossiers in public consultation, with the scorecard summary and the number of published comments.

    Only what the commune posts publicly is selected; no officer, file or draft. One query."""
    return (
        Dossier.objects.filter(status=DossierStatus.PUBLIC_CONSULTATION)
        .select_related("province", "district", "commune", "hamlet")
        .annotate(
            criteria_met=_assessment_field("criteria_met"),
            criteria_total=_assessment_field("criteria_total"),
            published_comments=Count("public_comments", filter=Q(public_comments__outcome__in=PUBLISHED)),
        )
        .order_by("consultation_started_on", "province__code", "district__code", "commune__code", "id")
    )


def access_public_dossier(*, pk: int) -> Dossier:
    """A dossier in public consultation, or 404 (drafts, later steps and other statuses do not exist here)."""
    try:
        return public_dossier_list().get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404(_("This dossier is not in public consultation.")) from exc


def public_results_report(*, dossier: Dossier) -> DossierDocument | None:
    """The report on results residents are asked about: the latest one the commune uploaded (the other papers of
    the dossier stay internal)."""
    return dossier.documents.filter(kind=DocumentKind.RESULTS_REPORT).order_by("-created_at", "-id").first()


def public_site_name(dossiers: Iterable[Dossier] = ()) -> str:
    """What the public pages' header names: the province of the dossiers shown (a deployment serves one province),
    else the province the site holds when it holds only one; empty when neither tells."""
    provinces = {d.province for d in dossiers}
    if len(provinces) == 1:
        return provinces.pop().name
    only = list(Province.objects.all()[:2])
    return only[0].name if len(only) == 1 else ""


def published_comments(*, dossier: Dossier) -> QuerySet[PublicComment]:
    return dossier.public_comments.filter(outcome__in=PUBLISHED).order_by("submitted_at", "id")


# --- the Front's overview -----------------------------------------------------------------------------------------


@dataclass
class Overview:
    communes: QuerySet[Commune]
    dossiers: QuerySet[Dossier]
    overdue_findings: QuerySet[Finding]
    counts: dict[str, Any]


def _recognised(level: str) -> Exists:
    return Exists(
        Recognition.objects.in_force_on(timezone.localdate()).filter(
            subject_kind=SubjectKind.COMMUNE, commune_id=OuterRef("pk"), level=level
        )
    )


def overview_communes(*, user: User | AnonymousUser) -> QuerySet[Commune]:
    """Current communes in the area with their latest basic scorecard, recognitions in force, the dossier under
    way and unresolved findings. One query whatever the number of rows."""
    latest = Assessment.objects.filter(
        commune_id=OuterRef("pk"), criteria_set__level=StandardLevel.BASIC, criteria_set__subject=SubjectKind.COMMUNE
    ).order_by("-year", "-criteria_set__year_from", "-id")
    active = Dossier.objects.filter(commune_id=OuterRef("pk")).exclude(status__in=NOT_ACTIVE).order_by("-year", "-id")
    unresolved = (
        Finding.objects.filter(report__commune_id=OuterRef("pk"), status__in=UNRESOLVED)
        .order_by()
        .values("report__commune_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return (
        scope.communes(user)
        .filter(valid_to__isnull=True, unit_type=CommuneType.COMMUNE)
        .select_related("district")
        .annotate(
            assessed_year=Subquery(latest.values("year")[:1]),
            basic_met=Subquery(latest.values("criteria_met")[:1]),
            basic_total=Subquery(latest.values("criteria_total")[:1]),
            is_basic=_recognised(StandardLevel.BASIC),
            is_advanced=_recognised(StandardLevel.ADVANCED),
            is_model=_recognised(StandardLevel.MODEL),
            active_dossier_id=Subquery(active.values("pk")[:1]),
            active_status=Subquery(active.values("status")[:1]),
            active_level=Subquery(active.values("level")[:1]),
            active_year=Subquery(active.values("year")[:1]),
            unresolved_findings=Coalesce(Subquery(unresolved, output_field=IntegerField()), Value(0)),
        )
        .order_by("district__code", "code")
    )


def overview_dossiers(*, user: User | AnonymousUser) -> QuerySet[Dossier]:
    """Dossiers under way in the area, with the latest completed survey's figures and counts of unresolved
    findings (the same as the dossier page lists: on the dossier and, for a commune dossier, on its commune),
    critiques and comments awaiting moderation. One query."""
    qs = Dossier.objects.visible_to(user).exclude(status__in=NOT_ACTIVE)
    on_dossier = (
        Finding.objects.filter(report__dossier_id=OuterRef("pk"), status__in=UNRESOLVED)
        .order_by()
        .values("report__dossier_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    on_commune = (
        Finding.objects.filter(
            report__subject_kind=ReportSubject.COMMUNE, report__commune_id=OuterRef("commune_id"), status__in=UNRESOLVED
        )
        .order_by()
        .values("report__commune_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    findings = Coalesce(Subquery(on_dossier, output_field=IntegerField()), Value(0)) + Case(
        When(
            subject_kind=SubjectKind.COMMUNE,
            then=Coalesce(Subquery(on_commune, output_field=IntegerField()), Value(0)),
        ),
        default=Value(0),
    )

    def count_of(model: type[Critique | PublicComment], **filters: Any) -> Coalesce:
        return Coalesce(
            Subquery(
                model.objects.filter(dossier_id=OuterRef("pk"), **filters)
                .order_by()
                .values("dossier_id")
                .annotate(n=Count("id"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return (
        with_survey_totals(qs)
        .select_related("province", "district", "commune", "hamlet")
        .annotate(
            unresolved_findings=findings,
            critique_count=count_of(Critique),
            pending_comments=count_of(PublicComment, outcome=Moderation.PENDING),
        )
        .order_by("due_on", "status_changed_at", "id")
    )


def overdue_findings(*, user: User | AnonymousUser) -> QuerySet[Finding]:
    """Open findings whose answer is past due."""
    return (
        Finding.objects.visible_to(user)
        .filter(
            status=FindingStatus.OPEN,
            respond_by__lt=timezone.localdate(),
        )
        .select_related("report", "report__commune", "report__dossier", "report__district", "concerned_office")
        .order_by("respond_by", "id")
    )


def monitor_overview(*, user: User | AnonymousUser) -> Overview:
    today = timezone.localdate()
    last_start = today - timedelta(days=settings.NTM_CONSULTATION_DAYS)
    counts = (
        Dossier.objects.visible_to(user)
        .exclude(status__in=NOT_ACTIVE)
        .aggregate(
            active=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            consultation_overrun=Count(
                "id",
                filter=Q(status=DossierStatus.PUBLIC_CONSULTATION, consultation_started_on__lte=last_start),
            ),
        )
    )
    counts["unresolved_findings"] = Finding.objects.visible_to(user).filter(status__in=UNRESOLVED).count()
    return Overview(
        communes=overview_communes(user=user),
        dossiers=overview_dossiers(user=user),
        overdue_findings=overdue_findings(user=user),
        counts=counts,
    )
