"""Fixtures: the app on a fresh database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), clients signed in per role, HTMX and CSRF helpers."""

from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path
import re

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient

from bench.server import free_port
from cluster_intranet import create_app, mail
from cluster_intranet.auth import services as user_services
from cluster_intranet.auth.roles import Role
from cluster_intranet.cache import cache
from cluster_intranet.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# Under pytest-xdist (``make test`` runs a worker per core) each worker, "gw0", "gw1", …,
# gets a PostgreSQL database and a Redis database of its own: each empties its tables
# after every test, and the workers run at once.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PASSWORD = "test-password-1"
CSRF_META = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Client(FlaskClient):
    """A test client that sends the CSRF token the way the pages do (the
    X-CSRFToken header), unless a test passes ``csrf=False``.

    Each request runs in an application context of its own, as in production:
    a test that holds a context (``ctx``) shares neither ``g`` nor the
    database session with the requests it makes, and sees their writes after.
    """

    _csrf_token: str | None = None
    _csrf_session: str | None = None

    def open(self, *args, csrf: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            if "X-CSRFToken" not in headers:
                headers["X-CSRFToken"] = self.csrf_token()
            kwargs["headers"] = headers
        outer = has_app_context()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        """The token a page would carry, fetched once per session cookie: the
        token stays valid while the session keeps its secret, and a session that
        changed (sign-in, sign-out) gets a new one."""
        session = self.get_cookie("session", domain=self.application.config["SERVER_NAME"])
        key = session.value if session else None
        if self._csrf_session != key or self._csrf_token is None:
            # A context of its own, as every request here: in a test's context (``ctx``)
            # Flask-WTF would keep the first client's token in the shared ``g``.
            with self.application.app_context():
                page = super().open("/", follow_redirects=True).get_data(as_text=True)
            self._csrf_token = CSRF_META.search(page).group(1)
            session = self.get_cookie("session", domain=self.application.config["SERVER_NAME"])
            self._csrf_session = session.value if session else None
        return self._csrf_token

    def hx(self, method: str, url: str, **kwargs):
        """A request as HTMX sends it."""
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.open(url, method=method.upper(), headers=headers, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        return self.post("/login", data={"email": email, "password": password})


def worker_postgres_url(url: str) -> str:
    """TEST_DATABASE_URL's database for this worker: itself, or a sibling named
    after the worker (``test_gw1``), created on first use."""
    if not WORKER:
        return url
    base = sa.make_url(url)
    name = f"{base.database}_{WORKER}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(sa.text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}) == 0:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def worker_redis_url(url: str) -> str:
    """TEST_REDIS_URL for this worker: the databases below the given one, a worker each
    (``redis://host/15`` → 15 for gw0, 14 for gw1)."""
    if not WORKER or url.startswith("memory://"):
        return url
    server, _, number = url.rpartition("/")
    return f"{server}/{int(number or 0) - int(WORKER.removeprefix('gw'))}"


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = worker_postgres_url(os.environ["TEST_DATABASE_URL"])
    _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One app per backend; the schema is built by the Alembic migrations."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests, real hashing still
            "SERVER_NAME": "intranet.test",
            "PUBLIC_BASE_URL": "http://intranet.test",
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = Client
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        # Keys hold the data's random stamps, so tests need no clearing between them; a
        # shared cache (Redis) may still hold another run's entries of a database built anew.
        cache.clear()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts with empty tables."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        existing = set(sa.inspect(db.engine).get_table_names())
        # Only tables the migrations made: a model still without its migration is skipped.
        tables = [t for t in db.metadata.sorted_tables if t.name in existing]
        # DELETE, not TRUNCATE: PostgreSQL's TRUNCATE makes new files for every table
        # and index (~0.5 s a test here) and waits for any transaction that read a table.
        with db.engine.begin() as conn:
            for table in reversed(tables):
                conn.execute(table.delete())
            if conn.dialect.name == "postgresql":  # ids start at 1 again, as on SQLite
                conn.execute(
                    sa.text(
                        "SELECT setval(oid::regclass, 1, false) FROM pg_class"
                        " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
                    )
                )


class QueryCounter:
    """The SQL statements sent while it is active (``with``)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...``: the SQL statements sent meanwhile."""
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


@pytest.fixture
def ctx(app):
    """An application context for tests that use the models directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(role: Role | str, email: str | None = None, person_id: int | None = None):
    user = user_services.create_user(email or f"{Role(role).value}@cluster.test", PASSWORD, role, person_id)
    db.session.commit()
    return user


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a client signed in as an existing user (a ``User`` or its e-mail)."""

    def sign_in(user) -> Client:
        client = app.test_client()
        response = client.login(user if isinstance(user, str) else user.email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return sign_in


@pytest.fixture
def login_as(app, signed_in):
    """``login_as("secretary")`` gives a client signed in with a new user of that role."""

    def sign_in(role: Role | str, email: str | None = None, person_id: int | None = None) -> Client:
        with app.app_context():
            email = make_user(role, email, person_id).email
        return signed_in(email)

    return sign_in


@pytest.fixture
def admin(login_as) -> Client:
    return login_as(Role.ADMIN)


@pytest.fixture
def secretary(login_as) -> Client:
    return login_as(Role.SECRETARY)


@pytest.fixture
def viewer(login_as) -> Client:
    return login_as(Role.VIEWER)


# The real protocols, beside the repository: the Coordination Council's of 22.10.2021 (the
# demo's, short form) and the Expert Council's of 17.11.2021 (full form).
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
SEED_PROTOCOL = SEED / "protocol-2021-10-22.txt"
FULL_TEXT = SEED / "protocol-2021-11-17-expert-council.txt"


def seed_file_text(path: Path) -> str:
    """A seed protocol's text; the test is skipped where the file is not beside the repository."""
    if not path.exists():
        pytest.skip(f"the seed protocol is not beside the repository ({path})")
    return path.read_text(encoding="utf-8")


# Mail -----------------------------------------------------------------------------


class Mailbox:
    """An SMTP handler that keeps what it receives; refuses addresses with «bounce»."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.reject_data: set[str] = set()  # the message to these is refused after its DATA (554)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data & set(envelope.rcpt_tos):
            return "554 5.7.1 Message rejected"
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def mailbox(app, monkeypatch):
    """A real SMTP server (aiosmtpd) on a free port that the app sends to."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_SENDER", "intranet@cluster.test")
    monkeypatch.setitem(app.config, "MAIL_RETRY_PAUSE_SCALE", 0)  # retries without waiting
    yield box
    mail.wait_for_background()  # a sender thread of the test's requests
    controller.stop()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return seed_file_text(SEED_PROTOCOL)


@pytest.fixture(scope="session")
def full_text() -> str:
    return seed_file_text(FULL_TEXT)


def pytest_collection_modifyitems(config, items):
    """A module's browser tests share its live server (a module fixture): under
    pytest-xdist (``--dist loadgroup``) they all run on one worker. Without xdist
    (``-p no:xdist``) its marker is not registered and is not added."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
