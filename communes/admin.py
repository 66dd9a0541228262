from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedAdminMixin

from .models import Commune, District, Hamlet, Province, Region, SuccessionMapping, UnitSuccession


class CurrentFilter(admin.SimpleListFilter):
    """Current units (valid_to empty) or units ended by a reorganisation."""

    title = _("status")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("Current")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit_type", "region", "has_district_tier", "valid_from", "valid_to"]
    list_filter = [CurrentFilter, "unit_type", "region", "has_district_tier"]
    list_select_related = ["region"]
    search_fields = ["code", "name", "search_name"]


@admin.register(District)
class DistrictAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "unit_type", "province", "valid_from", "valid_to"]
    list_filter = [CurrentFilter, "unit_type", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "search_name"]
    autocomplete_fields = ["province"]


class HamletInline(admin.TabularInline):
    model = Hamlet
    extra = 0
    fields = ["code", "name", "hamlet_type", "is_demo"]


@admin.register(Commune)
class CommuneAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "unit_type", "district", "province", "commune_group", "valid_from", "valid_to"]
    list_filter = [CurrentFilter, "unit_type", "province", "commune_group", "is_extremely_disadvantaged"]
    list_select_related = ["province", "district"]
    search_fields = ["code", "name", "search_name"]
    autocomplete_fields = ["province", "district", "region"]
    show_full_result_count = False
    inlines = [HamletInline]


@admin.register(Hamlet)
class HamletAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "hamlet_type", "commune", "is_demo"]
    list_filter = ["hamlet_type", "is_demo"]
    list_select_related = ["commune"]
    search_fields = ["code", "name", "commune__name", "commune__code"]
    autocomplete_fields = ["commune"]
    show_full_result_count = False


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "predecessor_commune",
        "predecessor_district",
        "successor_commune",
        "predecessor_province",
        "successor_province",
        "share",
        "effective_date",
        "clause",
        "resolution",
    ]
    list_filter = ["level", "share", "effective_date", "resolution"]
    list_select_related = [
        "predecessor_commune",
        "predecessor_district",
        "successor_commune",
        "predecessor_province",
        "successor_province",
    ]
    autocomplete_fields = [
        "predecessor_commune",
        "predecessor_district",
        "successor_commune",
        "predecessor_province",
        "successor_province",
    ]
    search_fields = [
        "predecessor_commune__name",
        "predecessor_commune__code",
        "successor_commune__name",
        "successor_commune__code",
        "predecessor_province__name",
        "successor_province__name",
        "resolution",
        "legal_basis",
    ]
    show_full_result_count = False


@admin.register(SuccessionMapping)
class SuccessionMappingAdmin(admin.ModelAdmin):
    """Imported mappings (Unit successions → Import a mapping); read here, changed by importing a new file."""

    list_display = [
        "province_code",
        "effective_date",
        "successor_code",
        "successor_name",
        "predecessor_code",
        "predecessor_name",
        "share",
        "clause",
        "resolution",
        "imported_by",
    ]
    list_filter = ["effective_date", "province_code", "share", "kind"]
    list_select_related = ["imported_by"]
    search_fields = ["successor_code", "successor_name", "predecessor_code", "predecessor_name", "resolution"]
    autocomplete_fields = ["imported_by"]
