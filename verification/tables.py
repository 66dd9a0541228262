"""Tables of the workflow's lists: dossiers, a queue, the recognition register."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.lists import DateColumn, ListTable, NumberColumn, short_date


def _status(record):
    return render_to_string("verification/_status.html", {"d": record})


class DossierTable(ListTable):
    unit = tables.Column(verbose_name=_("Unit"), accessor="subject", empty_values=())
    subject_kind = tables.Column(verbose_name=_("Subject"))
    district = tables.Column(verbose_name=_("District"), default="–", orderable=True, order_by=("district__code",))
    level = tables.Column(verbose_name=_("Level"), orderable=True)
    year = NumberColumn(verbose_name=_("Year"), localize=False, orderable=True)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    status_changed_at = DateColumn(verbose_name=_("Since"), orderable=True)
    due_on = DateColumn(verbose_name=_("Due"), default="–", orderable=True)

    class Meta(ListTable.Meta):
        empty_text = _("No dossier matches these filters in your area.")

    def render_unit(self, record):
        link = format_html(
            '<a href="{}">{}</a>', reverse("verification:dossier_detail", args=[record.pk]), record.subject
        )
        if record.hamlet_id:
            return format_html('{} <small class="text-muted">({})</small>', link, record.commune)
        return link

    def value_unit(self, record):
        return str(record.subject)

    def render_status(self, record):
        return _status(record)


class QueueTable(ListTable):
    """A queue: oldest arrival first; each dossier's age in the stage and whether it is past its due date."""

    select = tables.Column(verbose_name="", accessor="pk", exclude_from_export=True)
    unit = tables.Column(verbose_name=_("Unit"), accessor="subject", empty_values=())
    district = tables.Column(verbose_name=_("District"), default="–")
    level = tables.Column(verbose_name=_("Level"))
    year = NumberColumn(verbose_name=_("Year"), localize=False)
    status = tables.Column(verbose_name=_("Status"))
    stage_entered_at = DateColumn(verbose_name=_("Arrived"), orderable=True)
    age = NumberColumn(verbose_name=_("Age (days)"), empty_values=())
    due_on = DateColumn(verbose_name=_("Due"), orderable=True)
    document_count = NumberColumn(verbose_name=_("Documents"))

    class Meta(ListTable.Meta):
        empty_text = _("Nothing is waiting for you.")
        row_attrs = {"class": lambda table, record: "table-danger" if table.is_overdue(record) else ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.now, self.today = timezone.now(), timezone.localdate()

    def days_in_stage(self, record) -> int | None:
        """Days since the dossier arrived in this stage."""
        return (self.now - record.stage_entered_at).days if record.stage_entered_at else None

    def is_overdue(self, record) -> bool:
        return bool(record.due_on and record.due_on < self.today)

    def render_select(self, value):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="dossiers" value="{}" aria-label="{}">',
            value,
            _("Select"),
        )

    def render_unit(self, record):
        return format_html(
            '<a href="{}">{}</a> <small class="text-muted">{}</small>',
            reverse("verification:dossier_detail", args=[record.pk]),
            record.subject,
            record.get_subject_kind_display(),
        )

    def value_unit(self, record):
        return str(record.subject)

    def render_status(self, record):
        return _status(record)

    def render_age(self, record):
        days = self.days_in_stage(record)
        return "" if days is None else days

    def value_age(self, record):
        return self.days_in_stage(record)

    def render_due_on(self, record, column):
        if self.is_overdue(record):
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', column.render(record.due_on), _("overdue")
            )
        return column.render(record.due_on)

    def value_due_on(self, value):
        return value


class RecognitionTable(ListTable):
    """The register of recognitions as it stood on a day (`revoked_by_then`): the workflow's register page and the
    report of the reports section. `revocation_provinces`: where the user may propose a revocation (None:
    everywhere; False: no such links)."""

    subject_kind = tables.Column(verbose_name=_("Subject"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="subject", empty_values=())
    commune = tables.Column(verbose_name=_("Commune"), empty_values=(), visible=False)
    district = tables.Column(verbose_name=_("District"), empty_values=())
    level = tables.Column(verbose_name=_("Level"), orderable=True)
    year = NumberColumn(verbose_name=_("Year"), localize=False, orderable=True)
    decision_number = tables.Column(verbose_name=_("Decision number"))
    decision_date = DateColumn(verbose_name=_("Decision date"), orderable=True)
    issuing_body = tables.Column(verbose_name=_("Issued by"))
    signer = tables.Column(verbose_name=_("Signed by"), visible=False)
    status = tables.Column(verbose_name=_("Status"), accessor="revoked_by_then", empty_values=())
    revoked_on = DateColumn(verbose_name=_("Revoked on"), visible=False, empty_values=())
    revocation_decision = tables.Column(verbose_name=_("Revocation decision"), visible=False, empty_values=())

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "id": "register-table"}
        empty_text = _("No recognition matches these filters in your area.")

    def __init__(self, *args, revocation_provinces=None, status_header=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.revocation_provinces = revocation_provinces
        if status_header:
            self.columns["status"].column.verbose_name = status_header

    def render_unit(self, record):
        shown = record.subject
        if record.dossier_id:
            shown = format_html(
                '<a href="{}">{}</a>', reverse("verification:dossier_detail", args=[record.dossier_id]), shown
            )
        if record.hamlet_id:
            return format_html('{} <small class="text-muted">({})</small>', shown, record.hamlet.commune)
        return shown

    def value_unit(self, record):
        return str(record.subject)

    def value_commune(self, record):
        commune = record.hamlet.commune if record.hamlet_id else record.commune
        return str(commune) if commune else ""

    def render_district(self, record):
        if record.district_id:
            return "–"
        return self.value_district(record) or "–"

    def value_district(self, record):
        if record.district_id:
            return str(record.district)
        commune = record.hamlet.commune if record.hamlet_id else record.commune
        return str(commune.district or "") if commune else ""

    def render_issuing_body(self, record):
        if record.signer:
            return format_html('{} <small class="text-muted">({})</small>', record.issuing_body, record.signer)
        return record.issuing_body

    def value_issuing_body(self, record):
        return record.issuing_body

    def render_status(self, record):
        if record.revoked_by_then:
            on = short_date(record.revoked_on)
            return format_html(
                '<span class="badge text-bg-dark" title="{}">{} {}</span>', record.revocation_decision, _("Revoked"), on
            )
        badge = format_html('<span class="badge text-bg-success">{}</span>', _("In force"))
        provinces = self.revocation_provinces
        if (
            provinces is not False
            and not record.revoked_on
            and (provinces is None or record.unit_province_id in provinces)
        ):
            url = reverse("verification:recognition_revocation", args=[record.pk])
            return format_html('{} <a class="small link-danger" href="{}">{}</a>', badge, url, _("propose revocation"))
        return badge

    def value_status(self, record):
        return str(_("Revoked") if record.revoked_by_then else _("In force"))

    def value_revoked_on(self, record):
        return record.revoked_on if record.revoked_by_then else None

    def value_revocation_decision(self, record):
        return record.revocation_decision if record.revoked_by_then else ""


class DistrictRiskTable(ListTable):
    """Recognised districts with the share of their communes that lost their NTM recognition (18/2022: 30% or
    more is a ground for revoking the district's)."""

    district = tables.Column(verbose_name=_("District"))
    decision_number = tables.Column(verbose_name=_("Decision number"))
    decision_date = DateColumn(verbose_name=_("Decision date"))
    communes_total = NumberColumn(verbose_name=_("Communes"))
    communes_revoked = NumberColumn(verbose_name=_("Communes revoked"))
    share = tables.Column(verbose_name=_("Share revoked"), empty_values=(), accessor="pk")
    at_risk = tables.Column(verbose_name=_("Ground for revocation"))

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "id": "district-risk-table"}
        empty_text = _("No district recognition in force in your area.")
        row_attrs = {"data-district": lambda record: record.district.code}

    def _share(self, record):
        if not record.communes_total:
            return None
        return record.communes_revoked * 100 / record.communes_total

    def render_share(self, record):
        share = self._share(record)
        return formatting.share(share)

    def value_share(self, record):
        share = self._share(record)
        return None if share is None else round(share, 1)

    def render_at_risk(self, record):
        if record.at_risk:
            # xgettext:no-python-format
            label = _("30% or more of its communes revoked")
            return format_html('<span class="badge text-bg-danger">{}</span>', label)
        return format_html('<span class="badge text-bg-success">{}</span>', _("None from its communes"))

    def value_at_risk(self, record):
        return bool(record.at_risk)
