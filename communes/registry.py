"""What the units app needs from the apps above it (core.registry): they fill these in their AppConfig.ready()."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core.registry import Registry, Slot

# The roles whose members may change data in their units (offices owns the roles): a province office's editors
# import the succession mapping of their province.
data_write_roles: Slot[frozenset[str]] = Slot("the roles that may change data (offices)")

# Called after a load or a reorganisation wrote units in bulk (no signals), with the ids of the communes written (None:
# possibly any), inside the same transaction: the register keeps its standings in step.
units_changed: Registry[Callable[[Iterable[int] | None], None]] = Registry("what follows changed units")

# Called after a reorganisation was recorded, with its effective date (None: any), for the lines the command's report
# adds: the register lists the recognitions the merger rule proposes for the new communes, and why.
reorganised: Registry[Callable[[datetime.date | None], list[str]]] = Registry("what a reorganisation leads to")

# Panels a commune's page shows about its history, from the apps above (the register's decisions, the scorecards):
# called with (user, commune, predecessor ids), each returns {"title", "template", "rows"} or None.
commune_panels: Registry[Callable[..., dict | None]] = Registry("the panels of a commune's page")


@dataclass(frozen=True)
class NtmStatus:
    """The communes list's NTM column: the register annotates each commune with `ntm_level` (the level in force in
    its latest standing, "" when none) and `ntm_rank` (0 none, then basic, advanced, model: for sorting), and names
    a level."""

    annotate: Callable[[QuerySet[Any]], QuerySet[Any]]
    label: Callable[[str], str]


ntm_status: Slot[NtmStatus] = Slot("the communes' NTM status (register)")
