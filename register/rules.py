"""Revocation rules of Decision 18/2022/QĐ-TTg (domain.md §5, procedure.md §7; verified), as pure functions.

A commune loses its recognition when 30–50 % of its criteria are no longer met and one of them is a key criterion
(income, environment…), or when 50 % or more are not met; a district also when 30 % or more of its communes have
lost theirs. Which set a recognition is judged against is a setting (`NTM_REVOCATION_JUDGED_AGAINST`: model communes
against the advanced set, local practice).
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import PERCENT_DECIMALS, number

KEY_SHARE = 30  # % of criteria unmet, with a key criterion among them
ANY_SHARE = 50  # % of criteria unmet, whatever they are
DISTRICT_COMMUNES_SHARE = 30  # % of a district's communes whose recognition was revoked


def _pct(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole) if whole else Decimal(0)


def criteria_ground(*, total: int, unmet: int, key_unmet: int) -> str | None:
    """The ground the criteria give, in words, or None."""
    if not total:
        return None
    share = _pct(unmet, total)
    if share >= ANY_SHARE:
        return _("{unmet} of {total} criteria no longer met ({pct}%, 50% or more).").format(
            unmet=unmet, total=total, pct=number(share, PERCENT_DECIMALS)
        )
    if share >= KEY_SHARE and key_unmet:
        return _("{unmet} of {total} criteria no longer met ({pct}%), including {key} key criteria.").format(
            unmet=unmet, total=total, pct=number(share, PERCENT_DECIMALS), key=key_unmet
        )
    return None


def communes_ground(*, total: int, revoked: int) -> str | None:
    """A district's ground from its communes, in words, or None."""
    if total and _pct(revoked, total) >= DISTRICT_COMMUNES_SHARE:
        return _("{revoked} of {total} communes have lost their NTM recognition ({pct}%, 30% or more).").format(
            revoked=revoked, total=total, pct=number(_pct(revoked, total), PERCENT_DECIMALS)
        )
    return None


def judged_against(level: str) -> str:
    """The level of the criteria set a recognition at `level` is judged against for revocation."""
    return settings.NTM_REVOCATION_JUDGED_AGAINST.get(level, level)


def levels_judged_against(set_level: str) -> list[str]:
    """The recognition levels judged against the set of `set_level`."""
    from criteria.choices import StandardLevel

    return [level for level in StandardLevel.values if judged_against(level) == set_level]
