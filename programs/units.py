"""Scope for rows that belong to a province, a district or a commune (plans, plan lines, projects).

Built on offices.scope: a row belongs to its lowest unit and carries the units above it (`province_id`,
`district_id`, `commune_id`), so a province membership sees every row of the province, a district membership
the district's rows and its communes' rows, a commune membership its commune's rows only. These helpers could
move into offices.scope if other apps need them.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from offices import scope
from offices.choices import DATA_WRITE_ROLES


def unit_q(user, roles: Iterable[str] | None = None, *, prefix: str = "", has_commune: bool = True) -> Q:
    """Q for rows with province/district(/commune) fields (under `prefix`) inside the user's scope."""
    s = scope.scope_for(user, roles)
    if s.everything:
        return Q()
    p = f"{prefix}__" if prefix else ""
    q = Q(**{f"{p}province_id__in": s.province_ids}) | Q(**{f"{p}district_id__in": s.district_ids})
    if has_commune:
        q |= Q(**{f"{p}commune_id__in": s.commune_ids})
    return q


def covers_unit(user, *, province_id, district_id=None, commune_id=None, roles: Iterable[str] | None = None) -> bool:
    s = scope.scope_for(user, roles)
    return (
        s.everything
        or province_id in s.province_ids
        or (district_id is not None and district_id in s.district_ids)
        or (commune_id is not None and commune_id in s.commune_ids)
    )


def require_change_unit(user, *, province_id, district_id=None, commune_id=None) -> None:
    """404 outside the user's scope, 403 inside it without a data-entry role."""
    ids = {"province_id": province_id, "district_id": district_id, "commune_id": commune_id}
    if not covers_unit(user, **ids):
        raise Http404(_("Not found or outside your area."))
    if not covers_unit(user, roles=DATA_WRITE_ROLES, **ids):
        raise PermissionDenied(_("Your role may read this data but not change it."))


def can_change_unit(user, *, province_id, district_id=None, commune_id=None) -> bool:
    return covers_unit(
        user, province_id=province_id, district_id=district_id, commune_id=commune_id, roles=DATA_WRITE_ROLES
    )
