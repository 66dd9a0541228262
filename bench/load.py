"""A small HTTP load generator for the page benchmarks: threads issuing GET requests back to back on loopback.

It is the same client for the baseline (a hello-world view) and for every page, so the ratio between them is what
the numbers mean; its own cost is in both."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0


def get(port: int, path: str, cookie: str = "", token: str = "") -> tuple[int, int]:
    """One request on a new connection (gunicorn's sync workers close each one); (status, body bytes). `token`: an
    API token, sent as `Authorization: Bearer`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1", "Accept-Language": "vi"}
    if cookie:
        headers["Cookie"] = cookie
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body)


def hammer(
    port: int,
    paths: list[str],
    cookie: str,
    *,
    seconds: float,
    concurrency: int,
    min_requests: int = 3,
    token: str = "",
) -> Result:
    """Each thread cycles through `paths` until `seconds` have passed (and at least `min_requests` are done)."""
    result = Result()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        n = offset
        while True:
            with lock:
                if time.perf_counter() >= deadline and result.requests >= min_requests:
                    return
            started = time.perf_counter()
            try:
                status, _size = get(port, paths[n % len(paths)], cookie, token)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            n += 1
            with lock:
                result.requests += 1
                result.latencies.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != 200:
                    result.errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


class Server:
    """gunicorn with the bench settings on a free loopback port, 2 sync workers (as the issue measured)."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(env or {})}
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "ntm_project.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(200):
            try:
                if get(self.port, "/bench/hello/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
