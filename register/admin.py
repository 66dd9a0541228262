from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.scope import ScopedAdminMixin

from .models import Recognition


@admin.register(Recognition)
class RecognitionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Decisions taken before the app (or outside it) are entered here; the others come from dossiers."""

    list_display = ["__str__", "subject_kind", "level", "year", "decision_number", "decision_date", "revoked_on"]
    list_filter = ["subject_kind", "level", "year"]
    list_select_related = ["commune", "hamlet", "district"]
    search_fields = ["commune__name", "hamlet__name", "district__name", "decision_number"]
    autocomplete_fields = ["commune", "hamlet", "district", "recorded_by", "dossier"]
    readonly_fields = ["dossier"]
