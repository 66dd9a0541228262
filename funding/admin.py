from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SpreadsheetExportMixin
from core.scope import ScopedAdminMixin
from offices.permissions import require_change

from . import services
from .models import CapitalPlanLine, CapitalSource, ConstructionDebt, Disbursement, Project
from .resources import DisbursementResource, PlanLineResource


class UnitScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Rows in the staff user's scope (each model's unit_path), without the changelist's full count."""

    show_full_result_count = False


@admin.register(CapitalSource)
class CapitalSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "group", "order", "is_active"]
    list_filter = ["group", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Project)
class ProjectAdmin(UnitScopedAdmin):
    list_display = ["code", "name", "province", "district", "commune", "criterion", "total_investment", "year_start"]
    list_filter = ["year_start"]
    list_select_related = ["province", "district", "commune", "criterion", "criterion__criteria_set"]
    search_fields = ["code", "name", "commune__name", "district__name"]
    autocomplete_fields = ["province", "district", "commune", "criterion"]

    def save_model(self, request, obj, form, change):
        obj.fill_parents()
        require_change(request.user, obj)
        obj.full_clean()
        super().save_model(request, obj, form, change)


class DisbursementInline(admin.TabularInline):
    model = Disbursement
    extra = 0
    fields = ["reference", "paid_on", "amount", "note", "exceeds_plan"]
    readonly_fields = ["reference", "paid_on", "amount", "note", "exceeds_plan"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # payments go through the disbursement service (over-plan rule)


@admin.register(CapitalPlanLine)
class CapitalPlanLineAdmin(SpreadsheetExportMixin, UnitScopedAdmin):
    resource_classes = [PlanLineResource]
    list_display = ["year", "unit", "source", "component", "project", "planned_amount", "mobilised_amount"]
    list_filter = ["year", "source", "component"]
    list_select_related = ["province", "district", "commune", "source", "project"]
    search_fields = ["commune__name", "commune__code", "district__name", "district__code", "project__code", "note"]
    autocomplete_fields = ["province", "district", "commune", "project"]
    inlines = [DisbursementInline]

    def save_model(self, request, obj, form, change):
        services.plan_line_save(actor=request.user, line=obj)


@admin.register(Disbursement)
class DisbursementAdmin(SpreadsheetExportMixin, UnitScopedAdmin):
    resource_classes = [DisbursementResource]
    list_display = ["reference", "line", "paid_on", "amount", "exceeds_plan", "note"]
    list_filter = ["exceeds_plan", "line__year", "line__source"]
    list_select_related = ["line", "line__province", "line__district", "line__commune", "line__source"]
    search_fields = ["reference", "note", "line__commune__name", "line__district__name"]
    autocomplete_fields = ["line"]
    readonly_fields = ["exceeds_plan"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            require_change(request.user, obj)
            super().save_model(request, obj, form, change)
            return
        created = services.disbursement_create(
            line=obj.line,
            actor=request.user,
            reference=obj.reference,
            paid_on=obj.paid_on,
            amount=obj.amount,
            note=obj.note,
        )
        obj.pk = created.pk


@admin.register(ConstructionDebt)
class ConstructionDebtAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["commune", "amount", "as_of", "settled", "settled_on", "project"]
    list_filter = ["settled", "as_of"]
    list_select_related = ["commune", "commune__district", "project"]
    search_fields = ["commune__name", "commune__code", "note"]
    autocomplete_fields = ["commune", "project"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        require_change(request.user, obj)
        obj.full_clean()
        super().save_model(request, obj, form, change)
