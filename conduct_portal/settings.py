"""Settings for Conduct Portal.

Every value that differs between a laptop, CI and production comes from the
environment (or a `.env` file beside manage.py), read by django-environ, which
refuses malformed values. The defaults are safe for a laptop: SQLite and a
Celery broker that needs no server, both under `var/`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sso.config import provider_origins, providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("CONDUCT_PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A fixed key is acceptable only while debugging on a laptop; anything else
# must be given a real secret, or the portal refuses to start.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true on a development machine).")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "webhooks",
    "people",
    "codes",
    "scim",
    "sso",
    "acknowledgements",
    "training",
    "questions",
    "reminders",
    "cases",
    "portal",
    "search",
    "seeding",
    "api",
    "evidence",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that it marks every response below, refusals and lockout pages included.
    "common.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # With a read replica only: after a person's write, their reads stay on the primary until it is replayed.
    "common.replica.ReadYourWritesMiddleware",
    "people.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the person and the messages: a browser with a kiosk open reaches the kiosk's pages only.
    "acknowledgements.middleware.KioskMiddleware",
    # After the language and the person are known, so that the page speaks to them.
    "common.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-allauth's (it resumes a sign-in interrupted at the provider); the sign-in pages are Django's own.
    "allauth.account.middleware.AccountMiddleware",
    # Axes must come last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conduct_portal.urls"
WSGI_APPLICATION = "conduct_portal.wsgi.application"
ASGI_APPLICATION = "conduct_portal.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.tasks",
                "reminders.context_processors.unread_notifications",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'conduct_portal.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The laptop default is shared by the web server, the worker and beat: let writers wait
    # for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }

# A PostgreSQL streaming replica of DATABASE_URL (e.g. postgres://user:pass@replica:5432/conduct): the
# dashboards, exports, search and API lists read from it, everything else from the primary, and a person
# who just wrote reads the primary until the replica has replayed their write (common/replica.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL streaming replica (postgres://...).")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer is routed around (common/replica.py) after this many seconds,
    # not after the operating system's TCP time-out of minutes.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # In tests the replica is the test database itself, never created, emptied or migrated apart.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]

# ---------------------------------------------------------------------------
# Sign-in, sessions and passwords
# ---------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out login is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading a person's own and their roles' permissions in one query (every page asks them).
    "common.permissions.OneQueryModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (sso/config.py says the format): none configured, the
# portal has its local sign-in only. Persons are matched to existing accounts (sso/services.py).
SSO_PROVIDERS = providers_from_env(env.json("SSO_PROVIDERS", default=[]))
# A person who has signed in through a provider loses their local password, so that the
# provider's rules (multi-factor, leavers) cannot be side-stepped with an old one.
SSO_DISABLE_LOCAL_PASSWORDS = env.bool("SSO_DISABLE_LOCAL_PASSWORDS", default=True)
# A person without a password confirms at their provider before signing; the provider's word on
# when they signed in (auth_time) must be at most this many seconds old.
SSO_REAUTHENTICATION_MAX_AGE = env.int("SSO_REAUTHENTICATION_MAX_AGE", default=300)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": SSO_PROVIDERS}}
SOCIALACCOUNT_ADAPTER = "sso.adapter.PortalSocialAccountAdapter"
# Accounts come from HR: allauth neither creates them nor sends them mail.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"

# Sessions live in a table that knows its user, so that deactivating a person
# can end every session they have open.
SESSION_ENGINE = "people.sessions"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=int(timedelta(hours=8).total_seconds()))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())

# Failed logins are throttled per username and address: after
# AXES_FAILURE_LIMIT failures that pair is refused for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Checking a password again (at signing, at password change) goes through the same counters
# (people.services.person_reauthenticate). Axes keeps the failed request's form: mask every password field.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]

# ---------------------------------------------------------------------------
# Security headers and cookies
# ---------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Outside debugging every cookie is sent over HTTPS only, and HTTP is
# redirected to HTTPS (unless a proxy in front already does it).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content-Security-Policy: scripts and styles only from our own
# origin, no inline code, nothing may frame the portal. Bootstrap draws a few
# icons (select arrows, toggler) as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # A "Sign in with ..." form is answered by a redirect to the provider, which browsers
        # hold to form-action too: each configured provider's origin is allowed, no other.
        "form-action": [SELF, *provider_origins(SSO_PROVIDERS)],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------------------
# Languages and time
# ---------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ro", _("Romanian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates with the month in words, one way per language (see conduct_portal/formats).
FORMAT_MODULE_PATH = ["conduct_portal.formats"]
USE_I18N = True
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Bucharest")
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files and forms
# ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------

# EMAIL_URL picks the backend: consolemail:// (the default, prints to the
# terminal), smtp+tls://user:password@host:587, or filemail://var/outbox (a folder,
# relative to the project; four slashes, filemail:////srv/outbox, for an absolute one).
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email.get("EMAIL_FILE_PATH"):
    _email["EMAIL_FILE_PATH"] = str(BASE_DIR / _email["EMAIL_FILE_PATH"])
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Conduct Portal <conduct-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------

# The default broker keeps its messages in files under var/, so a laptop needs
# no server; production and CI point CELERY_BROKER_URL at Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else f"file://{VAR_DIR / 'celery-results'}",
)
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_folder = VAR_DIR / "celery-broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_folder / _folder).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder / "queue"),
        "data_folder_out": str(_broker_folder / "queue"),
        "processed_folder": str(_broker_folder / "processed"),
        # Without it kombu keeps its broadcast exchanges in ./control, wherever it was started.
        "control_folder": str(_broker_folder / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
# Delivery guarantees: a task is acknowledged only after it ran, and given back to the queue
# when its worker dies, so a killed worker loses no reminder (the reminder log keeps it from
# being sent twice). Redis must not hand a task out again while it waits for a retry, so its
# visibility timeout is longer than any countdown we use (RETRY_COUNTDOWN_SECONDS × retries).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
if CELERY_BROKER_URL.startswith("redis"):
    # A task held by a worker that died (killed, its machine lost) is handed out again once this
    # has passed since it was taken. bench/run --cluster shortens it to see that happen.
    _visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=int(timedelta(hours=6).total_seconds()))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        # How often a worker looks for such tasks (kombu's default is every 100 s).
        "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
        "unacked_restore_throttle": 1,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------

# Where links in emails point.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Days before a due date when a reminder goes out, and days after it for the overdue notice and
# for the escalation to the person's manager. All configurable per deployment.
REMINDERS = {
    "acknowledgement_before_days": env.list("REMINDERS_ACKNOWLEDGEMENT_BEFORE_DAYS", cast=int, default=[7, 1]),
    "acknowledgement_overdue_after_days": env.int("REMINDERS_ACKNOWLEDGEMENT_OVERDUE_AFTER_DAYS", default=1),
    "acknowledgement_escalate_after_days": env.int("REMINDERS_ACKNOWLEDGEMENT_ESCALATE_AFTER_DAYS", default=7),
    "training_before_days": env.list("REMINDERS_TRAINING_BEFORE_DAYS", cast=int, default=[30, 7]),
    "training_overdue_after_days": env.int("REMINDERS_TRAINING_OVERDUE_AFTER_DAYS", default=1),
    "training_escalate_after_days": env.int("REMINDERS_TRAINING_ESCALATE_AFTER_DAYS", default=7),
    "review_before_days": env.list("REMINDERS_REVIEW_BEFORE_DAYS", cast=int, default=[30, 7]),
    "review_overdue_after_days": env.int("REMINDERS_REVIEW_OVERDUE_AFTER_DAYS", default=1),
    # The daily sweep, in the organisation's time zone.
    "sweep_hour": env.int("REMINDERS_SWEEP_HOUR", default=7),
}

# ---------------------------------------------------------------------------
# Questions on a code
# ---------------------------------------------------------------------------

# Calendar days within which a reader's question should be answered; older open ones show as overdue.
QUESTIONS_RESPONSE_DAYS = env.int("QUESTIONS_RESPONSE_DAYS", default=5)

# ---------------------------------------------------------------------------
# Breach cases
# ---------------------------------------------------------------------------

# Whether a manager sees the breach cases of the people who report to them (read-only). Off, only those whose
# role gives cases.view_case (compliance) see any case.
CASES_VISIBLE_TO_MANAGER = env.bool("CASES_VISIBLE_TO_MANAGER", default=False)

# ---------------------------------------------------------------------------
# Codes of conduct
# ---------------------------------------------------------------------------

# The most one version may hold. An import past them is refused before it is read to the end, and
# the editor refuses a section past them, so a version always opens quickly (codes/limits.py).
CODES_MAX_SECTIONS = env.int("CODES_MAX_SECTIONS", default=200)
CODES_MAX_SECTION_CHARS = env.int("CODES_MAX_SECTION_CHARS", default=20_000)
# The largest Word file (.docx) an import accepts, and the most its parts may unpack to: python-docx
# holds every part in memory, so a file is refused from its zip directory before anything is unpacked.
CODES_MAX_WORD_FILE_BYTES = env.int("CODES_MAX_WORD_FILE_BYTES", default=10_000_000)
CODES_MAX_WORD_UNPACKED_BYTES = env.int("CODES_MAX_WORD_UNPACKED_BYTES", default=50_000_000)

# How many different people, none of whom wrote any of it, must approve a version before it can
# be published (four eyes by default; 2 for six eyes).
CODES_REQUIRED_APPROVALS = env.int("CODES_REQUIRED_APPROVALS", default=1)
if not 1 <= CODES_REQUIRED_APPROVALS <= 5:
    raise ImproperlyConfigured("CODES_REQUIRED_APPROVALS must be between 1 and 5.")

# ---------------------------------------------------------------------------
# Acknowledgement campaigns
# ---------------------------------------------------------------------------

# The most requests one waiver in bulk (a department's pending people, or the people ticked) may
# cover. Each one waived is locked, audited and announced within a single web request, so the whole
# organisation at once would outlast the request's timeout; a larger choice is refused before
# anything is waived, on the confirmation page and in the service.
ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT = env.int("ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT", default=500)
if ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT < 1:
    raise ImproperlyConfigured("ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT must be at least 1.")

# ---------------------------------------------------------------------------
# Signature checkpoints
# ---------------------------------------------------------------------------

# The key that signs each signature record (its MAC) and each checkpoint of the chain. It must
# never be stored in the database: whoever can write the database but does not hold this key
# cannot forge, re-chain or cut the chain unnoticed. Left empty, a key derived from SECRET_KEY is
# used, which is good enough on a laptop; `check --deploy` refuses it (acknowledgements.E001).
# Changing the key makes every record signed before fail verification: keep it for good.
SIGNATURE_CHECKPOINT_KEY = env.str("SIGNATURE_CHECKPOINT_KEY", default="")
# How often Celery beat writes a checkpoint (seeded by `manage.py setup_reminder_schedule`).
SIGNATURE_CHECKPOINT_EVERY_MINUTES = env.int("SIGNATURE_CHECKPOINT_EVERY_MINUTES", default=15)

# Where evidence packs (evidence/) are kept: recorded proof, downloadable again, so never cleared.
EVIDENCE_PACK_DIR = Path(env.str("EVIDENCE_PACK_DIR", default=str(VAR_DIR / "evidence-packs")))

# The key of the commitments to personal fields (the record hash covers HMAC-SHA256 of each personal
# field under it, not the field itself, so that a leaver's name, address and browser can be replaced
# once their retention ends and every record still verifies) and of leavers' stable pseudonyms. Like
# the checkpoint key it must never be stored in the database; left empty, a key derived from
# SECRET_KEY is used on a laptop, which `check --deploy` refuses (acknowledgements.E002). Keep it for
# good: commitments made under one key do not verify under another.
SIGNATURE_COMMITMENT_KEY = env.str("SIGNATURE_COMMITMENT_KEY", default="")

# ---------------------------------------------------------------------------
# Retention of leavers' personal data (privacy/, README "Retention and erasure")
# ---------------------------------------------------------------------------

# Days after a person leaves (is deactivated) before their personal data is pseudonymised, per kind
# of record they hold: the longest period among the kinds they hold applies, so that a record kept
# as proof keeps its signer's name as long as the law asks for the proof. A legal hold on the person
# stops it whatever the periods say.
RETENTION_DAYS = {
    # Every leaver: the account and staff record, notifications, reminders, questions, audit trail.
    "leaver": env.int("RETENTION_LEAVER_DAYS", default=365),
    # Leavers who signed a code: the typed name, IP address and browser of their signatures.
    "signature": env.int("RETENTION_SIGNATURE_DAYS", default=2190),
    # Leavers with a training completion: their certificates name them.
    "training": env.int("RETENTION_TRAINING_DAYS", default=1825),
}
if min(RETENTION_DAYS.values()) < 1:
    raise ImproperlyConfigured(
        "RETENTION_LEAVER_DAYS, RETENTION_SIGNATURE_DAYS and RETENTION_TRAINING_DAYS must be at least 1."
    )
# Hour of the daily pseudonymisation of leavers whose retention ended, in DJANGO_TIME_ZONE (seeded by
# `manage.py setup_reminder_schedule`).
RETENTION_SWEEP_HOUR = env.int("RETENTION_SWEEP_HOUR", default=3)

# ---------------------------------------------------------------------------
# Kiosk signing (acknowledgements/kiosk.py, people/kiosk.py)
# ---------------------------------------------------------------------------

# A kiosk left without a request for this many minutes ends, and the device is signed out: nothing of the
# person who used it last stays on the screen, and the supervisor signs in again to open another.
KIOSK_IDLE_MINUTES = env.int("KIOSK_IDLE_MINUTES", default=5)
# A person who does nothing at the kiosk for this many seconds (walked away) is cleared from it, and the
# kiosk, still open, asks who is next: by the browser after as long without a touch or key, by the server
# at the next request after as long without one.
KIOSK_PERSON_IDLE_SECONDS = env.int("KIOSK_PERSON_IDLE_SECONDS", default=120)
# Wrong PINs or codes in a row before a person is locked for KIOSK_LOCKOUT_MINUTES; and before a kiosk is,
# whoever they were for (a kiosk serves many people, and each may mistype once or twice).
KIOSK_MAX_TRIES = env.int("KIOSK_MAX_TRIES", default=5)
KIOSK_DEVICE_MAX_TRIES = env.int("KIOSK_DEVICE_MAX_TRIES", default=10)
KIOSK_LOCKOUT_MINUTES = env.int("KIOSK_LOCKOUT_MINUTES", default=15)
# How long a one-time code issued by a supervisor stays valid (it serves once).
KIOSK_CODE_VALID_HOURS = env.int("KIOSK_CODE_VALID_HOURS", default=24)

# ---------------------------------------------------------------------------
# Webhooks (webhooks/, docs/webhooks.md)
# ---------------------------------------------------------------------------

# Seconds to wait after a failed attempt before the next one, in order; after the last, the
# delivery is abandoned (1 min, 5 min, 30 min, 2 h, 12 h: six attempts over about 15 hours).
# Retries are kept in the database and picked up by the sweep, never held as Celery countdowns,
# which Redis would hand out again after its visibility timeout.
WEBHOOK_RETRY_DELAYS = env.list("WEBHOOK_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 43200])
# An endpoint is disabled after this many failed attempts in a row (any success resets the count),
# and the administrators are told by email.
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=10)
# How long one attempt may take (connecting and reading the answer), in seconds.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# The Celery queue deliveries are sent on ("" = the default queue): a separate queue with its own
# workers keeps slow receivers from delaying reminders.
WEBHOOK_QUEUE = env.str("WEBHOOK_QUEUE", default="")
# How often Celery beat sweeps for due retries and lost deliveries (seeded by `manage.py setup_reminder_schedule`).
WEBHOOK_SWEEP_EVERY_MINUTES = env.int("WEBHOOK_SWEEP_EVERY_MINUTES", default=1)
# Days the events and deliveries that have nothing left to send stay visible in the admin; older ones are
# deleted every day (`manage.py prune_webhooks` does it at once).
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=30)

# ---------------------------------------------------------------------------
# SCIM provisioning (scim/, README "SCIM provisioning")
# ---------------------------------------------------------------------------

# Where a person provisioned without a department starts (a department's short code or name),
# until the identity provider or HR moves them; empty: such a request is refused.
SCIM_DEFAULT_DEPARTMENT = env.str("SCIM_DEFAULT_DEPARTMENT", default="")
# The most Users or Groups one SCIM list answers (declared as filter.maxResults).
SCIM_MAX_RESULTS = env.int("SCIM_MAX_RESULTS", default=200)

# ---------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------

# The API's rate limits (api/throttling.py) count requests in the default cache, which must be shared by
# every web process, or each would allow the full rate. CACHE_URL picks it (redis://host:6379/2,
# locmemcache://); without it, a Redis broker's server is used (same database number), and a laptop
# with the file broker keeps it in memory, which is right for its single process.
_default_cache = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "locmemcache://"
CACHES = {"default": env.cache_url("CACHE_URL", default=_default_cache)}
# Keys apart from Celery's when they share a Redis database.
CACHES["default"].setdefault("KEY_PREFIX", "conduct_portal")

# ---------------------------------------------------------------------------
# REST API (api/, README "API")
# ---------------------------------------------------------------------------

# Requests per token (per person for a browser session), e.g. "1200/minute", "50/second".
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        # The browser's session, with DRF's CSRF check on unsafe methods.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # JSON only: ?format= is an unknown parameter like any other.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Conduct Portal API",
    "DESCRIPTION": (
        "Read the organisation's codes of conduct, acknowledgements and training, and record what other "
        "systems know. Authenticate with an API token from your profile page: `Authorization: Bearer cpt_…`. "
        "Lists are cursor-paginated: follow `next`. Every error is "
        '`{"type": "<code>", "detail": "<sentence>", "errors": {...}}`.'
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's files, served by us: no CDN, within the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields called "status" hold different states in different resources: each set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "VersionStatusEnum": "codes.models.VersionStatus",
        "RequestStatusEnum": "acknowledgements.models.RequestStatus",
    },
}

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Axes announces its configuration at every start; only its warnings matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
