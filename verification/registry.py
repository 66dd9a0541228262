"""What the apps above the workflow offer it, without the workflow importing them (core.registry).

The Fatherland Front's records live in `monitoring`, which builds on the workflow (its surveys and findings are about
dossiers). The workflow still needs two things from them: the satisfaction rate its gate compares with the threshold,
and the panels its dossier page shows (open findings, critiques, the summary of residents' comments). `monitoring`
fills both in its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from core.registry import Registry, Slot

# (dossier=…) -> the rate of the dossier's latest completed survey, in percent, or None when there is none.
satisfaction_rate: Slot[Callable[..., Decimal | None]] = Slot("the dossier's satisfaction rate (monitoring)")


@dataclass(frozen=True)
class DossierPanel:
    """A card on the dossier page: `template` rendered with `context(dossier)`. The page has already checked that
    the user sees the dossier."""

    template: str
    context: Callable[..., dict]


dossier_panels: Registry[DossierPanel] = Registry("the dossier page's panels")

# (dossier=…) -> what the Front's latest completed survey still lacks besides its overall rate: household coverage
# below the minimum, results not posted at the hamlets, no higher-level check, and for a district a content item
# under the floor in a commune. Empty when nothing is missing.
survey_problems: Slot[Callable[..., list[str]]] = Slot("the dossier's survey problems (monitoring)")

# (dossier=…) -> the descriptions of unresolved serious Front findings on the dossier or its unit.
serious_findings: Slot[Callable[..., list[str]]] = Slot("the dossier's serious Front findings (monitoring)")
