from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.scope import ScopedAdminMixin

from .models import Membership, Office


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "province", "district", "commune"]
    list_filter = ["kind", "province"]
    list_select_related = ["province", "district", "commune"]
    search_fields = ["name"]
    autocomplete_fields = ["province", "district", "commune"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office__kind"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__name"]
    autocomplete_fields = ["user", "office"]
