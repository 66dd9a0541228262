from django import forms
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.numbers import NumberFormatError, parse_integer

from .services import over_plan_amount, over_plan_message


class AmountField(forms.CharField):
    """An amount in đồng typed the Vietnamese way ("1.500.000") or the English way."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_integer(value)
        except NumberFormatError as exc:
            raise forms.ValidationError(_("Write a whole amount in đồng, e.g. 1.500.000.")) from exc
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be positive."))
        return amount


class DisbursementForm(forms.Form):
    reference = forms.CharField(label=_("Reference (payment order)"), max_length=64)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = AmountField(label=_("Amount (đồng)"))
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Required when the payment takes the line above its planned amount."),
    )

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount:
            already = self.line.disbursements.aggregate(total=Sum("amount"))["total"] or 0
            planned = self.line.planned_amount
            self.over = over_plan_amount(planned=planned, already=already, amount=amount)
            if self.over and not (data.get("note") or "").strip():
                self.add_error("note", over_plan_message(planned=planned, already=already, amount=amount))
        return data


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args, provinces, districts, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All my area"))]
        choices += [(f"p{p.pk}", p.name) for p in provinces]
        choices += [(f"d{d.pk}", f"— {d.name}") for d in districts]
        self.fields["area"].choices = choices
        self.provinces = {f"p{p.pk}": p for p in provinces}
        self.districts = {f"d{d.pk}": d for d in districts}

    def selected_area(self):
        key = self.cleaned_data.get("area") or ""
        return self.provinces.get(key), self.districts.get(key)
