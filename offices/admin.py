from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Office


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "province", "district", "commune"]
    list_filter = ["kind", "province"]
    list_select_related = ["province", "district", "commune"]
    search_fields = ["name"]
    autocomplete_fields = ["province", "district", "commune"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        from .scope import scope_for

        qs = super().get_queryset(request)
        s = scope_for(request.user)
        if s.everything:
            return qs
        return qs.filter(s.province_q("province") | s.district_q("district") | s.commune_q("commune"))


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office__kind"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__name"]
    autocomplete_fields = ["user", "office"]
