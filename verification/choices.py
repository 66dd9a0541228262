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
    APPRAISAL_MINUTES = "appraisal_minutes", _("Minutes of the appraisal council's meeting, with the vote")
    SUBMISSION = "submission", _("Coordination office's submission (tờ trình) proposing the decision")
    CENTRAL_APPRAISAL = "central_appraisal", _("Central ministries' appraisal result")
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
    FINDING_FILED = "finding_filed", _("A Front finding names your office")
    FINDING_DUE = "finding_due", _("A Front finding's answer is due soon")


class CouncilRole(models.TextChoices):
    """Roles in a provincial appraisal council (practice: Điện Biên 2024, Nghệ An 2023; procedure.md §7)."""

    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    STANDING = "standing", _("Standing member")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


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
G_PREREQUISITE = "prerequisite"
G_DISTRICT = "district_conditions"
G_SURVEY = "survey_conduct"
G_FRONT_FINDINGS = "front_findings"
G_PLAN = "plan_registration"
G_VERIFICATION_REPORT = "verification_report"
G_APPRAISAL = "appraisal_vote"
G_CENTRAL_APPRAISAL = "central_appraisal"
G_SUBMISSION = "submission"
G_DECISION_DOCUMENT = "decision_document"
G_REVOCATION_GROUNDS = "revocation_grounds"

COMMUNE_GATES = (
    G_PREREQUISITE,
    G_CRITERIA,
    G_SATISFACTION,
    G_SURVEY,
    G_DEBT,
    G_CONSULTATION,
    G_FRONT_COMMENTS,
    G_DOCUMENTS,
    G_PLAN,
)
ALL_GATES = (
    G_PREREQUISITE,
    G_CRITERIA,
    G_DISTRICT,
    G_SATISFACTION,
    G_SURVEY,
    G_DEBT,
    G_SECURITY,
    G_CONSULTATION,
    G_FRONT_COMMENTS,
    G_FRONT_FINDINGS,
    G_DOCUMENTS,
    G_PLAN,
)
VERIFY_GATES = (*ALL_GATES, G_VERIFICATION_REPORT)

# --- transitions ---------------------------------------------------------------------------------------------------

ALL_ROUTES = frozenset(Route)
# Every route has an appraisal after verification. Two-tier government (from 01/07/2025) removed the district,
# whose verification passes to a provincial team; the appraisal stays the provincial council's own step under
# 18/2022 (inspection, meeting, vote), so a two-tier commune goes team → council → chairman like a three-tier one.
TIERED = frozenset({Route.DISTRICT_TIER, Route.PROVINCIAL, Route.NATIONAL})
PROVINCE_APPRAISES = frozenset({Route.DISTRICT_TIER, Route.PROVINCIAL})  # a provincial council appraises and votes
CENTRE_APPRAISES = frozenset({Route.NATIONAL})  # central ministries appraise, the Prime Minister decides


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
    confirm: bool = False  # the page asks for confirmation before the step is taken
    explain: str = ""  # what the step does, in words, under its heading
    done: str = ""  # what happened, in words, once the step is taken (else the new status is named)


DS = DossierStatus
_E = frozenset({Role.EDITOR})
_V = frozenset({Role.VERIFIER})
_A = frozenset({Role.APPRAISER})
_P = frozenset({Role.APPROVER})
_RETURNED = _("The dossier was returned to the commune.")


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
        "verify",
        DS.UNDER_VERIFICATION,
        DS.VERIFIED,
        _("Approve verification"),
        gates=VERIFY_GATES,
        queue=True,
    ),
    *_verification(
        "return",
        DS.SUBMITTED,
        DS.DRAFT,
        _("Return to the commune"),
        kind=ActionKind.RETURN,
        needs_comment=True,
        done=_RETURNED,
    ),
    *_verification(
        "return",
        DS.UNDER_VERIFICATION,
        DS.DRAFT,
        _("Return to the commune"),
        kind=ActionKind.RETURN,
        needs_comment=True,
        done=_RETURNED,
    ),
    # Appraisal: by the provincial appraisal council (three-tier route), by central ministries for a district (the
    # province records their result; it does not appraise in their place).
    Transition(
        "start_appraisal",
        DS.VERIFIED,
        DS.UNDER_APPRAISAL,
        _A,
        ActingLevel.PROVINCE,
        _("Take up for appraisal"),
        routes=PROVINCE_APPRAISES,
        queue=True,
    ),
    Transition(
        "appraise",
        DS.UNDER_APPRAISAL,
        DS.APPRAISED,
        _A,
        ActingLevel.PROVINCE,
        _("Approve appraisal"),
        gates=(*VERIFY_GATES, G_APPRAISAL),
        routes=PROVINCE_APPRAISES,
        queue=True,
        locks_assessment=True,
        explain=_("The council has inspected, met and voted: the dossier goes to the chairman for decision."),
    ),
    Transition(
        "start_appraisal",
        DS.VERIFIED,
        DS.UNDER_APPRAISAL,
        _A,
        ActingLevel.PROVINCE,
        _("Send to the central appraisal"),
        routes=CENTRE_APPRAISES,
        queue=True,
        explain=_("The province's submission goes to the ministries, who appraise district dossiers."),
    ),
    Transition(
        "appraise",
        DS.UNDER_APPRAISAL,
        DS.APPRAISED,
        _A,
        ActingLevel.PROVINCE,
        _("Record the central appraisal result"),
        gates=(*VERIFY_GATES, G_SUBMISSION, G_CENTRAL_APPRAISAL),
        routes=CENTRE_APPRAISES,
        queue=True,
        locks_assessment=True,
        explain=_("Upload the ministries' appraisal result first: the province records it, it does not appraise."),
    ),
    *[
        Transition(
            "return",
            source,
            DS.DRAFT,
            _A,
            ActingLevel.PROVINCE,
            _("Return to the commune"),
            routes=TIERED,
            kind=ActionKind.RETURN,
            needs_comment=True,
            done=_RETURNED,
        )
        for source in (DS.VERIFIED, DS.UNDER_APPRAISAL)
    ],
    # Decision: after appraisal, by the provincial chairman (communes) or the Prime Minister (district subjects).
    *[
        t
        for source, routes, gates, label in (
            (
                DS.APPRAISED,
                PROVINCE_APPRAISES,
                (*VERIFY_GATES, G_APPRAISAL, G_SUBMISSION, G_DECISION_DOCUMENT),
                _("Record the recognition decision"),
            ),
            (
                DS.APPRAISED,
                CENTRE_APPRAISES,
                (*VERIFY_GATES, G_CENTRAL_APPRAISAL, G_DECISION_DOCUMENT),
                _("Record the Prime Minister's decision"),
            ),
        )
        for t in (
            Transition(
                "recognise",
                source,
                DS.RECOGNISED,
                _P,
                ActingLevel.PROVINCE,
                label,
                gates=gates,
                routes=routes,
                queue=True,
                needs_decision=True,
                locks_assessment=True,
                confirm=True,
                explain=_(
                    "Upload the signed decision first (documents), then enter its number, date and signer: the unit "
                    "enters the register of recognitions."
                ),
                done=_("Decision recorded: the unit is recognised and entered in the register."),
            ),
            Transition(
                "reject",
                source,
                DS.REJECTED,
                _P,
                ActingLevel.PROVINCE,
                _("Not recognised"),
                routes=routes,
                kind=ActionKind.REFUSE,
                needs_comment=True,
                confirm=True,
                explain=_("The dossier is closed without recognition; give the reason the commune will read."),
                done=_("The dossier was closed: not recognised."),
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
                confirm=True,
                explain=_("The commune corrects the dossier and submits it again; it goes through every step anew."),
                done=_RETURNED,
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
        gates=(G_REVOCATION_GROUNDS,),
        needs_comment=True,
    ),
    Transition(
        "revoke",
        DS.REVOCATION_PROPOSED,
        DS.REVOKED,
        _P,
        ActingLevel.PROVINCE,
        _("Record the revocation decision"),
        gates=(G_REVOCATION_GROUNDS,),
        queue=True,
        needs_comment=True,
        needs_decision=True,
        confirm=True,
        explain=_("The recognition is revoked in the register from the decision's date."),
        done=_("Revocation recorded in the register."),
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
        confirm=True,
        explain=_("The proposal is set aside; the recognition stays in force."),
        done=_("The recognition stays in force."),
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
