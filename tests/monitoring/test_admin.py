"""Admin: read-only changelists scoped to the staff user's area."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.choices import ReportSubject
from monitoring.models import Critique, PublicComment, SatisfactionSurvey, SupervisionReport
from verification.choices import DossierStatus


@pytest.fixture
def records(world, dossier, hamlets, survey):
    for commune, hamlet_list in ((world.pb[0], hamlets["pb"]), (world.dt[0], hamlets["dt"])):
        d = dossier(DossierStatus.PUBLIC_CONSULTATION, commune=commune)
        survey(d, hamlet_list, (10, 10, 9))
        services.critique_add(dossier=d, actor=world.users.front, text="x")
        services.public_comment_submit(dossier=d, text="y")
        services.supervision_report_create(
            actor=world.users.front,
            subject_kind=ReportSubject.COMMUNE,
            commune=commune,
            title="t",
            period_start=timezone.localdate(),
            period_end=timezone.localdate(),
        )


@pytest.mark.parametrize("model", [SatisfactionSurvey, SupervisionReport, Critique, PublicComment])
def test_changelists_load_and_are_scoped(client, world, records, model):
    client.force_login(world.users.admin)
    url = reverse(f"admin:monitoring_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    request = RequestFactory().get(url)
    request.user = world.users.commune
    assert site._registry[model].get_queryset(request).count() == 1
    request.user = world.users.front
    assert site._registry[model].get_queryset(request).count() == 2
    assert not site._registry[model].has_change_permission(request)
