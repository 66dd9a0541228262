"""The only place criteria data changes: assessments, indicator values, evaluation results, locks, imports."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communes.models import Commune, Province, Region
from core import bulk
from core.gcpause import gc_paused
from offices import scope
from offices.choices import DATA_WRITE_ROLES

from . import evaluation, registry
from .choices import NUMERIC_TYPES, ValueType
from .models import (
    Assessment,
    CommuneClassification,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)
from .permissions import can_unlock
from .selectors import SetStructure, classifications_in, criteria_set_structure

if TYPE_CHECKING:
    from .resources import ValueImportPlan
    from .workbook import SetSpec

__all__ = [
    "ValueEntry",
    "assessment_get_or_create",
    "assessment_evaluate",
    "assessments_evaluate",
    "assessment_values_save",
    "assessment_lock",
    "assessment_unlock",
    "values_import_apply",
]


@dataclass
class ValueEntry:
    """What a person entered for one indicator. `value` is already typed: Decimal, bool, str or None."""

    value: Decimal | bool | str | None
    note: str = ""
    evidence: UploadedFile | None = None
    clear_evidence: bool = False


# --- assessments ------------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_get_or_create(
    *, commune: Commune, year: int, criteria_set: CriteriaSet, actor: User | None = None
) -> Assessment:
    """The commune's assessment against the set for the year, created (and evaluated: nothing met) if missing."""
    assessment = Assessment.objects.filter(commune=commune, year=year, criteria_set=criteria_set).first()
    if assessment is not None:
        return assessment
    assessment = Assessment(commune=commune, year=year, criteria_set=criteria_set)
    assessment.full_clean()
    if actor is not None:
        assessment._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    assessment.save()
    assessments_evaluate(assessments=[assessment])
    return assessment


ASSESSMENT_COUNTS = [
    "criteria_met",
    "criteria_total",
    "key_criteria_unmet",
    "is_all_met",
    "level_reached",
    "evaluated_at",
]


class _StoredValue:
    """An indicator value as evaluation reads it, without a model instance (a year holds hundreds of thousands)."""

    __slots__ = ("pk", "indicator_id", "value_number", "value_bool", "value_text", "is_met", "note")

    def __init__(
        self,
        pk: int | None,
        indicator_id: int,
        value_number: Decimal | None,
        value_bool: bool | None,
        value_text: str,
        is_met: bool,
        note: str | None = None,
    ) -> None:
        self.pk, self.indicator_id, self.is_met, self.note = pk, indicator_id, is_met, note
        self.value_number, self.value_bool, self.value_text = value_number, value_bool, value_text


def _stored_values(assessment_ids: list[int], *, with_note: bool = False) -> dict[int, dict[int, _StoredValue]]:
    values: dict[int, dict[int, _StoredValue]] = defaultdict(dict)
    columns = ["assessment_id", "id", "indicator_id", "value_number", "value_bool", "value_text", "is_met"]
    if with_note:
        columns.append("note")
    for start in range(0, len(assessment_ids), 5000):
        rows = IndicatorValue.objects.filter(assessment_id__in=assessment_ids[start : start + 5000]).values_list(
            *columns
        )
        for assessment_id, *fields in rows.order_by().iterator(chunk_size=20000):
            values[assessment_id][fields[1]] = _StoredValue(*fields)
    return values


def _stored_results(assessment_ids: list[int]) -> dict[tuple[int, int], tuple[Any, ...]]:
    """(assessment id, criterion id) → (result id, is_met, reasons, details as JSON text) of the stored results.

    The details stay text: most criteria are met and have none ("[]"), and decoding a year's worth of them took a
    quarter of its evaluation (`_same_details` decodes the others)."""
    stored = {}
    for start in range(0, len(assessment_ids), 5000):
        rows = (
            CriterionResult.objects.filter(assessment_id__in=assessment_ids[start : start + 5000])
            .annotate(details_text=Cast("details", TextField()))
            .values_list("assessment_id", "criterion_id", "id", "is_met", "reasons", "details_text")
        )
        for assessment_id, criterion_id, *rest in rows.order_by().iterator(chunk_size=20000):
            stored[(assessment_id, criterion_id)] = tuple(rest)
    return stored


def _same_details(stored: str | None, details: list[dict[str, Any]]) -> bool:
    if not details:
        return stored in (None, "[]")
    return stored is not None and json.loads(stored) == details


@gc_paused
@transaction.atomic
def assessments_evaluate(
    *,
    assessments: list[Assessment],
    values_by_assessment: Mapping[int, Mapping[int, IndicatorValue | _StoredValue]] | None = None,
) -> None:
    """Evaluate many assessments and store the results in bulk: a fixed number of queries whatever their number.

    Writes IndicatorValue.is_met, one CriterionResult per criterion and the counts on each Assessment, and only
    what changed (re-evaluating an unchanged year writes nothing): changed rows through core.bulk (one UPDATE … FROM
    on PostgreSQL), new results by COPY. `values_by_assessment` (assessment id → indicator id → value) skips reading
    the values when the caller has them in memory; values not saved yet only get `is_met` set, for the caller to
    insert. Targets are looked up once per indicator, year, region and commune group.
    """
    if not assessments:
        return
    ids = [a.pk for a in assessments]
    if values_by_assessment is None:
        values_by_assessment = _stored_values(ids)
    stored_results = _stored_results(ids)
    now = timezone.now()
    # (commune id, year) → (target region, commune group) in force that year.
    classified = classifications_in({(a.commune_id, a.year) for a in assessments})
    sets = CriteriaSet.objects.in_bulk({a.criteria_set_id for a in assessments})
    structures: dict[int, SetStructure] = {pk: criteria_set_structure(criteria_set=s) for pk, s in sets.items()}
    targets: dict[tuple[Any, ...], object] = {}
    # The same fact (an indicator short of the same target by the same value) recurs across a year's scorecards:
    # its sentence is written once.
    sentences: dict[tuple[Any, ...], str] = {}

    def _reason(detail: dict[str, Any]) -> str:
        key = tuple(sorted(detail.items()))
        try:
            return sentences[key]
        except KeyError:
            sentences[key] = evaluation.format_reason(detail)
            return sentences[key]
        except TypeError:  # a fact holding a list: not worth remembering
            return evaluation.format_reason(detail)

    became_met: list[int]
    became_unmet: list[int]
    became_met, became_unmet = [], []
    results_new, results_changed, assessments_changed = [], [], []
    seen_results = set()
    for a in assessments:
        a.criteria_set = sets[a.criteria_set_id]
        structure = structures[a.criteria_set_id]
        region_id, group = classified[(a.commune_id, a.year)]
        values = values_by_assessment.get(a.pk, {})
        outcome = evaluation.evaluate(
            criteria=structure.criteria,
            indicators_by_criterion=structure.indicators_by_criterion,
            targets_by_indicator=structure.targets_by_indicator,
            values_by_indicator=values,
            year=a.year,
            region_id=region_id,
            commune_group=group,
            target_cache=targets,
        )
        for c in outcome.criteria:
            for i in c.indicators:
                v = values.get(i.indicator_id)
                if v is not None and v.is_met != i.is_met:
                    v.is_met = i.is_met
                    if v.pk:
                        (became_met if i.is_met else became_unmet).append(v.pk)
            reasons = "\n".join(_reason(d) for d in c.details)
            key = (a.pk, c.criterion_id)
            seen_results.add(key)
            old = stored_results.get(key)
            if old is None:
                results_new.append((a.pk, c.criterion_id, c.is_met, reasons, c.details))
            elif (old[1], old[2]) != (c.is_met, reasons) or not _same_details(old[3], c.details):
                results_changed.append((old[0], c.is_met, reasons, c.details))
        counts = (
            outcome.criteria_met,
            outcome.criteria_total,
            outcome.key_criteria_unmet,
            outcome.is_all_met,
            a.criteria_set.level if outcome.is_all_met else "",
        )
        if a.evaluated_at is None or counts != tuple(getattr(a, f) for f in ASSESSMENT_COUNTS[:5]):
            for name, value in zip(ASSESSMENT_COUNTS, (*counts, now), strict=True):
                setattr(a, name, value)
            assessments_changed.append((a.pk, *counts, now))
    # Two plain UPDATEs instead of a CASE per row: is_met only ever takes two values.
    for pks, flag in ((became_met, True), (became_unmet, False)):
        for start in range(0, len(pks), 900):
            IndicatorValue.objects.filter(pk__in=pks[start : start + 900]).update(is_met=flag)
    gone = [old[0] for key, old in stored_results.items() if key not in seen_results]  # criteria removed from a set
    for start in range(0, len(gone), 900):
        CriterionResult.objects.filter(pk__in=gone[start : start + 900]).delete()
    bulk.update_rows(CriterionResult, ["is_met", "reasons", "details"], results_changed)
    bulk.copy_rows(CriterionResult, ["assessment_id", "criterion_id", "is_met", "reasons", "details"], results_new)
    bulk.update_rows(Assessment, ASSESSMENT_COUNTS, assessments_changed)
    if assessments_changed:
        changed_ids = {row[0] for row in assessments_changed}
        commune_ids = {a.commune_id for a in assessments if a.pk in changed_ids}
        for follow in registry.assessments_changed:
            follow(commune_ids)


def assessment_evaluate(*, assessment: Assessment) -> Assessment:
    assessments_evaluate(assessments=[assessment])
    return assessment


# --- value entry ------------------------------------------------------------------------------------------------


def _check_can_change(actor: User, commune: Commune) -> None:
    if not scope.can_change_commune(actor, commune):
        raise PermissionDenied(_("You may not change the data of {commune}.").format(commune=commune))


def _set_value(obj: IndicatorValue, value_type: str, value: Decimal | bool | str | None) -> None:
    obj.value_number, obj.value_bool, obj.value_text = None, None, ""
    if value is None or value == "":
        return
    if value_type == ValueType.BOOL:
        obj.value_bool = bool(value)
    elif value_type in NUMERIC_TYPES:
        obj.value_number = Decimal(value)
    else:
        obj.value_text = str(value).strip()


@transaction.atomic
def assessment_values_save(*, assessment: Assessment, entries: dict[int, ValueEntry], actor: User) -> Assessment:
    """Store entered values (indicator id → entry), then re-evaluate. Refused while the assessment is locked."""
    assessment = Assessment.objects.select_for_update().select_related("commune", "criteria_set").get(pk=assessment.pk)
    _check_can_change(actor, assessment.commune)
    if assessment.is_locked:
        raise ValidationError(
            _("This assessment is locked ({reason}). Unlock it before changing values.").format(
                reason=assessment.lock_reason
            )
        )
    structure = criteria_set_structure(criteria_set=assessment.criteria_set)
    existing = {v.indicator_id: v for v in assessment.values.all()}
    for indicator_id, entry in entries.items():
        indicator = structure.indicators_by_id.get(indicator_id)
        if indicator is None:
            raise ValidationError(_("Indicator {id} is not part of this set.").format(id=indicator_id))
        obj = existing.get(indicator_id) or IndicatorValue(assessment=assessment, indicator=indicator)
        before = (obj.value_number, obj.value_bool, obj.value_text, obj.note, obj.evidence.name if obj.evidence else "")
        _set_value(obj, indicator.value_type, entry.value)
        obj.note = entry.note or ""
        if entry.clear_evidence:
            obj.evidence = ""
        if entry.evidence is not None:
            obj.evidence = entry.evidence
        after = (obj.value_number, obj.value_bool, obj.value_text, obj.note, obj.evidence.name if obj.evidence else "")
        if obj.pk and before == after and entry.evidence is None:
            continue
        if not obj.pk and obj.raw_value is None and not obj.note and not obj.evidence:
            continue  # nothing entered for an indicator that had no value
        obj._history_user = actor  # type: ignore[attr-defined]
        obj.full_clean(exclude=["assessment", "indicator"], validate_unique=False, validate_constraints=False)
        obj.save()
    assessments_evaluate(assessments=[assessment])
    return assessment


# --- locks ------------------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_lock(*, assessment: Assessment, actor: User, reason: str) -> Assessment:
    """Freeze the values (e.g. a dossier relies on this assessment). Locking a locked assessment keeps the first lock."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the assessment is locked.")})
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_locked:
        return locked
    locked.locked_at = timezone.now()
    locked.locked_by = actor
    locked.lock_reason = reason[:500]
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = _("Locked: {reason}").format(reason=reason)[:100]  # type: ignore[attr-defined]
    locked.save(update_fields=["locked_at", "locked_by", "lock_reason", "updated_at"])
    assessment.locked_at, assessment.locked_by, assessment.lock_reason = locked.locked_at, actor, locked.lock_reason
    return locked


@transaction.atomic
def assessment_unlock(*, assessment: Assessment, actor: User, reason: str) -> Assessment:
    """Allow changes again. The reason is kept in the assessment's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the assessment is unlocked.")})
    locked = Assessment.objects.select_for_update().select_related("commune").get(pk=assessment.pk)
    if not can_unlock(actor, locked.commune):
        raise PermissionDenied(_("Only the district or province office may unlock an assessment."))
    if not locked.is_locked:
        raise ValidationError(_("This assessment is not locked."))
    locked.locked_at, locked.locked_by, locked.lock_reason = None, None, ""
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = _("Unlocked: {reason}").format(reason=reason)[:100]  # type: ignore[attr-defined]
    locked.save(update_fields=["locked_at", "locked_by", "lock_reason", "updated_at"])
    assessment.locked_at, assessment.locked_by, assessment.lock_reason = None, None, ""
    return locked


# --- import -----------------------------------------------------------------------------------------------------


VALUE_FIELDS = ["value_number", "value_bool", "value_text", "note", "is_met"]


@gc_paused
@transaction.atomic
def values_import_apply(*, plan: ValueImportPlan, actor: User) -> dict[str, int]:
    """Write a checked import plan (criteria.resources.ValuesImporter) at the speed of the database, then re-evaluate.

    The plan was checked row by row without writing; here scope and locks are checked again inside the transaction,
    missing assessments are created, the touched assessments are evaluated in memory (so rows are written once,
    with their result), new values are COPYed in, changed ones applied by one UPDATE … FROM (core.bulk; batched
    statements on SQLite), and their history rows written in bulk the same way. A fixed number of queries whatever
    the row count. A change's key is (commune id, year, set id, indicator id); its values are IndicatorValue fields.
    """
    if plan.errors:
        raise ValidationError(_("The file has errors; nothing was imported."))
    commune_ids = {key[0] for key in plan.assessment_keys}
    allowed = set(scope.communes(actor, DATA_WRITE_ROLES).filter(pk__in=commune_ids).values_list("pk", flat=True))
    if allowed != commune_ids:
        raise PermissionDenied(_("The file names communes outside your area; nothing was imported."))
    wanted = set(plan.assessment_keys)
    existing = {
        (a.commune_id, a.year, a.criteria_set_id): a
        for a in Assessment.objects.select_for_update().filter(
            commune_id__in=commune_ids, year__in={k[1] for k in wanted}
        )
        if (a.commune_id, a.year, a.criteria_set_id) in wanted
    }
    if any(a.is_locked for a in existing.values()):
        raise ValidationError(_("Locked assessments cannot be changed by import; nothing was imported."))
    missing = [
        Assessment(commune_id=c, year=y, criteria_set_id=s)
        for (c, y, s) in plan.assessment_keys
        if (c, y, s) not in existing
    ]
    if missing:
        bulk_create_with_history(missing, Assessment, batch_size=1000, default_user=actor)
        for a in Assessment.objects.filter(
            commune_id__in={a.commune_id for a in missing}, year__in={a.year for a in missing}
        ):
            existing.setdefault((a.commune_id, a.year, a.criteria_set_id), a)
    assessments = [existing[key] for key in plan.assessment_keys]
    by_key = {key: a.pk for key, a in existing.items()}
    in_memory = _stored_values([a.pk for a in assessments], with_note=True)
    created, updated = [], []
    for change in plan.changes:
        assessment_id, indicator_id = by_key[change.key[:3]], change.key[3]
        value = in_memory[assessment_id].get(indicator_id)
        if value is None:
            value = _StoredValue(None, indicator_id, None, None, "", False, "")
            in_memory[assessment_id][indicator_id] = value
            created.append((assessment_id, value))
        elif all(getattr(value, name) == new for name, new in change.values.items()):
            continue
        else:
            updated.append((assessment_id, value))
        for name, new in change.values.items():
            setattr(value, name, new)
    # Evaluate before writing: new rows go in with their result, changed ones get it with their values.
    assessments_evaluate(assessments=assessments, values_by_assessment=in_memory)
    now = timezone.now()
    bulk.copy_rows(
        IndicatorValue,
        ["assessment_id", "indicator_id", *VALUE_FIELDS, "created_at", "updated_at"],
        ((a, v.indicator_id, *(getattr(v, f) for f in VALUE_FIELDS), now, now) for a, v in created),
    )
    bulk.update_rows(
        IndicatorValue,
        [*VALUE_FIELDS, "updated_at"],
        ((v.pk, *(getattr(v, f) for f in VALUE_FIELDS), now) for _a, v in updated),
    )
    # History rows of what was just written (every such row carries updated_at = now), by the database itself.
    touched = IndicatorValue.objects.filter(assessment_id__in=[a.pk for a in assessments], updated_at=now)
    if created:
        bulk.copy_history(touched.filter(created_at=now), history_type="+", user=actor, when=now)
    if updated:
        bulk.copy_history(touched.exclude(created_at=now), history_type="~", user=actor, when=now)
    return {"created": len(created), "updated": len(updated), "assessments": len(assessments)}


# --- criteria sets from workbooks --------------------------------------------------------------------------------


def _free_code(series: str, version: int) -> str:
    """The stored code of a new version: the series code with its version number, unique among sets."""
    taken = set(CriteriaSet.objects.filter(code__startswith=series[:24]).values_list("code", flat=True))
    candidate, n = f"{series[:24]}.v{version}", version
    while candidate in taken:
        n += 1
        candidate = f"{series[:24]}.v{n}"
    return candidate


@transaction.atomic
def criteria_set_version_create(*, spec: SetSpec, base: CriteriaSet | None, actor: User | None) -> CriteriaSet:
    """Store a checked workbook as a new set, or as the next version of `base` (which new scorecards stop using;
    scorecards made with it keep it). A fixed number of queries whatever the size of the set."""
    province = None
    if spec.province:
        province = Province.objects.current().get(code=spec.province)
    if base is not None:
        base = CriteriaSet.objects.select_for_update().get(pk=base.pk)
        if base.superseded_at is not None:
            raise ValidationError(
                _("{set} was replaced by a newer version meanwhile; upload the file again.").format(set=base)
            )
        base.superseded_at = timezone.now()
        base.save(update_fields=["superseded_at", "updated_at"])
    version = base.version + 1 if base else 1
    created = CriteriaSet(
        code=_free_code(spec.code, version) if base else spec.code,
        series_code=spec.code,
        version=version,
        previous_version=base,
        name=spec.name,
        subject=spec.subject,
        level=spec.level,
        year_from=spec.year_from,
        year_to=spec.year_to,
        legal_basis=spec.legal_basis,
        target_scheme=spec.target_scheme,
        province=province,
        is_provisional=spec.provisional,
        source=spec.source,
    )
    created.full_clean(validate_unique=False)
    created.save()
    write_set_contents(created, spec)
    return created


def write_set_contents(criteria_set: CriteriaSet, spec: SetSpec) -> None:
    """Groups, criteria, indicators and targets of an empty set, in bulk (one insert per kind)."""
    regions = {r.code: r for r in Region.objects.all()}
    groups = CriterionGroup.objects.bulk_create(
        [
            CriterionGroup(criteria_set=criteria_set, code=code, name=name, name_en=name_en, order=order)
            for order, (code, (name, name_en)) in enumerate(spec.groups.items(), start=1)
        ]
    )
    group_by_code = {g.code: g for g in groups}
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                criteria_set=criteria_set,
                group=group_by_code.get(c.group),
                number=c.number,
                code=c.code,
                name=c.name,
                name_en=c.name_en,
                is_revocation_key=c.key,
            )
            for c in spec.criteria
        ]
    )
    indicators = []
    for criterion, c_spec in zip(criteria, spec.criteria, strict=True):
        for order, i in enumerate(c_spec.indicators, start=1):
            indicators.append(
                Indicator(
                    criterion=criterion,
                    code=i.code,
                    name=i.name,
                    name_en=i.name_en,
                    value_type=i.value_type,
                    comparator=i.comparator,
                    unit=i.unit,
                    order=order,
                    is_provisional=i.provisional,
                    source=i.notes,
                )
            )
    indicators = Indicator.objects.bulk_create(indicators)
    specs = [i for _c, i in spec.indicators()]
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(
                indicator=indicator,
                region=regions.get(t.region) if t.region else None,
                commune_group=t.commune_group,
                year_from=t.year_from,
                year_to=t.year_to,
                value=t.value,
                text_value=t.text_value,
                is_provisional=t.provisional,
                is_delegated=t.delegated,
                source_document=t.source_document,
                article=t.article,
                source=t.notes,
            )
            for indicator, i_spec in zip(indicators, specs, strict=True)
            for t in i_spec.targets
        ]
    )


# --- commune groups and regions --------------------------------------------------------------------------------


@dataclass
class ClassificationEntry:
    commune: Commune
    year_from: int
    commune_group: int | None
    region: Region | None
    decision: str = ""


@transaction.atomic
def classifications_record(*, entries: list[ClassificationEntry], actor: User) -> dict[str, int]:
    """Record communes' groups and regions from a year on (a newer row for the same year replaces it); each commune
    must be in the actor's province-level data-entry scope. Scorecards of the years concerned are evaluated again."""
    if not entries:
        return {"created": 0, "updated": 0}
    allowed = scope.scope_for(actor, DATA_WRITE_ROLES)
    for entry in entries:
        if not (allowed.everything or entry.commune.province_id in allowed.province_ids):
            raise PermissionDenied(_("Only the province office assigns commune groups and regions."))
    stored = {
        (c.commune_id, c.year_from): c
        for c in CommuneClassification.objects.filter(
            commune__in=[e.commune for e in entries], year_from__in={e.year_from for e in entries}
        )
    }
    new, changed = [], []
    for e in entries:
        row = stored.get((e.commune.pk, e.year_from))
        if row is None:
            new.append(
                CommuneClassification(
                    commune=e.commune,
                    year_from=e.year_from,
                    commune_group=e.commune_group,
                    region=e.region,
                    decision=e.decision,
                    created_by=actor,
                )
            )
        else:
            row.commune_group, row.region, row.decision = e.commune_group, e.region, e.decision
            changed.append(row)
    bulk_create_with_history(new, CommuneClassification, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed, CommuneClassification, ["commune_group", "region", "decision"], default_user=actor
        )
    # Scorecards from the earliest year changed on now meet other targets: evaluate them again.
    first_year = min(e.year_from for e in entries)
    affected = list(
        Assessment.objects.filter(
            commune__in=[e.commune for e in entries], year__gte=first_year, locked_at__isnull=True
        )
    )
    assessments_evaluate(assessments=affected)
    return {"created": len(new), "updated": len(changed)}
