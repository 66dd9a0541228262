"""The Vietnamese catalogue: every message translated, the compiled .mo in step with the .po, and pages use it.

The rest of the suite runs without the project catalogue (see settings/test.py) and asserts the msgids.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.PROJECT_LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, continuation lines joined; plural entries give msgstr[0].

    An entry with a context gives "context\\x04msgid", the key gettext stores it under in the .mo.
    """
    entries, key, parts = [], None, {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', line)
        if match:
            key = match.group(1)
            parts[key] = match.group(2)
        elif line.startswith('"') and key:
            parts[key] += line[1:-1]
        elif not line.strip() and parts:
            if parts.get("msgid"):
                msgid = f"{parts['msgctxt']}\x04{parts['msgid']}" if "msgctxt" in parts else parts["msgid"]
                entries.append((msgid, parts.get("msgstr", parts.get("msgstr[0]", ""))))
            key, parts = None, {}
    return entries


def test_every_message_is_translated():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 1000
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8")


def test_compiled_catalogue_matches_the_po():
    with (CATALOGUE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    unescape = ast.literal_eval  # .po strings use C escapes, which Python string literals share
    stale = [
        msgid
        for msgid, msgstr in _po_entries(CATALOGUE / "django.po")
        if compiled.gettext(unescape(f'"{msgid}"')) != unescape(f'"{msgstr}"')
    ]
    assert stale == [], "run `make messages` to recompile locale/vi/LC_MESSAGES/django.mo"


@pytest.fixture
def project_catalogue(settings):
    settings.LOCALE_PATHS = settings.PROJECT_LOCALE_PATHS  # Django resets its translation cache on setting_changed


def test_pages_speak_vietnamese_by_default_and_english_on_request(client, project_catalogue):
    brand = dict(_po_entries(CATALOGUE / "django.po"))["NTM back office"]
    vietnamese = client.get(reverse("login")).content.decode()
    assert 'lang="vi"' in vietnamese and brand in vietnamese and "NTM back office" not in vietnamese
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "NTM back office" in english and brand not in english


def test_messages_from_python_code_are_translated(project_catalogue):
    from django.utils.translation import gettext

    with translation.override("vi"):
        assert gettext("Dashboard") != "Dashboard"
