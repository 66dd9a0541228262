"""Stored standings (register.models.Standing): each commune's level and scorecard at the end of each year.

`standings_refresh(commune_ids=…)` recomputes the rows of some communes (all when None) from the records — the
register, the basic-set scorecards, the units' validity — and replaces them, in a few queries whatever the number
of communes (COPY on PostgreSQL). The writes that change those records call it in the same transaction, so a page
never shows a figure older than the last write:

- recognitions, assessments and units saved one by one (the admin, the workflow, data entry): the signals connected
  in RegisterConfig.ready(), the one place every such write passes;
- bulk writes, which send no signals: evaluation (criteria.registry.assessments_changed, which every value save,
  import and re-evaluation goes through) and the units' loaders (communes.registry.units_changed).

Each refresh also moves the provinces' cache generation on (core.cache), which retires the dashboard summaries
cached for them. `manage.py rebuild_standings` recomputes everything; a test proves it equals the incremental path.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min
from django.db.models.functions import ExtractYear
from django.utils import timezone

from communes.choices import CommuneType
from communes.models import Commune
from core import bulk, cache
from criteria.choices import LEVEL_ORDER, StandardLevel, SubjectKind
from criteria.models import Assessment

from .models import Recognition, Standing

# The programme began in 2010 (Decision 800/QĐ-TTg); no figure is asked for before it.
FIRST_YEAR = 2010

__all__ = ["FIRST_YEAR", "standings_rebuild", "standings_refresh"]


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1


def _highest(levels: Iterable[str]) -> str:
    return max(levels, key=_rank, default="")


@transaction.atomic
def standings_refresh(*, commune_ids: Iterable[int] | None = None) -> int:
    """Recompute and replace the standings of these communes (every commune when None); returns the rows written."""
    ids = None if commune_ids is None else sorted(set(commune_ids))
    if ids is not None and not ids:
        return 0
    last_year = timezone.localdate().year
    communes = Commune.objects.all() if ids is None else Commune.objects.filter(pk__in=ids)
    units = list(communes.values_list("pk", "province_id", "district_id", "unit_type", "valid_from", "valid_to"))
    recognitions = defaultdict(list)
    rec_qs = Recognition.objects.filter(subject_kind=SubjectKind.COMMUNE)
    if ids is not None:
        rec_qs = rec_qs.filter(commune_id__in=ids)
    for commune_id, level, year, decided, revoked in rec_qs.values_list(
        "commune_id", "level", "year", "decision_date", "revoked_on"
    ).order_by():
        recognitions[commune_id].append((level, year, decided, revoked))
    scorecards = defaultdict(list)
    ass_qs = Assessment.objects.filter(
        criteria_set__level=StandardLevel.BASIC, criteria_set__subject=SubjectKind.COMMUNE
    )
    if ids is not None:
        ass_qs = ass_qs.filter(commune_id__in=ids)
    for row in ass_qs.values_list(
        "commune_id", "year", "criteria_set__year_from", "pk", "criteria_met", "criteria_total", "is_all_met"
    ).order_by():
        scorecards[row[0]].append(row[1:])
    for rows in scorecards.values():
        rows.sort(reverse=True)  # latest year first, then the newer set, then the later row

    def standings():
        for pk, province_id, district_id, unit_type, valid_from, valid_to in units:
            recs = recognitions.get(pk, ())
            cards = scorecards.get(pk, ())
            for year in range(FIRST_YEAR, last_year + 1):
                end = datetime.date(year, 12, 31)
                if (valid_from and valid_from > end) or (valid_to and valid_to <= end):
                    continue  # the commune did not exist on 31 December
                alive = [r for r in recs if r[3] is None or r[3] > end]
                level = _highest(r[0] for r in alive if r[2] <= end)
                level_for_year = _highest(r[0] for r in alive if r[1] <= year)
                card = next((c for c in cards if c[0] <= year), None)
                yield (
                    pk,
                    year,
                    province_id,
                    district_id,
                    unit_type == CommuneType.COMMUNE,
                    level,
                    level_for_year,
                    card[2] if card else None,
                    card[3] if card else None,
                    card[4] if card else None,
                    bool(card and card[5]),
                )

    old = Standing.objects.all() if ids is None else Standing.objects.filter(commune_id__in=ids)
    provinces = {u[1] for u in units} | set(old.values_list("province_id", flat=True).distinct().order_by())
    old.delete()
    written = bulk.copy_rows(
        Standing,
        [
            "commune_id",
            "year",
            "province_id",
            "district_id",
            "is_xa",
            "level",
            "level_for_year",
            "basic_assessment_id",
            "criteria_met",
            "criteria_total",
            "is_all_met",
        ],
        standings(),
    )
    cache.bump(*(f"province:{p}" for p in provinces))
    return written


def standings_rebuild() -> int:
    """Every standing from the records (`manage.py rebuild_standings`)."""
    return standings_refresh(commune_ids=None)


def first_data_year() -> int | None:
    """The first year with a decision or a scorecard (the dashboards' year list starts there)."""
    firsts = [
        Recognition.objects.aggregate(y=Min(ExtractYear("decision_date")))["y"],
        Assessment.objects.aggregate(y=Min("year"))["y"],
    ]
    found = [y for y in firsts if y]
    return min(found) if found else None
