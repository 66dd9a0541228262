"""Demo offices and one login per role, all with the password DEMO_PASSWORD. Only this loader creates them;
production settings never do."""

import os

from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_lazy

from communes.demo import DEMO_DAY  # the demo's records name the units of the end of 2023
from communes.models import Commune, District, Province
from core.people import split_full_name

from .choices import OfficeKind, Role
from .models import Membership, Office

DEMO_PASSWORD = "ntm-demo-2024"
PROVINCE_CODE = "19"  # Thái Nguyên
DISTRICT_CODE = "173"  # Huyện Phú Bình
COMMUNE_CODE = "05917"  # Xã Tân Khánh, Phú Bình: the demo commune officer's commune

# username, full name, role, office kind, office name, unit level
DEMO_USERS = [
    (
        "province",
        "Nguyễn Văn Tỉnh",
        Role.EDITOR,
        OfficeKind.COORDINATION,
        "Văn phòng Điều phối NTM tỉnh Thái Nguyên",
        "province",
    ),
    (
        "district",
        "Trần Thị Huyền",
        Role.EDITOR,
        OfficeKind.COORDINATION,
        "Văn phòng Điều phối NTM huyện Phú Bình",
        "district",
    ),
    ("commune", "Lê Văn Xã", Role.EDITOR, OfficeKind.COMMUNE, "UBND xã Tân Khánh", "commune"),
    ("verifier", "Phạm Thẩm Tra", Role.VERIFIER, OfficeKind.VERIFICATION, "Tổ thẩm tra NTM huyện Phú Bình", "district"),
    (
        "appraiser",
        "Hoàng Thẩm Định",
        Role.APPRAISER,
        OfficeKind.APPRAISAL,
        "Hội đồng thẩm định NTM tỉnh Thái Nguyên",
        "province",
    ),
    ("approver", "Vũ Chủ Tịch", Role.APPROVER, OfficeKind.PEOPLES_COMMITTEE, "UBND tỉnh Thái Nguyên", "province"),
    ("front", "Đỗ Mặt Trận", Role.MONITOR, OfficeKind.FRONT, "Ủy ban MTTQ Việt Nam tỉnh Thái Nguyên", "province"),
    (
        "viewer",
        "Bùi Lãnh Đạo",
        Role.VIEWER,
        OfficeKind.COORDINATION,
        "Văn phòng Điều phối NTM tỉnh Thái Nguyên",
        "province",
    ),
]

ROLE_DESCRIPTIONS = {
    "admin": gettext_lazy("IT admin (superuser, Django admin)"),
    "province": gettext_lazy("provincial coordination office, Thái Nguyên"),
    "district": gettext_lazy("coordination office of Phú Bình district (until the district ended on 01/07/2025)"),
    "commune": gettext_lazy("officer of Xã Tân Khánh (Phú Bình; the new Xã Tân Khánh since 01/07/2025)"),
    "verifier": gettext_lazy("verification team, Phú Bình district; the provincial team since 01/07/2025"),
    "appraiser": gettext_lazy("provincial appraisal council"),
    "approver": gettext_lazy("provincial People's Committee (recognition decisions)"),
    "front": gettext_lazy("provincial Fatherland Front committee"),
    "viewer": gettext_lazy("read-only leader, province"),
}


def load(*, stdout) -> None:
    User = get_user_model()
    province = Province.objects.current().get(code=PROVINCE_CODE)
    district = District.objects.valid_on(DEMO_DAY).get(code=DISTRICT_CODE)
    commune = Commune.objects.valid_on(DEMO_DAY).get(code=COMMUNE_CODE)
    units = {
        "province": {"district": None, "commune": None},
        "district": {"district": district, "commune": None},
        "commune": {"district": district, "commune": commune},
    }
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    for username, full_name, role, kind, office_name, level in DEMO_USERS:
        office, _ = Office.objects.get_or_create(name=office_name, kind=kind, province=province, **units[level])
        last, first = split_full_name(full_name)  # stored as Vietnamese forms split it; shown by core.people
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, office=office, role=role)
    stdout.write(
        gettext("Offices: {offices}, demo users: {users}.").format(
            offices=Office.objects.count(), users=len(DEMO_USERS) + 1
        )
    )


# After the 2025 reform (two-tier government from 01/07/2025): the office of the 2023 commune carries on in the new
# commune that absorbed it, and the district's verification passes to a provincial team. The district coordination
# office has no successor unit (the dashboard says so for its dates); its 2023 memberships stay, so the history
# before the reform reads exactly as it did.
VERIFICATION_AFTER_REFORM = "Tổ thẩm tra NTM tỉnh Thái Nguyên"


def load_today(*, stdout) -> None:
    """Memberships of the demo users in the offices of today's units, added once the 2025 reform is applied: the
    commune officer in the People's Committee of each current commune that took in Tân Khánh (UnitSuccession),
    the verifier in the provincial verification team. Nothing when the reform is not applied."""
    from communes.models import UnitSuccession

    User = get_user_model()
    province = Province.objects.current().get(code=PROVINCE_CODE)
    if province.has_district_tier:
        stdout.write(gettext("Offices of today: none (the 2025 reform is not applied)."))
        return
    commune = Commune.objects.valid_on(DEMO_DAY).get(code=COMMUNE_CODE)
    successors = Commune.objects.current().filter(
        pk__in=UnitSuccession.objects.filter(predecessor_commune=commune).values("successor_commune")
    )
    added = 0
    officer = User.objects.get(username="commune")
    for successor in successors.order_by("code"):
        office, _ = Office.objects.get_or_create(
            name=f"UBND {successor.name[:1].lower()}{successor.name[1:]}",
            kind=OfficeKind.COMMUNE,
            province=successor.province,
            district=None,
            commune=successor,
        )
        added += Membership.objects.get_or_create(user=officer, office=office, role=Role.EDITOR)[1]
    team, _ = Office.objects.get_or_create(
        name=VERIFICATION_AFTER_REFORM, kind=OfficeKind.VERIFICATION, province=province, district=None, commune=None
    )
    verifier = User.objects.get(username="verifier")
    added += Membership.objects.get_or_create(user=verifier, office=team, role=Role.VERIFIER)[1]
    stdout.write(
        gettext("Offices of today: {added} memberships in the units formed by the 2025 reform.").format(added=added)
    )


def site_url() -> str:
    """Where `make run` serves the site: HOST and PORT as the Makefile passes them to the demo loader and to
    runserver. A server listening on every interface (0.0.0.0, ::) is opened at 127.0.0.1 on this machine."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    port = os.environ.get("PORT", "").strip() or "8000"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}/"


def print_logins(stdout) -> None:
    stdout.write("")
    stdout.write(
        gettext("Demo logins (password for all: {password}) at {url}").format(password=DEMO_PASSWORD, url=site_url())
    )
    for username, description in ROLE_DESCRIPTIONS.items():
        stdout.write(f"  {username:<10} {description}")
    stdout.write(gettext("Stop the server with Ctrl-C; `make clean` deletes the database and the environment."))
