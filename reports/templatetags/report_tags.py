"""Template helpers of the reports section."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# One criterion's cell of the criteria matrix: met, not met, no result. A page of the matrix holds a thousand.
_MET = '<td class="text-center table-success">✓</td>'
_NOT_MET = '<td class="text-center table-danger">✗</td>'
_NONE = '<td class="text-center">·</td>'


@register.filter
def matrix_cells(cells: list[bool | None]) -> SafeString:
    """A matrix row's criterion cells, made in Python: through the template engine, a third of the page's time."""
    return mark_safe("".join(_MET if cell else _NOT_MET if cell is False else _NONE for cell in cells))  # noqa: S308 (fixed markup)
