"""Pages at national scale, as ratios of a hello-world view served the same way (gunicorn, 2 sync workers).

Each page is measured twice: read again, as every read between two writes gets it (core.pagecache), and rendered,
on a second gunicorn with NTM_PAGE_CACHE=0, as the first read after a write gets it.

Needs a database built by `manage.py generate_scale` (run.py builds one, or BENCH_DATABASE_URL names one); users
bench_province (a province coordination office) and bench_national (administrator) sign in with a signed-cookie
session made here; the API pages send an API token issued here for bench_national and deleted at the end (the only
rows measuring writes). BENCH_SECONDS (default 5) per page, BENCH_CONCURRENCY (default 4)
clients; BENCH_MIXED_USERS / BENCH_MIXED_SECONDS (default 50 / 60) for the mixed load at the end (0 skips it).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.urls import reverse

from bench.load import Server, hammer

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
MIXED_USERS = int(os.environ.get("BENCH_MIXED_USERS", "50"))
MIXED_SECONDS = float(os.environ.get("BENCH_MIXED_SECONDS", "60"))


def session_cookie(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# Pages read with an API token instead of the session (label prefix).
API = "API "


def pages() -> list[tuple[str, str, str]]:
    """(label, user, path) of the pages the issues measured."""
    from communes.models import Commune
    from criteria.models import Assessment
    from offices.models import Membership

    province = Membership.objects.filter(user__username="bench_province").values_list("office__province", flat=True)[0]
    assessment = (
        Assessment.objects.filter(commune__province=province, criteria_set__code="XA-NTM-2021")
        .order_by("-year", "commune__code")
        .select_related("commune")
        .first()
    )
    commune = assessment.commune if assessment else Commune.objects.filter(province=province).first()
    year = assessment.year if assessment else 2025
    return [
        ("dashboard, province user", "bench_province", reverse("reports:dashboard")),
        ("dashboard, national user", "bench_national", reverse("reports:dashboard")),
        ("criteria matrix report, national", "bench_national", reverse("reports:criteria_matrix")),
        ("criteria matrix xlsx, national", "bench_national", reverse("reports:criteria_matrix") + "?format=xlsx"),
        ("commune list, national", "bench_national", reverse("communes:commune_list")),
        ("scorecard", "bench_province", reverse("criteria:scorecard_level", args=[commune.code, year, "basic"])),
        ("approval queue", "bench_national", reverse("verification:queue")),
        ("admin changelist of indicator values", "bench_national", reverse("admin:criteria_indicatorvalue_changelist")),
        # The read API (issue 14), with a token: the commune list at national scale, one province's, its next page.
        (f"{API}commune list, national (token)", "bench_national", reverse("api:commune-list")),
        (
            f"{API}commune list, one province (token)",
            "bench_national",
            reverse("api:commune-list") + f"?province={commune.province.code}",
        ),
        (f"{API}commune list, 500 a page (token)", "bench_national", reverse("api:commune-list") + "?page_size=500"),
    ]


def run() -> None:
    if not get_user_model().objects.filter(username="bench_national").exists():
        print("skipped: no bench_national user; build the database with `manage.py generate_scale`")
        return
    from criteria.models import Assessment, IndicatorValue

    print(
        f"database: {Assessment.objects.count():,} assessments, {IndicatorValue.objects.count():,} indicator values; "
        f"{SECONDS:g} s per page, {CONCURRENCY} clients"
    )
    from api.models import ApiToken
    from api.services import api_token_issue

    cookies = {u: session_cookie(u) for u in ("bench_province", "bench_national")}
    listed = pages()
    token, raw_token = api_token_issue(
        user=get_user_model().objects.get(username="bench_national"), name="make bench", days=1
    )
    # The same pages twice: as a user reading them again gets them (from the page cache, core.pagecache: what every
    # read between two writes costs), and rendered (NTM_PAGE_CACHE=0: what the first read after a write costs).
    server, rendering = Server(workers=2), Server(workers=2, env={"NTM_PAGE_CACHE": "0"})
    try:
        hello = hammer(server.port, ["/bench/hello/"], "", seconds=SECONDS, concurrency=CONCURRENCY)
        print(f"{'':45} {'read again (page cache)':>37}   {'rendered (no page cache)':>37}")
        print(
            f"{'page':45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'% hello':>9}   {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'% hello':>9}  errors"
        )
        print(f"{'hello-world view (baseline)':45} {_figures(hello, hello)}")
        for label, user, path in listed:
            results = []
            for target in (server, rendering):
                if label.startswith(API):
                    r = hammer(target.port, [path], "", seconds=SECONDS, concurrency=CONCURRENCY, token=raw_token)
                else:
                    r = hammer(target.port, [path], cookies[user], seconds=SECONDS, concurrency=CONCURRENCY)
                results.append(r)
            errors = "; ".join(f"{r.errors} {r.statuses}" for r in results if r.errors) or "0"
            print(f"{label:45} {_figures(results[0], hello)}   {_figures(results[1], hello)}  {errors}")
        if MIXED_USERS:
            province_paths = [p for _l, u, p in listed if u == "bench_province"]
            for name, target in (("read again", server), ("rendered", rendering)):
                r = hammer(
                    target.port,
                    province_paths,
                    cookies["bench_province"],
                    seconds=MIXED_SECONDS,
                    concurrency=MIXED_USERS,
                )
                print(
                    f"mixed load, {MIXED_USERS} users × {MIXED_SECONDS:g} s on the province pages, {name}: "
                    f"{r.requests} requests, {r.errors} errors, p50 {r.p50 * 1000:.0f} ms, "
                    f"p99 {r.percentile(0.99) * 1000:.0f} ms"
                )
    finally:
        server.stop()
        rendering.stop()
        ApiToken.objects.filter(pk=token.pk).delete()


def _figures(r, hello) -> str:
    share = 100 * r.rate / hello.rate if hello.rate else 0
    return f"{r.rate:8.1f} {r.p50 * 1000:8.1f} {r.percentile(0.99) * 1000:8.1f} {share:8.2f}%"
