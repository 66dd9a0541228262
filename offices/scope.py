"""Memberships as scope: the lookup `core.scope` asks for (provided in OfficesConfig.ready()), and the helpers
every page uses to list the units a user works in.

The rules (which rows a membership covers) live in `core.scope`, where each model declares its unit path; this module
only turns a user's memberships into units. `scope_for`, `user_roles`, `clear_cache`, `UnitScope`,
`get_visible_or_404` and `ScopedAdminMixin` are `core.scope`'s, named here too for the callers that import them
from offices.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from communes.models import AdminUnitQuerySet, Commune, District, Province, ProvinceQuerySet
from core.scope import (  # noqa: F401 (named here for callers)
    ScopedAdminMixin,
    UnitScope,
    clear_cache,
    get_visible_or_404,
    scope_for,
    user_roles,
)

from .choices import Role
from .permissions import can_change_commune, require_change_commune  # noqa: F401 (named here for callers)


class MembershipResolver:
    """What a user's memberships cover: the office's lowest unit (commune, else district, else province)."""

    all_roles = frozenset(Role.values)

    def units(self, user, roles: frozenset[str] | None) -> UnitScope:
        memberships = user.memberships.all()
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        provinces, districts, communes = set(), set(), set()
        for province_id, district_id, commune_id in memberships.values_list(
            "office__province_id", "office__district_id", "office__commune_id"
        ):
            if commune_id:
                communes.add(commune_id)
            elif district_id:
                districts.add(district_id)
            else:
                provinces.add(province_id)
        return UnitScope(
            province_ids=frozenset(provinces), district_ids=frozenset(districts), commune_ids=frozenset(communes)
        )

    def roles(self, user) -> frozenset[str]:
        return frozenset(user.memberships.values_list("role", flat=True))


# --- the units a user works in -------------------------------------------------------------------------------------


def communes(user, roles: Iterable[str] | None = None) -> AdminUnitQuerySet[Commune]:
    return Commune.objects.visible_to(user, roles)


def districts(user, roles: Iterable[str] | None = None) -> AdminUnitQuerySet[District]:
    return District.objects.visible_to(user, roles)


def provinces(user, roles: Iterable[str] | None = None) -> ProvinceQuerySet:
    """Provinces the user works in: those of every unit the scope covers."""
    return Province.objects.worked_in(user, roles)


def get_in_scope_or_404(qs: QuerySet, user, *, commune_path: str | None = None, **lookup):
    """The former name of `core.scope.get_visible_or_404`. `commune_path` is no longer needed: the model's
    `unit_path` decides, whatever is passed."""
    return get_visible_or_404(qs, user, **lookup)
