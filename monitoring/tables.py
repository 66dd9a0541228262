"""Tables of the Front's lists and of the public consultation page."""

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.lists import DateColumn, ListTable, NumberColumn, short_date
from criteria.choices import StandardLevel
from verification.choices import DossierStatus

from . import selectors


def _period(start, end) -> str:
    return f"{short_date(start)}–{short_date(end)}"


def _badge(colour: str, text) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, text)


class CommuneProgressTable(ListTable):
    """Each current commune of the area: recognitions in force, latest basic scorecard, dossier under way."""

    code = tables.Column(verbose_name=_("Code"), orderable=True)
    name = tables.Column(verbose_name=_("Commune"), orderable=True, order_by=("search_name",))
    district = tables.Column(verbose_name=_("District"), default="–")
    recognised = tables.Column(verbose_name=_("Recognised"), accessor="pk", empty_values=())
    scorecard = tables.Column(verbose_name=_("Latest NTM scorecard"), accessor="assessed_year", empty_values=())
    dossier = tables.Column(verbose_name=_("Dossier under way"), accessor="active_dossier_id", empty_values=())
    unresolved_findings = NumberColumn(verbose_name=_("Open findings"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "id": "communes"}
        empty_text = _("No commune in your area.")

    def value_recognised(self, record):
        for flag, label in (
            (record.is_model, _("Model NTM")),
            (record.is_advanced, _("Advanced NTM")),
            (record.is_basic, _("NTM")),
        ):
            if flag:
                return str(label)
        return ""

    def render_recognised(self, record):
        label = self.value_recognised(record)
        return _badge("success", label) if label else mark_safe('<span class="text-muted">–</span>')

    def render_scorecard(self, record):
        if not record.assessed_year:
            return format_html('<span class="text-muted">{}</span>', _("none"))
        url = reverse("criteria:scorecard", args=[record.code, record.assessed_year])
        return format_html(
            '<a href="{}">{}: {}/{}</a>', url, record.assessed_year, record.basic_met, record.basic_total
        )

    def value_scorecard(self, record):
        return f"{record.assessed_year}: {record.basic_met}/{record.basic_total}" if record.assessed_year else ""

    def active_label(self, record) -> str:
        return "{} – {}".format(StandardLevel(record.active_level).label, DossierStatus(record.active_status).label)

    def render_dossier(self, record):
        if not record.active_dossier_id:
            return "–"
        url = reverse("monitoring:dossier", args=[record.active_dossier_id])
        return format_html(
            '<a href="{}">{}</a> <span class="small">{}</span>', url, record.active_year, self.active_label(record)
        )

    def value_dossier(self, record):
        return f"{record.active_year} {self.active_label(record)}" if record.active_dossier_id else ""


class SurveyTable(ListTable):
    dossier = tables.Column(verbose_name=_("Dossier"))
    period = tables.Column(verbose_name=_("Period"), accessor="period_end", orderable=True)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    row_count = NumberColumn(verbose_name=_("Hamlets"))
    total_households = NumberColumn(verbose_name=_("Households surveyed"))
    total_returned = NumberColumn(verbose_name=_("Forms returned"))
    total_satisfied = NumberColumn(verbose_name=_("Satisfied"))
    rate = NumberColumn(verbose_name=_("Rate"), accessor="pk", empty_values=())

    class Meta(ListTable.Meta):
        empty_text = _("No survey in your area.")

    def render_dossier(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("monitoring:dossier", args=[record.dossier_id]), record.dossier
        )

    def render_period(self, record):
        url = reverse("monitoring:survey_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _period(record.period_start, record.period_end))

    def value_period(self, record):
        return _period(record.period_start, record.period_end)

    def render_total_households(self, value):
        return formatting.number(value)

    def render_total_returned(self, value):
        return formatting.number(value)

    def render_total_satisfied(self, value):
        return formatting.number(value)

    def render_rate(self, record):
        rate = selectors.survey_rate(record)
        return formatting.share(rate, published=True)

    def value_rate(self, record):
        return selectors.survey_rate(record)


class SupervisionReportTable(ListTable):
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    subject = tables.Column(verbose_name=_("Subject"), accessor="subject_kind")
    period = tables.Column(verbose_name=_("Period"), accessor="period_end", orderable=True)
    finding_count = NumberColumn(verbose_name=_("Findings"))
    unresolved_count = NumberColumn(verbose_name=_("Unresolved"))

    class Meta(ListTable.Meta):
        empty_text = _("No supervision report in your area.")

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("monitoring:report_detail", args=[record.pk]), record.title)

    def value_title(self, record):
        return record.title

    def render_subject(self, record):
        return f"{record.get_subject_kind_display()}: {record.subject}"

    def render_period(self, record):
        return _period(record.period_start, record.period_end)


class FindingTable(ListTable):
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    severity = tables.Column(verbose_name=_("Severity"), orderable=True)
    description = tables.Column(verbose_name=_("Finding"))
    report = tables.Column(verbose_name=_("Report"), accessor="report__title")
    concerned_office = tables.Column(verbose_name=_("Office concerned"), default="–")
    respond_by = DateColumn(verbose_name=_("Answer due by"), default="–", orderable=True)

    class Meta(ListTable.Meta):
        empty_text = _("No finding in your area.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_status(self, record):
        return _badge(record.status_colour, record.get_status_display())

    def render_severity(self, record):
        return _badge(record.severity_colour, record.get_severity_display())

    def render_description(self, record):
        url = reverse("monitoring:report_detail", args=[record.report_id]) + f"#finding-{record.pk}"
        return format_html('<a href="{}">{}</a>', url, truncatechars(record.description, 100))

    def value_description(self, record):
        return record.description

    def render_respond_by(self, record, column):
        shown = column.render(record.respond_by)
        if record.status == "open" and record.respond_by < self.today:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', shown, _("overdue"))
        return shown

    def value_respond_by(self, value):
        return value


class PublicDossierTable(ListTable):
    """Dossiers in public consultation, as residents read them (no login)."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="subject", empty_values=())
    standard = tables.Column(verbose_name=_("Standard sought"), accessor="level")
    criteria = tables.Column(
        verbose_name=_("Criteria met (self-assessment)"),
        accessor="criteria_total",
        default="–",
        empty_values=(None, "", 0),
    )
    consultation_started_on = DateColumn(verbose_name=_("Consultation from"))
    ends_on = tables.Column(verbose_name=_("Consultation ends on"), accessor="consultation_started_on", empty_values=())
    published_comments = NumberColumn(verbose_name=_("Published comments"))

    class Meta(ListTable.Meta):
        attrs = {"class": "table table-hover bg-white mb-2", "id": "public-dossiers"}
        empty_text = _("No consultation is open at the moment.")

    def render_unit(self, record):
        link = format_html('<a href="{}">{}</a>', reverse("monitoring:public_detail", args=[record.pk]), record.subject)
        places = [record.commune if record.hamlet_id else None, record.district, record.province]
        return format_html("{}{}", link, format_html_join("", ", {}", ((p,) for p in places if p)))

    def render_standard(self, record):
        return f"{record.get_level_display()} {record.year}"

    def render_criteria(self, record):
        return f"{record.criteria_met}/{record.criteria_total}"

    def render_ends_on(self, record):
        shown = short_date(selectors.consultation_ends_on(record.consultation_started_on))
        if selectors.consultation_closed(record.consultation_started_on):
            return format_html('{} <span class="badge text-bg-secondary">{}</span>', shown, _("Closed"))
        return shown
