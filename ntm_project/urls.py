from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import views as core_views

admin.site.site_header = admin.site.site_title = _("NTM back office")

urlpatterns = [
    path("", core_views.home, name="home"),
    # Pages that do not name an icon (the admin's) make browsers ask for this one.
    path("favicon.ico", core_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jobs/", include("core.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

# Each app mounts its pages under its own prefix once it has a urls.py.
for app, prefix in [
    ("communes", "communes/"),
    ("offices", "offices/"),
    ("criteria", "criteria/"),
    ("programs", "programs/"),
    ("funding", "funding/"),
    ("verification", "dossiers/"),
    ("monitoring", "monitoring/"),
    ("reports", "reports/"),
]:
    if find_spec(f"{app}.urls"):
        urlpatterns.append(path(prefix, include(f"{app}.urls")))
