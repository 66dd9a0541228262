"""THE one readable definition of the recognition workflow (Decision 18/2022/QĐ-TTg, see shared docs procedure.md).

Statuses with their colours, the route a dossier follows (fixed when it is opened, from the province's tier), and
TRANSITIONS: every allowed move as (action, from, to, roles, acting level, gates, routes). Nothing else in the app
decides who may move a dossier where; `verification.services.dossier_transition` applies this table, the queues
are derived from it, and the dossier page shows its gates before a button is pressed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from offices.choices import Role


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (self-assessment)")
    PUBLIC_CONSULTATION = "public_consultation", _("Public consultation")
    FRONT_SURVEY = "front_survey", _("Front satisfaction survey")
    SUBMITTED = "submitted", _("Submitted for verification")
    UNDER_VERIFICATION = "under_verification", _("Under verification")
    VERIFIED = "verified", _("Verified")
    UNDER_APPRAISAL = "under_appraisal", _("Under appraisal")
    APPRAISED = "appraised", _("Appraised")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", _("Rejected")
    REVOCATION_PROPOSED = "revocation_proposed", _("Revocation proposed")
    REVOKED = "revoked", _("Revoked")


# Bootstrap colour of each status badge.
STATUS_COLOURS = {
    DossierStatus.DRAFT: "secondary",
    DossierStatus.PUBLIC_CONSULTATION: "info",
    DossierStatus.FRONT_SURVEY: "info",
    DossierStatus.SUBMITTED: "primary",
    DossierStatus.UNDER_VERIFICATION: "primary",
    DossierStatus.VERIFIED: "primary",
    DossierStatus.UNDER_APPRAISAL: "warning",
    DossierStatus.APPRAISED: "warning",
    DossierStatus.RECOGNISED: "success",
    DossierStatus.REJECTED: "danger",
    DossierStatus.REVOCATION_PROPOSED: "danger",
    DossierStatus.REVOKED: "dark",
}

TERMINAL = frozenset({DossierStatus.REJECTED, DossierStatus.REVOKED})
# While a dossier is in one of these statuses the commune still prepares it (documents, postings).
COMMUNE_STAGE = frozenset({DossierStatus.DRAFT, DossierStatus.PUBLIC_CONSULTATION, DossierStatus.FRONT_SURVEY})


class Route(models.TextChoices):
    """Who verifies. Fixed when the dossier is opened, from the province's tier and the subject."""

    DISTRICT_TIER = "district_tier", _("District verifies, province appraises")
    PROVINCIAL = "provincial", _("Provincial team verifies (two-tier province)")
    NATIONAL = "national", _("Province verifies and appraises, Prime Minister decides")


class ActingLevel(models.TextChoices):
    """Where the actor's office must sit for a transition."""

    UNIT = "unit", _("An office covering the unit")
    DISTRICT = "district", _("The unit's district office")
    PROVINCE = "province", _("A provincial office")


class Stage(models.TextChoices):
    """Queue stages: a due date is set when a dossier enters one."""

    VERIFICATION = "verification", _("Verification")
    APPRAISAL = "appraisal", _("Appraisal")
    DECISION = "decision", _("Decision")


class SecurityStatus(models.TextChoices):
    """Security and order classification of the commune, recorded by the verifier (Ministry of Public Security)."""

    UNKNOWN = "unknown", _("Not yet recorded")
    NOT_COMPLEX = "not_complex", _("Not complex")
    COMPLEX = "complex", _("Complex in security and order")


class DocumentKind(models.TextChoices):
    REQUEST_LETTER = "request_letter", _("Request letter (tờ trình)")
    RESULTS_REPORT = "results_report", _("Report on NTM results")
    COMMENTS_SUMMARY = "comments_summary", _("Summary of residents' comments")
    FRONT_COMMENTS = "front_comments", _("Front's and mass organisations' written comments")
    SATISFACTION_REPORT = "satisfaction_report", _("Front satisfaction report")
    MINUTES = "minutes", _("Minutes of the meeting proposing recognition")
    DEBT_REPORT = "debt_report", _("Construction-debt report")
    PHOTOS = "photos", _("Photos and evidence")
    VERIFICATION_REPORT = "verification_report", _("Verification report")
    APPRAISAL_REPORT = "appraisal_report", _("Appraisal report")
    DECISION = "decision", _("Decision")
    OTHER = "other", _("Other")


# Documents the dossier must hold before it leaves the commune (procedure.md §4; list [U], from practice).
REQUIRED_DOCUMENTS = (
    DocumentKind.REQUEST_LETTER,
    DocumentKind.RESULTS_REPORT,
    DocumentKind.COMMENTS_SUMMARY,
    DocumentKind.MINUTES,
    DocumentKind.DEBT_REPORT,
    DocumentKind.PHOTOS,
)
# Kinds a Front monitor may upload (the Front's own papers).
FRONT_DOCUMENTS = frozenset({DocumentKind.FRONT_COMMENTS, DocumentKind.SATISFACTION_REPORT})


class PostingPlace(models.TextChoices):
    """Article 5 of 18/2022: posted at the commune office, in hamlet cultural houses and on the loudspeakers."""

    COMMUNE_OFFICE = "commune_office", _("Commune People's Committee office")
    CULTURAL_HOUSE = "cultural_house", _("Hamlet cultural house")
    LOUDSPEAKER = "loudspeaker", _("Commune loudspeaker system")


class NotificationKind(models.TextChoices):
    ARRIVED = "arrived", _("Arrived in your queue")
    RETURNED = "returned", _("Returned to the commune")
    DECIDED = "decided", _("Decided")


class ActionKind(models.TextChoices):
    FORWARD = "forward", _("Moves the dossier on")
    RETURN = "return", _("Returns it to the commune")
    REFUSE = "refuse", _("Refuses")


# --- gates ---------------------------------------------------------------------------------------------------------
# Names of the gate functions in verification/gates.py, in the order the checklist shows them.
G_RESULTS_REPORT = "results_report"
G_CRITERIA = "criteria_met"
G_SATISFACTION = "satisfaction"
G_DEBT = "no_construction_debt"
G_SECURITY = "security_not_complex"
G_CONSULTATION = "consultation_done"
G_FRONT_COMMENTS = "front_comments"
G_DOCUMENTS = "documents_present"

COMMUNE_GATES = (G_CRITERIA, G_SATISFACTION, G_DEBT, G_CONSULTATION, G_FRONT_COMMENTS, G_DOCUMENTS)
ALL_GATES = (G_CRITERIA, G_SATISFACTION, G_DEBT, G_SECURITY, G_CONSULTATION, G_FRONT_COMMENTS, G_DOCUMENTS)

# --- transitions ---------------------------------------------------------------------------------------------------

ALL_ROUTES = frozenset(Route)
TIERED = frozenset({Route.DISTRICT_TIER, Route.NATIONAL})  # routes with a separate provincial appraisal
TWO_TIER = frozenset({Route.PROVINCIAL})


@dataclass(frozen=True)
class Transition:
    action: str
    source: DossierStatus
    target: DossierStatus
    roles: frozenset
    level: ActingLevel
    label: str
    gates: tuple[str, ...] = ()
    routes: frozenset = ALL_ROUTES
    kind: ActionKind = ActionKind.FORWARD
    queue: bool = False  # the dossier waits in the actor's queue while in `source`
    needs_comment: bool = False
    needs_decision: bool = False  # decision number, date and signer
    locks_assessment: bool = False


DS = DossierStatus
_E = frozenset({Role.EDITOR})
_V = frozenset({Role.VERIFIER})
_A = frozenset({Role.APPRAISER})
_P = frozenset({Role.APPROVER})


def _verification(action, source, target, label, **kw):
    """The same step at the district (three-tier) or by a provincial team (two-tier, and district subjects)."""
    return [
        Transition(
            action, source, target, _V, ActingLevel.DISTRICT, label, routes=frozenset({Route.DISTRICT_TIER}), **kw
        ),
        Transition(
            action,
            source,
            target,
            _V,
            ActingLevel.PROVINCE,
            label,
            routes=frozenset({Route.PROVINCIAL, Route.NATIONAL}),
            **kw,
        ),
    ]


TRANSITIONS: tuple[Transition, ...] = (
    # Commune stage (Article 5): consultation, Front survey, submission.
    Transition(
        "open_consultation",
        DS.DRAFT,
        DS.PUBLIC_CONSULTATION,
        _E,
        ActingLevel.UNIT,
        _("Open public consultation"),
        gates=(G_RESULTS_REPORT,),
    ),
    Transition(
        "close_consultation",
        DS.PUBLIC_CONSULTATION,
        DS.FRONT_SURVEY,
        _E,
        ActingLevel.UNIT,
        _("Close consultation, start the Front survey"),
        gates=(G_CONSULTATION, G_FRONT_COMMENTS),
    ),
    Transition(
        "submit",
        DS.FRONT_SURVEY,
        DS.SUBMITTED,
        _E,
        ActingLevel.UNIT,
        _("Submit for verification"),
        gates=COMMUNE_GATES,
    ),
    # Verification.
    *_verification(
        "start_verification", DS.SUBMITTED, DS.UNDER_VERIFICATION, _("Take up for verification"), queue=True
    ),
    *_verification(
        "verify", DS.UNDER_VERIFICATION, DS.VERIFIED, _("Approve verification"), gates=ALL_GATES, queue=True
    ),
    *_verification(
        "return", DS.SUBMITTED, DS.DRAFT, _("Return to the commune"), kind=ActionKind.RETURN, needs_comment=True
    ),
    *_verification(
        "return",
        DS.UNDER_VERIFICATION,
        DS.DRAFT,
        _("Return to the commune"),
        kind=ActionKind.RETURN,
        needs_comment=True,
    ),
    # Provincial appraisal (three-tier route and district subjects).
    Transition(
        "start_appraisal",
        DS.VERIFIED,
        DS.UNDER_APPRAISAL,
        _A,
        ActingLevel.PROVINCE,
        _("Take up for appraisal"),
        routes=TIERED,
        queue=True,
    ),
    Transition(
        "appraise",
        DS.UNDER_APPRAISAL,
        DS.APPRAISED,
        _A,
        ActingLevel.PROVINCE,
        _("Approve appraisal"),
        gates=ALL_GATES,
        routes=TIERED,
        queue=True,
        locks_assessment=True,
    ),
    Transition(
        "return",
        DS.VERIFIED,
        DS.DRAFT,
        _A,
        ActingLevel.PROVINCE,
        _("Return to the commune"),
        routes=TIERED,
        kind=ActionKind.RETURN,
        needs_comment=True,
    ),
    Transition(
        "return",
        DS.UNDER_APPRAISAL,
        DS.DRAFT,
        _A,
        ActingLevel.PROVINCE,
        _("Return to the commune"),
        routes=TIERED,
        kind=ActionKind.RETURN,
        needs_comment=True,
    ),
    # Decision: after appraisal (three-tier), straight after provincial verification (two-tier).
    *[
        t
        for source, routes in ((DS.APPRAISED, TIERED), (DS.VERIFIED, TWO_TIER))
        for t in (
            Transition(
                "recognise",
                source,
                DS.RECOGNISED,
                _P,
                ActingLevel.PROVINCE,
                _("Record the recognition decision"),
                gates=ALL_GATES,
                routes=routes,
                queue=True,
                needs_decision=True,
                locks_assessment=True,
            ),
            Transition(
                "reject",
                source,
                DS.REJECTED,
                _P,
                ActingLevel.PROVINCE,
                _("Reject"),
                routes=routes,
                kind=ActionKind.REFUSE,
                needs_comment=True,
            ),
            Transition(
                "return",
                source,
                DS.DRAFT,
                _P,
                ActingLevel.PROVINCE,
                _("Return to the commune"),
                routes=routes,
                kind=ActionKind.RETURN,
                needs_comment=True,
            ),
        )
    ],
    # Revocation (18/2022): proposed by the appraisal council, decided by the approver.
    Transition(
        "propose_revocation",
        DS.RECOGNISED,
        DS.REVOCATION_PROPOSED,
        _A,
        ActingLevel.PROVINCE,
        _("Propose revocation"),
        needs_comment=True,
    ),
    Transition(
        "revoke",
        DS.REVOCATION_PROPOSED,
        DS.REVOKED,
        _P,
        ActingLevel.PROVINCE,
        _("Record the revocation decision"),
        queue=True,
        needs_comment=True,
        needs_decision=True,
    ),
    Transition(
        "keep_recognition",
        DS.REVOCATION_PROPOSED,
        DS.RECOGNISED,
        _P,
        ActingLevel.PROVINCE,
        _("Keep the recognition"),
        kind=ActionKind.REFUSE,
        needs_comment=True,
    ),
)

ACTIONS = frozenset(t.action for t in TRANSITIONS)
# The approving action of each supervisor role (what "bulk approve" applies), after taking the dossier up.
APPROVE_ACTIONS: dict[str, str] = {Role.VERIFIER: "verify", Role.APPRAISER: "appraise", Role.APPROVER: "recognise"}
QUEUE_ROLES = (Role.VERIFIER, Role.APPRAISER, Role.APPROVER)


def transitions_from(status: str, route: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status and route in t.routes]


def find_transition(action: str, status: str, route: str) -> Transition | None:
    return next((t for t in transitions_from(status, route) if t.action == action), None)


def roles_for_action(action: str) -> frozenset:
    return frozenset(r for t in TRANSITIONS if t.action == action for r in t.roles)


def stage_of(status: str, route: str) -> Stage | None:
    """The queue stage a dossier in `status` waits in (None while at the commune or once decided)."""
    for t in transitions_from(status, route):
        if t.queue:
            return {Role.VERIFIER: Stage.VERIFICATION, Role.APPRAISER: Stage.APPRAISAL}.get(
                next(iter(t.roles)), Stage.DECISION
            )
    return None
