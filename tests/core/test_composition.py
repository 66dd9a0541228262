"""The site is composed from apps listed by name: every app's pages are mounted, every demo loader runs, every menu
entry comes from the app that owns the page (core imports none of them)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils.module_loading import import_string

from core.management.commands.load_demo import DEMO_LOADERS, LOGINS
from core.navigation import menu_for

BASE_DIR = Path(settings.BASE_DIR)


def _app_modules(name: str) -> set[str]:
    return {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == BASE_DIR and (Path(config.path) / f"{name}.py").exists()
    }


def test_every_app_with_pages_is_mounted():
    mounted = {
        p.urlconf_name.__name__.removesuffix(".urls")
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and hasattr(p.urlconf_name, "__name__")
    }
    assert _app_modules("urls") <= mounted


def test_every_demo_is_loaded_and_importable():
    assert {loader.split(".")[0] for loader in DEMO_LOADERS} == _app_modules("demo")
    for name in [*DEMO_LOADERS, LOGINS]:
        assert callable(import_string(name))


def test_menu_is_composed_from_the_apps(world):
    items = menu_for(world.users.admin)
    assert [str(item["label"]) for item in items] == [
        "Dashboard",
        "Communes",
        "Scorecards",
        "Plans and funding",
        "Recognition",
        "Front monitoring",
        "Reports",
    ]
    plans, recognition = items[3]["children"], items[4]["children"]
    assert [str(c["label"]) for c in plans] == ["Plans", "Funding", "OCOP"]
    assert [str(c["label"]) for c in recognition] == ["My queue", "Dossiers", "Recognitions", "Recognitions by merger"]
    # The merger page is for those who record decisions; the others do not see it (issue 16: no dead ends).
    province_menu = menu_for(world.users.province)
    labels = [str(c["label"]) for item in province_menu for c in item.get("children", [])]
    assert "Recognitions by merger" not in labels
    approver = [str(c["label"]) for item in menu_for(world.users.approver) for c in item.get("children", [])]
    assert "Recognitions by merger" in approver
