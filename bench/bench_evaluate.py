"""Evaluating every commune's scorecards of one year, as `criteria.services.assessments_evaluate` does for an
import or a changed target: the whole year in one call. Baseline: reading the same values once (the least any
evaluation must do). Runs in a transaction that run.py rolls back."""

import os
import time

from django.db.models import Count

from criteria.models import Assessment, IndicatorValue
from criteria.services import assessments_evaluate

WRITES = True
YEAR = int(os.environ.get("BENCH_EVALUATE_YEAR", "0"))


def run() -> None:
    year = YEAR or (
        Assessment.objects.values("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .values_list("year", flat=True)
        .first()
    )
    if year is None:
        print("skipped: no assessments")
        return
    assessments = list(Assessment.objects.filter(year=year))
    t0 = time.perf_counter()
    n_values = sum(
        1 for _ in IndicatorValue.objects.filter(assessment__year=year).values_list("id", "value_number").iterator()
    )
    read = time.perf_counter() - t0
    t1 = time.perf_counter()
    assessments_evaluate(assessments=assessments)
    seconds = time.perf_counter() - t1
    print(f"{len(assessments):,} assessments of {year}, {n_values:,} values")
    print(f"read the values once (baseline)   {read:7.2f}s")
    print(
        f"evaluate the year and store       {seconds:7.2f}s  ({1000 * seconds / len(assessments):.2f} ms per assessment, {seconds / read:.1f}× the read)"
    )
