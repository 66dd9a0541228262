"""Admin for the Front's records, scoped to the staff user's area. Surveys, findings and comments change only
through the services (the pages), so the admin shows them read-only with their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.scope import ScopedAdminMixin

from .models import Critique, Finding, PublicComment, SatisfactionSurvey, SupervisionReport, SurveyHamletRow


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RowInline(ReadOnlyMixin, admin.TabularInline):
    model = SurveyHamletRow
    extra = 0
    fields = ["hamlet", "households_surveyed", "forms_returned", "satisfied"]
    readonly_fields = fields


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["dossier", "period_start", "period_end", "status", "entered_by"]
    list_filter = ["status"]
    search_fields = ["dossier__commune__name", "dossier__commune__code", "dossier__district__name"]
    list_select_related = ["dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "entered_by"]
    inlines = [RowInline]
    show_full_result_count = False


class FindingInline(ReadOnlyMixin, admin.StackedInline):
    model = Finding
    extra = 0
    fields = ["severity", "status", "description", "recommendation", "concerned_office", "respond_by", "response"]
    readonly_fields = fields


@admin.register(SupervisionReport)
class SupervisionReportAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "subject_kind", "commune", "district", "period_start", "period_end"]
    list_filter = ["subject_kind"]
    search_fields = ["title", "commune__name", "commune__code"]
    list_select_related = ["commune", "district"]
    inlines = [FindingInline]
    show_full_result_count = False


@admin.register(Critique)
class CritiqueAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "created_at", "author"]
    search_fields = ["text", "dossier__commune__name"]
    list_select_related = ["dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "author"]
    show_full_result_count = False


@admin.register(PublicComment)
class PublicCommentAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["dossier", "submitted_at", "outcome", "moderated_by"]
    list_filter = ["outcome"]
    search_fields = ["text", "dossier__commune__name"]
    list_select_related = ["dossier", "dossier__commune", "dossier__hamlet", "dossier__district", "moderated_by"]
    show_full_result_count = False

    @admin.display(description=_("comment"))
    def short_text(self, obj):
        return obj.text[:80]
