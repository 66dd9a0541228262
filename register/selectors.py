"""Reads of the register: the list, one entry, and THE counts of recognised units. Everything through the
Recognition's declared unit path (core.scope)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _

from communes.models import Commune, District
from core.scope import get_visible_or_404
from criteria.choices import LEVEL_ORDER, StandardLevel, SubjectKind

from . import rules
from .filters import RecognitionFilterSet
from .models import Recognition, RecognitionBasis, RecognitionQuerySet


def recognition_list(
    *,
    user: User | AnonymousUser,
    filters: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    as_of: date | None = None,
) -> tuple[QuerySet[Recognition], RecognitionFilterSet]:
    """The register in the user's area, filtered: THE source of the register page and report. With `as_of`, the
    register as it stood that day: decisions taken by then, each `revoked_by_then` or in force; without, every
    decision as it stands now."""
    qs = Recognition.objects.visible_to(user)
    if as_of is None:
        revoked = Q(revoked_on__isnull=False)
    else:
        qs, revoked = qs.filter(decision_date__lte=as_of), Q(revoked_on__lte=as_of)
    qs = (
        qs.select_related(
            "commune", "commune__district", "hamlet", "hamlet__commune", "hamlet__commune__district", "district"
        )
        .annotate(
            unit_province_id=Coalesce("district__province_id", "commune__province_id", "hamlet__commune__province_id"),
            revoked_by_then=Case(When(revoked, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("-decision_date", "level", "id")
    )
    filterset = RecognitionFilterSet(filters or {}, queryset=qs, request=request)
    return filterset.qs, filterset


def access_recognition_by_id(*, user: User | AnonymousUser, pk: int) -> Recognition:
    return get_visible_or_404(
        Recognition.objects.select_related(
            "commune", "commune__province", "hamlet", "hamlet__commune", "district", "district__province"
        ),
        user,
        pk=pk,
    )


def recognised_counts(
    *,
    user: User | AnonymousUser | None,
    as_of: date,
    subject_kind: str = SubjectKind.COMMUNE,
    qs: RecognitionQuerySet | None = None,
) -> dict[str, int]:
    """Units recognised and not revoked on `as_of`, per level: THE source of "recognised" figures in the app.

    A unit counts once per level (several decisions for the same unit and level are not double-counted).
    One query.
    """
    unit_field = {SubjectKind.COMMUNE: "commune", SubjectKind.HAMLET: "hamlet", SubjectKind.DISTRICT: "district"}[
        subject_kind  # type: ignore[index]  # a SubjectKind value
    ]
    base = qs if qs is not None else Recognition.objects.visible_to(user)
    rows = (
        base.in_force_on(as_of)
        .filter(subject_kind=subject_kind)
        .values("level")
        .annotate(n=Count(unit_field, distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(StandardLevel.values, 0)
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


def recognised_at_set_level(*, commune_ref: str, level_ref: str) -> Case:
    """Whether the outer commune holds a recognition, never revoked, judged against the outer set's level (criteria's
    risk list): a model commune is judged against the advanced set (`NTM_REVOCATION_JUDGED_AGAINST`), so it shows
    on the advanced list and not on the model one."""
    whens = []
    for set_level in StandardLevel.values:
        levels = rules.levels_judged_against(set_level)
        if levels:
            held = Recognition.objects.filter(commune=OuterRef(commune_ref), level__in=levels, revoked_on__isnull=True)
            whens.append(When(Exists(held), **{level_ref: set_level}, then=Value(True)))
    return Case(*whens, default=Value(False), output_field=BooleanField())


def _revoked_communes(*, district_ref: str, on: date) -> tuple[Coalesce, Coalesce]:
    """Subquery: xã of the outer district on `on` whose NTM recognition was revoked by then and not given again."""
    from communes.choices import CommuneType
    from communes.models import Commune

    revoked = Recognition.objects.filter(
        subject_kind=SubjectKind.COMMUNE, level=StandardLevel.BASIC, commune=OuterRef("pk"), revoked_on__lte=on
    )
    in_force = Recognition.objects.in_force_on(on).filter(
        subject_kind=SubjectKind.COMMUNE, level=StandardLevel.BASIC, commune=OuterRef("pk")
    )
    # The district's xã on that day (after the 2025 reform a district has none left: nothing to count).
    communes = Commune.objects.valid_on(on).filter(district=OuterRef(district_ref), unit_type=CommuneType.COMMUNE)
    total = communes.order_by().values("district").annotate(n=Count("id")).values("n")[:1]
    lost = (
        communes.filter(Exists(revoked))
        .exclude(Exists(in_force))
        .order_by()
        .values("district")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return (
        Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
        Coalesce(Subquery(lost, output_field=IntegerField()), Value(0)),
    )


def district_revocation_risk(*, user: User | AnonymousUser, on: date) -> QuerySet[Recognition]:
    """District recognitions in force on `on` in the user's area, with `communes_total` (current xã) and
    `communes_revoked` (xã that lost their NTM recognition): the ground of 18/2022 the register can see. Those at
    risk first. One query."""
    total, lost = _revoked_communes(district_ref="district_id", on=on)
    return (
        Recognition.objects.visible_to(user)
        .in_force_on(on)
        .filter(subject_kind=SubjectKind.DISTRICT)
        .select_related("district", "district__province")
        .annotate(communes_total=total, communes_revoked=lost)
        .annotate(
            at_risk=Case(
                When(
                    Q(communes_total__gt=0)
                    & Q(communes_revoked__gte=F("communes_total") * rules.DISTRICT_COMMUNES_SHARE / 100.0),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-at_risk", "-communes_revoked", "district__code", "id")
    )


def revocation_grounds(
    *, subject_kind: str, commune: Commune | None, district: District | None, level: str, on: date
) -> tuple[bool, list[str]]:
    """Whether a ground of 18/2022 holds for a recognised unit, and why (or why not), in words.

    A commune by its latest scorecard against the set it is judged against (`rules.judged_against`); a district by
    its communes (its nine criteria have no scorecard in the app: the council reads them in the verification
    report)."""
    from criteria.selectors import latest_assessment

    if subject_kind == SubjectKind.COMMUNE:
        judged = rules.judged_against(level)
        assessment = latest_assessment(commune=commune, level=judged)  # type: ignore[arg-type]  # a commune subject
        if assessment is None:
            return False, [
                _("No scorecard of {commune} against the {level} criteria: the grounds cannot be judged.").format(
                    commune=commune, level=StandardLevel(judged).label
                )
            ]
        ground = rules.criteria_ground(
            total=assessment.criteria_total,
            unmet=assessment.criteria_total - assessment.criteria_met,
            key_unmet=assessment.key_criteria_unmet,
        )
        if ground:
            return True, [ground]
        return False, [
            _("Scorecard {year} ({level}): {met} of {total} criteria met; no ground of Decision 18/2022 holds.").format(
                year=assessment.year,
                level=StandardLevel(judged).label,
                met=assessment.criteria_met,
                total=assessment.criteria_total,
            )
        ]
    if subject_kind == SubjectKind.DISTRICT:
        from communes.models import District

        row = District.objects.filter(pk=district.pk).annotate(  # type: ignore[misc,union-attr]  # a district subject; annotated
            **dict(zip(("total", "lost"), _revoked_communes(district_ref="pk", on=on), strict=True))
        ).values("total", "lost").first() or {"total": 0, "lost": 0}
        ground = rules.communes_ground(total=row["total"], revoked=row["lost"])
        if ground:
            return True, [ground]
        return False, [
            _(  # xgettext:no-python-format
                "{lost} of {total} communes have lost their NTM recognition; judge the nine criteria from the "
                "verification report (30–50% unmet including a key criterion, or 50% or more)."
            ).format(lost=row["lost"], total=row["total"])
        ]
    return False, []


# --- recognitions across mergers -------------------------------------------------------------------------------------


class MergerStatus:
    PROPOSED = "proposed"  # every predecessor held a level: a decision at the lowest of them awaits confirmation
    CONFIRMED = "confirmed"  # the recognition by merger is in the register
    NONE = "none"  # no recognition carries over (the reason says why)


@dataclass
class MergerPredecessor:
    commune: Commune
    share: str
    recognition: Recognition | None  # the highest recognition in force on the day of the merger

    @property
    def level(self) -> str:
        return self.recognition.level if self.recognition is not None else ""

    @property
    def level_label(self) -> str:
        return str(StandardLevel(self.level).label) if self.level else ""


@dataclass
class MergerProposal:
    """What the merger rule says for one commune formed by a reorganisation: every predecessor held a level on the
    day of the merger → recognised at the lowest of them; any predecessor did not → no recognition."""

    commune: Commune
    effective_date: date
    resolution: str
    predecessors: list[MergerPredecessor]
    level: str = ""
    status: str = MergerStatus.NONE
    reason: str = ""
    confirmed: Recognition | None = None

    @property
    def level_label(self) -> str:
        return str(StandardLevel(self.level).label) if self.level else ""

    @property
    def key(self) -> str:
        return f"{self.commune.pk}:{self.effective_date.isoformat()}"


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1


def merger_proposals(
    *,
    user: User | AnonymousUser | None,
    province_ids: Iterable[int] | None = None,
    successor_ids: Iterable[int] | None = None,
    effective_date: date | None = None,
) -> list[MergerProposal]:
    """The merger rule applied to every commune (xã) formed by a recorded reorganisation in the user's area (or in
    `province_ids`, or only `successor_ids`), newest reorganisation first, each with its reason in words. `user`
    None: every province (the report of a reorganisation command).

    A predecessor counts with the highest level it held in force on the day of the merger (decided by then, not
    revoked by then); a ward or township predecessor holds none. A commune whose row goes on through the
    reorganisation (it absorbed others under its own code) is not proposed: it keeps its own decisions. Four
    queries whatever the number of communes."""
    from communes.choices import CommuneType, UnitLevel
    from communes.models import UnitSuccession

    rows = UnitSuccession.objects.filter(level=UnitLevel.COMMUNE)
    if user is not None:
        rows = rows.filter(successor_commune__in=Commune.objects.visible_to(user))
    if province_ids is not None:
        rows = rows.filter(successor_commune__province_id__in=list(province_ids))
    if successor_ids is not None:
        rows = rows.filter(successor_commune_id__in=list(successor_ids))
    if effective_date is not None:
        rows = rows.filter(effective_date=effective_date)
    successions = list(
        rows.select_related("successor_commune", "successor_commune__province", "predecessor_commune").order_by(
            "-effective_date", "successor_commune__code", "predecessor_commune__code"
        )
    )
    groups: dict[tuple[int | None, date], list[Any]] = {}
    for s in successions:
        groups.setdefault((s.successor_commune_id, s.effective_date), []).append(s)
    held: dict[tuple[int | None, date], Recognition] = {}
    pred_ids = {s.predecessor_commune_id for s in successions}
    days = {s.effective_date for s in successions}
    if pred_ids:
        recognitions = Recognition.objects.filter(subject_kind=SubjectKind.COMMUNE, commune_id__in=pred_ids).filter(
            decision_date__lte=max(days)
        )
        for rec in recognitions.order_by("decision_date", "id"):
            for day in days:
                if rec.decision_date <= day and (rec.revoked_on is None or rec.revoked_on > day):
                    key = (rec.commune_id, day)
                    if key not in held or _rank(rec.level) > _rank(held[key].level):
                        held[key] = rec
    confirmed = {
        r.commune_id: r
        for r in Recognition.objects.filter(
            subject_kind=SubjectKind.COMMUNE,
            basis=RecognitionBasis.MERGER,
            commune_id__in={key[0] for key in groups},
        ).order_by("decision_date", "id")
    }
    proposals = []
    for (_successor_id, day), group in groups.items():
        commune = group[0].successor_commune
        preds = [
            MergerPredecessor(
                commune=s.predecessor_commune, share=s.share, recognition=held.get((s.predecessor_commune_id, day))
            )
            for s in group
            if s.predecessor_commune_id != commune.pk
        ]
        proposal = MergerProposal(
            commune=commune, effective_date=day, resolution=group[0].resolution, predecessors=preds
        )
        proposals.append(proposal)
        done = confirmed.get(commune.pk)
        if done is not None:
            proposal.status, proposal.level, proposal.confirmed = MergerStatus.CONFIRMED, done.level, done
            proposal.reason = _("Recognised by merger: decision {number} of {date}.").format(
                number=done.decision_number, date=done.decision_date.strftime("%d/%m/%Y")
            )
        elif commune.unit_type != CommuneType.COMMUNE:
            proposal.reason = _("{unit} is a ward or township: not a subject of the programme.").format(unit=commune)
        elif len(preds) < len(group) or (commune.valid_from is not None and commune.valid_from < day):
            proposal.reason = _("{unit} goes on under its own code and keeps its own decisions.").format(unit=commune)
        elif not preds:
            proposal.reason = _("No predecessor is recorded for {unit}.").format(unit=commune)
        else:
            missing = [p.commune.name for p in preds if p.recognition is None]
            if missing:
                proposal.reason = _(
                    "Not every predecessor held a level on {date}: {names} did not. The commune builds up through "
                    "the normal dossier."
                ).format(date=day.strftime("%d/%m/%Y"), names=", ".join(missing))
            else:
                lowest = min((p.level for p in preds), key=_rank)
                proposal.status, proposal.level = MergerStatus.PROPOSED, lowest
                proposal.reason = _(
                    "Every predecessor held a level on {date} ({levels}): recognised at the lowest, {level}."
                ).format(
                    date=day.strftime("%d/%m/%Y"),
                    levels="; ".join(f"{p.commune.name}: {p.level_label}" for p in preds),
                    level=StandardLevel(lowest).label,
                )
    return proposals


def merger_report_lines(effective_date: date | None) -> list[str]:
    """What the merger rule proposes after a reorganisation, for the command's report: one line per new commune with
    its reason (communes.registry.reorganised)."""
    lines = []
    for p in merger_proposals(user=None, effective_date=effective_date):
        if p.commune.is_ntm_subject:
            mark = {MergerStatus.PROPOSED: "+", MergerStatus.CONFIRMED: "="}.get(p.status, "-")
            lines.append(f"{mark} {p.commune.code} {p.commune.name}: {p.reason}")
    return lines


def commune_decisions_panel(user: User | AnonymousUser, commune: Commune, history_ids: list[int]) -> dict[str, Any]:
    """The commune's page: its decisions and, for a merged commune, its predecessors' (communes.registry). One
    query."""
    rows = (
        Recognition.objects.visible_to(user)
        .filter(subject_kind=SubjectKind.COMMUNE, commune_id__in=[commune.pk, *history_ids])
        .select_related("commune")
        .order_by("-decision_date", "commune__code", "id")
    )
    return {"title": _("Recognition decisions"), "template": "register/_commune_decisions.html", "rows": list(rows)}


# The order of the levels on the communes list (none first): each level includes the one before it.
_LEVEL_RANK = {StandardLevel.BASIC: 1, StandardLevel.ADVANCED: 2, StandardLevel.MODEL: 3, StandardLevel.MODERN: 4}


def annotate_ntm_status(communes: QuerySet[Any]) -> QuerySet[Any]:
    """Each commune's level in force in its latest standing (register.Standing, kept up to date by every write of a
    recognition), as `ntm_level` and a sortable `ntm_rank`; one subquery per column, run only for the page's rows."""
    from .models import Standing

    latest = Standing.objects.filter(commune=OuterRef("pk")).order_by("-year").values("level")[:1]
    ranked = Case(
        *(When(ntm_level=level, then=Value(rank)) for level, rank in _LEVEL_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    annotated: QuerySet[Any] = communes.annotate(ntm_level=Coalesce(Subquery(latest), Value("")))
    ranked_rows: QuerySet[Any] = annotated.annotate(ntm_rank=ranked)
    return ranked_rows


def ntm_level_label(level: str) -> str:
    return str(StandardLevel(level).label) if level in StandardLevel.values else ""
