"""Long work in the background, with progress the page that started it can show.

A user action that may take long (a large import, a national workbook, a year's re-evaluation) creates a `Job` and
enqueues the one background task `run_job` (Django's tasks API through django-tasks: the database backend by
default, so `make run` needs no extra server; RQ on Redis for deployments with many workers). The worker calls the
function registered for the job's kind with a `Progress` it reports to; the page polls the job's status and shows a
progress bar, then the result (a message, a file to download) or the error.

Nothing is half applied: a kind writes in one transaction at the end of its work (progress is saved outside it, so
the page sees it). If the worker dies mid-job, that transaction is rolled back by the database, and the job, whose
heartbeat then stops, is reported failed after NTM_JOB_STALE_SECONDS ("start it again"); a task the backend runs
again restarts the work from the beginning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Job, JobStatus

log = logging.getLogger("ntm.jobs")

KINDS: dict[str, Callable[..., dict[str, Any] | None]] = {}

_Work = TypeVar("_Work", bound=Callable[..., dict[str, Any] | None])

__all__ = ["KINDS", "Progress", "job_kind", "refresh_stale", "run_job", "start_job"]


def job_kind(name: str) -> Callable[[_Work], _Work]:
    """Register the function that does the work of jobs of kind `name`: fn(job=, progress=, **params) -> result.

    The result is a dict saved on the job (JSON: counts, a message); to hand back a file, call
    `progress.attach(filename, content)`."""

    def register(fn: _Work) -> _Work:
        KINDS[name] = fn
        return fn

    return register


class Progress:
    """What the work reports: how far it is (`advance`), what it is doing (`step`), a file it produced (`attach`).

    Saves are throttled to one a second. Report progress from the reading and checking part of the work, which runs
    in autocommit so the page sees it at once; the final write is one short transaction (its progress would only
    show when it commits)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._saved_at = timezone.now() - timedelta(seconds=10)

    def step(self, text: str, *, total: int | None = None) -> None:
        self.job.step, self.job.done = text, 0
        if total is not None:
            self.job.total = total
        self._save(force=True)

    def advance(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        self._save()

    def attach(self, filename: str, content: bytes) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)

    def _save(self, force: bool = False) -> None:
        now = timezone.now()
        if not force and (now - self._saved_at).total_seconds() < 1:
            return
        self._saved_at = now
        fields = {"step": self.job.step, "done": self.job.done, "total": self.job.total, "heartbeat_at": now}
        Job.objects.filter(pk=self.job.pk).update(**fields)


def start_job(*, kind: str, owner: User, title: str, **params: Any) -> Job:
    """Create the job and enqueue its task once the current transaction commits (the worker must see the row)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, owner=owner, title=title, params=params)
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


@task()
def run_job(job_id: str) -> str:
    """The one background task: run the registered work of a job and record how it ended."""
    job = Job.objects.get(pk=job_id)
    if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return job.status
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, error="")
    job.status = JobStatus.RUNNING
    progress = Progress(job)
    try:
        result = KINDS[job.kind](job=job, progress=progress, **job.params) or {}
    except Exception as exc:  # the job records any failure for the user; the log keeps the traceback
        log.exception("job %s (%s) failed", job.pk, job.kind)
        message = "; ".join(getattr(exc, "messages", [])) or str(exc) or exc.__class__.__name__
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=message, finished_at=timezone.now())
        return JobStatus.FAILED
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now(), done=job.done, total=job.total
    )
    return JobStatus.SUCCEEDED


def refresh_stale(job: Job) -> Job:
    """A job whose worker stopped answering (no heartbeat for NTM_JOB_STALE_SECONDS) is reported failed."""
    if job.status != JobStatus.RUNNING or job.heartbeat_at is None:
        return job
    if timezone.now() - job.heartbeat_at < timedelta(seconds=settings.NTM_JOB_STALE_SECONDS):
        return job
    message = _("The background worker stopped during this job; nothing of it was saved. Start it again.")
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
