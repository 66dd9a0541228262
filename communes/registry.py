"""What the units app needs from the apps above it (core.registry): they fill these in their AppConfig.ready()."""

from core.registry import Slot

# The roles whose members may change data in their units (offices owns the roles): a province office's editors
# import the succession mapping of their province.
data_write_roles: Slot[frozenset[str]] = Slot("the roles that may change data (offices)")
