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
from core.formatting import money, number
from criteria.choices import StandardLevel, SubjectKind
from funding.selectors import outstanding_construction_debt
from register.models import Recognition

from . import choices as c
from . import registry
from .choices import DocumentKind, SecurityStatus


@dataclass
class GateResult:
    name: str
    label: str
    ok: bool
    reasons: list[str] = field(default_factory=list)
    applicable: bool = True


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
                rate=number(rate, 2), threshold=number(threshold, 0)
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


# name → (label, function, subject kinds it applies to)
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
}


def evaluate_gates(dossier, names) -> list[GateResult]:
    """Every named gate, in order, with its reasons; gates that do not apply to the subject pass as such."""
    results = []
    for name in names:
        label, func, subjects = GATES[name]
        if dossier.subject_kind not in subjects:
            results.append(GateResult(name, str(label), True, [], applicable=False))
            continue
        try:
            reasons = func(dossier)
        except SourceMissing as exc:
            reasons = [str(exc)]
        results.append(GateResult(name, str(label), not reasons, reasons))
    return results


def unmet(results: list[GateResult]) -> list[str]:
    return [f"{r.label}: {reason}" for r in results if not r.ok for reason in r.reasons]
