"""Run every bench/bench_*.py and print what each measures, as ratios against a baseline measured in the same run.

`make bench` runs this. Two ways to get the database:
- BENCH_DATABASE_URL names an existing one (e.g. a copy of production, or one built once with
  `manage.py generate_scale`): it is used as it is and left unchanged (benchmarks that write run inside a
  transaction that is rolled back; pages sign in with signed-cookie sessions).
- otherwise a throw-away database is made: Django's test database for DATABASE_URL (`test_<name>` on PostgreSQL, a
  file on SQLite so gunicorn's workers share it), migrated, filled by `generate_scale --provinces BENCH_PROVINCES`
  (default 34: the whole country) and dropped at the end.
`python bench/run.py pages import` runs only the benchmarks whose names contain those words.
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


class Rollback(Exception):
    """Raised at the end of a benchmark that writes, to undo what it wrote."""


def main(selected: list[str]) -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    django.setup()
    existing = bool(os.environ.get("BENCH_DATABASE_URL"))
    old_name = None
    started = time.perf_counter()
    if not existing:
        if connection.vendor == "sqlite":
            # gunicorn's workers must see the same database: a file, not memory.
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(ROOT / "bench-test.sqlite3")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        os.environ["BENCH_DATABASE_URL"] = _url(connection)  # for the gunicorn the page benchmark starts
        provinces = os.environ.get("BENCH_PROVINCES", "34")
        call_command("generate_scale", "--provinces", provinces)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']} ({time.perf_counter() - started:.1f}s to prepare)"
    )
    try:
        names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
        for name in names:
            if selected and not any(s in name for s in selected):
                continue
            print(f"\n== {name}")
            module = importlib.import_module(f"bench.{name}")
            if getattr(module, "WRITES", False):
                try:
                    with transaction.atomic():
                        module.run()
                        raise Rollback
                except Rollback:
                    pass
            else:
                module.run()
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _url(connection) -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


if __name__ == "__main__":
    main(sys.argv[1:])
