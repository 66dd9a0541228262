"""The table body made in Python (core.templatetags.lists.table_body_rows) writes what the template loop wrote."""

import datetime
from decimal import Decimal

import django_tables2 as tables
from django.template import Context, Template
from django.utils import translation
from django.utils.html import format_html

from core.lists import ListTable

# The loop generic/table.html had before its rows were made in Python.
TEMPLATE_LOOP = Template(
    "{% load l10n %}{% for row in table.paginated_rows %}"
    "<tr {{ row.attrs.as_html }}>{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>"
    "{% if column.localize == None %}{{ cell }}{% elif column.localize %}{{ cell|localize }}"
    "{% else %}{{ cell|unlocalize }}{% endif %}</td>{% endfor %}</tr>{% endfor %}"
)
PYTHON_ROWS = Template("{% load lists %}{% table_body_rows table %}")


class Sample(ListTable):
    name = tables.Column()
    link = tables.Column(empty_values=())
    amount = tables.Column()
    plain_amount = tables.Column(accessor="amount", localize=False)
    shown_amount = tables.Column(accessor="amount", localize=True)
    when = tables.Column(attrs={"td": {"class": lambda record: "late" if record["late"] else "on-time"}})
    day = tables.Column()

    class Meta(ListTable.Meta):
        row_attrs = {"data-id": lambda record: record["id"]}

    def render_link(self, record):
        return format_html('<a href="/x/{}/">{}</a>', record["id"], record["name"])


RECORDS = [
    {
        "id": 1,
        "name": 'Xã <b>An</b> & "Bình"',
        "amount": Decimal("1234567.5"),
        "when": datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC),
        "day": datetime.date(2024, 12, 31),
        "late": True,
    },
    {"id": 2, "name": "=1+1", "amount": 12000, "when": None, "day": None, "late": False},
]


def test_the_same_markup_as_the_template_loop():
    for language in ("vi", "en"):
        with translation.override(language):
            table = Sample(RECORDS)
            expected = TEMPLATE_LOOP.render(Context({"table": table}))
            made = PYTHON_ROWS.render(Context({"table": Sample(RECORDS)}))
            assert made == expected
            assert "&lt;b&gt;An&lt;/b&gt; &amp; &quot;Bình&quot;" in made  # typed text escaped
            assert '<a href="/x/1/">' in made  # a column's own HTML kept
            assert 'class="late"' in made and 'data-id="2"' in made  # attributes per record


def test_no_rows_gives_nothing_for_the_empty_message():
    assert PYTHON_ROWS.render(Context({"table": Sample([])})) == ""
