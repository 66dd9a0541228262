"""Re-evaluating scorecards in the background (core.jobs), e.g. after a target changed: a whole country's year is
thousands of assessments.

Each batch is evaluated and stored in its own transaction, so the progress shows as it goes and a batch is never
half written; a job that stops midway leaves the batches already done evaluated against the new targets, and
running it again finishes the rest (evaluation writes only what changed)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.jobs import job_kind

from .models import Assessment
from .services import assessments_evaluate

EVALUATE = "criteria.evaluate"
BATCH = 2000


@job_kind(EVALUATE)
def evaluate_scorecards(*, job, progress, set_id: int, year: int | None = None) -> dict:
    assessments = Assessment.objects.filter(criteria_set_id=set_id).order_by("pk")
    if year is not None:
        assessments = assessments.filter(year=year)
    ids = list(assessments.values_list("pk", flat=True))
    progress.step(_("Evaluating the scorecards"), total=len(ids))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            assessments_evaluate(assessments=list(Assessment.objects.filter(pk__in=ids[start : start + BATCH])))
        progress.advance(min(start + BATCH, len(ids)))
    return {"message": _("{count} scorecards evaluated.").format(count=len(ids)), "evaluated": len(ids)}
