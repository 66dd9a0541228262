"""Run every bench/bench_*.py against a throw-away database and print what each measures.

`make bench` runs this. The database is Django's test database for the configured DATABASE_URL (in-memory SQLite
when unset, `test_<name>` on PostgreSQL), created and migrated here and dropped at the end. Benchmarks print
ratios measured in the same run, never absolute targets.
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_project.settings.test")


def main(selected: list[str]) -> None:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    setup_test_environment()
    started = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} ({time.perf_counter() - started:.1f}s to create and migrate)")
    try:
        names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
        for name in names:
            if selected and not any(s in name for s in selected):
                continue
            print(f"\n== {name}")
            importlib.import_module(f"bench.{name}").run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(sys.argv[1:])
