"""The site's menu. Entries whose page does not exist yet, or whose roles the user lacks, are left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from offices.choices import Role
from offices.scope import user_roles

ANY = None
# (label, url name, roles that see it; ANY = every signed-in user with some membership), or (label, [entries]) for a
# dropdown. Seven top-level entries keep the bar on one line in Vietnamese, whose labels run longer than English.
MENU = [
    (_("Dashboard"), "reports:dashboard", ANY),
    (_("Communes"), "communes:commune_list", ANY),
    (_("Scorecards"), "criteria:assessment_list", ANY),
    (
        _("Plans and funding"),
        [
            (_("Plans"), "programs:plan_list", ANY),
            (_("Funding"), "funding:report", ANY),
            (_("OCOP"), "programs:ocop_list", ANY),
        ],
    ),
    (
        _("Recognition"),
        [
            (_("My queue"), "verification:queue", {Role.VERIFIER, Role.APPRAISER, Role.APPROVER}),
            (_("Dossiers"), "verification:dossier_list", ANY),
            (_("Recognitions"), "verification:register", ANY),
        ],
    ),
    (_("Front monitoring"), "monitoring:index", ANY),
    (_("Reports"), "reports:index", ANY),
]


def _link(label, url_name, allowed, roles, current_path: str) -> dict | None:
    if allowed is not ANY and not (roles & allowed):
        return None
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return None
    return {"label": label, "url": url, "active": current_path.startswith(url) and url != "/"}


def _keep_longest_active(links: list[dict]) -> None:
    """Only the most specific match stays active (the dashboard's /reports/ is a prefix of /reports/office/)."""
    active = [link for link in links if link["active"]]
    for link in active:
        link["active"] = link is max(active, key=lambda x: len(x["url"]))


def menu_for(user, current_path: str = "") -> list[dict]:
    """Top-level items; a dropdown has `children` and is active when one of them is. Empty dropdowns are left out."""
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    items = []
    for entry in MENU:
        if isinstance(entry[1], list):
            children = [link for child in entry[1] if (link := _link(*child, roles, current_path))]
            if children:
                items.append({"label": entry[0], "children": children, "active": any(c["active"] for c in children)})
        elif link := _link(*entry, roles, current_path):
            items.append(link)
    links = [c for item in items for c in item.get("children", [item])]
    _keep_longest_active(links)
    for item in items:
        if "children" in item:
            item["active"] = any(c["active"] for c in item["children"])
    return items


def unread_notifications(user):
    """The user's unread notification count for the navbar badge, as a callable the template resolves at most once
    (one query, and none for anonymous users or pages that do not show the badge)."""
    cache: list[int] = []

    def count() -> int:
        if not cache:
            if not user.is_authenticated:
                cache.append(0)
            else:
                from verification.selectors import unread_count

                cache.append(unread_count(user=user))
        return cache[0]

    return count
