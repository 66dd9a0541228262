"""Tables of the funding lists: capital plan lines and construction debt."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import DateColumn, ListTable, MoneyColumn, short_date


class LineTable(ListTable):
    year = tables.Column(verbose_name=_("Year"), localize=False, orderable=True)
    unit = tables.Column(verbose_name=_("Unit"), empty_values=())
    source = tables.Column(verbose_name=_("Source"), orderable=True, order_by=("source__order", "source__code"))
    component = tables.Column(verbose_name=_("Component"), orderable=True)
    project = tables.Column(verbose_name=_("Project"), accessor="project__code")
    planned_amount = MoneyColumn(verbose_name=_("Planned"), orderable=True)
    mobilised_amount = MoneyColumn(verbose_name=_("Mobilised"), orderable=True)
    disbursed = MoneyColumn(verbose_name=_("Disbursed"), orderable=True)

    class Meta(ListTable.Meta):
        empty_text = _("No plan line matches these filters in your area.")
        row_attrs = {"class": lambda record: "table-warning" if record.over_plan > 0 else ""}

    def render_year(self, record):
        return format_html('<a href="{}">{}</a>', reverse("funding:line_detail", args=[record.pk]), record.year)

    def value_year(self, record):
        return record.year

    def render_source(self, record):
        return record.source.short_name or record.source.name

    def render_disbursed(self, record, column):
        shown = column.render(record.disbursed)
        if record.over_plan > 0:
            return format_html(
                '{} <i class="bi bi-exclamation-triangle text-warning" title="{}"></i>',
                shown,
                _("Disbursed above the planned amount"),
            )
        return shown

    def value_disbursed(self, record):
        return record.disbursed


class DebtTable(ListTable):
    commune = tables.Column(verbose_name=_("Commune"), orderable=True, order_by=("commune__code",))
    district = tables.Column(verbose_name=_("District"), accessor="commune__district", default="–")
    project = tables.Column(verbose_name=_("Project"))
    amount = MoneyColumn(verbose_name=_("Amount"), unit="million", orderable=True)
    as_of = DateColumn(verbose_name=_("As of"), orderable=True)
    settled = tables.Column(verbose_name=_("Status"), orderable=True)
    note = tables.Column(verbose_name=_("Note"))

    class Meta(ListTable.Meta):
        empty_text = _("No construction debt recorded in your area.")

    def render_commune(self, record):
        return f"{record.commune.code} {record.commune}"

    def render_settled(self, record):
        if record.settled:
            on = short_date(record.settled_on)
            return format_html('<span class="badge text-bg-success">{} {}</span>', _("settled"), on)
        return format_html('<span class="badge text-bg-danger">{}</span>', _("outstanding"))
