"""Parse numbers typed the Vietnamese way ("93,7", "1.500.000", "1.234,5") or the English way ("1,500,000.5")."""

import re
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0_]")


class NumberFormatError(ValueError):
    pass


def parse_number(raw: object) -> Decimal:
    """Return a Decimal; raise NumberFormatError with a message saying what was wrong.

    Rules: "." groups thousands and "," marks decimals (Vietnamese), unless the text clearly uses the English
    convention ("1,500,000.5"). A lone separator followed by exactly three digits is read as thousands
    ("1.500" = 1500, "1,500" = 1500); otherwise it is the decimal mark ("93,7" = 93.7, "93.7" = 93.7).
    """
    if isinstance(raw, bool):
        raise NumberFormatError("not a number")
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    text = _SPACES.sub("", str(raw or "")).rstrip("%")
    if not text:
        raise NumberFormatError("empty")
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"[0-9]", text):
        raise NumberFormatError("'{}' is not a number".format(raw))
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        # The separator that comes last is the decimal mark.
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal_mark == "," else ","
        if text.count(decimal_mark) > 1:
            raise NumberFormatError("'{}' has more than one decimal mark".format(raw))
        integer, fraction = text.split(decimal_mark)
        _check_groups(integer, group, raw)
        text = integer.replace(group, "") + "." + fraction
    elif dots > 1 or commas > 1:
        group = "." if dots else ","
        _check_groups(text, group, raw)
        text = text.replace(group, "")
    elif dots == 1 or commas == 1:
        mark = "." if dots else ","
        integer, fraction = text.split(mark)
        if len(fraction) == 3 and integer and integer != "0":
            text = integer + fraction  # "1.500" is one thousand five hundred
        else:
            text = integer + "." + fraction
    try:
        return Decimal(sign + text)
    except InvalidOperation as exc:
        raise NumberFormatError("'{}' is not a number".format(raw)) from exc


def _check_groups(text: str, group: str, raw: object) -> None:
    parts = text.split(group)
    if not parts[0] or len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:]):
        raise NumberFormatError("'{}' has misplaced thousand separators".format(raw))


def parse_integer(raw: object) -> int:
    value = parse_number(raw)
    if value != value.to_integral_value():
        raise NumberFormatError("'{}' is not a whole number".format(raw))
    return int(value)
