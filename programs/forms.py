from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import Commune, District, Hamlet
from core.importing import official_code
from criteria.choices import SubjectKind

from .choices import target_subject


class RegistrationForm(forms.Form):
    """Register a unit against one of the plan's targets, by its official code."""

    target = forms.ModelChoiceField(label=pgettext_lazy("plan", "Target"), queryset=None)
    unit_code = forms.CharField(
        label=_("Code of the commune, hamlet or district"),
        max_length=24,
        help_text=_("Commune 05917, hamlet 05917-03, district 173."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["target"].queryset = plan.targets.order_by("kind")
        self.fields["target"].label_from_instance = lambda t: t.get_kind_display()

    def clean(self):
        data = super().clean()
        target, raw = data.get("target"), (data.get("unit_code") or "").strip()
        if not target or not raw:
            return data
        subject = target_subject(target.kind)
        data["commune"] = data["hamlet"] = data["district"] = None
        if subject == SubjectKind.COMMUNE:
            data["commune"] = Commune.objects.current().filter(code=official_code(raw, level="commune")).first()
            found = data["commune"]
        elif subject == SubjectKind.HAMLET:
            data["hamlet"] = Hamlet.objects.select_related("commune").filter(code=raw).first()
            found = data["hamlet"]
        else:
            data["district"] = District.objects.current().filter(code=official_code(raw, level="district")).first()
            found = data["district"]
        if found is None:
            self.add_error("unit_code", _("No unit of the right kind has this code."))
        return data
