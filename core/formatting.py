"""Numbers and money as Vietnamese offices write them. Amounts are integers in đồng; shown in triệu or tỷ."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

MILLION = 1_000_000
BILLION = 1_000_000_000

# What Decimal() accepts.
NumberLike = int | float | Decimal | str


def number(value: NumberLike | None, decimals: int = 0) -> str:
    """Format with the active language's separators: vi "1.234,5", en "1,234.5"."""
    if value is None:
        return ""
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(quantized, decimal_pos=decimals, use_l10n=True, force_grouping=True)


# One rule for every percentage on pages, e-mails and documents: one decimal ("93,7%"), and two for the figures
# that are published with two, so that the page shows what the minutes and reports say: the residents' satisfaction
# rate and the survey's coverage (survey minutes, "66,67%"), and the share of districts that reached the standard.
# Thresholds set by a regulation ("at least 90%") are written as the regulation writes them.
PERCENT_DECIMALS = 1
PUBLISHED_PERCENT_DECIMALS = 2


def share(value: NumberLike | None, *, published: bool = False) -> str:
    """A value already in per cent: "93,7%" (or "66,67%" for a figure published with two decimals); "–" if None."""
    if value is None:
        return "–"
    return number(value, PUBLISHED_PERCENT_DECIMALS if published else PERCENT_DECIMALS) + "%"


def percent(numerator: NumberLike, denominator: NumberLike | None, *, published: bool = False) -> str:
    """numerator / denominator in per cent, by the rule above; "–" without a denominator."""
    if not denominator:
        return "–"
    return share(Decimal(numerator) * 100 / Decimal(denominator), published=published)


def money(amount_dong: NumberLike | None, unit: str = "auto", decimals: int = 1) -> str:
    """Đồng as "1.234,5 tỷ" / "850,0 triệu". unit: "auto", "billion", "million"."""
    if amount_dong is None:
        return ""
    amount = Decimal(amount_dong)
    if unit == "auto":
        unit = "billion" if abs(amount) >= BILLION else "million"
    if unit == "billion":
        return _("{amount} billion").format(amount=number(amount / BILLION, decimals))
    return _("{amount} million").format(amount=number(amount / MILLION, decimals))
