"""The benchmark's pieces: fillers, the query counter, the server, the client, the load
generator. No timings are asserted here: ``make bench`` measures, these only check it works."""

from __future__ import annotations

import logging
import random
import shutil
import string
import time
import urllib.parse

import pytest
from sqlalchemy import func, select

from bench import data, expertise, harness
from bench.client import Session, load, parse_wrk, wrk_script
from bench.scenarios import DATASETS, HTMX, SCENARIOS, Dataset
from bench.server import Server
from cluster_intranet import config, create_app
from cluster_intranet.auth.roles import Role
from cluster_intranet.councils.models import Council, CouncilMember
from cluster_intranet.directory import services
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.expertise.models import Answer
from cluster_intranet.expertise.services import programmes_query
from cluster_intranet.extensions import db
from cluster_intranet.listing import count_rows
from cluster_intranet.search import fold
from tests.conftest import PASSWORD, make_user

ANSWER_SAVE = next(s for s in SCENARIOS if s.name == "expert-answer-save")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_directory_filler_makes_the_requested_rows(app, ctx):
    values = data.fill_directory({"organizations": 12, "people": 70}, random.Random(1))
    data.fill_councils({"councils": 2, "members": 5}, random.Random(1))
    db.session.commit()

    assert (count(Organization), count(Person), count(Council), count(CouncilMember)) == (12, 70, 2, 10)
    assert values == {"surname_part": "кузнец", "middle_page": 1}  # 70 people: 3 pages of 25
    # search_text is what the model itself would store.
    for person in db.session.scalars(select(Person).limit(5)):
        stored = person.search_text
        person.refresh_search_text()
        assert stored == person.search_text and fold(person.surname) in stored
    # One in seven is a Кузнецов or a Кузнецова, found by the live search.
    assert len(services.search_people(values["surname_part"], limit=100)) >= 70 // 7


def test_every_dataset_fills_at_its_small_size_and_every_path_resolves(app, ctx, login_as):
    values = {}
    rng = random.Random(1)
    for dataset in DATASETS:
        values.update(dataset.fill(dataset.small, rng) or {})
    db.session.commit()
    # The rare specialty: a search that finds the same few programmes at either size.
    assert count_rows(programmes_query(values["rare_specialty_part"])) == expertise.RARE_PROGRAMMES
    routes = app.url_map.bind("intranet.test")
    secretary = login_as(Role.SECRETARY)  # the bench user's role
    token = secretary.csrf_token()
    for scenario in SCENARIOS:
        path, body, headers = harness.resolve_request(scenario, values, token)
        assert path.startswith("/") and all(c in string.printable for c in path)
        routes.match(urllib.parse.urlsplit(path).path, method=scenario.method)  # a route takes that method there
        if scenario.method == "GET":
            assert body is None and not scenario.form
            continue
        # A change is sent as its form is: every field filled in, the session's token in the form and the header.
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        assert form["csrf_token"] == [token] and headers["X-CSRFToken"] == token
        assert "{" not in body and set(form) == {"csrf_token", *scenario.form}
        # ... and answered as the page expects, again and again (the bench repeats it thousands of times).
        for _ in range(2):
            response = secretary.open(path, method=scenario.method, data=body, headers=headers, csrf=False)
            assert response.status_code == 200, (scenario.name, response.get_data(as_text=True))


def test_saving_the_same_answer_again_changes_nothing_but_the_time(app, ctx, login_as):
    values = data.fill_directory({"organizations": 50, "people": 200}, random.Random(1))
    values |= expertise.fill_expertise({"programmes": 3, "sessions": 2}, random.Random(1))
    db.session.commit()
    secretary = login_as(Role.SECRETARY)
    path, body, headers = harness.resolve_request(ANSWER_SAVE, values, secretary.csrf_token())
    answers = (
        select(Answer.criterion_id, Answer.value, Answer.comment)
        .where(Answer.assessment_id == values["expert_open_assessment_id"])
        .order_by(Answer.criterion_id)
    )

    assert secretary.open(path, method="POST", data=body, headers=headers, csrf=False).status_code == 200
    before = db.session.execute(answers).all()
    response = secretary.open(path, method="POST", data=body, headers=headers, csrf=False)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)  # the status fragment
    assert db.session.execute(answers).all() == before and len(before) == expertise.SECTIONS * expertise.PER_SECTION
    saved = next(row for row in before if row.criterion_id == values["expert_criterion_id"])
    assert (saved.value, saved.comment) == (values["expert_answer_value"], "")
    # Without the token the change is refused, as a forged form would be.
    forged = body.replace(urllib.parse.quote(headers["X-CSRFToken"]), "forged")
    refused = secretary.open(path, method="POST", data=forged, headers={**headers, "X-CSRFToken": "forged"}, csrf=False)
    assert refused.status_code == 400


def test_wrk_script_sets_the_method_and_the_body():
    assert wrk_script("GET", None) == 'wrk.method = "GET"\n'
    assert wrk_script("POST", 'a=1&b="x"\\') == 'wrk.method = "POST"\nwrk.body = "a=1&b=\\"x\\"\\\\"\n'


def test_query_counter_reports_each_request(app, database_url, ctx):
    make_user("viewer", "counter@cluster.test")
    counting = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "COUNT_QUERIES": True,
            "BENCH_ROUTES": True,
        }
    )
    try:
        client = counting.test_client()
        assert client.post("/login", data={"email": "counter@cluster.test", "password": PASSWORD}).status_code == 303
        bare = client.get("/_bare")
        assert bare.get_data(as_text=True) == "ok" and bare.headers["X-Query-Count"] == "1"  # the user
        people = client.get("/directory/people")
        # the user, a page of ids: an empty directory loads no rows, and ended on the page
        # needs no count
        assert people.headers["X-Query-Count"] == "2"
    finally:
        with counting.app_context():
            db.engine.dispose()
    assert "X-Query-Count" not in app.test_client().get("/login").headers  # off unless asked for


def test_benchmark_switches_come_from_the_environment():
    assert config.from_environment({"BENCH_ROUTES": "1", "COUNT_QUERIES": "yes"}) == {
        "BENCH_ROUTES": True,
        "COUNT_QUERIES": True,
    }
    assert config.from_environment({"BENCH_ROUTES": "0"}) == {"BENCH_ROUTES": False}


@pytest.fixture
def logging_kept():
    """Alembic's fileConfig (migrations/alembic.ini) disables every logger that exists and
    resets the root logger; the rest of the suite expects them as they were."""
    loggers = [logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    root = logging.getLogger()
    saved = [(logger, logger.disabled) for logger in loggers], root.level, list(root.handlers)
    yield
    states, level, handlers = saved
    for logger, disabled in states:
        logger.disabled = disabled
    root.setLevel(level)
    root.handlers[:] = handlers


def test_served_by_gunicorn_signed_in_and_loaded(tmp_path, monkeypatch, logging_kept):
    """The whole chain on a tiny database: build, serve, sign in, count queries, load."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(
        harness,
        "DATASETS",
        [
            Dataset("directory", data.fill_directory, large={}, small={"organizations": 3, "people": 30}),
        ],
    )
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    values, seconds = harness.build_database(url, "small", "bench-password-1", "bench-secret", random.Random(1))
    assert list(seconds) == ["directory"]

    with Server(
        url, secret_key="bench-secret", instance_path=tmp_path, log_path=tmp_path / "gunicorn.log", keep_alive=1
    ) as server:
        session = Session(server.port)
        assert session.get("/_bare").status == 302  # signed out: to the login page
        session.login(harness.BENCH_EMAIL, "bench-password-1")
        bare = session.get("/_bare")
        assert (bare.status, bare.body, bare.query_count) == (200, "ok", 1)
        time.sleep(1.5)  # the server closes the idle connection: the session reconnects
        search = session.get(harness.resolve_path("/directory/people?q={surname_part}", values), HTMX)
        assert search.status == 200 and "Кузнецов" in search.body and "<html" not in search.body
        assert search.query_count >= 3

        result = load(
            server.port,
            "/_bare",
            {"Cookie": session.cookie_header},
            seconds=10,
            connections=2,
            max_requests=40,
            loader="python",
        )
        assert result.requests == 40 and result.errors == 0 and result.rate > 0  # stopped by the count
        signed_out = load(server.port, "/_bare", {}, seconds=0.2, connections=1, max_requests=5, loader="python")
        assert signed_out.errors == signed_out.requests == 5  # a redirect is not a page
        assert signed_out.error_kinds == "HTTP 302: 5"
        session.close()


def test_wrk_output_is_read():
    output = """Running 1s test @ http://127.0.0.1:5101/_bare
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.91ms    1.20ms  14.41ms   86.96%
    Req/Sec     1.39k   108.06     1.52k    80.00%
  1385 requests in 1.00s, 248.87KB read
  Socket errors: connect 0, read 2, write 0, timeout 0
  Non-2xx or 3xx responses: 3
Requests/sec:   1382.10
Transfer/sec:    248.37KB
"""
    result = parse_wrk(output)
    assert (result.requests, result.errors, result.seconds) == (1385, 5, 1.0)
    assert result.error_kinds == "non-2xx: 3, read: 2"
    assert result.rate == pytest.approx(1380)


def test_a_post_scenario_is_measured_over_the_wire(tmp_path, monkeypatch, logging_kept):
    """The answer save as the harness sends it to gunicorn: signed in, with the session's CSRF
    token, timed and loaded (the Python generator, and wrk when installed) without errors."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(
        harness,
        "DATASETS",
        [
            Dataset("directory", data.fill_directory, large={}, small={"organizations": 50, "people": 200}),
            Dataset("expertise", expertise.fill_expertise, large={}, small={"programmes": 3, "sessions": 2}),
        ],
    )
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    values, _ = harness.build_database(url, "small", "bench-password-1", "bench-secret", random.Random(1))

    with Server(url, secret_key="bench-secret", instance_path=tmp_path, log_path=tmp_path / "gunicorn.log") as server:
        session = Session(server.port)
        session.login(harness.BENCH_EMAIL, "bench-password-1")
        path, body, headers = harness.resolve_request(ANSWER_SAVE, values, session.csrf_token())
        for _ in range(2):
            saved = session.request("POST", path, body, headers)
            assert saved.status == 200 and 'id="answered-count"' in saved.body
        forged = body.replace("csrf_token=", "csrf_token=x")
        assert session.request("POST", path, forged, {**headers, "X-CSRFToken": "forged"}).status == 400

        headers = {**headers, "Cookie": session.cookie_header}
        loaders = ["python"] + (["wrk"] if shutil.which("wrk") else [])
        for loader in loaders:
            result = load(
                server.port,
                path,
                headers,
                seconds=1,
                connections=2,
                max_requests=20,
                loader=loader,
                method="POST",
                body=body,
            )
            assert result.requests > 0 and result.errors == 0, loader
        session.close()

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        answers = db.session.scalars(
            select(Answer).where(Answer.assessment_id == values["expert_open_assessment_id"])
        ).all()
        assert len(answers) == expertise.SECTIONS * expertise.PER_SECTION  # saved in place, never added
        saved = next(a for a in answers if a.criterion_id == values["expert_criterion_id"])
        assert saved.value == values["expert_answer_value"]
        db.engine.dispose()
