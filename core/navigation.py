"""The site's menu. Entries whose page does not exist yet, or whose roles the user lacks, are left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from offices.choices import Role
from offices.scope import user_roles

ANY = None
# (label, url name, roles that see it; ANY = every signed-in user with some membership)
MENU = [
    (_("Dashboard"), "reports:dashboard", ANY),
    (_("Communes"), "communes:commune_list", ANY),
    (_("Scorecards"), "criteria:assessment_list", ANY),
    (_("Plans"), "programs:plan_list", ANY),
    (_("Funding"), "funding:report", ANY),
    (_("OCOP"), "programs:ocop_list", ANY),
    (_("Dossiers"), "verification:dossier_list", ANY),
    (_("My queue"), "verification:queue", {Role.VERIFIER, Role.APPRAISER, Role.APPROVER}),
    (_("Recognitions"), "verification:register", ANY),
    (_("Front monitoring"), "monitoring:index", ANY),
    (_("Reports"), "reports:index", ANY),
]


def menu_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    items = []
    for label, url_name, allowed in MENU:
        if allowed is not ANY and not (roles & allowed):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": current_path.startswith(url) and url != "/"})
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
