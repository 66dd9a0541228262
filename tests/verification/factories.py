import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from criteria.choices import StandardLevel, SubjectKind
from criteria.models import Assessment, CriteriaSet
from verification.choices import DocumentKind, DossierStatus, PostingPlace, Route
from verification.models import ConsultationPosting, Dossier, DossierDocument


class DossierFactory(factory.django.DjangoModelFactory):
    """A commune dossier in draft (pass commune=…); use `make_dossier` in conftest for one at any status."""

    class Meta:
        model = Dossier

    subject_kind = SubjectKind.COMMUNE
    commune = None
    province = factory.LazyAttribute(lambda o: o.commune.province if o.commune else o.district.province)
    district = factory.LazyAttribute(lambda o: o.commune.district if o.commune else None)
    level = StandardLevel.BASIC
    year = 2024
    route = Route.DISTRICT_TIER
    status = DossierStatus.DRAFT
    created_by = None


def document(dossier, kind, user):
    return DossierDocument.objects.create(
        dossier=dossier,
        kind=kind,
        file=SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 test"),
        uploaded_by=user,
    )


def all_documents(dossier, user):
    for kind in [*DocumentKind.values]:
        if kind in (DocumentKind.OTHER, DocumentKind.DECISION):
            continue
        document(dossier, kind, user)


def postings(dossier, user, n=5, start=None):
    start = start or dossier.consultation_started_on
    places = list(PostingPlace.values)
    for i in range(n):
        ConsultationPosting.objects.create(
            dossier=dossier,
            posted_on=start + datetime.timedelta(days=i),
            place=places[i % len(places)],
            recorded_by=user,
        )


def assessment(commune, *, level=StandardLevel.BASIC, year=2024, all_met=True):
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        code=f"TEST-{level}",
        defaults={
            "name": f"Test set {level}",
            "subject": SubjectKind.COMMUNE,
            "level": level,
            "year_from": 2021,
            "year_to": 2025,
        },
    )
    return Assessment.objects.create(
        commune=commune,
        year=year,
        criteria_set=criteria_set,
        criteria_met=19 if all_met else 15,
        criteria_total=19,
        is_all_met=all_met,
        level_reached=level if all_met else "",
    )
