"""Request-level guards shared by every app."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# A refused body up to this size is read and thrown away, so the browser, which is still sending it, receives the
# answer instead of a reset connection; a larger one is not read at all.
DRAIN_LIMIT = 64 * 1024 * 1024
CHUNK = 256 * 1024


class UploadLimitMiddleware:
    """Refuse an upload larger than NTM_MAX_UPLOAD_MB from its Content-Length, before anything parses it.

    Without this, Django writes the whole file to disk and the import reads it before saying no (a 22 MB file took
    47 s). The page answers 413 and says the limit; nothing is stored or changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.NTM_MAX_UPLOAD_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > limit:
            if length <= DRAIN_LIMIT:
                while request.read(CHUNK):
                    pass
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = ""
            context = {"size_mb": length / (1024 * 1024), "limit_mb": settings.NTM_MAX_UPLOAD_MB, "back_url": back}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
