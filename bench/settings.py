"""Settings for `make bench`: production-like (DEBUG off, templates cached, no debug toolbar), served by gunicorn on
loopback without TLS. Sessions are signed cookies and login lockout is off, so benchmarking a page writes nothing to
the database it measures (BENCH_DATABASE_URL may point at a real one)."""

import os
import warnings

from ntm_project.settings.base import *  # noqa: F403
from ntm_project.settings.base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "bench-only-secret-key-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
AXES_ENABLED = False
if os.environ.get("BENCH_DATABASE_URL"):
    DATABASES = {"default": env.db("BENCH_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # as in production  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# whitenoise looks for collected static files; the benchmark pages do not need them.
warnings.filterwarnings("ignore", message="No directory at")

# The API's per-token rate would stop the benchmark after its first thousand requests.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_token": "100000000/hour", "open_data": "100000000/hour"},
}
