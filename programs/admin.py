from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SpreadsheetExportMixin
from core.scope import ScopedAdminMixin
from offices.permissions import require_change

from . import services
from .models import AnnualPlan, OcopProduct, Phase, PlanTarget, Program, Registration, ThematicProgram
from .resources import OcopResource


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["code", "name", "year_from", "year_to", "legal_basis"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "program", "year_from", "year_to"]
    list_select_related = ["program"]
    search_fields = ["code", "name", "legal_basis"]
    autocomplete_fields = ["program"]


@admin.register(ThematicProgram)
class ThematicProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "legal_basis", "year_from", "year_to", "order"]
    list_select_related = ["program"]
    search_fields = ["code", "name", "legal_basis"]
    autocomplete_fields = ["program"]


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0
    fields = ["kind", "target", "note"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    show_full_result_count = False
    list_display = ["__str__", "year", "province", "district", "decision_number", "decision_date", "phase"]
    list_filter = ["year", "phase"]
    list_select_related = ["province", "district", "phase"]
    search_fields = ["title", "decision_number", "province__name", "district__name"]
    autocomplete_fields = ["phase", "province", "district"]
    inlines = [PlanTargetInline]

    def save_model(self, request, obj, form, change):
        services.plan_save(actor=request.user, plan=obj)


@admin.register(PlanTarget)
class PlanTargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False
    list_display = ["plan", "kind", "target", "note"]
    list_filter = ["kind", "plan__year"]
    list_select_related = ["plan", "plan__province", "plan__district"]
    search_fields = ["plan__title", "plan__province__name", "plan__district__name"]
    autocomplete_fields = ["plan"]


@admin.register(Registration)
class RegistrationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "target", "registered_on", "note"]
    list_filter = ["target__kind", "target__plan__year"]
    list_select_related = [
        "target",
        "target__plan",
        "target__plan__province",
        "target__plan__district",
        "commune",
        "hamlet",
        "district",
    ]
    search_fields = ["commune__name", "commune__code", "hamlet__name", "district__name"]
    autocomplete_fields = ["target", "commune", "hamlet", "district"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if change:
            require_change(request.user, obj)
            obj.full_clean()
            super().save_model(request, obj, form, change)
            return
        created = services.registration_create(
            actor=request.user,
            target=obj.target,
            commune=obj.commune,
            hamlet=obj.hamlet,
            district=obj.district,
            note=obj.note,
            registered_on=obj.registered_on,
        )
        obj.pk = created.pk


@admin.register(OcopProduct)
class OcopProductAdmin(ScopedAdminMixin, SpreadsheetExportMixin, SimpleHistoryAdmin):
    resource_classes = [OcopResource]
    list_display = [
        "code",
        "name",
        "owner",
        "commune",
        "group",
        "score",
        "decision_number",
        "decision_date",
        "expires_on",
    ]
    list_filter = ["group", "decision_date"]
    list_select_related = ["commune", "commune__district"]
    search_fields = ["code", "name", "owner", "decision_number", "commune__name", "commune__code"]
    autocomplete_fields = ["commune", "thematic_program"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.ocop_product_save(actor=request.user, product=obj)
