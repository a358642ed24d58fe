"""All configuration in one place.

Order of precedence (last wins): the defaults below, ``instance/config.py``,
environment variables, the mapping passed to ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

# Settings that may come from the environment, with their types.
ENV_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "TIMEZONE": str,
    "PRODUCTION": bool,
    "SERVER_NAME": str,
    "PREFERRED_URL_SCHEME": str,
    "PUBLIC_BASE_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": bool,
    "MAIL_SENDER": str,
    "MAIL_SEND_IN_BACKGROUND": bool,
    "MATERIALS_DIR": str,
    "RATELIMIT_STORAGE_URI": str,
    "CACHE_REDIS_URL": str,
    "CACHE_DEFAULT_TIMEOUT": int,
    "SOFFICE_PATH": str,
    "DOCUMENTS_PDF_SERVER": bool,
    "DOCUMENTS_PDF_WARM_START": bool,
    "DOCUMENTS_PDF_PYTHON": str,
    "TRUSTED_PROXIES": int,
    "BENCH_ROUTES": bool,
    "COUNT_QUERIES": bool,
}


class Defaults:
    PRODUCTION = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: the SQLite file in instance/
    TIMEZONE = "Asia/Tomsk"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    PER_PAGE = 25
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # uploads: 10 MB
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=365)  # also how long a session not signed out of is kept
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False  # WTForms' own Russian messages (Form.Meta.locales)
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "intranet@cluster.local"
    # Outgoing mail (mail.py): tries of one message (across runs) before it is left failed,
    # a factor of the pauses between tries within a run (tests: 0), and whether a request
    # that queued messages sends them from a thread of its process (off: `flask send-mail`).
    MAIL_MAX_ATTEMPTS = 5
    MAIL_RETRY_PAUSE_SCALE = 1.0
    MAIL_SEND_IN_BACKGROUND = True
    # Materials of meetings: the largest file, and where files are kept (None: in the
    # database, so one backup holds everything; a directory: files named by their SHA-256).
    MATERIALS_MAX_SIZE = 50 * 1024 * 1024
    MATERIALS_DIR: str | None = None
    # Where login attempts are counted: memory:// counts in each process apart, so with
    # several gunicorn workers it must be shared (Redis); deploy/gunicorn.conf.py refuses it.
    RATELIMIT_STORAGE_URI = "memory://"
    # Redis down: count in this process's memory meanwhile (each worker apart, as memory://
    # does), rather than answer every sign-in with a 500; back to Redis once it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # The cache (cache.py): a SimpleCache in each process, or with a Redis URL
    # (redis://127.0.0.1:6379/1) one RedisCache that every app server shares. Entries are
    # never invalidated (their keys hold the data's stamps): they age out after the timeout.
    CACHE_REDIS_URL: str | None = None
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_KEY_PREFIX = "cluster-intranet:"
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    LOGIN_RATE_LIMIT = "10 per minute"  # attempts for one account
    LOGIN_IP_RATE_LIMIT = "60 per minute"  # attempts from one address (an office behind NAT)
    SOFFICE_PATH: str | None = None  # None: look for soffice on PATH
    # Proxies in front of the app (nginx: 1): the client address and scheme come from their
    # X-Forwarded-* headers, so the login limit counts each client, not the proxy.
    TRUSTED_PROXIES = 0
    # Calendar feeds hold events from this many days back to this many days ahead.
    CALENDAR_WINDOW_PAST_DAYS = 60
    CALENDAR_WINDOW_FUTURE_DAYS = 365
    DOCUMENTS_PDF_TIMEOUT = 60  # seconds LibreOffice may take to make a PDF
    # PDFs through a long-lived LibreOffice (unoserver, documents/office.py), one per app
    # process; off, or when it cannot start: a cold soffice per PDF. It starts as a gunicorn
    # worker starts (deploy/gunicorn.conf.py, in the background), or with WARM_START off on
    # the first PDF, which then waits 5–10 s for it.
    DOCUMENTS_PDF_SERVER = True
    DOCUMENTS_PDF_WARM_START = True
    DOCUMENTS_PDF_PYTHON: str | None = None  # a Python with LibreOffice's uno; None: /usr/bin/python3
    # The full protocol lists up to this many attendees; above it, it gives the count
    # and attaches the list (ГОСТ Р 7.0.97-2016).
    DOCUMENTS_ATTENDEES_LIST_THRESHOLD = 25
    # Expert sessions: experts who must submit before the conclusion is confirmed, and the
    # score (share of the maximum) from which the conclusion proposes approval / approval after revision.
    EXPERTISE_MIN_EXPERTS = 3
    EXPERTISE_APPROVE_SHARE = 0.8
    EXPERTISE_REVISION_SHARE = 0.6
    # Benchmarks only: a bare route and a per-request SQL query counter.
    BENCH_ROUTES = False
    COUNT_QUERIES = False


def _parse(value: str, kind: type):
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def from_environment(environ=os.environ) -> dict:
    return {name: _parse(environ[name], kind) for name, kind in ENV_SETTINGS.items() if name in environ}


def sqlite_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'cluster.sqlite'}"


def generated_secret_key(instance_path: str) -> str:
    """Reads instance/secret_key, creating it on first run (development only)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
