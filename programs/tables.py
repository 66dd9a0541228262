"""Tables of the programme lists: yearly plans and OCOP products."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import DateColumn, ListTable, NumberColumn, short_date


def _decision(number: str, day) -> str:
    return f"{number} ({short_date(day)})" if day else number


class PlanTable(ListTable):
    year = tables.Column(verbose_name=_("Year"), localize=False, orderable=True)
    unit = tables.Column(verbose_name=_("Unit"), empty_values=())
    plan = tables.Column(verbose_name=_("Plan"), accessor="pk")
    decision = tables.Column(verbose_name=_("Decision"), accessor="decision_number", empty_values=())
    phase = tables.Column(verbose_name=_("Phase"), accessor="phase__name", default="–")
    target_count = NumberColumn(verbose_name=_("Targets"))

    class Meta(ListTable.Meta):
        empty_text = _("No plan matches these filters in your area.")

    def render_plan(self, record):
        return format_html('<a href="{}">{}</a>', reverse("programs:plan_detail", args=[record.pk]), record)

    def value_plan(self, record):
        return str(record)

    def render_decision(self, record):
        return _decision(record.decision_number or "–", record.decision_date)


class OcopTable(ListTable):
    code = tables.Column(verbose_name=_("Code"), orderable=True)
    name = tables.Column(verbose_name=_("Product"), orderable=True)
    owner = tables.Column(verbose_name=_("Owner"))
    commune = tables.Column(verbose_name=_("Commune"), orderable=True, order_by=("commune__code",))
    group = tables.Column(verbose_name=_("Group"), orderable=True)
    score = NumberColumn(verbose_name=_("Score"), orderable=True)
    stars = tables.Column(verbose_name=_("Stars"), attrs={"td": {"class": "text-warning text-nowrap"}})
    decision = tables.Column(
        verbose_name=_("Decision"), accessor="decision_number", orderable=True, order_by=("decision_date",)
    )
    expires_on = DateColumn(verbose_name=_("Valid until"), default="–", orderable=True)

    class Meta(ListTable.Meta):
        empty_text = _("No OCOP product matches these filters in your area.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_commune(self, record):
        if record.commune.district:
            return format_html('{} <span class="text-muted small">({})</span>', record.commune, record.commune.district)
        return str(record.commune)

    def render_stars(self, value):
        return "★" * value

    def value_stars(self, value):
        return value

    def render_decision(self, record):
        return _decision(record.decision_number, record.decision_date)

    def render_expires_on(self, value, column):
        if value < self.today:
            return format_html('<span class="badge text-bg-secondary">{} {}</span>', _("expired"), column.render(value))
        return column.render(value)

    def value_expires_on(self, value):
        return value
