"""No dead ends: what a page shows a role, the role may use.

Every demo role signs in and crawls the site as a newcomer would: the home page and the menu, then the links found
there, two levels deep. Every link shown answers without 403, and every form shown is accepted past the permission
check: a GET form is opened, a POST form is sent with the values it carries, inside a savepoint rolled back at once
(so nothing the crawl presses changes what it sees next), and must not answer 403.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest
from django.urls import Resolver404, resolve

ROLES = ["admin", "province", "district", "commune", "verifier", "appraiser", "approver", "front", "viewer"]
DEPTH = 2
# The same page for another object or another filter rarely shows something new; a few of each keep the crawl short.
PER_URL_NAME = 3
SKIP_URL_NAMES = {"logout", "set_language"}
SKIP_NAMESPACES = {"admin"}  # Django's admin has its own permission checks and its own tests
DOWNLOAD_TYPES = ("application/", "text/csv", "image/")


class _Page(HTMLParser):
    """The links and forms of a page: hrefs, and each form's method, action and the values it would send."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "data": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "button"} and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind != "file":
                self._form["data"].setdefault(a["name"], a.get("value") or "")
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
        elif self._select and tag == "option" and self._form is not None:
            self._form["data"].setdefault(self._select, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _internal(url: str, base: str) -> str | None:
    url = urldefrag(urljoin(base, url)).url
    parts = urlsplit(url)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"} or url.startswith(("mailto:",)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if set(match.namespaces) & SKIP_NAMESPACES or match.url_name in SKIP_URL_NAMES:
        return None
    return match.view_name


def _crawl(client, username: str) -> list[str]:
    """Problems found for one role: every 403 behind a link or form shown to it, with the page that showed it."""
    problems: list[str] = []
    seen_pages: set[str] = set()
    per_name: dict[str, int] = {}
    tried_forms: set[tuple[str, str]] = set()
    level = ["/"]
    for depth in range(DEPTH + 1):
        following: list[str] = []
        for path in level:
            name = _url_name(path)
            if path in seen_pages or name is None or per_name.get(name, 0) >= PER_URL_NAME:
                continue
            seen_pages.add(path)
            per_name[name] = per_name.get(name, 0) + 1
            response = client.get(path, follow=True)
            if response.status_code == 403:
                problems.append(f"{username}: link {path} answers 403")
                continue
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            page = _Page()
            page.feed(response.content.decode())
            final = response.request["PATH_INFO"]
            for href in page.links:
                target = _internal(href, final)
                if target and target not in seen_pages:
                    following.append(target)
            for form in page.forms:
                action = _internal(form["action"], path) if form["action"] else path
                if action is None or _url_name(action) is None:
                    continue
                key = (form["method"], urlsplit(action).path)
                if key in tried_forms:
                    continue
                tried_forms.add(key)
                if form["method"] == "get":
                    status = client.get(urlsplit(action).path, form["data"]).status_code
                else:
                    status = _post_and_undo(client, action, form["data"])
                if status == 403:
                    problems.append(f"{username}: form {form['method'].upper()} {action} on {path} answers 403")
        level = following if depth < DEPTH else []
    assert len(seen_pages) > 5, f"{username}: the crawl found only {sorted(seen_pages)}"
    return problems


class _Undo(Exception):
    pass


def _post_and_undo(client, action: str, data: dict) -> int:
    status = 0
    try:
        with transaction.atomic():
            status = client.post(action, data).status_code
            raise _Undo
    except _Undo:
        pass
    return status


@pytest.mark.django_db
def test_nothing_shown_to_a_role_answers_403(client):
    """Every role in turn, on one load of the demo (the crawl undoes what it posts)."""
    call_command("load_demo", stdout=io.StringIO())
    problems = []
    for username in ROLES:
        client.logout()
        assert client.login(request=HttpRequest(), username=username, password="ntm-demo-2024")
        problems += _crawl(client, username)
    assert not problems, "\n".join(problems)


def test_the_page_parser_reads_links_and_forms():
    page = _Page()
    page.feed(
        '<a href="/a/">a</a><form method="post" action="/f/"><input name="x" value="1">'
        '<input type="checkbox" name="c"><select name="s"><option value="v">v</option></select>'
        '<input type="file" name="upload"><button name="go" value="yes">Go</button></form>'
    )
    assert page.links == ["/a/"]
    assert page.forms == [{"method": "post", "action": "/f/", "data": {"x": "1", "s": "v", "go": "yes"}}]
    assert re.match(r"^/", _internal("b/", "/a/") or "")
