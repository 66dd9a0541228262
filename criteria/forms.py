from django import forms
from django.utils.translation import gettext_lazy as _

from . import evaluation
from .choices import NUMERIC_TYPES, StandardLevel, ValueType
from .resources import parse_cell
from .services import ValueEntry

EVIDENCE_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "ods"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class IndicatorValueField(forms.CharField):
    """A text box that accepts a value of the indicator's type, Vietnamese number formats included."""

    def __init__(self, *, indicator, **kwargs):
        self.indicator = indicator
        super().__init__(required=False, max_length=500, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_cell(value, self.indicator.value_type)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class BoolValueField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            choices=[("", "–"), ("yes", _("Met (yes)")), ("no", _("Not met (no)"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            **kwargs,
        )


def _initial(value, value_type):
    if value is None or value.raw_value is None:
        return ""
    if value_type == ValueType.BOOL:
        return "yes" if value.value_bool else "no"
    if value_type in NUMERIC_TYPES:
        return evaluation.format_quantity(value.value_number, ValueType.AMOUNT, "")
    return value.value_text


class AssessmentValuesForm(forms.Form):
    """One value field, one note and one evidence file per indicator of the set, built from the data."""

    def __init__(self, *args, structure, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.rows = []  # (criterion, [(indicator, value field, note field, evidence field, stored value)])
        for criterion in structure.criteria:
            items = []
            for indicator in structure.indicators_by_criterion.get(criterion.pk, []):
                stored = values.get(indicator.pk)
                label = f"{indicator.code} {indicator.name}"
                if indicator.value_type == ValueType.BOOL:
                    field = BoolValueField(label=label)
                else:
                    field = IndicatorValueField(indicator=indicator, label=label)
                    hint = {
                        ValueType.PERCENT: _("Percent, e.g. 93,7"),
                        ValueType.AMOUNT: _("Amount, e.g. 1.500.000"),
                        ValueType.COUNT: _("Whole number"),
                        ValueType.TEXT: _("Text"),
                    }[indicator.value_type]
                    field.widget.attrs.update(
                        {
                            "placeholder": hint,
                            "inputmode": "decimal" if indicator.value_type in NUMERIC_TYPES else "text",
                        }
                    )
                field.initial = _initial(stored, indicator.value_type)
                self.fields[f"v_{indicator.pk}"] = field
                self.fields[f"n_{indicator.pk}"] = forms.CharField(
                    label=_("Note"),
                    required=False,
                    initial=stored.note if stored else "",
                    max_length=2000,
                    widget=forms.TextInput(attrs={"placeholder": _("Note")}),
                )
                self.fields[f"e_{indicator.pk}"] = forms.FileField(label=_("Evidence"), required=False)
                items.append(indicator)
            self.rows.append((criterion, items))
        self.stored = values

    def clean(self):
        cleaned = super().clean()
        for name, upload in list(cleaned.items()):
            if not name.startswith("e_") or not upload:
                continue
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in EVIDENCE_EXTENSIONS:
                self.add_error(
                    name,
                    _("Upload a PDF, image, Word or Excel file (not .{ext}).").format(ext=extension or "?"),
                )
            elif upload.size > MAX_EVIDENCE_BYTES:
                self.add_error(name, _("The file is larger than 10 MB."))
        return cleaned

    def bound_rows(self):
        """For the template: per criterion, per indicator, the bound value/note/evidence fields and stored value."""
        return [
            (
                criterion,
                [
                    (ind, self[f"v_{ind.pk}"], self[f"n_{ind.pk}"], self[f"e_{ind.pk}"], self.stored.get(ind.pk))
                    for ind in items
                ],
            )
            for criterion, items in self.rows
        ]

    def entries(self) -> dict[int, ValueEntry]:
        return {
            ind.pk: ValueEntry(
                value=self.cleaned_data.get(f"v_{ind.pk}"),
                note=self.cleaned_data.get(f"n_{ind.pk}") or "",
                evidence=self.cleaned_data.get(f"e_{ind.pk}") or None,
            )
            for _criterion, items in self.rows
            for ind in items
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput)


class ExportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    criteria_set = forms.ModelChoiceField(label=_("Criteria set"), queryset=None, to_field_name="code")
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets


class GapForm(forms.Form):
    level = forms.ChoiceField(label=_("Target level"), choices=StandardLevel.choices, initial=StandardLevel.BASIC)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
