"""Background jobs (core.jobs): progress, result, failure without partial writes, a stopped worker, the owner only."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communes.models import Region
from core.jobs import job_kind, start_job
from core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@job_kind("test.count")
def _count(*, job, progress, upto: int):
    progress.step("Counting", total=upto)
    for n in range(1, upto + 1):
        progress.advance(n)
    progress.attach("so-lieu.csv", b"n\n" + str(upto).encode())
    return {"message": f"Counted to {upto}.", "counted": upto}


@job_kind("test.write_then_fail")
def _write_then_fail(*, job, progress, code: str):
    from django.db import transaction

    progress.step("Writing")
    with transaction.atomic():
        Region.objects.create(code=code, name="Vùng thử")
        raise ValueError("Row 7: the commune code 99999 is unknown")


def _start(user, kind, **params):
    return start_job(kind=kind, owner=user, title="Thử nghiệm", **params)


def test_a_job_runs_after_commit_and_reports_its_result(world, django_capture_on_commit_callbacks, client):
    user = world.users.province
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(user, "test.count", upto=12)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing runs before the commit
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.SUCCEEDED, 12, 12, 100)
    assert job.result == {"message": "Counted to 12.", "counted": 12}
    client.force_login(user)
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["finished"] and state["message"] == "Counted to 12." and state["file_url"]
    download = client.get(state["file_url"])
    assert b"".join(download.streaming_content) == b"n\n12"
    page = client.get(reverse("core:job_detail", args=[job.pk]))
    assert page.status_code == 200 and 'id="job-progress"' in page.content.decode()


def test_a_failed_job_keeps_nothing_of_its_work_and_says_why(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(world.users.province, "test.write_then_fail", code="ZZ")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "Row 7: the commune code 99999 is unknown"
    assert not Region.objects.filter(code="ZZ").exists()


def test_a_job_whose_worker_stopped_is_reported_failed(world, client, settings):
    settings.NTM_JOB_STALE_SECONDS = 300
    job = Job.objects.create(
        kind="test.count",
        owner=world.users.province,
        title="Nhập dữ liệu",
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=6),
    )
    client.force_login(world.users.province)
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["status"] == JobStatus.FAILED and "Start it again" in state["error"]
    fresh = Job.objects.create(
        kind="test.count", owner=world.users.province, title="x", status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert client.get(reverse("core:job_status", args=[fresh.pk])).json()["status"] == JobStatus.RUNNING


@pytest.mark.parametrize("other", ["admin", "district", "outsider"])
def test_only_the_owner_sees_a_job(world, client, other):
    job = Job.objects.create(kind="test.count", owner=world.users.province, title="x", status=JobStatus.SUCCEEDED)
    client.force_login(getattr(world.users, other))
    for name in ("core:job_detail", "core:job_status", "core:job_file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(world, client):
    job = Job.objects.create(kind="test.count", owner=world.users.province, title="x")
    response = client.get(reverse("core:job_status", args=[job.pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="unknown job kind"):
        _start(world.users.province, "test.nothing")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' reference data
def test_the_database_queue_and_its_worker_run_a_job(world, settings):
    """The production path: the task is stored in the database and `manage.py db_worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = _start(world.users.province, "test.count", upto=3)  # autocommit: enqueued at once
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO(), stderr=io.StringIO()
    )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["counted"] == 3
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_notification_email_goes_through_the_background_worker(world, settings, mailoutbox):
    """The e-mail is a task (core.mail.send_email): queued in the database in production, sent by the worker."""
    from django_tasks_db.models import DBTaskResult

    from core.mail import send_email

    send_email.enqueue("[NTM] Hồ sơ", "Nội dung", ["xa@example.gov.vn"])  # tests run tasks at once
    assert [m.subject for m in mailoutbox] == ["[NTM] Hồ sơ"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    send_email.using(backend="default").enqueue("[NTM] Sau", "Nội dung", ["xa@example.gov.vn"])
    assert len(mailoutbox) == 1 and DBTaskResult.objects.filter(status="READY").count() == 1
