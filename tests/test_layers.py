"""The apps form layers with no cycle: an app imports only the apps below it, in the order README.md's "Layout"
section writes (`core → communes → … → reports`). Checked over every import statement of every app's Python files,
imports inside functions included; migrations are left out (they follow the models' relations). Where a lower app
needs something from a higher one, the higher one registers it (core.registry); names in strings (settings, URL
includes, the demo loader's list, a model's lazy relation) are not imports.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def layers() -> list[str]:
    """The order written in the README's Layout section, bottom first."""
    section = (BASE_DIR / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"`(\w+(?: → \w+)+)`", section)
    assert match, "README.md's Layout section writes the layers as `core → … → reports`"
    return match.group(1).split(" → ")


def project_apps() -> set[str]:
    return {config.name for config in apps.get_app_configs() if Path(config.path).parent == BASE_DIR}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the source, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(order: list[str]) -> list[str]:
    rank = {app: i for i, app in enumerate(order)}
    problems = []
    for app in order:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            if {"migrations", "tests"} & set(path.relative_to(BASE_DIR / app).parts):
                continue
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                other = module.split(".")[0]
                if rank.get(other, -1) > rank[app]:
                    problems.append(f"{path.relative_to(BASE_DIR)}:{line} imports {module}: {other} is above {app}")
    return problems


def test_the_readme_orders_every_app_once():
    order = layers()
    assert len(order) == len(set(order))
    assert set(order) == project_apps()
    assert order[0] == "core"


def test_no_app_imports_an_app_above_it():
    assert upward_imports(layers()) == []


def test_the_check_sees_imports_anywhere_in_a_module():
    source = (
        "import os\nfrom core.scope import scope_for\n\ndef f():\n    import verification.models\n    from . import x\n"
    )
    assert imported_modules(source) == [(1, "os"), (2, "core.scope"), (5, "verification.models")]


def test_the_check_reports_an_app_importing_upwards():
    problems = upward_imports(["core", "communes", "offices", "criteria", "register", "programs", "funding"][::-1])
    assert problems and all(" is above " in p for p in problems)
