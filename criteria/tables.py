"""Tables of the criteria lists (scorecards, communes at risk of revocation): the page's columns and the export's."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.lists import ListTable, NumberColumn


class _AssessmentColumns(ListTable):
    """What both lists of assessments show alike: the commune (a link, with its code) and "met/total" on the page;
    the name and the number met in the export. Each table says where the commune links to (`commune_url`)."""

    def commune_url(self, record) -> str:
        raise NotImplementedError

    def render_commune(self, record):
        commune = record.commune
        return format_html(
            '<a href="{}">{}</a> <small class="text-muted">{}</small>',
            self.commune_url(record),
            commune.name,
            commune.code,
        )

    def value_commune(self, record):
        return record.commune.name

    def render_criteria_met(self, record):
        return f"{record.criteria_met}/{record.criteria_total}"

    def value_criteria_met(self, record):
        return record.criteria_met

    def value_criteria_set(self, record):
        return record.criteria_set.code


class AssessmentTable(_AssessmentColumns):
    year = tables.Column(verbose_name=_("Year"), localize=False, orderable=True)
    commune = tables.Column(verbose_name=_("Commune"), orderable=True, order_by=("commune__search_name",))
    commune_code = tables.Column(verbose_name=_("Code"), accessor="commune__code", visible=False)
    district = tables.Column(verbose_name=_("District"), accessor="commune__district", default="–")
    criteria_set = tables.Column(verbose_name=_("Criteria set"))
    criteria_met = NumberColumn(verbose_name=_("Criteria met"), orderable=True)
    criteria_total = NumberColumn(verbose_name=_("Criteria in the set"), visible=False)
    result = tables.Column(verbose_name=_("Result"), accessor="is_all_met", empty_values=())
    locked = tables.Column(verbose_name="", accessor="locked_at", exclude_from_export=True)

    class Meta(ListTable.Meta):
        empty_text = _("No assessment matches these filters in your area.")

    def commune_url(self, record) -> str:
        return reverse("criteria:scorecard_level", args=[record.commune.code, record.year, record.criteria_set.level])

    def render_criteria_set(self, record):
        s = record.criteria_set
        return format_html('{} <small class="text-muted">{}</small>', s.get_level_display(), s.code)

    def render_result(self, record):
        if record.is_all_met:
            return format_html('<span class="badge text-bg-success">{}</span>', _("All met"))
        return format_html(
            '<span class="badge text-bg-warning">{}</span>', _("%(n)s not met") % {"n": record.criteria_unmet}
        )

    def value_result(self, record):
        return str(_("All met")) if record.is_all_met else _("%(n)s not met") % {"n": record.criteria_unmet}

    def render_locked(self, record):
        return format_html(
            '<i class="bi bi-lock-fill text-secondary" title="{}: {}"></i>', _("Locked"), record.lock_reason
        )


class RevocationRiskTable(_AssessmentColumns):
    """Communes whose assessment meets the revocation rule of Decision 18/2022 (criteria page and report alike)."""

    district = tables.Column(verbose_name=_("District"), accessor="commune__district", default="–")
    code = tables.Column(verbose_name=_("Code"), accessor="commune__code", visible=False)
    commune = tables.Column(verbose_name=_("Commune"), orderable=True, order_by=("commune__search_name",))
    criteria_set = tables.Column(verbose_name=_("Criteria set"))
    level = tables.Column(verbose_name=_("Level"), accessor="criteria_set__level", visible=False)
    criteria_met = NumberColumn(verbose_name=_("Criteria met"), orderable=True)
    criteria_total = NumberColumn(verbose_name=_("Criteria in the set"), visible=False)
    criteria_unmet = NumberColumn(verbose_name=_("Criteria not met"))
    key_criteria_unmet = NumberColumn(verbose_name=_("Key criteria not met"), orderable=True)
    is_recognised = tables.Column(verbose_name=_("Recognised at this level"))

    xlsx_formats = dict.fromkeys(
        ["criteria_met", "criteria_total", "criteria_unmet", "key_criteria_unmet"], spreadsheets.INTEGER_FORMAT
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "id": "risk-table"}
        empty_text = _("No commune in your area meets the revocation rule for this year.")

    def commune_url(self, record) -> str:
        url = reverse("criteria:gap", args=[record.commune.code])
        return f"{url}?level={record.criteria_set.level}&year={record.year}"

    def render_criteria_set(self, record):
        return record.criteria_set.get_level_display()

    def render_is_recognised(self, value):
        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("Yes: revocation may be proposed"))
        return format_html('<span class="text-muted">{}</span>', _("No"))

    def value_is_recognised(self, value):
        return str(_("Yes") if value else _("No"))


class CriteriaSetTable(ListTable):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    subject = tables.Column(verbose_name=_("Subject"))
    level = tables.Column(verbose_name=_("Level"))
    period = tables.Column(verbose_name=_("Period"), accessor="year_from", empty_values=())
    province = tables.Column(verbose_name=_("Issued by province"), default="–")
    version = NumberColumn(verbose_name=_("Version"))
    n_criteria = NumberColumn(verbose_name=_("Criteria"))
    n_indicators = NumberColumn(verbose_name=_("Indicators"))
    status = tables.Column(verbose_name=_("Status"), accessor="superseded_at", empty_values=())
    workbook = tables.Column(verbose_name="", accessor="pk", exclude_from_export=True, empty_values=())

    class Meta(ListTable.Meta):
        empty_text = _("No criteria set is loaded yet.")

    def render_period(self, record):
        return f"{record.year_from}–{record.year_to}"

    def value_period(self, record):
        return f"{record.year_from}–{record.year_to}"

    def render_status(self, record):
        parts = [str(_("Replaced by a newer version")) if record.superseded_at else str(_("In use"))]
        if record.is_provisional:
            parts.append(str(_("provisional")))
        return ", ".join(parts)

    def value_status(self, record):
        return self.render_status(record)

    def render_workbook(self, record):
        return format_html(
            '<a class="btn btn-outline-success btn-sm text-nowrap" href="{}"><i class="bi bi-download"></i> {}</a>',
            reverse("criteria:set_workbook", args=[record.pk]),
            _("Workbook"),
        )
