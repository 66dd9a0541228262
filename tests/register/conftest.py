"""Fixtures shared with the report tests: the records of a small Thái Nguyên-like world."""

from tests.reports.conftest import records  # noqa: F401
