"""Who may change a commune's scorecards. Entering values needs a data-entry role covering the commune
(offices.permissions.require_change_commune); unlocking one relied on by a dossier needs more."""

from django.contrib.auth.models import AnonymousUser, User

from communes.models import Commune, Province
from core.scope import scope_for
from offices.choices import DATA_WRITE_ROLES


def can_unlock(user: User | AnonymousUser, commune: Commune) -> bool:
    """Unlocking needs a data-entry role at district or province level: a commune cannot unlock its own data."""
    s = scope_for(user, DATA_WRITE_ROLES)
    return s.everything or commune.province_id in s.province_ids or commune.district_id in s.district_ids


def can_export_sets(user: User | AnonymousUser) -> bool:
    """Criteria set workbooks are for the staff who maintain sets (Django permission "view criteria set")."""
    return user.is_authenticated and user.has_perm("criteria.view_criteriaset")


def can_import_set(user: User | AnonymousUser, province: Province | None) -> bool:
    """Importing a set needs the permission "add criteria set" and, for a national set, a national scope; for a
    province's own set (e.g. its hamlet set), data entry over that province."""
    if not (user.is_authenticated and user.has_perm("criteria.add_criteriaset")):
        return False
    s = scope_for(user, DATA_WRITE_ROLES)
    return s.everything or (province is not None and province.pk in s.province_ids)


def can_classify_communes(user: User | AnonymousUser) -> bool:
    """Commune groups and regions are assigned by a province office (data entry at province level) or nationally."""
    s = scope_for(user, DATA_WRITE_ROLES)
    return s.everything or bool(s.province_ids)
