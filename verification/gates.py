"""The conditions a dossier must meet before a transition (Decision 18/2022 and Article 5; see procedure.md §2–3).

Each gate is a small function `(dossier) -> list[str]` returning the reasons it is not met (empty when met), so a
refusal can list every unmet gate and the dossier page can show the same checklist before a button is pressed.
Apps below the workflow are read through their selectors (criteria, funding, the register); the Front's satisfaction
rate comes from monitoring, above the workflow, through the slot it fills (verification.registry).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.choices import CommuneType
from core.formatting import PUBLISHED_PERCENT_DECIMALS, money, number
from criteria.choices import StandardLevel, SubjectKind
from funding.selectors import outstanding_construction_debt
from register.models import Recognition

from . import choices as c
from . import registry
from .choices import DocumentKind, SecurityStatus


@dataclass
class GateResult:
    """`ok`: nothing blocks the step. A gate that only warns (the plan registration; Front findings when
    `NTM_FRONT_FINDINGS_BLOCK` is off) is ok and lists what it found in `warnings`."""

    name: str
    label: str
    ok: bool
    reasons: list[str] = field(default_factory=list)
    applicable: bool = True
    warnings: list[str] = field(default_factory=list)


# --- readers of other apps (one place each, so tests and integration have one seam) -----------------------------


def relied_on_assessment(dossier):
    """The assessment the dossier relies on: the one fixed at submission, else the commune's latest for the level."""
    if dossier.assessment_id:
        return dossier.assessment
    return current_assessment(dossier)


def current_assessment(dossier):
    """The commune's assessment against the dossier's level for the dossier's year."""
    from criteria.selectors import latest_assessment

    return latest_assessment(commune=dossier.commune, level=dossier.level, year=dossier.year)


def assessment_unmet(assessment) -> list[str]:
    from criteria.selectors import assessment_unmet_reasons

    return list(assessment_unmet_reasons(assessment=assessment))


class SourceMissing(Exception):
    """The app that holds a gate's figures is not installed: the gate fails with a clear reason, never passes."""


def satisfaction_rate(dossier) -> Decimal | None:
    if not registry.satisfaction_rate.provided:
        raise SourceMissing(_("Front satisfaction surveys cannot be read (monitoring app missing)."))
    return registry.satisfaction_rate.get()(dossier=dossier)


def construction_debt(commune) -> int:
    return outstanding_construction_debt(commune=commune)


def survey_problems(dossier) -> list[str]:
    """What the Front's survey still lacks besides the overall rate (coverage, posting, the higher-level check, the
    per-commune per-item floor of a district), from monitoring."""
    if not registry.survey_problems.provided:
        raise SourceMissing(_("Front satisfaction surveys cannot be read (monitoring app missing)."))
    return registry.survey_problems.get()(dossier=dossier)


def serious_findings(dossier) -> list[str]:
    """Unresolved serious Front findings on the dossier or its unit, from monitoring."""
    if not registry.serious_findings.provided:
        raise SourceMissing(_("Front findings cannot be read (monitoring app missing)."))
    return registry.serious_findings.get()(dossier=dossier)


def plan_registered(dossier) -> bool | None:
    """Whether the unit is registered in its year's plan for the level (None: no plan target counts this level)."""
    from programs.choices import TARGET_RECOGNITION
    from programs.models import Registration

    kinds = [
        k
        for k, (subject, level) in TARGET_RECOGNITION.items()
        if (subject, level) == (dossier.subject_kind, dossier.level)
    ]
    if not kinds:
        return None
    unit = {
        SubjectKind.COMMUNE: {"commune_id": dossier.commune_id, "hamlet__isnull": True},
        SubjectKind.HAMLET: {"hamlet_id": dossier.hamlet_id},
        SubjectKind.DISTRICT: {"district_id": dossier.district_id},
    }[dossier.subject_kind]
    return Registration.objects.filter(target__plan__year=dossier.year, target__kind__in=kinds, **unit).exists()


# --- gates -----------------------------------------------------------------------------------------------------------


def _kinds_present(dossier) -> set[str]:
    cache = getattr(dossier, "_document_kinds", None)
    if cache is None:
        cache = set(dossier.documents.values_list("kind", flat=True))
        dossier._document_kinds = cache
    return cache


def gate_results_report(dossier) -> list[str]:
    if DocumentKind.RESULTS_REPORT in _kinds_present(dossier):
        return []
    return [_("Upload the report on NTM results: it is what the consultation posts.")]


def _district_communes(dossier):
    from communes.models import Commune

    return Commune.objects.current().filter(district=dossier.district, unit_type=CommuneType.COMMUNE)


def gate_criteria_met(dossier) -> list[str]:
    level = StandardLevel(dossier.level).label
    if dossier.subject_kind == SubjectKind.COMMUNE:
        assessment = relied_on_assessment(dossier)
        if assessment is None:
            return [
                _("No scorecard of {commune} against the {level} criteria for {year}.").format(
                    commune=dossier.commune, level=level, year=dossier.year
                )
            ]
        reasons = assessment_unmet(assessment)
        if not reasons and not assessment.is_all_met:
            reasons = [
                _("{met} of {total} criteria met.").format(met=assessment.criteria_met, total=assessment.criteria_total)
            ]
        if reasons:
            return [_("Scorecard {year}: {reason}").format(year=assessment.year, reason=r) for r in reasons]
        return []
    reasons = []
    if dossier.subject_kind == SubjectKind.DISTRICT:
        today = timezone.localdate()
        recognised = Recognition.objects.in_force_on(today).filter(
            subject_kind=SubjectKind.COMMUNE, level=StandardLevel.BASIC, commune__district=dossier.district
        )
        missing = list(_district_communes(dossier).exclude(pk__in=recognised.values("commune_id")).order_by("code"))
        if missing:
            names = ", ".join(str(m) for m in missing[:5]) + ("…" if len(missing) > 5 else "")
            reasons.append(
                _("{n} communes of the district are not recognised as NTM: {names}.").format(
                    n=len(missing), names=names
                )
            )
    if not dossier.criteria_confirmed:
        reasons.append(
            _("The verifier has not confirmed that every {level} criterion is met (there is no scorecard).").format(
                level=level
            )
        )
    return reasons


def gate_satisfaction(dossier) -> list[str]:
    threshold = Decimal(str(settings.NTM_SATISFACTION_THRESHOLD))
    rate = satisfaction_rate(dossier)
    if rate is None:
        return [_("No Front satisfaction survey is recorded for this dossier.")]
    if Decimal(rate) < threshold:
        return [
            _("Residents' satisfaction {rate}% is below the {threshold}% required.").format(
                rate=number(rate, PUBLISHED_PERCENT_DECIMALS), threshold=number(threshold, 0)
            )
        ]
    return []


def gate_no_construction_debt(dossier) -> list[str]:
    communes = [dossier.commune] if dossier.subject_kind == SubjectKind.COMMUNE else list(_district_communes(dossier))
    reasons = []
    for commune in communes:
        debt = construction_debt(commune)
        if debt > 0:
            reasons.append(
                _("{commune} has {amount} đồng of outstanding construction debt.").format(
                    commune=commune, amount=money(debt)
                )
            )
    return reasons


def gate_security_not_complex(dossier) -> list[str]:
    if dossier.security_status == SecurityStatus.NOT_COMPLEX:
        return []
    if dossier.security_status == SecurityStatus.COMPLEX:
        return [_("The unit is classed as complex in security and order.")]
    return [_("The verifier has not yet recorded the security and order classification.")]


def gate_consultation_done(dossier) -> list[str]:
    days = settings.NTM_CONSULTATION_DAYS
    needed = settings.NTM_CONSULTATION_MIN_POSTINGS
    start = dossier.consultation_started_on
    if start is None:
        return [_("The public consultation has not been opened.")]
    reasons = []
    ends = start + timedelta(days=days)
    if timezone.localdate() < ends:
        reasons.append(
            _("The consultation runs {days} days from {start}: it ends on {end}.").format(
                days=days, start=start.strftime("%d/%m/%Y"), end=ends.strftime("%d/%m/%Y")
            )
        )
    postings = dossier.postings.filter(posted_on__gte=start, posted_on__lt=ends).count()
    if postings < needed:
        reasons.append(
            _("{n} postings recorded within the {days} days; at least {needed} are required.").format(
                n=postings, days=days, needed=needed
            )
        )
    return reasons


def gate_front_comments(dossier) -> list[str]:
    if DocumentKind.FRONT_COMMENTS in _kinds_present(dossier):
        return []
    return [_("The Front's and mass organisations' written comments have not been received.")]


def required_documents(dossier) -> tuple[str, ...]:
    if dossier.subject_kind == SubjectKind.HAMLET:
        return tuple(k for k in c.REQUIRED_DOCUMENTS if k != DocumentKind.DEBT_REPORT)
    return c.REQUIRED_DOCUMENTS


def gate_documents_present(dossier) -> list[str]:
    missing = [DocumentKind(k).label for k in required_documents(dossier) if k not in _kinds_present(dossier)]
    if not missing:
        return []
    return [_("Missing documents: {kinds}.").format(kinds="; ".join(str(m) for m in missing))]


def _unit_filter(dossier) -> dict:
    return {
        SubjectKind.COMMUNE: {"commune_id": dossier.commune_id},
        SubjectKind.HAMLET: {"hamlet_id": dossier.hamlet_id},
        SubjectKind.DISTRICT: {"district_id": dossier.district_id},
    }[dossier.subject_kind]


def gate_prerequisite(dossier) -> list[str]:
    """The level below, from the register (`NTM_LEVEL_PREREQUISITES`): advanced needs NTM in force, model the
    2021–2025 advanced standard (319/QĐ-TTg)."""
    rule = settings.NTM_LEVEL_PREREQUISITES.get(dossier.level)
    if not rule:
        return []
    held = Recognition.objects.in_force_on(timezone.localdate()).filter(
        subject_kind=dossier.subject_kind, level=rule["level"], **_unit_filter(dossier)
    )
    since = rule.get("from_year")
    if since:
        held = held.filter(year__gte=since)
    if held.exists():
        return []
    needed = StandardLevel(rule["level"]).label
    if since:
        return [
            _("{unit} holds no {level} recognition in force from {year} on (the standard of the period).").format(
                unit=dossier.subject, level=needed, year=since
            )
        ]
    return [_("{unit} holds no {level} recognition in force.").format(unit=dossier.subject, level=needed)]


def district_rules(district) -> dict:
    """The rules a district-level unit is judged by: rural districts by Decision 320 Annex I, towns and provincial
    cities by Annex II ("completing the task"), from `NTM_DISTRICT_RULES` (their figures are data, not code)."""
    rules = settings.NTM_DISTRICT_RULES
    return rules.get(district.unit_type) or rules["huyen"]


def gate_district_conditions(dossier) -> list[str]:
    from communes.models import Commune

    rules = district_rules(dossier.district)
    reasons = []
    share = rules.get("advanced_share")
    if share:
        communes = _district_communes(dossier)
        total = communes.count()
        advanced = (
            Recognition.objects.in_force_on(timezone.localdate())
            .filter(
                subject_kind=SubjectKind.COMMUNE,
                level__in=[StandardLevel.ADVANCED, StandardLevel.MODEL],
                commune__in=communes,
            )
            .values("commune_id")
            .distinct()
            .count()
        )
        if not total or advanced * 100 < Decimal(str(share)) * total:
            reasons.append(
                _("{n} of {total} communes are advanced NTM; at least {share}% are required.").format(
                    n=advanced, total=total, share=number(share, 0)
                )
            )
    if rules.get("townships_civilised"):
        townships = list(
            Commune.objects.current().filter(district=dossier.district, unit_type=CommuneType.TOWNSHIP).order_by("code")
        )
        checked = {t.township_id: t for t in dossier.townships.all()}
        for township in townships:
            check = checked.get(township.pk)
            if check is None:
                reasons.append(
                    _(
                        "{township}: the verifier has not recorded whether it meets the civilised-urban standard."
                    ).format(township=township)
                )
            elif not check.meets_standard:
                reasons.append(_("{township} does not meet the civilised-urban standard.").format(township=township))
    return reasons


def gate_survey_conduct(dossier) -> list[str]:
    return survey_problems(dossier)


def gate_front_findings(dossier) -> list[str]:
    return [_("Unresolved serious finding: {text}").format(text=text) for text in serious_findings(dossier)]


def gate_plan_registration(dossier) -> list[str]:
    if plan_registered(dossier) is False:
        return [
            _("{unit} is not registered in the {year} plan for this level.").format(
                unit=dossier.subject, year=dossier.year
            )
        ]
    return []


def gate_verification_report(dossier) -> list[str]:
    reasons = []
    if DocumentKind.VERIFICATION_REPORT not in _kinds_present(dossier):
        reasons.append(_("Upload the signed verification report."))
    if settings.NTM_PUBLISH_VERIFICATION_REPORT:
        days = settings.NTM_VERIFICATION_PUBLICATION_DAYS
        publication = dossier.publications.order_by("-published_on", "-id").first()
        if publication is None:
            reasons.append(_("The verification report has not been published for comments."))
        else:
            ends = publication.published_on + timedelta(days=days)
            if timezone.localdate() < ends:
                reasons.append(
                    _(
                        "The verification report is published for comments for {days} days from {start}: until {end}."
                    ).format(
                        days=days, start=publication.published_on.strftime("%d/%m/%Y"), end=ends.strftime("%d/%m/%Y")
                    )
                )
    return reasons


def vote_passes(*, votes_for: int, present: int) -> bool:
    """More than `NTM_APPRAISAL_MAJORITY_PERCENT` of the members present agree (default: more than half)."""
    return present > 0 and votes_for * 100 > Decimal(str(settings.NTM_APPRAISAL_MAJORITY_PERCENT)) * present


def gate_appraisal_vote(dossier) -> list[str]:
    from .models import Appraisal

    appraisal = Appraisal.objects.filter(dossier=dossier).first()
    if appraisal is None:
        return [_("The appraisal council's inspection, meeting and vote are not recorded.")]
    reasons = []
    if not appraisal.inspected_on:
        reasons.append(_("The field inspection is not recorded."))
    if not appraisal.meeting_on or appraisal.votes_for is None or not appraisal.members_present:
        reasons.append(_("The council meeting and its vote are not recorded."))
    elif not vote_passes(votes_for=appraisal.votes_for, present=appraisal.members_present):
        reasons.append(
            _("{votes} of {present} members present agreed: more than {share}% must.").format(
                votes=appraisal.votes_for,
                present=appraisal.members_present,
                share=number(settings.NTM_APPRAISAL_MAJORITY_PERCENT, 0),
            )
        )
    if DocumentKind.APPRAISAL_MINUTES not in _kinds_present(dossier):
        reasons.append(_("Upload the signed minutes of the council meeting."))
    return reasons


def _document_gate(kind: str, message):
    def gate(dossier) -> list[str]:
        return [] if kind in _kinds_present(dossier) else [str(message)]

    return gate


def gate_revocation_grounds(dossier) -> list[str]:
    """Whether a ground of 18/2022 holds (shown to the council and the approver; it does not block)."""
    from register.selectors import revocation_grounds

    found, reasons = revocation_grounds(
        subject_kind=dossier.subject_kind,
        commune=dossier.commune,
        district=dossier.district,
        level=dossier.level,
        on=timezone.localdate(),
    )
    return [] if found else reasons


# name → (label, function, subject kinds it applies to, blocking: a bool or a callable returning one)
GATES = {
    c.G_RESULTS_REPORT: (gettext_lazy("Results report uploaded"), gate_results_report, set(SubjectKind)),
    c.G_CRITERIA: (gettext_lazy("Every criterion of the level met"), gate_criteria_met, set(SubjectKind)),
    c.G_SATISFACTION: (
        gettext_lazy("Residents' satisfaction at or above the threshold"),
        gate_satisfaction,
        set(SubjectKind),
    ),
    c.G_DEBT: (
        gettext_lazy("No outstanding construction debt"),
        gate_no_construction_debt,
        {SubjectKind.COMMUNE, SubjectKind.DISTRICT},
    ),
    c.G_SECURITY: (gettext_lazy("Not complex in security and order"), gate_security_not_complex, set(SubjectKind)),
    c.G_CONSULTATION: (
        gettext_lazy("Public consultation period and postings"),
        gate_consultation_done,
        set(SubjectKind),
    ),
    c.G_FRONT_COMMENTS: (gettext_lazy("Front's written comments received"), gate_front_comments, set(SubjectKind)),
    c.G_DOCUMENTS: (gettext_lazy("Required documents present"), gate_documents_present, set(SubjectKind)),
    c.G_PREREQUISITE: (
        gettext_lazy("The level below is held (register)"),
        gate_prerequisite,
        {SubjectKind.COMMUNE, SubjectKind.DISTRICT},
    ),
    c.G_DISTRICT: (
        gettext_lazy("District conditions (advanced communes, townships)"),
        gate_district_conditions,
        {SubjectKind.DISTRICT},
    ),
    c.G_SURVEY: (gettext_lazy("Front survey carried out as required"), gate_survey_conduct, set(SubjectKind)),
    c.G_FRONT_FINDINGS: (
        gettext_lazy("No unresolved serious Front finding"),
        gate_front_findings,
        set(SubjectKind),
        lambda: settings.NTM_FRONT_FINDINGS_BLOCK,
    ),
    c.G_PLAN: (
        gettext_lazy("Registered in the year's plan"),
        gate_plan_registration,
        set(SubjectKind),
        False,
    ),
    c.G_VERIFICATION_REPORT: (
        gettext_lazy("Verification report signed (and published for comments)"),
        gate_verification_report,
        set(SubjectKind),
    ),
    c.G_APPRAISAL: (
        gettext_lazy("Appraisal council: inspection, minutes and a majority vote"),
        gate_appraisal_vote,
        set(SubjectKind),
    ),
    c.G_CENTRAL_APPRAISAL: (
        gettext_lazy("Central ministries' appraisal result uploaded"),
        _document_gate(
            DocumentKind.CENTRAL_APPRAISAL, gettext_lazy("Upload the ministries' appraisal result of the district.")
        ),
        set(SubjectKind),
    ),
    c.G_SUBMISSION: (
        gettext_lazy("Submission (tờ trình) proposing the decision uploaded"),
        _document_gate(DocumentKind.SUBMISSION, gettext_lazy("Upload the signed submission (tờ trình).")),
        set(SubjectKind),
    ),
    c.G_DECISION_DOCUMENT: (
        gettext_lazy("Signed decision uploaded"),
        _document_gate(DocumentKind.DECISION, gettext_lazy("Upload the signed decision.")),
        set(SubjectKind),
    ),
    c.G_REVOCATION_GROUNDS: (
        gettext_lazy("Grounds for revocation (Decision 18/2022)"),
        gate_revocation_grounds,
        {SubjectKind.COMMUNE, SubjectKind.DISTRICT},
        False,
    ),
}


def evaluate_gates(dossier, names) -> list[GateResult]:
    """Every named gate, in order, with its reasons; gates that do not apply to the subject pass as such."""
    results = []
    for name in names:
        label, func, subjects, *rest = GATES[name]
        if dossier.subject_kind not in subjects:
            results.append(GateResult(name, str(label), True, [], applicable=False))
            continue
        try:
            reasons = func(dossier)
        except SourceMissing as exc:
            reasons = [str(exc)]
        blocking = rest[0] if rest else True
        if callable(blocking):
            blocking = blocking()
        if blocking:
            results.append(GateResult(name, str(label), not reasons, reasons))
        else:
            results.append(GateResult(name, str(label), True, [], warnings=reasons))
    return results


def unmet(results: list[GateResult]) -> list[str]:
    return [f"{r.label}: {reason}" for r in results if not r.ok for reason in r.reasons]
