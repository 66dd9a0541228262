"""Shared fixtures: a small Thái Nguyên-like world (two districts, five communes) and one user per role.

Markers: `postgres` tests need PostgreSQL (races, COPY); `browser` tests need Debian's chromium. Elsewhere they
skip with a one-line reason; under CI=true a missing PostgreSQL or chromium is a failure, never a skip.
"""

import io
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
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


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _requirements(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            missing("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm")
    if request.node.get_closest_marker("browser") and not CHROMIUM:
        missing("needs chromium: apt-get install -y chromium")


def restore_reference_data() -> None:
    """Run the data steps of the project's own migrations again (each is a get_or_create).

    Every transactional test ends with a flush, which also empties what the migrations loaded (regions, capital
    sources, programme phases), and the demo needs it. Serialized rollback cannot put it back here: once Playwright's
    event loop runs in this thread, Django sees an async context and another connection object, one without the
    contents serialized at set-up."""
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    base = Path(settings.BASE_DIR)
    local = {
        a.label
        for a in apps.get_app_configs()
        if Path(a.path).is_relative_to(base) and ".venv" not in Path(a.path).relative_to(base).parts
    }
    graph = MigrationLoader(connection).graph
    plan = []
    for leaf in sorted(graph.leaf_nodes()):
        plan += [node for node in graph.forwards_plan(leaf) if node not in plan]
    for node in plan:
        if node[0] in local:
            for operation in graph.nodes[node].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)
    # A flush that skipped post_migrate (after a serialized-rollback test) also emptied the content types, which the
    # process still caches with their old ids: forget them, so the admin's log entries get rows that exist.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush. Run alone, pytest-django puts such tests last; under pytest-xdist a
    worker runs whole modules in the order it receives them, so a module can follow a flush: put back what the
    migrations made (a serialized-rollback test's flush empties everything: its serialized copy goes back)."""
    yield
    if not _flushes_the_database(item):
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        serialized = getattr(connection, "_test_serialized_contents", None)
        marker = item.get_closest_marker("django_db")
        if serialized and marker is not None and marker.kwargs.get("serialized_rollback"):
            from django.core.management import call_command
            from django.db import IntegrityError

            try:
                connection.creation.deserialize_db_from_string(serialized)
            except IntegrityError:
                # Rows made after the flush (content types a post_migrate recreated under other ids, seen with some
                # module orders under xdist) clash with the copy: empty every table, then put the copy back.
                call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
                connection.creation.deserialize_db_from_string(serialized)
            ContentType.objects.clear_cache()
        else:
            restore_reference_data()


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
