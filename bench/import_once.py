"""One import in a process of its own, for its peak memory: `python bench/import_once.py FILE IDS` (a file written
by bench_assessment_import, and the ids of its scorecards one per line). Like a background worker taking the job:
Django loaded, the stored values of those scorecards deleted by one SQL statement (so every row is new, as in the
parent's measurement), the file read, checked and written with history and evaluation, then everything rolled
back. Prints "<seconds> <peak RSS in MB>"."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def main(path: str, ids_path: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from criteria import resources
    from criteria.models import IndicatorValue

    content = Path(path).read_bytes()
    ids = [int(line) for line in Path(ids_path).read_text().split()]
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {IndicatorValue._meta.db_table} WHERE assessment_id = ANY(%s)", [ids])
        started = time.perf_counter()
        importer = resources.ValuesImporter(user=user)
        plan = importer.build(importer.read(content, path))
        assert plan.is_valid, plan.errors[:3]
        importer.write(plan)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"{seconds:.2f} {_peak_mb():.0f}")


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM; getrusage's ru_maxrss would include the parent's, which Linux
    carries across exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
