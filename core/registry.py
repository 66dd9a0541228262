"""How an app offers something to an app below it without the lower one importing it.

Apps form layers (README "Layout"): an app imports only the apps below it. Where a lower app needs something that a
higher one owns (the workflow's satisfaction gate reads the Front's surveys; scope reads the memberships of
`offices`; the menu lists every app's pages), the lower app declares a `Slot` (one provider) or a `Registry` (many
entries, in the order they were added) and the higher app fills it in its `AppConfig.ready()`. Reading a slot that no
app has filled is a configuration error, never a silent default.
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Slot(Generic[T]):
    """One value (usually a function) that exactly one higher app provides."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._value: T | None = None

    def provide(self, value: T) -> T:
        """Set the value; returns it, so a function can be provided with `@slot.provide`."""
        self._value = value
        return value

    @property
    def provided(self) -> bool:
        return self._value is not None

    def get(self) -> T:
        if self._value is None:
            raise ImproperlyConfigured(
                "Nothing provides {name}: the app that owns it is missing from INSTALLED_APPS or did not register it "
                "in its AppConfig.ready().".format(name=self.name)
            )
        return self._value


class Registry(Generic[T]):
    """Entries that several higher apps add, kept in the order they were added (INSTALLED_APPS order)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[T] = []

    def add(self, entry: T) -> T:
        """Add an entry (once: adding an equal entry again changes nothing)."""
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
