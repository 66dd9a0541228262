from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .files import serve_stored_file
from .jobs import refresh_stale
from .models import Job


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users land on the dashboard of their scope (a plain welcome page until it exists)."""
    try:
        return redirect(reverse("reports:dashboard"))
    except NoReverseMatch:
        return render(request, "home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Pages that name no icon (the admin's) make browsers ask for /favicon.ico."""
    return redirect(static("favicon.svg"), permanent=True)


def _own_job(request: HttpRequest, pk: UUID) -> Job:
    """A job is its owner's alone: anyone else, however senior, is told it does not exist."""
    try:
        return refresh_stale(Job.objects.get(pk=pk, owner=request.user))  # type: ignore[misc]  # signed in
    except Job.DoesNotExist as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def job_state(job: Job) -> dict[str, Any]:
    """What the progress panel shows (the page and its polling script read the same fields)."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.is_finished,
        "message": job.result.get("message", ""),
        "error": job.error,
        "file_url": job.result_file.url if job.result_file else "",
        "next_url": job.result.get("next_url", ""),
    }


@login_required
def job_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "generic/job.html", {"job": job, "state": job_state(job)})


@login_required
def job_status(request: HttpRequest, pk: UUID) -> JsonResponse:
    return JsonResponse(job_state(_own_job(request, pk)))


@login_required
def job_file(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    job = _own_job(request, pk)
    if not job.result_file:
        raise Http404(_("This job produced no file."))
    return serve_stored_file(job.result_file)
