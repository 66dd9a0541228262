"""Who may change the data of a unit: a data-entry role (DATA_WRITE_ROLES) whose membership covers it.

For write actions the answer distinguishes two refusals: 404 outside the user's scope (the user must not learn the
row exists), 403 inside it for a role that only reads.
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from communes.models import Commune
from core.scope import covers, scope_for

from .choices import DATA_WRITE_ROLES


def can_change_commune(user: User | AnonymousUser, commune: Commune) -> bool:
    return scope_for(user, DATA_WRITE_ROLES).covers_commune(commune)


def require_change_commune(user: User | AnonymousUser, commune: Commune) -> None:
    """For write actions: 404 outside the scope, 403 inside it without a data-entry role."""
    if not scope_for(user).covers_commune(commune):
        raise Http404(_("Not found or outside your area."))
    if not can_change_commune(user, commune):
        raise PermissionDenied(_("Your role may read this commune's data but not change it."))


def can_change(user: User | AnonymousUser, obj: models.Model) -> bool:
    """A data-entry role covering the row (through its model's unit_path: a plan line by its lowest unit, a
    disbursement by its line, an OCOP product by its commune…)."""
    return covers(user, obj, DATA_WRITE_ROLES)


def require_change(user: User | AnonymousUser, obj: models.Model) -> None:
    """For write actions on a row: 404 outside the user's scope, 403 inside it without a data-entry role."""
    _refuse_unless(covers(user, obj), lambda: can_change(user, obj))


def can_change_unit(
    user: User | AnonymousUser,
    *,
    province_id: int | None,
    district_id: int | None = None,
    commune_id: int | None = None,
) -> bool:
    """`can_change` for a row not built yet, named by the ids of its lowest unit and the units above it (the rows
    of an import file)."""
    return scope_for(user, DATA_WRITE_ROLES).covers_unit(
        province_id=province_id, district_id=district_id, commune_id=commune_id
    )


def require_change_unit(
    user: User | AnonymousUser,
    *,
    province_id: int | None,
    district_id: int | None = None,
    commune_id: int | None = None,
) -> None:
    """`require_change` for a row not built yet, named by the ids of its unit."""
    ids = {"province_id": province_id, "district_id": district_id, "commune_id": commune_id}
    _refuse_unless(scope_for(user).covers_unit(**ids), lambda: can_change_unit(user, **ids))


def _refuse_unless(visible: bool, writable: Callable[[], bool]) -> None:
    if not visible:
        raise Http404(_("Not found or outside your area."))
    if not writable():
        raise PermissionDenied(_("Your role may read this data but not change it."))


def can_enter_data(user: User | AnonymousUser) -> bool:
    """Holds a data-entry role somewhere: the imports and the "new" pages open for it (each row is then checked
    against the unit it names)."""
    return not scope_for(user, DATA_WRITE_ROLES).is_empty
