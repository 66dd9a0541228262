"""Who may change a commune's scorecards. Entering values needs a data-entry role covering the commune
(offices.permissions.require_change_commune); unlocking one relied on by a dossier needs more."""

from django.contrib.auth.models import AnonymousUser, User

from communes.models import Commune
from core.scope import scope_for
from offices.choices import DATA_WRITE_ROLES


def can_unlock(user: User | AnonymousUser, commune: Commune) -> bool:
    """Unlocking needs a data-entry role at district or province level: a commune cannot unlock its own data."""
    s = scope_for(user, DATA_WRITE_ROLES)
    return s.everything or commune.province_id in s.province_ids or commune.district_id in s.district_ids
