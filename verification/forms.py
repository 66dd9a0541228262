import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.choices import CommuneType
from communes.models import Hamlet
from criteria.choices import StandardLevel, SubjectKind
from offices import scope
from offices.choices import DATA_WRITE_ROLES

from .choices import DocumentKind, SecurityStatus
from .models import Appraisal, AppraisalCouncil, ConsultationPosting, DossierDocument, ReportPublication

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _commune_label(commune) -> str:
    if commune.valid_to is None:
        return str(commune)
    return _("{commune} (until {day})").format(commune=commune, day=commune.valid_to.strftime("%d/%m/%Y"))


class DossierCreateForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("Subject"), choices=SubjectKind.choices, initial=SubjectKind.COMMUNE)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False)
    hamlet_code = forms.CharField(
        label=_("Hamlet code"), required=False, help_text=_("Only for a hamlet dossier: the hamlet's code.")
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, help_text=_("Only for a district dossier.")
    )
    level = forms.ChoiceField(label=_("Level"), choices=StandardLevel.choices, initial=StandardLevel.BASIC)
    year = forms.IntegerField(label=_("Year"), min_value=2010, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The current communes, and those merged since the start of last year (a dossier for a year they existed in);
        # an ended one is named with the day it ended.
        since = datetime.date(timezone.localdate().year - 1, 1, 1)
        self.fields["commune"].queryset = (
            scope.communes(user, DATA_WRITE_ROLES)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since), unit_type=CommuneType.COMMUNE)
            .select_related("district")
            .order_by("-valid_from", "district__code", "code")
        )
        self.fields["commune"].label_from_instance = _commune_label
        self.fields["district"].queryset = scope.districts(user, DATA_WRITE_ROLES).filter(valid_to__isnull=True)
        self.fields["year"].initial = timezone.localdate().year
        if self.fields["commune"].queryset.count() == 1:
            self.fields["commune"].initial = self.fields["commune"].queryset.first()

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        if kind == SubjectKind.HAMLET:
            code = (data.get("hamlet_code") or "").strip()
            hamlet = (
                Hamlet.objects.select_related("commune", "commune__province", "commune__district")
                .filter(code=code)
                .first()
            )
            if hamlet is None or not scope.scope_for(self.user, DATA_WRITE_ROLES).covers_commune(hamlet.commune):
                self.add_error("hamlet_code", _("No hamlet with this code in your area."))
            data["hamlet"] = hamlet
        elif kind == SubjectKind.DISTRICT and not data.get("district"):
            self.add_error("district", _("Choose the district."))
        elif kind == SubjectKind.COMMUNE and not data.get("commune"):
            self.add_error("commune", _("Choose the commune."))
        return data


class TransitionForm(forms.Form):
    """Comment, and for decisions the number, date and signer; optionally a file to attach to the event."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Signed by"), required=False, max_length=255)
    issuing_body = forms.CharField(label=_("Issuing body"), required=False, max_length=255)
    document = forms.FileField(label=_("Attach a document"), required=False)
    document_kind = forms.ChoiceField(
        label=_("Document kind"), choices=[("", "---------"), *DocumentKind.choices], required=False
    )
    started_on = forms.DateField(
        label=_("Consultation started on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The day the results report was first posted; empty for today."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transition is not None:
            if transition.confirm:
                # Asked to confirm on a page of its own, which cannot carry a file: documents are uploaded first.
                del self.fields["document"]
                del self.fields["document_kind"]
            if transition.action != "open_consultation":
                del self.fields["started_on"]
            if not transition.needs_decision:
                for name in ("decision_number", "decision_date", "signer", "issuing_body"):
                    del self.fields[name]
            else:
                self.fields["decision_number"].required = True
                self.fields["decision_date"].required = True
            if transition.needs_comment:
                self.fields["comment"].required = True
                self.fields["comment"].label = _("Reason")

    def clean(self):
        data = super().clean()
        if data.get("document") and not data.get("document_kind"):
            self.add_error("document_kind", _("Say what the attached document is."))
        return data


class DocumentForm(forms.ModelForm):
    class Meta:
        model = DossierDocument
        fields = ["kind", "title", "file"]


class PostingForm(forms.ModelForm):
    class Meta:
        model = ConsultationPosting
        fields = ["posted_on", "place", "note"]
        widgets = {"posted_on": DATE_WIDGET}


class ReviewForm(forms.Form):
    security_status = forms.ChoiceField(label=_("Security and order"), choices=SecurityStatus.choices)
    criteria_confirmed = forms.BooleanField(
        label=_("The verification confirms every criterion of the level (hamlets and districts)"), required=False
    )
    comment = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, townships=(), checks=None, **kwargs):
        """`townships`: for a district dossier, its townships; each gets "meets the civilised-urban standard" and
        the decision that recognised it."""
        super().__init__(*args, **kwargs)
        checks = checks or {}
        self.townships = list(townships)
        for township in self.townships:
            check = checks.get(township.pk)
            self.fields[f"t{township.pk}_meets"] = forms.BooleanField(
                label=_("{township} meets the civilised-urban standard").format(township=township),
                required=False,
                initial=bool(check and check.meets_standard),
            )
            self.fields[f"t{township.pk}_reference"] = forms.CharField(
                label=_("{township}: recognised by (decision)").format(township=township),
                required=False,
                max_length=255,
                initial=check.reference if check else "",
            )

    def township_values(self) -> dict:
        data = self.cleaned_data
        return {t.pk: (data.get(f"t{t.pk}_meets"), data.get(f"t{t.pk}_reference", "")) for t in self.townships}


class BulkApproveForm(forms.Form):
    """The decision shared by every dossier approved at once (approvers: one decision lists several units, its
    signed copy goes to each dossier, and the approver confirms)."""

    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Signed by"), required=False, max_length=255)
    document = forms.FileField(label=_("Signed decision"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False)
    confirmed = forms.BooleanField(
        label=_("I have checked the number, date, signer and the signed decision: record it for every ticked unit."),
        required=False,
    )

    def __init__(self, *args, decision=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not decision:
            for name in ("decision_number", "decision_date", "signer", "document", "confirmed"):
                del self.fields[name]
        else:
            self.fields["confirmed"].required = True


class AppraisalForm(forms.ModelForm):
    """The council's field inspection, meeting and vote (verification.services.appraisal_record)."""

    class Meta:
        model = Appraisal
        fields = [
            "council",
            "inspected_on",
            "places_visited",
            "inspection_findings",
            "meeting_on",
            "members_present",
            "votes_for",
            "votes_against",
            "abstentions",
            "conclusion",
        ]
        widgets = {
            "inspected_on": DATE_WIDGET,
            "meeting_on": DATE_WIDGET,
            "places_visited": forms.Textarea(attrs={"rows": 2}),
            "inspection_findings": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = AppraisalCouncil.objects.filter(
            province_id=dossier.province_id, active=True
        ).order_by("name")


class PublicationForm(forms.ModelForm):
    class Meta:
        model = ReportPublication
        fields = ["published_on", "place", "comments_summary"]
        widgets = {"published_on": DATE_WIDGET, "comments_summary": forms.Textarea(attrs={"rows": 2})}


class RevocationForm(forms.Form):
    comment = forms.CharField(
        label=_("Grounds for revocation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Decision 18/2022: which criteria are no longer met (30–50% including a key criterion, or 50% or more)."
        ),
    )


class MergerDecisionForm(forms.Form):
    """The one decision that recognises several merged communes at once (entered once for every ticked commune)."""

    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Signed by"), max_length=255)
    confirmed = forms.BooleanField(
        label=_("I have checked the decision: record a recognition by merger for every ticked commune."),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("decision_number", "decision_date", "signer"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["confirmed"].widget.attrs["class"] = "form-check-input"
