"""The Redis task backend (many workers): a job started by the app is run by `manage.py rqworker`.

Runs the project in subprocesses with NTM_TASKS_BACKEND=django_tasks_rq.RQBackend on a throw-away SQLite file and a
Redis database of its own; skips with a reason when no Redis answers on 127.0.0.1:6379."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _manage(env, *args, **kw):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kw
    )


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379 (redis-server)")
def test_a_job_runs_on_the_rq_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NTM_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ntm_project.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "files"),
        NTM_TASKS_BACKEND="django_tasks_rq.RQBackend",
        NTM_REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
    )
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()  # nothing left from an earlier run
    assert _manage(env, "migrate", "-v", "0").returncode == 0
    start = (
        "from django.contrib.auth import get_user_model; from core.jobs import start_job; "
        "u = get_user_model().objects.create_user('rq'); "
        "print(start_job(kind='criteria.evaluate', owner=u, title='x', set_id=0).pk)"
    )
    started = _manage(env, "shell", "-v", "0", "-c", start)
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    worked = _manage(env, "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.backend.Job")
    assert worked.returncode == 0, worked.stderr
    check = f"from core.models import Job; j = Job.objects.get(pk='{job_id}'); print(j.status, j.result)"
    result = _manage(env, "shell", "-v", "0", "-c", check)
    assert result.stdout.startswith("succeeded"), result.stdout + result.stderr
