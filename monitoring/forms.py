from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.choices import CommuneType
from core.numbers import NumberFormatError, parse_number
from offices import scope
from offices.choices import Role
from offices.models import Office

from .choices import COMMENT_MAX_LENGTH, COMMENT_NAME_MAX_LENGTH, Moderation, ReportSubject, Severity
from .services import ItemResult, SurveyRow

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_FIELDS = (
    ("households_surveyed", gettext_lazy("households surveyed")),
    ("forms_returned", gettext_lazy("forms returned")),
    ("satisfied", gettext_lazy("satisfied")),
)


class SurveyForm(forms.Form):
    """Period, status and one line of three numbers per hamlet of the dossier (blank lines are left out)."""

    period_start = forms.DateField(label=gettext_lazy("Survey from"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=gettext_lazy("Survey until"), widget=DATE_WIDGET)
    complete = forms.BooleanField(
        label=gettext_lazy("Survey completed: its rate counts for the dossier"),
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    results_posted_on = forms.DateField(
        label=gettext_lazy("Results posted at the hamlet cultural houses on"), required=False, widget=DATE_WIDGET
    )

    def __init__(self, *args, hamlets, existing=None, items=(), communes=(), existing_items=None, **kwargs):
        """`items`: the content items the forms list (criteria); `communes`: the communes results are given for
        (one for a commune dossier, each xã of a district); one field per item and commune."""
        super().__init__(*args, **kwargs)
        self.hamlets = list(hamlets)
        self.items, self.item_communes = list(items), list(communes)
        existing_items = existing_items or {}
        self.item_lines = []
        for item in self.items:
            names = []
            for commune in self.item_communes:
                name = f"i{commune.pk}_{item.pk}"
                value = existing_items.get((commune.pk, item.pk))
                self.fields[name] = forms.CharField(
                    label=f"{commune}: {item.number}. {item.name}",
                    required=False,
                    initial="" if value is None else value,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
                )
                names.append(name)
            self.item_lines.append((item, names))
        existing = existing or {}
        self.lines = []
        for hamlet in self.hamlets:
            names = []
            for field, label in NUMBER_FIELDS:
                name = f"h{hamlet.pk}_{field}"
                row = existing.get(hamlet.pk)
                self.fields[name] = forms.CharField(
                    label=f"{hamlet}: {label}",
                    required=False,
                    initial=getattr(row, field) if row else "",
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
                )
                names.append(name)
            self.lines.append((hamlet, names))

    def line_fields(self):
        """(hamlet, [bound fields]) per hamlet, for the table."""
        return [(hamlet, [self[name] for name in names]) for hamlet, names in self.lines]

    def item_fields(self):
        """(criterion, [bound fields, one per commune]) per content item, for the table."""
        return [(item, [self[name] for name in names]) for item, names in self.item_lines]

    def _items(self) -> list:
        results = []
        for item, names in self.item_lines:
            for commune, name in zip(self.item_communes, names, strict=True):
                text = (self.data.get(self.add_prefix(name)) or "").strip()
                if not text:
                    continue
                try:
                    value = parse_number(text)
                    if value != int(value) or value < 0:
                        raise NumberFormatError("not a whole number")
                except NumberFormatError:
                    self.add_error(
                        name,
                        _("{commune}, item {number}: enter a whole number of zero or more.").format(
                            commune=commune, number=item.number
                        ),
                    )
                    continue
                results.append(ItemResult(commune, item, int(value)))
        return results

    def clean(self):
        data = super().clean()
        rows = []
        for i, (hamlet, names) in enumerate(self.lines, start=1):
            raw = [(self.data.get(self.add_prefix(n)) or "").strip() for n in names]
            if not any(raw):
                continue
            values = []
            for name, text, (_field, label) in zip(names, raw, NUMBER_FIELDS, strict=True):
                try:
                    if not text:
                        raise NumberFormatError("empty")
                    number = parse_number(text)
                    if number != int(number) or number < 0:
                        raise NumberFormatError("not a whole number")
                    values.append(int(number))
                except NumberFormatError:
                    self.add_error(
                        name,
                        _("Row {n} ({hamlet}), {column}: enter a whole number of zero or more.").format(
                            n=i, hamlet=hamlet, column=label
                        ),
                    )
            if len(values) == 3:
                rows.append(SurveyRow(hamlet, *values))
        data["rows"] = rows
        data["items"] = self._items()
        return data


class SurveyCheckForm(forms.Form):
    checked_on = forms.DateField(label=gettext_lazy("Checked on"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=gettext_lazy("Note on the check"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CritiqueForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Critique"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReportForm(forms.Form):
    subject_kind = forms.ChoiceField(label=gettext_lazy("Subject"), choices=ReportSubject.choices)
    commune = forms.ModelChoiceField(label=gettext_lazy("Commune"), queryset=None, required=False)
    dossier = forms.ModelChoiceField(label=gettext_lazy("Dossier"), queryset=None, required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    period_start = forms.DateField(label=gettext_lazy("Supervised from"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=gettext_lazy("Supervised until"), widget=DATE_WIDGET)
    summary = forms.CharField(label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from verification.models import Dossier

        monitor = {Role.MONITOR}
        self.fields["commune"].queryset = (
            scope.communes(user, monitor)
            .filter(valid_to__isnull=True, unit_type=CommuneType.COMMUNE)
            .select_related("district")
            .order_by("district__code", "code")
        )
        self.fields["dossier"].queryset = (
            Dossier.objects.visible_to(user, monitor)
            .select_related("commune", "hamlet", "district")
            .order_by("-year", "commune__code", "id")
        )
        if editing:
            for name in ("subject_kind", "commune", "dossier"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        kind = data.get("subject_kind")
        if kind == ReportSubject.COMMUNE and not data.get("commune"):
            self.add_error("commune", _("Choose the commune supervised."))
        if kind == ReportSubject.DOSSIER and not data.get("dossier"):
            self.add_error("dossier", _("Choose the dossier supervised."))
        return data


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    description = forms.CharField(label=gettext_lazy("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(label=gettext_lazy("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    concerned_office = forms.ModelChoiceField(
        label=gettext_lazy("Office concerned"),
        queryset=Office.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty: any data-entry office covering the subject may answer."),
    )
    respond_by = forms.DateField(label=gettext_lazy("Answer due by"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["concerned_office"].queryset = Office.objects.filter(province_id=report.province_id).order_by(
                "district__code", "commune__code", "name"
            )
        self.fields["respond_by"].initial = None

    def clean_respond_by(self):
        day = self.cleaned_data.get("respond_by")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return day


class ResponseForm(forms.Form):
    response = forms.CharField(label=gettext_lazy("Response"), widget=forms.Textarea(attrs={"rows": 3}))


class FrontNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ModerationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[c for c in Moderation.choices if c[0] != Moderation.PENDING]
    )
    reply = forms.CharField(
        label=gettext_lazy("Answer published with the comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicCommentForm(forms.Form):
    """The residents' form: no email, no address, nothing but an optional name and the comment."""

    author_name = forms.CharField(
        label=gettext_lazy("Your name (optional)"), required=False, max_length=COMMENT_NAME_MAX_LENGTH
    )
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}),
        error_messages={"required": gettext_lazy("Write your comment.")},
    )

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise forms.ValidationError(_("Write your comment."))
        return text
