"""The README's "Deploying" section, run as written on a fresh database, then used through gunicorn as a browser would.

The shell block of that section is the script: every `export` it names is set (to values for this machine), every
`python manage.py` line runs with production settings, and the `gunicorn` line starts the server on a loopback port.
Only `pip install .` is skipped: `make test` installed the same pyproject.toml. Then, over HTTP with the header the
reverse proxy adds (`X-Forwarded-Proto: https`): plain HTTP is redirected, the login form logs in, the dashboard, a
scorecard, a new dossier with an uploaded document, its download and an xlsx export answer 200 with the expected
headers; an oversized upload and a sixth login attempt after five wrong passwords are refused. Measured times are
printed (pytest -s shows them).

On PostgreSQL (DATABASE_URL set, as in CI) it uses a database of its own on the same server; otherwise SQLite.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "trien-khai-" + secrets.token_hex(8)
# A database of its own per pytest-xdist worker, so that two runs of the suite's workers never share it.
SMOKE_DB = "ntm_deploy_smoke_" + os.environ.get("PYTEST_XDIST_WORKER", "main")


def readme_deploy_commands() -> list[str]:
    """The commands of the first ```sh block under "## Deploying", comments dropped."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Deploying") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SMOKE_DB}")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SMOKE_DB}"))


class Browser:
    """Just enough of a browser: cookies (Secure ones too, as the proxy speaks HTTPS to the user), redirects off."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method, path, *, body=None, headers=None, https=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "vi", **(headers or {})}
        if https:
            all_headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        response.body = response.read()
        response.seconds = time.perf_counter() - started
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields: dict, files: dict | None = None, **kw):
        referer = {"Referer": f"https://127.0.0.1:{self.port}{path}"}
        if files:
            boundary = "----ntm" + secrets.token_hex(8)
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers={"Content-Type": content_type, **referer}, **kw)

    def csrf(self, path) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()

    def login(self, username, password):
        token = self.csrf("/accounts/login/")
        return self.post("/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password})


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deploy")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NTM_", "SECRET_KEY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ntm_project.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=_database_url(tmp_path),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "files"),
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        NTM_IMPORT_BACKGROUND_ROWS="0",  # so the import below goes through the background worker
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    log = (tmp_path / "deploy.log").open("w")
    timings, server, services = {}, None, []
    for line in readme_deploy_commands():
        words = shlex.split(line)
        assignments = {}
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words.pop(0).split("=", 1)
            assignments[name] = value
        if words[0] == "export":
            name = words[1].split("=", 1)[0]
            assert name in env, f"README exports {name}: give it a value in this test"
        elif words[:2] == ["pip", "install"]:
            continue  # `make test` installed the same pyproject.toml into this interpreter's environment
        elif words[:3] == ["python", "manage.py", "db_worker"]:  # a service, like gunicorn
            services.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", *words[2:]], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        elif words[:2] == ["python", "manage.py"]:
            args = words[2:] + (["--noinput"] if words[2] == "createsuperuser" else [])
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env={**env, **assignments},
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=600,
            )
            timings[" ".join(args[:1])] = time.perf_counter() - started
            assert result.returncode == 0, f"`{line}` failed: see {log.name}"
        elif words[0] == "gunicorn":
            bind = words.index("--bind")
            words[bind + 1] = f"127.0.0.1:{port}"
            workers = words.index("--workers")
            words[workers + 1] = "2"
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), *words[1:]], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        else:
            pytest.fail(f"The README's deploy block has a command this test does not know how to run: {line}")
    assert server is not None, "the README's deploy block starts no gunicorn"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    assert services, "the README's deploy block starts no background worker"
    yield Browser(port), env, timings
    for process in (server, *services):
        process.terminate()
        process.wait(timeout=30)
    log.close()


def _manage(env, code: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_deployed_site_works_as_the_readme_says(deployed):
    browser, env, timings = deployed
    print("\ndeploy steps (s):", {k: round(v, 1) for k, v in timings.items()})

    # Plain HTTP is sent to HTTPS; over HTTPS the login page answers with the security headers.
    plain = browser.get("/accounts/login/", https=False)
    assert plain.status == 301 and plain.headers["Location"].startswith("https://")
    login_page = browser.get("/accounts/login/")
    assert login_page.status == 200
    headers = login_page.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert all("Secure" in c for c in browser.set_cookie_headers), browser.set_cookie_headers

    # Static files: the hashed names from the manifest, served by whitenoise with long caching.
    css = re.search(rb'href="(/static/vendor/bootstrap-5\.3\.9\.min\.[0-9a-f]{12}\.css)"', login_page.body)
    assert css, "the page does not link the hashed stylesheet"
    asset = browser.get(css.group(1).decode())
    assert asset.status == 200 and "max-age=315360000" in asset.headers["Cache-Control"]

    # Log in through the form.
    logged_in = browser.login("admin", ADMIN_PASSWORD)
    assert logged_in.status == 302, logged_in.body[:500]
    session_cookie = next(c for c in browser.set_cookie_headers if c.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie

    dashboard = browser.get("/reports/")
    assert dashboard.status == 200 and b'id="stat-ntm"' in dashboard.body
    assert browser.get("/admin/").status == 200

    code, commune_pk = _manage(
        env,
        "from communes.models import Commune; "
        "c = Commune.objects.filter(valid_to__isnull=True, unit_type='xa').order_by('code').first(); "
        "print(c.code, c.pk)",
    ).split()
    scorecard = browser.get(f"/criteria/scorecard/{code}/2026/")
    assert scorecard.status == 200 and code.encode() in scorecard.body

    # A dossier, opened through the form; a document uploaded, listed, downloaded.
    token = browser.csrf("/dossiers/new/")
    opened = browser.post(
        "/dossiers/new/",
        {
            "csrfmiddlewaretoken": token,
            "subject_kind": "commune",
            "commune": commune_pk,
            "level": "basic",
            "year": 2026,
        },
    )
    assert opened.status == 302, opened.body[:2000]
    dossier_path = urllib.parse.urlsplit(opened.headers["Location"]).path
    token = browser.csrf(dossier_path)
    uploaded = browser.post(
        f"{dossier_path}documents/add/",
        {"csrfmiddlewaretoken": token, "kind": "request_letter", "title": "Tờ trình"},
        files={"file": ("to-trinh.pdf", b"%PDF-1.4 to trinh")},
    )
    assert uploaded.status == 302, uploaded.body[:2000]
    dossier_page = browser.get(dossier_path)
    assert dossier_page.status == 200
    link = re.search(rb'href="(/dossiers/documents/\d+/)"', dossier_page.body).group(1).decode()
    download = browser.get(link)
    assert download.status == 200 and download.body == b"%PDF-1.4 to trinh"
    assert download.headers["Content-Disposition"] == 'attachment; filename="to-trinh.pdf"'
    assert b"/media/" not in dossier_page.body

    # An xlsx export.
    export = browser.get("/reports/?format=xlsx")
    assert export.status == 200
    assert export.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert export.headers["Content-Disposition"].startswith('attachment; filename="ntm-dashboard-')
    assert load_workbook(io.BytesIO(export.body)).active["A1"].value

    # An import large enough for the background worker: the confirm leads to the job's page, the worker writes it.
    token = browser.csrf("/criteria/import/")
    values = f"year,set,commune_code,indicator_code,value\n2026,XA-NTM-2026,{code},1.1,Đạt\n".encode()
    preview = browser.post("/criteria/import/", {"csrfmiddlewaretoken": token}, files={"file": ("v.csv", values)})
    assert preview.status == 200, preview.body[:2000]
    confirm_token = re.search(rb'name="token" value="([0-9a-f]+)"', preview.body).group(1).decode()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', preview.body).group(1).decode()
    confirmed = browser.post(
        "/criteria/import/", {"csrfmiddlewaretoken": token, "confirm": "1", "token": confirm_token}
    )
    assert confirmed.status == 302 and "/jobs/" in confirmed.headers["Location"], confirmed.body[:1000]
    status_url = urllib.parse.urlsplit(confirmed.headers["Location"]).path + "status/"
    started = time.perf_counter()
    state = {}
    while time.perf_counter() - started < 60:
        state = json.loads(browser.get(status_url).body)
        if state["finished"]:
            break
        time.sleep(0.5)
    print(f"background import done by the worker in {time.perf_counter() - started:.1f} s: {state.get('message')}")
    assert state["status"] == "succeeded", state

    # Someone without a session gets the login page, not the file.
    stranger = Browser(browser.port)
    refused = stranger.get(link)
    assert refused.status == 302 and "/accounts/login/" in refused.headers["Location"]

    # A 22 MB upload is refused at once.
    token = browser.csrf("/criteria/import/")
    big = browser.post(
        "/criteria/import/", {"csrfmiddlewaretoken": token}, files={"file": ("values.xlsx", b"0" * 22 * 1024 * 1024)}
    )
    print(f"22 MB upload refused: {big.status} in {big.seconds:.2f} s")
    assert big.status == 413 and big.seconds < 1.0

    # Five wrong passwords lock the account from this address; the right one is then refused too.
    intruder = Browser(browser.port)
    answers = [intruder.login("admin", f"sai-{n}").status for n in range(5)]
    started = time.perf_counter()
    sixth = intruder.login("admin", ADMIN_PASSWORD)
    print(f"wrong passwords answered {answers}; sixth attempt (right password) {sixth.status}")
    assert answers == [200, 200, 200, 200, 429] and sixth.status == 429
    assert "sessionid" not in intruder.cookies
    assert "Thử lại sau".encode() in sixth.body
    print(f"lockout page in {time.perf_counter() - started:.2f} s")
