"""Settings shared by every environment. Values that differ per machine come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "communes",
    "offices",
    "criteria",
    "register",
    "programs",
    "funding",
    "verification",
    "monitoring",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our static files (the CSP allows no CDN)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.UploadLimitMiddleware",
    "core.cache.GenerationsPerRequest",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "ntm_project.urls"
WSGI_APPLICATION = "ntm_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
            ],
        },
    },
]

# SQLite when DATABASE_URL is unset, so `make run` works on a machine with nothing installed.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (django-axes): an account is locked, from the address that tried it, after
# NTM_LOGIN_FAILURE_LIMIT wrong passwords within NTM_LOGIN_LOCKOUT_MINUTES; the lockout lasts as long. Staff unlock
# from the admin ("Access attempts": delete the row). Successful and failed logins are kept in the admin's access logs
# and written to the "ntm.auth" log.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("NTM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("NTM_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
# Behind a reverse proxy the client's address is the last one the proxy appends to X-Forwarded-For; set the number
# of proxies in front of the app servers (0: none, REMOTE_ADDR is the client).
NTM_PROXY_COUNT = env.int("NTM_PROXY_COUNT", default=0)
if NTM_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = NTM_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese formats: "1.234,5". Amounts are stored as integers in đồng and formatted by core.formatting.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["ntm_project.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Stored files (evidence, dossier documents, uploaded imports) live under MEDIA_ROOT, which no URL serves: each is
# downloaded through a view that checks the user's scope (core.files). NTM_FILE_SERVING hands the bytes to the
# reverse proxy once the view has said yes: "django" (the app sends them), "x-accel-redirect" (nginx, an internal
# location at NTM_X_ACCEL_REDIRECT_PREFIX aliased to MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile, lighttpd).
NTM_FILE_SERVING = env.str("NTM_FILE_SERVING", default="django")
NTM_X_ACCEL_REDIRECT_PREFIX = env.str("NTM_X_ACCEL_REDIRECT_PREFIX", default="/protected-files/")
# Uploads larger than this are refused before their body is read (an import, an evidence file, a document).
NTM_MAX_UPLOAD_MB = env.int("NTM_MAX_UPLOAD_MB", default=10)
STORAGES = {
    "default": {"BACKEND": "core.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline, so text that slips
# into a page cannot run. Inline styles stay allowed: Django's admin writes some, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="ntm@localhost")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Lists, reports, scorecards and admin changelists a user reads again come from the cache until the next committed
# write (core.pagecache; PostgreSQL only). Off: every page is rendered.
NTM_PAGE_CACHE = env.bool("NTM_PAGE_CACHE", default=True)

# Background work (core.jobs): Django's tasks API (django-tasks). The database is the queue by default, so a plain
# `make run` needs no extra server; `manage.py db_worker` runs the tasks (make run starts one beside the web
# server). A deployment with many workers can set NTM_TASKS_BACKEND=django_tasks_rq.RQBackend (Redis at NTM_REDIS_URL).
TASKS = {
    "default": {"BACKEND": env("NTM_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"), "QUEUES": ["default"]}
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):  # workers: README "Deploying"
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env("NTM_REDIS_URL", default="redis://127.0.0.1:6379/0")}}
# An import whose file has more rows than this is written by the background worker, with a progress page.
NTM_IMPORT_BACKGROUND_ROWS = env.int("NTM_IMPORT_BACKGROUND_ROWS", default=5000)
# A report workbook with more rows than this (the whole country's criteria matrix) is written in the background.
NTM_EXPORT_BACKGROUND_ROWS = env.int("NTM_EXPORT_BACKGROUND_ROWS", default=3000)
# A running job whose worker has not reported for this long is shown as failed (its work was not saved).
NTM_JOB_STALE_SECONDS = env.int("NTM_JOB_STALE_SECONDS", default=300)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Program settings that the regulation leaves to the province (see shared docs: procedure.md). Editable per
# deployment through the environment; defaults are the values in common use.
NTM_SATISFACTION_THRESHOLD = env.float("NTM_SATISFACTION_THRESHOLD", default=90.0)
NTM_CONSULTATION_DAYS = env.int("NTM_CONSULTATION_DAYS", default=15)
NTM_CONSULTATION_MIN_POSTINGS = env.int("NTM_CONSULTATION_MIN_POSTINGS", default=5)
NTM_PUBLIC_COMMENTS_PER_HOUR = env.int("NTM_PUBLIC_COMMENTS_PER_HOUR", default=5)
# Days a dossier may wait at each stage before it shows as overdue in the queues. 18/2022 sets no time limits
# (procedure.md §6); 15 days follows the old Circular 40/2014 for lack of a current rule.
NTM_DUE_DAYS = {
    "verification": env.int("NTM_DUE_DAYS_VERIFICATION", default=15),
    "appraisal": env.int("NTM_DUE_DAYS_APPRAISAL", default=15),
    "decision": env.int("NTM_DUE_DAYS_DECISION", default=10),
}
# The appraisal council approves when more than this share of the members present vote in favour (practice:
# "20/20 agree"; the threshold is not in the public text of 18/2022).
NTM_APPRAISAL_MAJORITY_PERCENT = env.float("NTM_APPRAISAL_MAJORITY_PERCENT", default=50.0)
# The verifying level publishes its verification report for comments before forwarding (practice 2022–2024).
NTM_PUBLISH_VERIFICATION_REPORT = env.bool("NTM_PUBLISH_VERIFICATION_REPORT", default=False)
NTM_VERIFICATION_PUBLICATION_DAYS = env.int("NTM_VERIFICATION_PUBLICATION_DAYS", default=15)
# An unresolved serious Front finding on the unit blocks verification (True) or is shown as a warning (False).
NTM_FRONT_FINDINGS_BLOCK = env.bool("NTM_FRONT_FINDINGS_BLOCK", default=True)
# The office named in a finding is reminded this many days before the answer is due (manage.py remind_findings).
NTM_FINDING_REMINDER_DAYS = env.int("NTM_FINDING_REMINDER_DAYS", default=3)
# Minimum household coverage of the Front's survey (forms returned / households), in percent; 0: none. Local
# floors exist (e.g. more than 60 % of households); the national rule was not found.
NTM_SURVEY_MIN_COVERAGE = env.float("NTM_SURVEY_MIN_COVERAGE", default=0.0)
# The level a dossier's unit must already hold, from the register: advanced needs NTM (unverified), model the
# advanced standard of the 2021–2025 period (319/QĐ-TTg).
NTM_LEVEL_PREREQUISITES = {
    "advanced": {"level": "basic"},
    "model": {"level": "advanced", "from_year": 2021},
}
# The criteria set a recognition is judged against for revocation (model communes: the advanced set, practice).
NTM_REVOCATION_JUDGED_AGAINST = {"basic": "basic", "advanced": "advanced", "model": "advanced", "modern": "modern"}
# District-level units by type (communes.choices.DistrictType): rural districts by Decision 320 Annex I (at least
# 10 % of communes advanced, every township civilised-urban, each content item at least 80 % in each commune);
# towns and provincial cities "completing the task" by Annex II, whose figures were not retrieved.
NTM_DISTRICT_RULES = {
    "huyen": {
        "set": "320/QĐ-TTg, Annex I",
        "advanced_share": 10,
        "townships_civilised": True,
        "item_floor": 80,
    },
    "thi_xa": {"set": "320/QĐ-TTg, Annex II", "advanced_share": None, "townships_civilised": False, "item_floor": None},
    "thanh_pho": {
        "set": "320/QĐ-TTg, Annex II",
        "advanced_share": None,
        "townships_civilised": False,
        "item_floor": None,
    },
}

# The read API (api/, /api/v1/) and the open data (/open-data/). Read-only, JSON only (DRF's browsable pages write
# inline scripts, which the CSP forbids); API tokens from the admin, or the session for the docs page. Rates per
# token (or signed-in user) and per client address for the open data: "<n>/<second|minute|hour|day>".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOnlyAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env("NTM_API_RATE", default="1000/hour"),
        "open_data": env("NTM_OPEN_DATA_RATE", default="120/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": NTM_PROXY_COUNT or None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NTM back office API",
    "DESCRIPTION": (
        "Read API of the NTM back office (nông thôn mới): units, criteria, assessments, the register of "
        "recognitions, dossiers, plans and capital, on the same access rules as the pages. "
        "API đọc dữ liệu của hệ thống quản lý Chương trình MTQG xây dựng nông thôn mới: đơn vị hành chính, bộ tiêu "
        "chí, kết quả đánh giá, sổ công nhận, hồ sơ, kế hoạch và nguồn vốn, theo đúng phạm vi như trên trang web."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.ReadOnlyAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "StandardLevelEnum": "criteria.choices.StandardLevel",
        "SubjectKindEnum": "criteria.choices.SubjectKind",
        "DossierStatusEnum": "verification.choices.DossierStatus",
    },
}
# The licence every open-data file states (its last line in CSV, a field in JSON, a Link header).
NTM_OPEN_DATA_LICENCE = env(
    "NTM_OPEN_DATA_LICENCE",
    default="Licence: Creative Commons Attribution 4.0 (CC BY 4.0); source: NTM coordination office",
)
NTM_OPEN_DATA_LICENCE_URL = env("NTM_OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every reset of a user's counter; our own "ntm.auth" lines say who logged in or failed.
    "loggers": {"axes": {"level": "WARNING"}},
}
