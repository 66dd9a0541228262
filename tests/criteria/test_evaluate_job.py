"""Re-evaluating a set's scorecards in the background after a target changed (criteria.jobs, from the admin)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Job, JobStatus
from criteria import jobs
from criteria.models import Assessment, IndicatorTarget

from .conftest import assess
from .factories import simple_set

pytestmark = pytest.mark.django_db


def test_the_admin_action_re_evaluates_in_batches_with_a_progress_page(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "BATCH", 2)
    criteria_set = simple_set(n_criteria=2)
    for commune in world.communes:
        assess(commune, criteria_set, {"1.1": Decimal(85), "2.1": Decimal(85)})
    assert Assessment.objects.filter(criteria_set=criteria_set, is_all_met=True).count() == 5
    IndicatorTarget.objects.filter(indicator__criterion__criteria_set=criteria_set).update(value=Decimal(90))
    client.force_login(world.users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:criteria_criteriaset_changelist"),
            {"action": "evaluate_scorecards", "_selected_action": [criteria_set.pk]},
        )
    job = Job.objects.get(kind=jobs.EVALUATE)
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.done, job.total, job.result["evaluated"]) == (JobStatus.SUCCEEDED, 5, 5, 5)
    assert Assessment.objects.filter(criteria_set=criteria_set, is_all_met=True).count() == 0
