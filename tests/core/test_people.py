"""Names are written the Vietnamese way (family, middle, given: "Nguyễn Văn Tỉnh"), by one function everywhere."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.people import full_name, split_full_name

BASE_DIR = Path(settings.BASE_DIR)
# Django's get_full_name() and "first_name last_name" put the given name first: "Tỉnh Nguyễn Văn".
WESTERN_ORDER = [
    re.compile(r"get_full_name"),
    re.compile(r"first_name\s*\}\}\s*\{\{\s*[\w.]*last_name"),  # {{ u.first_name }} {{ u.last_name }}
    re.compile(r"first_name\b[^\n]{0,40}\+[^\n]{0,20}last_name"),  # u.first_name + " " + u.last_name
    re.compile(r"\{[\w.]*first_name\}\s*\{[\w.]*last_name\}"),  # f"{u.first_name} {u.last_name}"
]


def project_files():
    """Templates and the Python of every app (tests, the benchmark and migrations left out)."""
    for top in sorted(BASE_DIR.iterdir()):
        if not top.is_dir() or top.is_symlink() or top.name.startswith(".") or top.name in ("tests", "bench"):
            continue
        for path in top.rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


def test_no_template_or_module_writes_a_name_in_western_order():
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in project_files()
        if path.name != "people.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(p.search(line) for p in WESTERN_ORDER)
    ]
    assert not offenders, "write names with core.people.full_name / the |full_name filter:\n" + "\n".join(offenders)


def test_the_check_catches_the_western_order():
    assert any(p.search("{{ user.get_full_name|default:user.username }}") for p in WESTERN_ORDER)
    assert any(p.search("{{ u.first_name }} {{ u.last_name }}") for p in WESTERN_ORDER)
    assert any(p.search('f"{u.first_name} {u.last_name}"') for p in WESTERN_ORDER)
    assert not any(p.search("{{ user|full_name }}") for p in WESTERN_ORDER)


def test_full_name_is_family_middle_given():
    User = get_user_model()
    last, first = split_full_name("Nguyễn Văn Tỉnh")
    assert (last, first) == ("Nguyễn Văn", "Tỉnh")
    assert full_name(User(username="province", last_name=last, first_name=first)) == "Nguyễn Văn Tỉnh"
    assert full_name(User(username="province")) == "province"
    assert full_name(User(username="x", first_name="Quản trị")) == "Quản trị"
    assert full_name(None) == ""


def test_user_menu_and_admin_show_the_vietnamese_order(client, world):
    user = world.users.province
    user.last_name, user.first_name = split_full_name("Nguyễn Văn Tỉnh")
    user.save()
    client.force_login(user)
    page = client.get(reverse("reports:index")).content.decode()
    assert "Nguyễn Văn Tỉnh" in page and "Tỉnh Nguyễn Văn" not in page

    client.force_login(world.users.admin)
    admin_list = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Nguyễn Văn Tỉnh" in admin_list and "Tỉnh Nguyễn Văn" not in admin_list
