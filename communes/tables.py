"""The communes list: the same columns on the page and in its export."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import ListTable, NumberColumn

from . import registry
from .choices import CommuneType


class CommuneTable(ListTable):
    code = tables.Column(verbose_name=_("Code"), orderable=True)
    name = tables.Column(verbose_name=_("Name"), orderable=True, order_by=("search_name", "code"))
    unit_type = tables.Column(verbose_name=_("Type"))
    district = tables.Column(verbose_name=_("District"), default="–", orderable=True, order_by=("district__code",))
    province = tables.Column(verbose_name=_("Province"))
    hamlet_count = NumberColumn(verbose_name=_("Hamlets"))
    ntm_level = tables.Column(
        verbose_name=_("NTM status"), empty_values=(), orderable=True, order_by=("ntm_rank", "code")
    )
    status = tables.Column(verbose_name=_("Status"), accessor="valid_to", empty_values=())

    class Meta(ListTable.Meta):
        empty_text = _("No commune matches these filters in your area.")

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("communes:commune_detail", args=[record.pk]), record.name)

    def value_name(self, record):
        return record.name

    def _ntm_text(self, record) -> str:
        if record.unit_type != CommuneType.COMMUNE:
            return "–"  # wards and townships are not subjects of the programme
        return registry.ntm_status.get().label(record.ntm_level) or str(_("Not yet NTM"))

    def render_ntm_level(self, record):
        text = self._ntm_text(record)
        if record.ntm_level:
            return format_html('<span class="badge text-bg-success">{}</span>', text)
        return text

    def value_ntm_level(self, record):
        return self._ntm_text(record)

    def render_status(self, value):
        if value:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Former unit"))
        return format_html('<span class="badge text-bg-light">{}</span>', _("Current"))

    def value_status(self, value):
        return str(_("Former unit") if value else _("Current"))
