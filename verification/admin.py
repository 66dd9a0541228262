"""Admin: status is read-only; transitions only through actions that call the transition service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.admin import person_column
from core.pagination import EstimatedCountPaginator
from core.scope import ScopedAdminMixin

from . import services
from .models import (
    Appraisal,
    AppraisalCouncil,
    ConsultationPosting,
    CouncilMember,
    Dossier,
    DossierDocument,
    DossierEvent,
    Notification,
    ReportPublication,
    TownshipCheck,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields


class DocumentInline(admin.TabularInline):
    model = DossierDocument
    extra = 0
    fields = ["kind", "title", "file", "uploaded_by"]
    readonly_fields = ["uploaded_by"]

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(action: str, label):
    def run(modeladmin, request, queryset):
        done = 0
        for dossier in queryset:
            try:
                services.dossier_transition(dossier=dossier, action=action, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied, Http404) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                modeladmin.message_user(request, f"{dossier}: {text}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("{n} dossiers moved.").format(n=done), messages.SUCCESS)

    run.__name__ = f"transition_{action}"
    return admin.action(description=label)(run)


@admin.register(Dossier)
class DossierAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "subject_kind", "level", "year", "status", "route", "district", "due_on"]
    list_filter = ["status", "level", "subject_kind", "route", "year"]
    list_select_related = ["province", "district", "commune", "hamlet"]
    search_fields = ["commune__name", "commune__code", "hamlet__name", "district__name"]
    autocomplete_fields = ["province", "district", "commune", "hamlet", "created_by"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "stage",
        "stage_entered_at",
        "due_on",
        "route",
        "consultation_started_on",
        "return_reason",
        "decision_number",
        "decision_date",
        "signer",
    ]
    inlines = [DocumentInline, EventInline]
    actions = [
        _transition_action("open_consultation", _("Open public consultation")),
        _transition_action("close_consultation", _("Close consultation, start the Front survey")),
        _transition_action("submit", _("Submit for verification")),
        _transition_action("start_verification", _("Take up for verification")),
        _transition_action("verify", _("Approve verification")),
        _transition_action("start_appraisal", _("Take up for appraisal")),
        _transition_action("appraise", _("Approve appraisal")),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "subject_kind", "province", "district", "commune", "hamlet", "level", "year"]

    def has_add_permission(self, request):
        return False  # dossiers are opened on the site, where the scope and route are set

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "action", "from_status", "to_status", person_column("actor", _("Actor")), "at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "actor"]
    search_fields = ["dossier__commune__name", "comment"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(ConsultationPosting)
class ConsultationPostingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "posted_on", "place", "note"]
    list_filter = ["place"]
    list_select_related = ["dossier", "dossier__commune", "dossier__hamlet", "dossier__district"]
    search_fields = ["dossier__commune__name", "note"]
    autocomplete_fields = ["dossier", "recorded_by"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [person_column("recipient", _("Recipient")), "kind", "dossier", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "dossier", "dossier__commune", "dossier__hamlet", "dossier__district"]
    search_fields = ["recipient__username"]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 3
    fields = ["order", "name", "position", "role"]


@admin.register(AppraisalCouncil)
class AppraisalCouncilAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Provincial appraisal councils and their members (reference data: set up by a decision of the province)."""

    list_display = ["name", "province", "established_by", "active"]
    list_filter = ["active"]
    list_select_related = ["province"]
    search_fields = ["name", "established_by", "members__name"]
    autocomplete_fields = ["province"]
    inlines = [CouncilMemberInline]


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Recorded by the appraiser on the dossier page; read here."""

    list_display = ["dossier", "council", "inspected_on", "meeting_on", "tally"]
    list_select_related = ["dossier", "dossier__commune", "dossier__district", "dossier__hamlet", "council"]
    search_fields = ["dossier__commune__name", "dossier__district__name", "council__name"]


@admin.register(ReportPublication)
class ReportPublicationAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "published_on", "place"]
    list_select_related = ["dossier", "dossier__commune", "dossier__district", "dossier__hamlet"]
    search_fields = ["dossier__commune__name", "place"]


@admin.register(TownshipCheck)
class TownshipCheckAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "township", "meets_standard", "reference"]
    list_select_related = ["dossier", "dossier__district", "township"]
    search_fields = ["township__name", "reference"]
