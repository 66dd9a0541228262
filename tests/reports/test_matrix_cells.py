"""The criteria matrix's cells made in Python (reports.templatetags.report_tags) are what the template loop wrote."""

from django.template import Context, Template

# The loop templates/reports/matrix.html had before.
TEMPLATE_LOOP = Template(
    '{% for cell in cells %}<td class="text-center{% if cell %} table-success{% elif cell is False %} table-danger'
    '{% endif %}">{% if cell %}✓{% elif cell is False %}✗{% else %}·{% endif %}</td>{% endfor %}'
)


def test_met_not_met_and_no_result_as_the_template_wrote_them():
    cells = [True, False, None, True, None, False]
    made = Template("{% load report_tags %}{{ cells|matrix_cells }}").render(Context({"cells": cells}))
    assert made == TEMPLATE_LOOP.render(Context({"cells": cells}))
    assert made.count("table-success") == 2 and made.count("table-danger") == 2 and made.count("·") == 2
