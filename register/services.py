"""Writes of the register outside the recognition workflow: the recognitions carried by a merger.

The workflow (verification) records decisions on dossiers; a merged commune's recognition comes instead from the
merger rule (register.selectors.merger_proposals), proposed after a reorganisation and confirmed by the province
in one decision for several communes. Nothing is recorded without that confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from criteria.choices import SubjectKind

from . import permissions, selectors, standings
from .models import Recognition, RecognitionBasis


@dataclass
class MergerConfirmation:
    created: list[Recognition] = field(default_factory=list)


@transaction.atomic
def merger_recognitions_confirm(
    *,
    actor: User,
    keys: Iterable[str],
    decision_number: str,
    decision_date: datetime.date,
    signer: str,
    issuing_body: str = "",
) -> MergerConfirmation:
    """Record one decision recognising each proposed commune (`keys`: "commune id:effective date" of
    `merger_proposals`) at the level the merger rule gives, with its predecessors' decisions linked.

    All or nothing: a key that is not a standing proposal in a province where the actor records decisions, or a
    decision dated before the merger, refuses the whole confirmation and names the communes."""
    wanted: dict[int, datetime.date] = {}
    for key in keys:
        try:
            pk_text, day_text = key.split(":", 1)
            wanted[int(pk_text)] = datetime.date.fromisoformat(day_text)
        except ValueError as exc:
            raise ValidationError(_("Unknown proposal: {key}.").format(key=key)) from exc
    if not wanted:
        raise ValidationError(_("Tick the communes to recognise."))
    if not decision_number.strip() or not signer.strip():
        raise ValidationError(_("Enter the decision's number and signer."))
    provinces = permissions.merger_province_ids(actor)
    if provinces is not None and not provinces:
        raise PermissionDenied(_("Only those who record recognition decisions may confirm recognitions by merger."))
    found = {
        p.commune.pk: p
        for p in selectors.merger_proposals(user=actor, province_ids=provinces, successor_ids=list(wanted))
        if wanted.get(p.commune.pk) == p.effective_date
    }
    errors = []
    for pk, day in wanted.items():
        proposal = found.get(pk)
        if proposal is None or proposal.status != selectors.MergerStatus.PROPOSED:
            name = proposal.commune.name if proposal is not None else str(pk)
            errors.append(
                _("{commune}: not a standing proposal ({reason}).").format(
                    commune=name, reason=proposal.reason if proposal is not None else _("outside your area")
                )
            )
        elif decision_date < day:
            errors.append(
                _("{commune}: the decision is dated before the merger ({date}).").format(
                    commune=proposal.commune.name, date=day.strftime("%d/%m/%Y")
                )
            )
    if errors:
        raise ValidationError(errors)
    proposals = [found[pk] for pk in wanted]
    body = issuing_body or _("People's Committee of {province}").format(province=proposals[0].commune.province.name)
    new = [
        Recognition(
            subject_kind=SubjectKind.COMMUNE,
            commune=p.commune,
            level=p.level,
            year=p.effective_date.year,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            signer=signer.strip(),
            issuing_body=body,
            basis=RecognitionBasis.MERGER,
            recorded_by=actor,
        )
        for p in proposals
    ]
    for rec in new:
        rec.full_clean()
    created = bulk_create_with_history(new, Recognition, default_user=actor)
    # bulk_create_with_history returns the objects with their keys on PostgreSQL and SQLite alike
    link = Recognition.predecessors.through
    link.objects.bulk_create(
        link(from_recognition_id=rec.pk, to_recognition_id=pred.recognition.pk)
        for rec, p in zip(created, proposals, strict=True)
        for pred in p.predecessors
        if pred.recognition is not None
    )
    standings.standings_refresh(commune_ids=[p.commune.pk for p in proposals])  # bulk writes send no signals
    return MergerConfirmation(created=list(created))


merger_recognitions_confirm.alters_data = True  # type: ignore[attr-defined]
