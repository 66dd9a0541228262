"""How a person's name is written: Vietnamese order, family + middle + given name ("Nguyễn Văn Tỉnh").

Users are stored the way Vietnamese forms split a name: `last_name` holds the family and middle names ("Nguyễn Văn")
and `first_name` the given name ("Tỉnh"). Django's `get_full_name()` puts the given name first ("Tỉnh Nguyễn Văn"),
which reads as a different person, so every page, e-mail, export and the admin write names through `full_name`."""

from __future__ import annotations

from typing import Any


def full_name(user: Any) -> str:
    """Family and middle names, then the given name; the username when no name is recorded; "" for no user."""
    if user is None:
        return ""
    family = (getattr(user, "last_name", "") or "").strip()
    given = (getattr(user, "first_name", "") or "").strip()
    name = " ".join(part for part in (family, given) if part)
    return name or str(getattr(user, "username", "") or "")


def split_full_name(name: str) -> tuple[str, str]:
    """("Nguyễn Văn", "Tỉnh") for "Nguyễn Văn Tỉnh": the (last_name, first_name) the user model stores."""
    family, _, given = name.strip().rpartition(" ")
    return family, given
