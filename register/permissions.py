"""Who may write the register outside the workflow: recognitions by merger are recorded by those who record
recognition decisions (the provincial People's Committee, role approver), for the provinces of their memberships."""

from django.contrib.auth.models import AnonymousUser, User

from core.scope import scope_for
from offices.choices import Role

DECISION_ROLES = frozenset({Role.APPROVER})


def merger_province_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """Provinces whose recognitions by merger the user may confirm (None: every province)."""
    s = scope_for(user, DECISION_ROLES)
    return None if s.everything else s.province_ids


def can_confirm_mergers(user: User | AnonymousUser) -> bool:
    provinces = merger_province_ids(user)
    return provinces is None or bool(provinces)
