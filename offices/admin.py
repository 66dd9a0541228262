from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import person_column
from core.people import full_name
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
    list_display = [person_column("user", _("User")), "office", "role"]
    list_filter = ["role", "office__kind"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__name"]
    autocomplete_fields = ["user", "office"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's user admin with the name written the Vietnamese way (family, middle, given) and the offices held."""

    list_display = ["username", "display_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email"]
    ordering = ["last_name", "first_name", "username"]
    inlines = [MembershipInline]

    @admin.display(description=_("Full name"), ordering="last_name")
    def display_name(self, user) -> str:
        return full_name(user)
