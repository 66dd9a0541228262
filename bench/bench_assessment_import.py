"""Import of 100,000 indicator values through the import page's own code path, against a raw COPY of the same rows.

On the national database (generate_scale), the 2025 basic-set values of the first communes are deleted (inside the
transaction run.py rolls back), then written twice: once by a raw COPY of the rows with every id already known (the
baseline: the least any import must do), once by the import as a user runs it: read the uploaded file (csv and xlsx),
check every row (codes resolved once, scope, types, locks), write with history and re-evaluate the touched
assessments. Memory: the growth of the process's resident memory during each import (sampled every 50 ms).
BENCH_IMPORT_ROWS changes the row count. bench_import_memory imports the same files in processes of their own.
"""

import os
import resource
import threading
import time

import tablib
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.bulk import copy_history, copy_rows
from core.spreadsheets import dataset_csv, dataset_xlsx, read_dataset
from criteria import resources
from criteria.choices import NUMERIC_TYPES, ValueType
from criteria.models import Assessment, IndicatorValue

WRITES = True  # run.py rolls back what it writes
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SET_CODE = "XA-NTM-2021"
YEAR = 2025


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


class _RssSampler:
    """The largest resident memory seen while running, above what it was at the start."""

    def __init__(self):
        self.start, self.peak, self.running = _rss_mb(), 0.0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, _rss_mb())
            time.sleep(0.05)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return max(self.peak, _rss_mb()) - self.start


def _cell(indicator, i) -> str:
    if indicator.value_type == ValueType.BOOL:
        return "Đạt" if i % 7 else "Không đạt"
    if indicator.value_type == ValueType.COUNT:
        return str(i % 3)
    if indicator.value_type in NUMERIC_TYPES:
        return f"{80 + i % 20},{i % 10}"  # Vietnamese decimal comma
    return "Có"


def _rows():
    """(assessment, indicator, typed value, raw cell) for ROWS values of current communes' 2025 scorecards."""
    assessments = (
        Assessment.objects.filter(year=YEAR, criteria_set__code=SET_CODE, commune__valid_to__isnull=True)
        .select_related("commune", "criteria_set")
        .order_by("commune__code")
    )
    from criteria.selectors import criteria_set_structure

    out = []
    for assessment in assessments.iterator():
        indicators = criteria_set_structure(criteria_set=assessment.criteria_set).indicators
        for indicator in indicators:
            if len(out) == ROWS:
                return out
            raw = _cell(indicator, len(out))
            out.append((assessment, indicator, resources.parse_cell(raw, indicator.value_type), raw))
    return out


def value_files(rows) -> dict[str, bytes]:
    """The import files of these rows, csv and xlsx, as an office fills in the template."""
    plain = tablib.Dataset(headers=["year", "set", "commune_code", "indicator_code", "value", "note"])
    for assessment, indicator, _value, raw in rows:
        plain.append([YEAR, SET_CODE, assessment.commune.code, indicator.code, raw, ""])
    return {"csv": dataset_csv(plain), "xlsx": dataset_xlsx(plain)}


def run() -> None:
    rows = _rows()
    if len(rows) < ROWS:
        print(f"skipped: the database has only {len(rows)} {YEAR} values to import (run generate_scale)")
        return
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    assessment_ids = {a.pk for a, _i, _v, _r in rows}
    IndicatorValue.objects.filter(assessment_id__in=assessment_ids).delete()

    files = value_files(rows)

    def copy_baseline(*, with_history=False):
        """Seconds to COPY the typed rows; `with_history`: and to write their history rows as the import does (one
        INSERT … SELECT): the least any import that keeps the history of every value must write."""

        def typed():
            for assessment, indicator, value, _raw in rows:
                numeric = indicator.value_type in NUMERIC_TYPES
                yield (
                    assessment.pk,
                    indicator.pk,
                    value if numeric else None,
                    value if indicator.value_type == ValueType.BOOL else None,
                    value if indicator.value_type == ValueType.TEXT else "",
                )

        started = time.perf_counter()
        with transaction.atomic():
            copy_rows(
                IndicatorValue, ["assessment_id", "indicator_id", "value_number", "value_bool", "value_text"], typed()
            )
            if with_history:
                now = timezone.now()
                copy_history(
                    IndicatorValue.objects.filter(assessment_id__in=assessment_ids),
                    history_type="+",
                    user=user,
                    when=now,
                )
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    copy_seconds = copy_baseline()
    floor_seconds = copy_baseline(with_history=True)
    print(
        f"{ROWS:,} values in {len(assessment_ids):,} assessments; csv {len(files['csv']) // 1024} KB, xlsx {len(files['xlsx']) // 1024} KB"
    )
    print(
        f"raw COPY of the same rows (baseline)        {copy_seconds:7.2f}s {ROWS / copy_seconds:9,.0f} rows/s  100.0%"
    )
    print(
        f"the same COPY + their history rows (floor)  {floor_seconds:7.2f}s {ROWS / floor_seconds:9,.0f} rows/s "
        f"{100 * copy_seconds / floor_seconds:6.1f}%  (the most an import keeping every value's history can reach)"
    )
    for fmt, content in files.items():
        sampler = _RssSampler()
        started = time.perf_counter()
        with transaction.atomic():
            dataset = read_dataset(content, f"values.{fmt}")
            read = time.perf_counter() - started
            importer = resources.ValuesImporter(user=user)
            plan = importer.build(dataset)
            assert plan.is_valid, plan.errors[:3]
            checked = time.perf_counter() - started
            result = importer.write(plan)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        peak = sampler.stop()
        assert result["created"] == ROWS, result
        share = 100 * copy_seconds / seconds
        print(
            f"import, {fmt:4} (read {read:5.1f}s, check {checked - read:5.1f}s, write {seconds - checked:5.1f}s) "
            f"{seconds:6.2f}s {ROWS / seconds:9,.0f} rows/s {share:6.1f}%  memory +{peak:,.0f} MB"
        )
    print(f"peak RSS of this benchmark's process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
