import functools
import uuid
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .files import ScopedFileField, private_name


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:  # type: ignore[type-arg]  # any field
        """`get_status_display()` and the like, from the labels kept per field and language: Django rebuilds the
        field's choices into a dict, hashing every lazy label, at each call, and a list of fifty rows with four
        choice columns calls it two hundred times (a third of the approval queue's time)."""
        value = getattr(self, field.attname)
        try:
            return _choice_labels(field, get_language()).get(value, value)
        except TypeError:  # a value that cannot be a dict key: Django's own way
            return super()._get_FIELD_display(field)  # type: ignore[misc]  # private, but a documented hook


@functools.cache
def _choice_labels(field: models.Field, language: str | None) -> dict[Any, str]:  # type: ignore[type-arg]
    return {value: str(label) for value, label in field.flatchoices}


@receiver(setting_changed)
def _forget_choice_labels(*, setting: str, **kwargs: Any) -> None:
    """The kept labels follow the catalogues, as Django's own translations do when the settings that choose them
    change (tests that switch the project's catalogue on would otherwise read labels kept without it)."""
    if setting in {"LOCALE_PATHS", "LANGUAGES", "LANGUAGE_CODE", "INSTALLED_APPS"}:
        _choice_labels.cache_clear()


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


def job_file_path(instance: "Job", filename: str) -> str:
    return private_name(f"jobs/{instance.pk}", filename)


class Job(models.Model):
    """Long work a user started (core.jobs): what it is, how far it is, how it ended. Only its owner sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    step = models.CharField(_("current step"), max_length=255, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = ScopedFileField(
        _("result file"), upload_to=job_file_path, blank=True, max_length=255, download_url_name="core:job_file"
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class Generation(models.Model):
    """A counter that moves on whenever data it names changes (core.cache): cached figures keyed by it retire
    themselves. Kept in the database so every process (web workers, the background worker) sees the same value."""

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("cache generation")
        verbose_name_plural = _("cache generations")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
