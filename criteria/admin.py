from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.pagination import EstimatedCountPaginator
from core.scope import ScopedAdminMixin

from .choices import COMPARATOR_SYMBOLS
from .models import (
    Assessment,
    CommuneClassification,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0
    fields = ["code", "name", "name_en", "order"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "subject",
        "level",
        "year_from",
        "year_to",
        "target_scheme",
        "province",
        "is_provisional",
        "version",
        "superseded_at",
    ]
    list_filter = ["subject", "level", "target_scheme", "is_provisional", "year_from"]
    readonly_fields = ["series_code", "version", "previous_version", "superseded_at"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "legal_basis"]
    autocomplete_fields = ["province"]
    inlines = [CriterionGroupInline]
    actions = ["evaluate_scorecards", "export_workbook"]

    @admin.action(description=_("Export the selected set as a workbook (xlsx)"), permissions=["view"])
    def export_workbook(self, request, queryset):
        """The same workbook as the criteria sets page: edit it in Excel and import it as a new version."""
        from django.contrib import messages

        from core.spreadsheets import spreadsheet_response

        from .workbook import export_set

        if queryset.count() != 1:
            self.message_user(request, _("Choose one set: each set is one workbook."), messages.WARNING)
            return None
        criteria_set = queryset.select_related("province").get()
        return spreadsheet_response(export_set(criteria_set), filename=f"{criteria_set.code}.xlsx", file_format="xlsx")

    @admin.action(description=_("Re-evaluate every scorecard against the selected sets (in the background)"))
    def evaluate_scorecards(self, request, queryset):
        """After targets or indicators changed: the background worker re-evaluates; each job's page shows progress."""
        from core.jobs import start_job

        from .jobs import EVALUATE

        jobs = [
            start_job(
                kind=EVALUATE,
                owner=request.user,
                title=_("Re-evaluate the scorecards of {set}").format(set=criteria_set.code),
                set_id=criteria_set.pk,
            )
            for criteria_set in queryset
        ]
        if len(jobs) == 1:
            return redirect("core:job_detail", pk=jobs[0].pk)
        for job in jobs:
            self.message_user(
                request, format_html('<a href="{}">{}</a>', reverse("core:job_detail", args=[job.pk]), job.title)
            )
        return None


@admin.register(CriterionGroup)
class CriterionGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "criteria_set", "order"]
    list_filter = ["criteria_set"]
    list_select_related = ["criteria_set"]
    search_fields = ["code", "name", "criteria_set__code"]
    autocomplete_fields = ["criteria_set"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name", "value_type", "comparator", "unit", "order", "is_provisional"]
    show_change_link = True


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "number", "name", "criteria_set", "group", "is_revocation_key"]
    list_filter = ["criteria_set", "criteria_set__level", "is_revocation_key"]
    list_select_related = ["criteria_set", "group"]
    search_fields = ["code", "name", "name_en", "criteria_set__code"]
    autocomplete_fields = ["criteria_set", "group"]
    inlines = [IndicatorInline]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    fields = [
        "region",
        "commune_group",
        "year_from",
        "year_to",
        "value",
        "text_value",
        "is_provisional",
        "is_delegated",
    ]
    autocomplete_fields = ["region"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "criterion", "set_code", "value_type", "comparator", "unit", "is_provisional"]
    list_filter = [
        "criterion__criteria_set",
        "criterion__criteria_set__level",
        "value_type",
        "comparator",
        "is_provisional",
    ]
    list_select_related = ["criterion", "criterion__criteria_set"]
    search_fields = ["code", "name", "name_en", "criterion__code", "criterion__criteria_set__code"]
    autocomplete_fields = ["criterion"]
    inlines = [IndicatorTargetInline]

    @admin.display(description=_("set"), ordering="criterion__criteria_set__code")
    def set_code(self, obj):
        return obj.criterion.criteria_set.code


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = [
        "indicator_label",
        "set_code",
        "region",
        "commune_group",
        "target_value",
        "years",
        "is_provisional",
    ]
    list_filter = [
        "indicator__criterion__criteria_set",
        "indicator__criterion__criteria_set__level",
        "region",
        "commune_group",
        "is_provisional",
        "is_delegated",
    ]
    list_select_related = ["indicator", "indicator__criterion__criteria_set", "region"]
    search_fields = ["indicator__code", "indicator__name", "indicator__criterion__criteria_set__code", "source"]
    autocomplete_fields = ["indicator", "region"]
    show_full_result_count = False

    @admin.display(description=_("set"), ordering="indicator__criterion__criteria_set__code")
    def set_code(self, obj):
        return obj.indicator.criterion.criteria_set.code

    @admin.display(description=_("target value"), ordering="value")
    def target_value(self, obj):
        symbol = COMPARATOR_SYMBOLS.get(obj.indicator.comparator, "")
        return f"{symbol} {obj.display_value()} {obj.indicator.unit}".strip() or "–"

    @admin.display(description=_("years in force"))
    def years(self, obj):
        return f"{obj.year_from or ''}–{obj.year_to or ''}" if obj.year_from or obj.year_to else "–"

    @admin.display(description=_("indicator"), ordering="indicator__code")
    def indicator_label(self, obj):
        # Some indicator names run to 200 characters; cut them so value, region and group stay on screen.
        return Truncator(str(obj.indicator)).chars(70)


class CriterionResultInline(admin.TabularInline):
    model = CriterionResult
    extra = 0
    fields = ["criterion", "is_met", "reasons"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Counts and results are written by evaluation; values are entered on the site or by import."""

    list_display = ["commune", "year", "criteria_set", "criteria_met", "criteria_total", "is_all_met", "locked_at"]
    list_filter = [
        "year",
        "criteria_set",
        "criteria_set__level",
        "is_all_met",
        "commune__province",
        "commune__district",
    ]
    list_select_related = ["commune", "criteria_set"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = ["commune__code", "commune__name", "commune__search_name"]
    autocomplete_fields = ["commune", "criteria_set"]
    readonly_fields = [
        "criteria_met",
        "criteria_total",
        "key_criteria_unmet",
        "is_all_met",
        "level_reached",
        "evaluated_at",
        "locked_at",
        "locked_by",
        "lock_reason",
    ]
    show_full_result_count = False
    inlines = [CriterionResultInline]

    def has_add_permission(self, request):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["assessment", "indicator", "value_number", "value_bool", "value_text", "is_met"]
    list_filter = ["assessment__year", "assessment__criteria_set", "is_met"]
    list_select_related = ["assessment", "assessment__commune", "assessment__criteria_set", "indicator"]
    search_fields = ["assessment__commune__code", "assessment__commune__name", "indicator__code"]
    autocomplete_fields = ["assessment", "indicator"]
    readonly_fields = ["is_met"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # millions of rows: no exact COUNT(*)
    ordering = ["-pk"]  # index-backed; the model's ordering sorts every row through two joins

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Changing a value must re-evaluate the assessment: use the value-entry page or the import.
        return False


@admin.register(CommuneClassification)
class CommuneClassificationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["commune", "year_from", "commune_group", "region", "decision", "created_by"]
    list_filter = ["commune_group", "year_from", "region"]
    list_select_related = ["commune", "region", "created_by"]
    search_fields = ["commune__code", "commune__name", "decision"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
