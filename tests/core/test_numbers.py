import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from core.formatting import money, number, percent, share
from core.numbers import NumberFormatError, parse_integer, parse_number
from core.text import fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("93,7", "93.7"),
        ("93.7", "93.7"),
        ("1.500.000", "1500000"),
        ("1,500,000", "1500000"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.500", "1500"),
        ("0,500", "0.5"),
        (" 85 % ", "85"),
        ("-12,5", "-12.5"),
        (42, "42"),
        (3.5, "3.5"),
        ("2 088 000 000", "2088000000"),
    ],
)
def test_parse_number_reads_vietnamese_and_english_formats(raw, expected):
    assert parse_number(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3,4,5", "12,34,567", "1..5", True, "9,9,9"])
def test_parse_number_refuses_malformed_input(raw):
    with pytest.raises(NumberFormatError):
        parse_number(raw)


def test_parse_integer_refuses_fractions():
    assert parse_integer("1.500.000") == 1_500_000
    with pytest.raises(NumberFormatError):
        parse_integer("93,7")


def test_formatting_follows_the_active_language():
    with translation.override("vi"):
        assert number(1234.5, 1) == "1.234,5"
        assert percent(118, 126) == "93,7%"
        assert percent(6, 9) == "66,7%"
        assert percent(6, 9, published=True) == "66,67%"
        assert percent(3, 3) == "100,0%"
        assert share(None) == "–" and share(90) == "90,0%"
        assert share(Decimal("66.666"), published=True) == "66,67%"
    with translation.override("en"):
        assert number(1234.5, 1) == "1,234.5"
        assert percent(118, 126) == "93.7%"
        assert money(2_088_600_000_000) == "2,088.6 billion"
        assert money(850_000_000) == "850.0 million"


def test_fold_ignores_diacritics_and_case():
    assert fold("Phú Bình") == "phu binh"
    assert fold("Xã Đồng  Hỷ") == "xa dong hy"


def test_templates_write_percentages_by_one_rule():
    """Percentages go through {% percent %} / |pct (core.formatting): no page picks its own number of decimals."""
    own_rule = [
        re.compile(r"\|num(:\d)?\s*\}\}\s*%"),  # {{ rate|num:2 }}%
        re.compile(r"\{% percent [\w.]+ [\w.]+ \d+ %\}"),  # {% percent a b 0 %}
        re.compile(r"floatformat[^}]*\}\}\s*%"),
    ]
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        f"{path.relative_to(templates)}:{n}"
        for path in templates.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(p.search(line) for p in own_rule)
    ]
    assert offenders == []


def test_ids_in_templates_are_never_localised():
    """With thousand separators on, `{{ obj.pk }}` renders 1075 as "1.075" in Vietnamese, which breaks the element
    ids and data attributes that scripts and tests address: ids go through `unlocalize` (a URL tag is unaffected)."""
    root = Path(__file__).resolve().parents[2] / "templates"
    bare_id = re.compile(r"\{\{\s*[\w.]*(?:\.pk|\.id|_id)\s*\}\}")
    found = [
        f"{p.relative_to(root)}: {m.group(0)}" for p in root.rglob("*.html") for m in bare_id.finditer(p.read_text())
    ]
    assert found == []


def test_a_large_id_renders_without_separator():
    from django.template import Context, Template

    with translation.override("vi"):
        html = Template('{% load l10n %}<tr data-registration="{{ pk|unlocalize }}">').render(Context({"pk": 1075}))
        assert 'data-registration="1075"' in html
        assert Template("{{ pk }}").render(Context({"pk": 1075})) == "1.075"  # what the bare form did
