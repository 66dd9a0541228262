"""What criteria offers the apps above it (core.registry): they add to these in their AppConfig.ready()."""

from collections.abc import Callable, Iterable

from core.registry import Registry

# Called with the ids of the communes whose scorecards were just evaluated (every value save, import and
# re-evaluation ends there), inside the same transaction: the register keeps its standings in step.
assessments_changed: Registry[Callable[[Iterable[int]], None]] = Registry("what follows evaluated scorecards")
