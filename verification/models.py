"""Recognition workflow. Its decisions and revocations are written to the register (`register.Recognition`).

A `Dossier` carries one unit's request for one level through the steps in `verification.choices.TRANSITIONS`; its
status changes only in `verification.services.dossier_transition`, which writes an append-only `DossierEvent`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communes.models import Commune, District, Hamlet, Province
from core import scope
from core.files import ScopedFileField, private_name
from core.models import TimeStampedModel
from criteria.choices import StandardLevel, SubjectKind

from .choices import (
    STATUS_COLOURS,
    CouncilRole,
    DocumentKind,
    DossierStatus,
    NotificationKind,
    PostingPlace,
    Route,
    SecurityStatus,
    Stage,
)


def _open_unique(field: str, kind: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[field, "level", "year"],
        condition=Q(subject_kind=kind) & ~Q(status__in=[DossierStatus.REJECTED, DossierStatus.REVOKED]),
        name=f"verification_dossier_one_open_per_{kind}",
        violation_error_message=_("This unit already has a dossier for this level and year."),
    )


class Dossier(TimeStampedModel):
    """One unit's request to be recognised at one level for one year, and its way through the workflow.

    `status` changes only through `verification.services.dossier_transition` (the admin shows it read-only).
    `province` and `district` are copied from the subject so that queues and scope filter without joins.
    """

    subject_kind = models.CharField(_("subject"), max_length=16, choices=SubjectKind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    hamlet = models.ForeignKey(
        Hamlet, verbose_name=_("hamlet"), on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    level = models.CharField(_("level"), max_length=16, choices=StandardLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.DRAFT)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    stage = models.CharField(_("queue stage"), max_length=16, choices=Stage.choices, blank=True)
    stage_entered_at = models.DateTimeField(_("arrived in queue at"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    consultation_started_on = models.DateField(_("consultation started on"), null=True, blank=True)
    security_status = models.CharField(
        _("security and order"), max_length=16, choices=SecurityStatus.choices, default=SecurityStatus.UNKNOWN
    )
    criteria_confirmed = models.BooleanField(
        _("criteria confirmed by verification"),
        default=False,
        help_text=_(
            "Hamlets and districts have no scorecard in the app: the verifier confirms that every criterion of "
            "the level is met, from the verification report."
        ),
    )
    assessment = models.ForeignKey(
        "criteria.Assessment",
        verbose_name=_("assessment relied on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        help_text=_("Fixed when the dossier is submitted; locked when it is appraised or decided."),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )

    # District dossiers by their district, the others (communes, hamlets) by their commune.
    unit_path = (
        scope.district("district", when=Q(subject_kind=SubjectKind.DISTRICT)),
        scope.commune("commune", when=~Q(subject_kind=SubjectKind.DISTRICT)),
    )
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province__code", "district__code", "commune__code", "level"]
        verbose_name = _("recognition dossier")
        verbose_name_plural = _("recognition dossiers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind=SubjectKind.COMMUNE, commune__isnull=False, hamlet__isnull=True)
                    | Q(subject_kind=SubjectKind.HAMLET, hamlet__isnull=False, commune__isnull=False)
                    | Q(
                        subject_kind=SubjectKind.DISTRICT,
                        district__isnull=False,
                        commune__isnull=True,
                        hamlet__isnull=True,
                    )
                ),
                name="verification_dossier_subject_matches_kind",
                violation_error_message=_("A dossier names exactly the unit of its subject kind."),
            ),
            _open_unique("commune", SubjectKind.COMMUNE),
            _open_unique("hamlet", SubjectKind.HAMLET),
            _open_unique("district", SubjectKind.DISTRICT),
        ]
        indexes = [models.Index(fields=["status", "route", "stage_entered_at"], name="verification_dossier_queue")]

    def __str__(self):
        return f"{self.subject} – {self.get_level_display()} {self.year}"

    @property
    def subject(self):
        return self.hamlet or self.commune or self.district

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")


def document_path(instance, filename):
    return private_name(f"dossiers/{instance.dossier_id}", filename)


class DossierDocument(TimeStampedModel):
    """A paper of the dossier (request letter, results report, minutes…), uploaded by an office in scope."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = ScopedFileField(
        _("file"), upload_to=document_path, max_length=255, download_url_name="verification:document_download"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "kind", "created_at"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self):
        return self.title or self.get_kind_display()


class ConsultationPosting(TimeStampedModel):
    """One public posting of the results report during the consultation (Article 5: at least 5 in 15 days)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="postings")
    posted_on = models.DateField(_("posted on"))
    place = models.CharField(_("place"), max_length=16, choices=PostingPlace.choices)
    note = models.CharField(_("where exactly / note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "posted_on", "id"]
        verbose_name = _("consultation posting")
        verbose_name_plural = _("consultation postings")

    def __str__(self):
        return f"{self.posted_on:%d/%m/%Y} – {self.get_place_display()}"


class DossierEvent(models.Model):
    """Append-only record of one transition (or review note): who, when, from, to, comment, documents."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=24, choices=DossierStatus.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="dossier_events"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(pgettext_lazy("dossier event", "comment"), blank=True)
    data = models.JSONField(_("recorded data"), default=dict, blank=True)
    documents = models.ManyToManyField(DossierDocument, verbose_name=_("documents"), blank=True, related_name="events")

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "at", "id"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")

    def __str__(self):
        return f"{self.dossier_id}: {self.from_status} → {self.to_status} ({self.action})"

    @property
    def decision_day(self) -> datetime.date | None:
        """The recorded decision date as a date (`data` keeps it as ISO text), for the template's `|date` filter."""
        value = (self.data or {}).get("decision_date")
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return None


class Notification(models.Model):
    """In-app notice to one user about a dossier (arrived in a queue, returned, decided) or about something the apps
    above the workflow tell an office (a Front finding naming it: `text` and `url`). Email goes out too."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    event = models.ForeignKey(
        DossierEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="verification_notif_unread")]

    def __str__(self):
        return f"{self.recipient} – {self.get_kind_display()} – {self.dossier_id}"


# --- appraisal ----------------------------------------------------------------------------------------------------


class AppraisalCouncil(TimeStampedModel):
    """A provincial appraisal council (Hội đồng thẩm định), set up by a decision of the provincial People's Committee:
    chaired by a provincial leader, run by the agriculture department, with members from the departments. The IT
    admin keeps it (reference data); each appraisal names the council that met."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    established_by = models.CharField(
        _("set up by decision"), max_length=255, blank=True, help_text=_("Number and date of the decision.")
    )
    active = models.BooleanField(_("active"), default=True)

    unit_path = scope.province("province")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "-active", "name"]
        verbose_name = _("appraisal council")
        verbose_name_plural = _("appraisal councils")

    def __str__(self):
        return self.name


class CouncilMember(models.Model):
    """A member of an appraisal council, with the role in it and the position held."""

    council = models.ForeignKey(
        AppraisalCouncil, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position and office"), max_length=255, blank=True)
    role = models.CharField(_("role in the council"), max_length=16, choices=CouncilRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["council", "order", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Appraisal(TimeStampedModel):
    """The appraisal council's work on one dossier: the field inspection, the meeting and its vote.

    The appraisal is approved only with the minutes uploaded and a majority of the members present agreeing
    (`settings.NTM_APPRAISAL_MAJORITY_PERCENT`, see verification.gates.gate_appraisal_vote)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="appraisal"
    )
    council = models.ForeignKey(
        AppraisalCouncil, verbose_name=_("council"), on_delete=models.PROTECT, related_name="appraisals"
    )
    inspected_on = models.DateField(_("field inspection on"), null=True, blank=True)
    places_visited = models.TextField(_("places visited"), blank=True)
    inspection_findings = models.TextField(_("inspection findings"), blank=True)
    meeting_on = models.DateField(_("council meeting on"), null=True, blank=True)
    members_present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes in favour"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    conclusion = models.TextField(_("conclusion of the meeting"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_on", "id"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(members_present__isnull=False)
                & Q(members_present__gte=F("votes_for") + F("votes_against") + F("abstentions")),
                name="verification_appraisal_votes_within_present",
                violation_error_message=_("More votes than members present."),
            ),
        ]

    def __str__(self):
        return _("Appraisal of {dossier}").format(dossier=self.dossier)

    @property
    def tally(self) -> str:
        """ "11/11 in favour" as the minutes write it."""
        if self.votes_for is None or not self.members_present:
            return ""
        return f"{self.votes_for}/{self.members_present}"


class TownshipCheck(models.Model):
    """For a district dossier: whether one of its townships (thị trấn) meets the civilised-urban standard, as the
    verifier found it (Decision 320, Annex I: every township must)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="townships")
    township = models.ForeignKey(Commune, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    meets_standard = models.BooleanField(_("meets the civilised-urban standard"), default=False)
    reference = models.CharField(_("recognised by (decision)"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "township__code"]
        verbose_name = _("township check")
        verbose_name_plural = _("township checks")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "township"],
                name="verification_townshipcheck_one_per_township",
                violation_error_message=_("This township is already recorded for the dossier."),
            )
        ]

    def __str__(self):
        return f"{self.township}: {self.meets_standard}"


class ReportPublication(TimeStampedModel):
    """The verifying level publishes its verification report for comments before forwarding the dossier (district
    practice 2022–2024; the province for a district's draft), when `settings.NTM_PUBLISH_VERIFICATION_REPORT`."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="publications"
    )
    published_on = models.DateField(_("published on"))
    place = models.CharField(
        _("where"), max_length=255, help_text=_("The portal's address, or the office where it is posted.")
    )
    comments_summary = models.TextField(_("comments received"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    unit_path = scope.through("dossier")
    objects = scope.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "-published_on", "-id"]
        verbose_name = _("verification report publication")
        verbose_name_plural = _("verification report publications")

    def __str__(self):
        return f"{self.published_on:%d/%m/%Y} – {self.place}"
