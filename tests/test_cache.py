"""The one cache (cache.py), seen through the pages: the app servers share it over Redis,
and a change of the data reaches every server's next answer."""

from __future__ import annotations

import os
import re
import secrets
from datetime import date

import pytest
from sqlalchemy import select, text

from cluster_intranet import create_app
from cluster_intranet.auth.roles import Role
from cluster_intranet.cache import cache
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import Client, make_user
from tests.decisions import support

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def another_server(app, **settings):
    """An app server beside the tests' ``app``: the same database and keys, its own cache settings."""
    shared = ("TESTING", "DATABASE_URL", "SECRET_KEY", "PASSWORD_HASH_METHOD", "SERVER_NAME", "PUBLIC_BASE_URL")
    server = create_app({**{name: app.config[name] for name in shared}, "RATELIMIT_ENABLED": False, **settings})
    server.test_client_class = Client
    return server


@pytest.fixture
def servers(app):
    """Two app servers on the test database sharing one Redis, under a prefix of this test's own."""
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to share")
    prefix = f"test-{secrets.token_hex(6)}:"
    made = [another_server(app, CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix) for _ in range(2)]
    yield made
    for server in made:
        with server.app_context():
            cache.clear()  # this prefix's keys only
            db.engine.dispose()


def counts(client) -> dict[str, str]:
    page = client.get("/decisions/?status=all").get_data(as_text=True)
    return dict(re.findall(r'>\s*([А-Яа-я ]+?) <span class="badge[^"]*">(\d+)</span>', page))


def signed_in(server, email: str) -> Client:
    client = server.test_client()
    assert client.login(email).status_code == 303
    return client


def test_app_servers_share_the_cache_and_see_every_change(app, ctx, servers):
    meeting = support.meeting(factories.council())
    person = factories.person()
    for _ in range(2):
        support.decision(meeting, person, deadline=date(2030, 1, 10))
    email = make_user(Role.SECRETARY).email  # commits
    first, second = (signed_in(server, email) for server in servers)
    alone = signed_in(app, email)  # a server with a cache of its own (SimpleCache)

    assert counts(first)["Открыто"] == "2"
    # Written behind the stamps' back (no session, so no new stamp): only a server that
    # computes the counts itself sees it; the second one is served what the first computed.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE decisions SET status = 'done'"))
    assert counts(alone)["Открыто"] == "0"
    assert counts(second)["Открыто"] == "2"

    # A change made the ordinary way writes a new stamp: every server answers anew.
    db.session.scalars(select(Decision)).first().status = "in_progress"
    db.session.commit()
    for client in (first, second, alone):
        assert (counts(client)["Открыто"], counts(client)["В работе"]) == ("0", "1")


def test_a_redis_that_does_not_answer_costs_the_cache_not_the_page(app, ctx):
    """Nothing listens on port 1: every page still answers, its values built anew."""
    server = another_server(app, CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    meeting = support.meeting(factories.council())
    support.decision(meeting, factories.person(), deadline=date(2030, 1, 10))
    client = signed_in(server, make_user(Role.SECRETARY).email)
    assert counts(client)["Открыто"] == "1"
    db.session.scalars(select(Decision)).first().status = "done"
    db.session.commit()
    assert counts(client)["Открыто"] == "0"
    with server.app_context():
        db.engine.dispose()


def test_the_home_pages_overdue_list_is_plain_data_shared_over_redis(app, ctx, servers):
    """The secretary's «Просроченные поручения кластера» built by one server is what the other shows."""
    meeting = support.meeting(factories.council())
    lead = factories.person(surname="Кузнецова", first_name="Наталья", patronymic="Викторовна")
    support.decision(meeting, lead, deadline=date(2021, 1, 10), text="Просроченное поручение")
    email = make_user(Role.SECRETARY).email  # commits
    first, second = (signed_in(server, email) for server in servers)
    assert "Просроченное поручение" in first.get("/").get_data(as_text=True)
    with db.engine.begin() as connection:  # behind the stamps' back: only a server that builds the list sees it
        connection.execute(text("UPDATE decisions SET text = 'Другой текст'"))
    page = second.get("/").get_data(as_text=True)
    assert "Просроченное поручение" in page and "Кузнецова Н.В." in page and "просрочено на" in page
