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
    # Each app's pages under its own prefix, listed one by one: a missing urls.py is an error at start-up, never a
    # silent 404. (offices and register have no pages: offices is managed in the admin, the register's page is the
    # workflow's.)
    path("communes/", include("communes.urls")),
    path("criteria/", include("criteria.urls")),
    path("programs/", include("programs.urls")),
    path("funding/", include("funding.urls")),
    path("dossiers/", include("verification.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("reports/", include("reports.urls")),
    # The read API and the open data (issue 14).
    path("api/v1/", include("api.urls")),
    path("open-data/", include("api.open_data_urls")),
]
