"""A newcomer's first minutes: the Makefile's targets do what they say, the README says how to run, stop and reset,
and the demo loader speaks one language (every line through gettext: Vietnamese with the catalogue)."""

import ast
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _dry_run(*args: str) -> str:
    return subprocess.run(
        ["make", "-n", *args], cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=60
    ).stdout


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_migrate_and_demo_do_what_they_say():
    assert "manage.py migrate --noinput" in _dry_run("migrate")
    demo = _dry_run("demo", "HOST=0.0.0.0", "PORT=8123")
    assert "manage.py migrate --noinput" in demo
    assert "HOST=0.0.0.0 PORT=8123" in demo and "manage.py load_demo" in demo  # the address the loader prints
    run = _dry_run("run", "PORT=8123")
    assert "manage.py load_demo" in run and "runserver 127.0.0.1:8123" in run
    assert "-n auto" in _dry_run("test")  # every core (pytest-xdist)


def test_readme_says_how_to_run_stop_and_reset():
    section = (BASE_DIR / "README.md").read_text(encoding="utf-8").split("## Two commands", 1)[1].split("\n## ")[0]
    for words in ("HOST", "PORT", "PYTEST_ARGS", "PYTEST_WORKERS", "make clean", "Ctrl-C", "make demo", "make migrate"):
        assert words in section, words


def _is_translated(node: ast.expr) -> bool:
    """gettext("…"), gettext("…").format(…), "" or an f-string of names only (the logins table)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        node = node.func.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("_", "gettext")
    if isinstance(node, ast.Constant):
        return node.value == ""
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(v, ast.Constant) and not v.value.strip() or isinstance(v, ast.FormattedValue)
            for v in node.values
        )
    return False


def test_the_demo_loader_writes_every_line_through_gettext():
    untranslated = []
    for path in sorted(BASE_DIR.glob("*/demo.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            writes = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "write"
            if writes and node.args and not _is_translated(node.args[0]):
                untranslated.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    assert untranslated == []
