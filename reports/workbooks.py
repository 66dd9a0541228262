"""Report workbooks that the pages and the background worker both write (core.spreadsheets, rows streamed)."""

from django.utils.translation import gettext as _

from core import spreadsheets
from core.spreadsheets import Column

from . import selectors


def criteria_matrix(*, user, matrix: selectors.CriteriaMatrix, title: str, meta: list[str]) -> bytes:
    """Commune × criterion, met / not met, a batch of communes at a time: memory does not grow with the country."""
    columns = [
        Column(_("District"), 22),
        Column(_("Code"), 8),
        Column(_("Commune"), 24),
        *[Column(c.code, 6) for c in matrix.columns],
        Column(_("Criteria met"), 8, spreadsheets.INTEGER_FORMAT),
        Column(_("Criteria in the set"), 8, spreadsheets.INTEGER_FORMAT),
        Column(_("Level in force"), 18),
    ]
    met, unmet = _("Met"), _("Not met")  # as the scorecard writes them
    rows = (
        [
            r.assessment.commune.district.name if r.assessment.commune.district else "",
            r.assessment.commune.code,
            r.assessment.commune.name,
            *[("" if cell is None else (met if cell else unmet)) for cell in r.cells],
            r.assessment.criteria_met,
            r.assessment.criteria_total,
            r.level_label,
        ]
        for r in selectors.matrix_rows(matrix, matrix.assessments)
    )
    return spreadsheets.build_xlsx(
        title=title, meta=[*meta, *[f"{c.code}: {c.name}" for c in matrix.columns]], columns=columns, rows=rows
    )
