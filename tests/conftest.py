"""Shared fixtures: a small Thái Nguyên-like world (two districts, five communes) and one user per role.

Markers: `postgres` tests need PostgreSQL (races, COPY); `browser` tests need Debian's chromium. Elsewhere they
skip with a one-line reason; under CI=true a missing PostgreSQL or chromium is a failure, never a skip.
"""

import io
import os
import shutil
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from offices.choices import OfficeKind, Role
from tests.communes.factories import CommuneFactory, DistrictFactory, ProvinceFactory, RegionFactory
from tests.offices.factories import MembershipFactory, OfficeFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (set DATABASE_URL to a postgres:// URL)")
    config.addinivalue_line("markers", "browser: needs Debian's chromium at /usr/bin/chromium")


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _requirements(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm")
    if request.node.get_closest_marker("browser") and not CHROMIUM:
        _missing("needs chromium: apt-get install -y chromium")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures are keyed by database generations (core.cache), which a test's rollback resets: start each
    test with an empty cache so no test reads another's figures."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    """Province 19 with districts Phú Bình (3 communes) and Đại Từ (2 communes), offices and role users."""
    region = RegionFactory()
    province = ProvinceFactory(code="19", name="Tỉnh Thái Nguyên", region=region, has_district_tier=True)
    phu_binh = DistrictFactory(code="173", name="Huyện Phú Bình", province=province)
    dai_tu = DistrictFactory(code="171", name="Huyện Đại Từ", province=province)
    pb = [
        CommuneFactory(code="05797", name="Xã Tân Khánh", district=phu_binh),
        CommuneFactory(code="05800", name="Xã Tân Kim", district=phu_binh),
        CommuneFactory(code="05803", name="Xã Bảo Lý", district=phu_binh),
    ]
    dt = [
        CommuneFactory(code="05650", name="Xã Hùng Sơn", district=dai_tu),
        CommuneFactory(code="05653", name="Xã Phú Xuyên", district=dai_tu),
    ]

    def member(username, role, kind, **unit):
        office = OfficeFactory(name=f"{kind} {username}", kind=kind, province=province, **unit)
        return MembershipFactory(user=UserFactory(username=username), office=office, role=role).user

    users = SimpleNamespace(
        admin=UserFactory(username="admin", is_staff=True, is_superuser=True),
        province=member("province", Role.EDITOR, OfficeKind.COORDINATION),
        district=member("district", Role.EDITOR, OfficeKind.COORDINATION, district=phu_binh),
        commune=member("commune", Role.EDITOR, OfficeKind.COMMUNE, district=phu_binh, commune=pb[0]),
        verifier=member("verifier", Role.VERIFIER, OfficeKind.VERIFICATION, district=phu_binh),
        appraiser=member("appraiser", Role.APPRAISER, OfficeKind.APPRAISAL),
        approver=member("approver", Role.APPROVER, OfficeKind.PEOPLES_COMMITTEE),
        front=member("front", Role.MONITOR, OfficeKind.FRONT),
        viewer=member("viewer", Role.VIEWER, OfficeKind.COORDINATION),
        outsider=UserFactory(username="outsider"),
    )
    return SimpleNamespace(
        region=region, province=province, phu_binh=phu_binh, dai_tu=dai_tu, pb=pb, dt=dt, communes=pb + dt, users=users
    )


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Data made here stays for every test of a module, then goes: it is written in a transaction opened for the
    module and rolled back after its last test. Each test runs in a savepoint inside it (the `db` fixture), as with
    Django's setUpTestData, so a test's own writes never reach the next test. Not for `transactional_db` tests."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The whole demo (`manage.py load_demo`), loaded once for the test module (≈30 s on SQLite; loading it per test
    was most of `make test`'s time); returns what the loader printed. Tests take `db` (or `client`) as well."""
    from django.core.management import call_command

    with kept_for_the_module(django_db_blocker):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
