"""The communes list: the same columns on the page and in its export."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import ListTable, NumberColumn


class CommuneTable(ListTable):
    code = tables.Column(verbose_name=_("Code"), orderable=True)
    name = tables.Column(verbose_name=_("Name"), orderable=True, order_by=("search_name", "code"))
    unit_type = tables.Column(verbose_name=_("Type"))
    district = tables.Column(verbose_name=_("District"), default="–", orderable=True, order_by=("district__code",))
    province = tables.Column(verbose_name=_("Province"))
    hamlet_count = NumberColumn(verbose_name=_("Hamlets"))
    status = tables.Column(verbose_name=_("Status"), accessor="valid_to", empty_values=())

    class Meta(ListTable.Meta):
        empty_text = _("No commune matches these filters in your area.")

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("communes:commune_detail", args=[record.pk]), record.name)

    def value_name(self, record):
        return record.name

    def render_status(self, value):
        if value:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Former unit"))
        return format_html('<span class="badge text-bg-light">{}</span>', _("Current"))

    def value_status(self, value):
        return str(_("Former unit") if value else _("Current"))
