"""THE one place that turns a user into the set of administrative units they may see or change.

A membership grants its role over the subtree of its office's unit: a province office covers every district and
commune of the province, a district office its communes, a commune office its own commune. Superusers see
everything. A user with no membership sees nothing. Every selector, list, detail, export, import, queue and
admin changelist filters through the helpers below; a unit outside the scope answers 404, never someone else's data.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province

from .choices import DATA_WRITE_ROLES, Role

_CACHE_ATTR = "_ntm_scope_cache"


@dataclass(frozen=True)
class UnitScope:
    """Units covered by a user's memberships (optionally only those with certain roles)."""

    everything: bool = False
    province_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    commune_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.province_ids or self.district_ids or self.commune_ids)

    def commune_q(self, path: str = "") -> Q:
        """Q for rows whose `path` leads to a Commune ("" for the Commune model itself)."""
        if self.everything:
            return Q()
        p = f"{path}__" if path else ""
        return (
            Q(**{f"{p}province_id__in": self.province_ids})
            | Q(**{f"{p}district_id__in": self.district_ids})
            | Q(**{f"{p}id__in": self.commune_ids})
        )

    def district_q(self, path: str = "") -> Q:
        """Q for rows whose `path` leads to a District. Commune-level memberships do not cover their district."""
        if self.everything:
            return Q()
        p = f"{path}__" if path else ""
        return Q(**{f"{p}province_id__in": self.province_ids}) | Q(**{f"{p}id__in": self.district_ids})

    def province_q(self, path: str = "") -> Q:
        if self.everything:
            return Q()
        p = f"{path}__" if path else ""
        return Q(**{f"{p}id__in": self.province_ids})

    def covers_commune(self, commune: Commune) -> bool:
        return (
            self.everything
            or commune.province_id in self.province_ids
            or commune.district_id in self.district_ids
            or commune.pk in self.commune_ids
        )

    def covers_district(self, district: District) -> bool:
        return self.everything or district.province_id in self.province_ids or district.pk in self.district_ids

    def covers_province(self, province: Province) -> bool:
        return self.everything or province.pk in self.province_ids


def scope_for(user, roles: Iterable[str] | None = None) -> UnitScope:
    """The units `user` covers, through memberships with any of `roles` (all roles when None).

    One query per user and role set per request: the result is cached on the user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return UnitScope()
    if user.is_superuser:
        return UnitScope(everything=True)
    key = frozenset(roles) if roles is not None else None
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if key in cache:
        return cache[key]
    memberships = user.memberships.all()
    if key is not None:
        memberships = memberships.filter(role__in=key)
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
    scope = UnitScope(
        province_ids=frozenset(provinces), district_ids=frozenset(districts), commune_ids=frozenset(communes)
    )
    cache[key] = scope
    return scope


def user_roles(user) -> frozenset[str]:
    """Every role the user holds anywhere (superusers hold all)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if "roles" not in cache:
        cache["roles"] = frozenset(user.memberships.values_list("role", flat=True))
    return cache["roles"]


def clear_cache(user) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)


# --- querysets -------------------------------------------------------------------------------------------------


def communes(user, roles: Iterable[str] | None = None) -> QuerySet[Commune]:
    return Commune.objects.filter(scope_for(user, roles).commune_q())


def districts(user, roles: Iterable[str] | None = None) -> QuerySet[District]:
    return District.objects.filter(scope_for(user, roles).district_q())


def provinces(user, roles: Iterable[str] | None = None) -> QuerySet[Province]:
    """Provinces the user works in: those of every unit the scope covers."""
    scope = scope_for(user, roles)
    if scope.everything:
        return Province.objects.all()
    return Province.objects.filter(
        Q(id__in=scope.province_ids) | Q(districts__id__in=scope.district_ids) | Q(communes__id__in=scope.commune_ids)
    ).distinct()


def restrict(qs: QuerySet, user, *, commune_path: str, roles: Iterable[str] | None = None) -> QuerySet:
    """Filter any queryset by the commune reached through `commune_path` (e.g. "assessment__commune")."""
    return qs.filter(scope_for(user, roles).commune_q(commune_path))


def restrict_districts(qs: QuerySet, user, *, district_path: str, roles: Iterable[str] | None = None) -> QuerySet:
    return qs.filter(scope_for(user, roles).district_q(district_path))


# --- single objects ------------------------------------------------------------------------------------------------


def get_in_scope_or_404(qs: QuerySet, user, *, commune_path: str, **lookup):
    """Fetch one row the user may see; 404 (never 403) when it exists outside the scope."""
    try:
        return restrict(qs, user, commune_path=commune_path).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(_("Not found or outside your area.")) from exc


def can_change_commune(user, commune: Commune) -> bool:
    return scope_for(user, DATA_WRITE_ROLES).covers_commune(commune)


def require_change_commune(user, commune: Commune) -> None:
    """For write actions: 404 outside the scope, 403 inside it without a data-entry role."""
    if not scope_for(user).covers_commune(commune):
        raise Http404(_("Not found or outside your area."))
    if not can_change_commune(user, commune):
        raise PermissionDenied(_("Your role may read this commune's data but not change it."))


class ScopedAdminMixin:
    """Admin changelists and change pages show only rows in the staff user's scope.

    Set `scope_commune_path` ("" for Commune itself, "commune", "dossier__commune"…) or `scope_district_path`.
    A row outside the scope is simply not found (the admin answers as for a missing object).
    """

    scope_commune_path: str | None = None
    scope_district_path: str | None = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.scope_commune_path is not None:
            return restrict(qs, request.user, commune_path=self.scope_commune_path)
        if self.scope_district_path is not None:
            return restrict_districts(qs, request.user, district_path=self.scope_district_path)
        return qs
