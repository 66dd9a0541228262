"""Scope: which administrative units a user may see or change, and so which rows of any model.

A membership grants its role over the subtree of its office's unit: a province office covers every district and
commune of the province, a district office its communes, a commune office its own commune (not its district).
Superusers see everything; a user with no membership sees nothing. A unit outside the scope answers 404, never
someone else's data.

Each scoped model declares once how its rows reach their unit, in the spirit of NetBox's
`RestrictedQuerySet.restrict`:

    class Assessment(models.Model):
        unit_path = commune("commune")
        objects = ScopedQuerySet.as_manager()

and every read goes through that declaration: `Assessment.objects.visible_to(user, roles=...)` for lists,
`get_visible_or_404(qs, user, pk=...)` for one row, `visible_q(Model, user, prefix=...)` inside a larger query,
`covers(user, obj)` for a row already loaded, `ScopedAdminMixin` for admin changelists. The declarations:

- `commune(path)`, `district(path)`, `province(path)`: the row belongs to the unit reached through `path`
  ("" for the unit itself). A district is covered by its province's and its own memberships, never by a commune's.
- `lowest_unit()`: the row carries `province`, `district` and `commune` fields (its lowest unit and the units above
  it), so a province membership sees every row of the province, a district membership the district's rows and its
  communes' rows, a commune membership its commune's rows only. `lowest_unit(commune=False)` for rows that never
  belong to a commune.
- `through(relation)`: the row is in scope where the related row is (a document where its dossier is).
- `when=Q(...)`: the path applies to the rows that match (district dossiers by district, the others by commune);
  a tuple of paths is visible where any applies. `when` names the model's own fields only (exact or isnull), so
  that `covers()` reads it without a query.

Memberships belong to `offices`, which sits above `communes`: `offices` provides the lookup (`resolver`) in its
AppConfig.ready(), so every app, `communes` included, scopes its rows without importing `offices`. The lookup runs
once per user and role set per request: the result is cached on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from django.apps import AppConfig, apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .pagecache import cached_page
from .registry import Slot

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

_M = TypeVar("_M", bound=models.Model)

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

    def lowest_unit_q(self, prefix: str = "", *, commune: bool = True) -> Q:
        """Q for rows that carry their lowest unit and the units above it (`province_id`, `district_id`,
        `commune_id`, under `prefix`)."""
        if self.everything:
            return Q()
        p = f"{prefix}__" if prefix else ""
        q = Q(**{f"{p}province_id__in": self.province_ids}) | Q(**{f"{p}district_id__in": self.district_ids})
        if commune:
            q |= Q(**{f"{p}commune_id__in": self.commune_ids})
        return q

    def covers_commune(self, commune: Any) -> bool:  # a Commune (core imports no app)
        return (
            self.everything
            or commune.province_id in self.province_ids
            or commune.district_id in self.district_ids
            or commune.pk in self.commune_ids
        )

    def covers_district(self, district: Any) -> bool:
        return self.everything or district.province_id in self.province_ids or district.pk in self.district_ids

    def covers_province(self, province: Any) -> bool:
        return self.everything or province.pk in self.province_ids

    def covers_unit(
        self, *, province_id: int | None, district_id: int | None = None, commune_id: int | None = None
    ) -> bool:
        """A row that belongs to its lowest unit and carries the ids of the units above it (`lowest_unit_q`)."""
        return (
            self.everything
            or province_id in self.province_ids
            or (district_id is not None and district_id in self.district_ids)
            or (commune_id is not None and commune_id in self.commune_ids)
        )


# --- the membership lookup (provided by offices) ---------------------------------------------------------------


class Resolver(Protocol):
    """What `offices` provides: the units of a user's memberships, and their roles."""

    all_roles: frozenset[str]

    def units(self, user: User, roles: frozenset[str] | None) -> UnitScope: ...

    def roles(self, user: User) -> frozenset[str]: ...


resolver: Slot[Resolver] = Slot("the membership lookup of core.scope (offices)")


def scope_for(user: User | AnonymousUser | None, roles: Iterable[str] | None = None) -> UnitScope:
    """The units `user` covers, through memberships with any of `roles` (all roles when None).

    One query per user and role set per request: the result is cached on the user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return UnitScope()
    if user.is_superuser:
        return UnitScope(everything=True)
    key = frozenset(roles) if roles is not None else None
    cache: dict[frozenset[str] | None, UnitScope] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if key not in cache:
        cache[key] = resolver.get().units(user, key)
    return cache[key]


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """Every role the user holds anywhere (superusers hold all)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return resolver.get().all_roles
    cache: dict[str, frozenset[str]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if "roles" not in cache:
        cache["roles"] = resolver.get().roles(user)
    return cache["roles"]


def clear_cache(user: User | AnonymousUser) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)


# --- declarations: how a model's rows reach their unit -------------------------------------------------------------


def _join(prefix: str, path: str) -> str:
    return "__".join(part for part in (prefix, path) if part)


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition, on rows reached through `prefix`."""
    if not prefix:
        return q
    children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (_join(prefix, child[0]), child[1])  # type: ignore[index]
        for child in q.children
    ]
    return Q.create(children, connector=q.connector, negated=q.negated)  # type: ignore[arg-type,return-value]


def _when_lookups(q: Q) -> Iterable[str]:
    for child in q.children:
        if isinstance(child, Q):
            yield from _when_lookups(child)
        else:
            yield child[0]  # type: ignore[index]  # a (lookup, value) pair; the stubs say any Node


def _matches(q: Q, obj: Any) -> bool:
    """Evaluate a `when` condition on a loaded row, without a query (own fields only: exact or isnull)."""
    results: list[bool] = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_matches(child, obj))
            continue
        lookup, value = child  # type: ignore[misc]
        name, _sep, op = lookup.partition("__")
        current = getattr(obj, obj._meta.get_field(name).attname)
        results.append((current is None) == value if op == "isnull" else current == value)
    matched = all(results) if q.connector == Q.AND else any(results)
    return not matched if q.negated else matched


def _follow(obj: Any, path: str) -> Any:
    for name in path.split("__") if path else ():
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


class UnitPath:
    """How the rows of a model reach the unit they belong to. Build with the functions below."""

    when: Q | None = None

    def q(self, scope: UnitScope, model: type[models.Model], prefix: str) -> Q:
        raise NotImplementedError

    def covers(self, scope: UnitScope, obj: Any) -> bool:
        raise NotImplementedError

    def check(self, model: type[models.Model]) -> list[str]:
        """Problems with the declaration on `model` (fields that do not exist), for the system check."""
        problems = []
        for lookup in _when_lookups(self.when) if self.when is not None else ():
            name, _sep, op = lookup.partition("__")
            if op not in ("", "exact", "isnull") or _field_problem(model, name):
                problems.append(f"when={lookup!r}: only the model's own fields, exact or isnull")
        return problems

    def _applies(self, prefix: str, q: Q) -> Q:
        return q if self.when is None else _prefixed(self.when, prefix) & q

    def _applies_to(self, obj: models.Model) -> bool:
        return self.when is None or _matches(self.when, obj)


def _field_problem(model: Any, path: str) -> str | None:
    for name in path.split("__") if path else ():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"{model._meta.label} has no field {name!r}"
        model = field.related_model
    return None


@dataclass(frozen=True)
class _UnitAt(UnitPath):
    level: str
    path: str = ""
    when: Q | None = None

    def q(self, scope: UnitScope, model: type[models.Model], prefix: str) -> Q:
        unit_q = {"province": scope.province_q, "district": scope.district_q, "commune": scope.commune_q}[self.level]
        return self._applies(prefix, unit_q(_join(prefix, self.path)))

    def covers(self, scope: UnitScope, obj: Any) -> bool:
        if not self._applies_to(obj):
            return False
        unit = _follow(obj, self.path)
        if unit is None:
            return False
        return {"province": scope.covers_province, "district": scope.covers_district, "commune": scope.covers_commune}[
            self.level
        ](unit)

    def check(self, model: type[models.Model]) -> list[str]:
        problem = _field_problem(model, self.path)
        return [*([problem] if problem else []), *super().check(model)]


@dataclass(frozen=True)
class _LowestUnit(UnitPath):
    commune: bool = True
    when: Q | None = None

    def q(self, scope: UnitScope, model: type[models.Model], prefix: str) -> Q:
        return self._applies(prefix, scope.lowest_unit_q(prefix, commune=self.commune))

    def covers(self, scope: UnitScope, obj: Any) -> bool:
        return self._applies_to(obj) and scope.covers_unit(
            province_id=obj.province_id,
            district_id=obj.district_id,
            commune_id=obj.commune_id if self.commune else None,
        )

    def check(self, model: type[models.Model]) -> list[str]:
        names = ["province", "district", *(["commune"] if self.commune else [])]
        return [p for p in (_field_problem(model, n) for n in names) if p] + super().check(model)


@dataclass(frozen=True)
class _Through(UnitPath):
    relation: str

    def q(self, scope: UnitScope, model: type[models.Model], prefix: str) -> Q:
        return _paths_q(model._meta.get_field(self.relation).related_model, scope, _join(prefix, self.relation))  # type: ignore[arg-type]

    def covers(self, scope: UnitScope, obj: Any) -> bool:
        related = getattr(obj, self.relation)
        return related is not None and _covers(type(related), scope, related)

    def check(self, model: type[models.Model]) -> list[str]:
        problem = _field_problem(model, self.relation)
        if problem:
            return [problem]
        related: Any = model._meta.get_field(self.relation).related_model
        return [] if getattr(related, "unit_path", None) else [f"{related._meta.label} declares no unit_path"]


def commune(path: str = "", *, when: Q | None = None) -> UnitPath:
    """Rows that belong to the commune reached through `path` ("" for the Commune model itself)."""
    return _UnitAt("commune", path, when)


def district(path: str = "", *, when: Q | None = None) -> UnitPath:
    """Rows that belong to the district reached through `path` (commune memberships do not cover it)."""
    return _UnitAt("district", path, when)


def province(path: str = "", *, when: Q | None = None) -> UnitPath:
    """Rows that belong to the province reached through `path` (only province memberships cover it)."""
    return _UnitAt("province", path, when)


def lowest_unit(*, commune: bool = True, when: Q | None = None) -> UnitPath:
    """Rows with `province`, `district` (and `commune`) fields: they belong to the lowest one that is set."""
    return _LowestUnit(commune, when)


def through(relation: str) -> UnitPath:
    """Rows in scope where the row `relation` points to is (that model's declaration)."""
    return _Through(relation)


def _declared(model: type[models.Model]) -> tuple[UnitPath, ...]:
    declared = getattr(model, "unit_path", None)
    if declared is None:
        raise ImproperlyConfigured(
            "{model} declares no unit_path: say how its rows reach their unit (core.scope).".format(
                model=model._meta.label
            )
        )
    return declared if isinstance(declared, tuple) else (declared,)


def _paths_q(model: type[models.Model], scope: UnitScope, prefix: str = "") -> Q:
    if scope.everything:
        return Q()
    paths = _declared(model)
    q = paths[0].q(scope, model, prefix)
    for path in paths[1:]:
        q |= path.q(scope, model, prefix)
    return q


def _covers(model: type[models.Model], scope: UnitScope, obj: models.Model) -> bool:
    return scope.everything or any(path.covers(scope, obj) for path in _declared(model))


# --- reading through the declarations --------------------------------------------------------------------------


def visible_q(
    model: type[models.Model],
    user: User | AnonymousUser | None,
    roles: Iterable[str] | None = None,
    *,
    prefix: str = "",
) -> Q:
    """Q for rows of `model`, reached from the model being queried through `prefix` ("" for `model` itself, e.g.
    "registrations" inside an annotation), that `user` sees through memberships with `roles`."""
    return _paths_q(model, scope_for(user, roles), prefix)


def covers(user: User | AnonymousUser | None, obj: models.Model, roles: Iterable[str] | None = None) -> bool:
    """Whether `user` sees this loaded row (through memberships with `roles`): `visible_to` for one object."""
    return _covers(type(obj), scope_for(user, roles), obj)


class ScopedQuerySet(QuerySet[_M]):
    """The queryset of every scoped model: `Model.objects.visible_to(user, roles=...)`."""

    def visible_to(self, user: User | AnonymousUser | None, roles: Iterable[str] | None = None) -> Self:
        """The rows `user` sees through memberships with any of `roles` (all roles when None)."""
        return self.filter(visible_q(self.model, user, roles))


def get_visible_or_404(
    queryset: QuerySet[_M] | type[_M],
    user: User | AnonymousUser | None,
    *,
    roles: Iterable[str] | None = None,
    **lookup: Any,
) -> _M:
    """One row the user may see; 404 (never 403) when it exists outside the scope. `queryset` may be a model."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    try:
        return queryset.filter(visible_q(queryset.model, user, roles)).get(**lookup)
    except queryset.model.DoesNotExist as exc:  # type: ignore[attr-defined]  # any model's
        raise Http404(_("Not found or outside your area.")) from exc


class ScopedAdminMixin:
    """Admin changelists and change pages show only the rows in the staff user's scope (the model's unit_path).
    A row outside the scope is simply not found (the admin answers as for a missing object)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]  # a mixin of ModelAdmin
        return qs.filter(visible_q(qs.model, request.user))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The changelist is read again from the page cache until the database changes (core.pagecache)."""
        parent = super().changelist_view  # type: ignore[misc]  # a mixin of ModelAdmin
        response: HttpResponse = cached_page(lambda request: parent(request, extra_context))(request)
        return response


@checks.register()
def check_unit_paths(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every declared unit path names real fields, and its model's manager offers `visible_to`."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if getattr(model, "unit_path", None) is None:
            continue
        problems = [p for path in _declared(model) for p in path.check(model)]
        if not isinstance(model._default_manager.all(), ScopedQuerySet):
            problems.append("its default manager is not built on core.scope.ScopedQuerySet")
        errors += [checks.Error(f"unit_path of {model._meta.label}: {p}", id="core.E001") for p in problems]
    return errors
