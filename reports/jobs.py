"""Reports written by the background worker (core.jobs): a whole country's workbook takes longer than a page should."""

from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import job_kind
from criteria.choices import StandardLevel

from . import selectors, workbooks

MATRIX_WORKBOOK = "reports.criteria_matrix_workbook"


@job_kind(MATRIX_WORKBOOK)
def criteria_matrix_workbook(*, job, progress, year: int, level: str, district: int | None, language: str) -> dict:
    with translation.override(language):
        user = job.owner
        area = selectors.access_district(user=user, pk=district) if district else None
        matrix = selectors.criteria_matrix(user=user, year=year, level=level, district=area, rows=False)
        progress.step(_("Writing the workbook"), total=matrix.assessments.count())
        meta = [
            _("Area: {area}").format(area=selectors.area_label(user=user, district=area)),
            _("As at {date}").format(date=selectors.year_end(year).strftime("%d/%m/%Y")),
        ]
        title = _("Criteria status matrix, {level}, {year}").format(level=StandardLevel(level).label, year=year)
        content = workbooks.criteria_matrix(user=user, matrix=matrix, title=title, meta=meta)
        progress.attach(f"criteria-matrix-{level}-{year}.xlsx", content)
        progress.advance(progress.job.total or 0)
        return {"message": _("The workbook is ready.")}
