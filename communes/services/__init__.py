"""Administrative units: loading the official lists, applying reorganisations, recording successions.

The only package that writes units. Other code imports from here (`from communes import services`):

* `snapshots`: reading lists of units (data files, the vietnam-provinces package) into checked records;
* `loading`: `admin_units_load`, the one synchronisation core, and the national history of the July 2025 reform;
* `reorganisation`: `unit_reorganisation_apply`, one province from one snapshot to the next;
* `successions`: the mappings from the resolutions (shipped or imported) and the successions recorded from them.
"""

from .loading import LevelCounts, LoadReport, admin_units_history_load, admin_units_load
from .reorganisation import unit_reorganisation_apply
from .snapshots import (
    DATA_DIR,
    ERA_BEFORE_TWO_TIER,
    ERA_TWO_TIER,
    MODELS,
    PRE_REFORM_FILE,
    PROVINCE_REGIONS_FILE,
    TWO_TIER_FROM,
    AdminUnitDataError,
    Snapshot,
    UnitRecord,
    name_key,
    package_source_path,
    package_version,
    province_regions,
    snapshot_from_package,
    snapshot_parse,
    snapshot_read,
)
from .successions import Mapping, MappingEntry, Predecessor, mapping_for, mapping_read, shipped_mappings

__all__ = [
    "DATA_DIR",
    "ERA_BEFORE_TWO_TIER",
    "ERA_TWO_TIER",
    "MODELS",
    "PRE_REFORM_FILE",
    "PROVINCE_REGIONS_FILE",
    "TWO_TIER_FROM",
    "AdminUnitDataError",
    "LevelCounts",
    "LoadReport",
    "Mapping",
    "MappingEntry",
    "Predecessor",
    "Snapshot",
    "UnitRecord",
    "admin_units_history_load",
    "admin_units_load",
    "mapping_for",
    "mapping_read",
    "name_key",
    "package_source_path",
    "package_version",
    "province_regions",
    "shipped_mappings",
    "snapshot_from_package",
    "snapshot_parse",
    "snapshot_read",
    "unit_reorganisation_apply",
]
