"""Stored files (evidence, dossier documents, uploaded imports) are private: never under a public URL.

A file field that holds such documents is a `ScopedFileField`: its `.url` is the download view named by the field
(the view checks the user's scope, like the page that links the file), so templates and the admin link to that view
and nothing else. The storage itself has no public URL at all: asking for one is a programming error.

`serve_stored_file` answers with the file as an attachment. Behind a reverse proxy the bytes can be sent by the
proxy instead (`NTM_FILE_SERVING` = "x-accel-redirect" for nginx, "x-sendfile" for Apache / lighttpd) while Django
still decides who may read them; see README "Deploying".
"""

from __future__ import annotations

import mimetypes
import posixpath
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

__all__ = ["PrivateFileSystemStorage", "ScopedFileField", "private_name", "serve_stored_file"]


class PrivateFileSystemStorage(FileSystemStorage):
    """The project's default storage: files on disk under MEDIA_ROOT, which no URL serves."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            "Stored files have no public URL: link to the field's download view (ScopedFileField.url) instead."
        )


def private_name(folder: str, filename: str) -> str:
    """`folder/<random token>/<original name>`: the name cannot be guessed, and the download keeps the name the
    office gave the file."""
    base = get_valid_filename(posixpath.basename(filename or "")) or "file"
    stem, dot, extension = base.rpartition(".")
    if len(base) > 120:  # leave room for the folder and the token within the field's 255 characters
        base = f"{stem[: 110 - len(extension)]}{dot}{extension}" if dot else base[:120]
    return f"{folder.strip('/')}/{secrets.token_hex(16)}/{base}"


class ScopedFieldFile(FieldFile):
    field: ScopedFileField

    @property
    def url(self) -> str:
        self._require_file()  # type: ignore[attr-defined]  # not in the stubs
        return reverse(self.field.download_url_name, args=[self.instance.pk])

    @property
    def filename(self) -> str:
        return posixpath.basename(self.name or "")


class ScopedFileField(models.FileField):
    """A FileField whose `.url` is `download_url_name` (a view taking the owning row's pk), never a storage URL."""

    attr_class = ScopedFieldFile

    def __init__(self, *args: Any, download_url_name: str = "", **kwargs: Any) -> None:
        self.download_url_name = download_url_name
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["download_url_name"] = self.download_url_name
        return name, path, args, kwargs


def serve_stored_file(fieldfile: FieldFile) -> HttpResponseBase:
    """The file as a download. Call it only after the caller has checked that the user may read the row."""
    if not fieldfile or not fieldfile.name or not fieldfile.storage.exists(fieldfile.name):
        raise Http404(_("The file is no longer stored."))
    filename = posixpath.basename(fieldfile.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    mode = settings.NTM_FILE_SERVING
    response: HttpResponseBase
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.NTM_X_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + quote(fieldfile.name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = fieldfile.path
    else:
        response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)  # type: ignore[assignment]
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
