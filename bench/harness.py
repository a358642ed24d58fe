"""One benchmark run: build the data at two sizes, serve both, measure, report.

The harness builds two databases, *small* and *large* (each emptied, migrated,
filled by every filler, with the benchmark user), and serves each with gunicorn.
It times every page with single requests on one warm connection per server,
alternating small and large so that whatever else the machine does weighs on both
alike (first quartile), and reads X-Query-Count. Then it loads each page of the large one,
and its bare route before and after each page, from a second process: requests
per second, each page against the bare rate measured next to it.

A POST scenario is sent as the browser sends its form: the fields url-encoded, with the
CSRF token of the signed-in session (read from a page, as the sign-in reads it from the
login form) in the ``csrf_token`` field and the X-CSRFToken header (HTMX sends both).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from .client import FORM, Session, choose_loader, load
from .scenarios import BARE, DATASETS, SCENARIOS, Scenario
from .server import ROOT, Server

OUTPUT = ROOT / "bench" / "output"
BENCH_EMAIL = "bench@cluster.local"
SIZES = ("large", "small")


def new_password() -> str:
    """A random password the app's rule accepts for certain (letters, and a sign):
    ``token_urlsafe`` alone is all letters about once in a hundred draws."""
    return f"bench-{secrets.token_urlsafe(16)}"


@dataclass
class Options:
    database_url: str | None = None  # None: fresh SQLite files in bench/output/
    seconds: float = 5.0  # load per page
    samples: int = 40  # single timed requests per page and size
    connections: int = 4
    max_requests: int = 50_000  # per page: the load stops at this count or after ``seconds``
    workers: int = max(1, (os.cpu_count() or 2) // 2)  # leave the other cores to the load generator
    threads: int = 4
    loader: str = "auto"  # wrk when installed, else the Python generator
    only: list[str] = field(default_factory=list)
    seed: int = 20211022


@dataclass
class Measure:
    paths: dict[str, str] = field(default_factory=dict)  # size -> path
    bodies: dict[str, str | None] = field(default_factory=dict)  # size -> a POST's form, url-encoded
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # size -> the scenario's, and a POST's
    statuses: set[int] = field(default_factory=set)
    queries: dict[str, int] = field(default_factory=dict)  # size -> most queries seen
    ms: dict[str, float] = field(default_factory=dict)  # size -> page time (first quartile)
    rate: float | None = None  # requests per second at the large size
    bare_rate: float | None = None  # the bare route's, measured just before and after this page
    load_errors: int = 0
    load_error_kinds: list[str] = field(default_factory=list)


def run(options: Options) -> int:
    """Runs the benchmark and prints the report; the exit status is 1 if a target failed."""
    scenarios = select_scenarios(options.only)
    loader = choose_loader(options.loader)
    # Everything of this run in a directory of its own: runs started at the same time in
    # the same tree (other areas trying their scenarios) must not replace each other's data.
    workdir = OUTPUT / f"run-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    instance = workdir / "instance"
    os.environ["INSTANCE_PATH"] = str(instance)  # never the developer's instance/ (config, secret key)
    secret_key = secrets.token_urlsafe(32)
    password = new_password()
    urls = {size: database_url(options.database_url, size, workdir) for size in SIZES}
    try:
        measures, fill_log, bare_rates = measure_all(options, loader, scenarios, urls, workdir, password, secret_key)
    except BaseException:
        print(f"bench: the run failed; the servers' logs are in {workdir}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(workdir)
    finally:
        if options.database_url:
            for url in urls.values():
                drop_schema(url)

    header = describe(options, loader, fill_log, bare_rates)
    lines, failures = report([BARE, *scenarios], measures)
    print("\n".join(header + [""] + lines))
    save(measures, header)
    return 1 if failures else 0


def measure_all(
    options: Options,
    loader: str,
    scenarios: list[Scenario],
    urls: dict[str, str],
    workdir: Path,
    password: str,
    secret_key: str,
) -> tuple[dict[str, Measure], list[str], list[float]]:
    """Builds both databases, serves both, and measures every scenario on them."""
    values, fill_log = {}, []
    for size in SIZES:
        started = time.perf_counter()
        values[size], seconds = build_database(urls[size], size, password, secret_key, random.Random(options.seed))
        each = ", ".join(f"{name} {s:.1f}" for name, s in seconds.items())
        fill_log.append(f"{size} built in {time.perf_counter() - started:.1f} s (fillers: {each})")

    measures = {s.name: Measure() for s in [BARE, *scenarios]}
    bare_rates: list[float] = []
    with contextlib.ExitStack() as stack:
        servers = {
            size: stack.enter_context(
                Server(
                    urls[size],
                    secret_key=secret_key,
                    instance_path=workdir / "instance",
                    log_path=workdir / f"gunicorn-{size}.log",
                    workers=options.workers,
                    threads=options.threads,
                )
            )
            for size in SIZES
        }
        sessions = {size: Session(server.port) for size, server in servers.items()}
        tokens = {}
        for size, session in sessions.items():
            stack.callback(session.close)
            session.login(BENCH_EMAIL, password)
            tokens[size] = session.csrf_token()

        for scenario in [BARE, *scenarios]:
            measure = measures[scenario.name]
            for size in SIZES:
                measure.paths[size], measure.bodies[size], measure.headers[size] = resolve_request(
                    scenario, values[size], tokens[size]
                )
            time_page(sessions, scenario, measure, options.samples)

        large = servers["large"]
        cookie = {"Cookie": sessions["large"].cookie_header}

        def rate_of(scenario: Scenario) -> float:
            measure = measures[scenario.name]
            result = load(
                large.port,
                measure.paths["large"],
                {**measure.headers["large"], **cookie},
                seconds=options.seconds,
                connections=options.connections,
                max_requests=options.max_requests,
                loader=loader,
                method=scenario.method,
                body=measure.bodies["large"],
            )
            measure.load_errors += result.errors
            measure.load_error_kinds += [result.error_kinds] if result.errors else []
            settle()
            return result.rate

        def settle() -> None:
            """Waits until the bare route answers about as fast as when idle: requests the load
            generator left in flight (a slow page) must not weigh on the next measurement."""
            idle = measures[BARE.name].ms["large"] / 1000
            deadline = time.monotonic() + 60
            while sessions["large"].get(measures[BARE.name].paths["large"]).seconds > 3 * idle + 0.005:
                if time.monotonic() > deadline:
                    break

        # The bare route before and after each page: each page is compared with the bare
        # rate measured next to it, so a machine busy with something else skews both alike.
        bare_rates.append(rate_of(BARE))
        for scenario in scenarios:
            measure = measures[scenario.name]
            measure.rate = rate_of(scenario)
            bare_rates.append(rate_of(BARE))
            measure.bare_rate = statistics.mean(bare_rates[-2:])
    measures[BARE.name].rate = measures[BARE.name].bare_rate = statistics.mean(bare_rates)
    return measures, fill_log, bare_rates


def select_scenarios(only: list[str]) -> list[Scenario]:
    if not only:
        return list(SCENARIOS)
    known = {s.name: s for s in SCENARIOS}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise SystemExit(f"unknown scenario {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in only]


def resolve_path(template: str, values: dict) -> str:
    """The scenario's path with the fillers' values, percent-encoded for the request line."""
    return urllib.parse.quote(template.format(**values), safe="/?=&%:+,")


def resolve_request(scenario: Scenario, values: dict, csrf_token: str) -> tuple[str, str | None, dict[str, str]]:
    """The path, the body and the headers of the scenario's request with the fillers' values;
    a POST carries its form with the session's CSRF token, in the form and in the header."""
    path = resolve_path(scenario.path, values)
    if scenario.method == "GET":
        return path, None, dict(scenario.headers)
    form = {"csrf_token": csrf_token, **{name: value.format(**values) for name, value in scenario.form.items()}}
    headers = {**scenario.headers, **FORM, "X-CSRFToken": csrf_token}
    return path, urllib.parse.urlencode(form), headers


# --- the database ----------------------------------------------------------------


def database_url(given: str | None, size: str, workdir: Path) -> str:
    """Where the data of ``size`` lives: a SQLite file of this run, or a schema of the given
    PostgreSQL database (bench_large_<pid>, found through the connection's search_path)."""
    if given is None:
        return f"sqlite:///{workdir / f'bench-{size}.sqlite'}"
    url = sa.make_url(given)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("--database-url: a PostgreSQL URL (SQLite needs none: files in bench/output/)")
    schema = f"bench_{size}_{os.getpid()}"
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def reset_database(url: str) -> None:
    """An empty database: the SQLite file deleted, or the size's PostgreSQL schema dropped and created."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    drop_schema(url, create=True)


def drop_schema(url: str, create: bool = False) -> None:
    parsed = sa.make_url(url)
    schema = parsed.query["options"].removeprefix("-csearch_path=")
    engine = sa.create_engine(parsed)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        if create:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


# --- what the measures of one job share (documents, calendar, importing) -------------


def measure_parser(prog: str, doc: str, repeat: int, repeat_help: str = "runs per measure") -> argparse.ArgumentParser:
    """The options such a measure takes: where its data lives, and the runs a measure takes."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database (a schema of its own is made and dropped); default: SQLite in bench/output/",
    )
    parser.add_argument("--repeat", type=int, default=repeat, help=repeat_help)
    return parser


def on_own_database(given: str | None, name: str, measure: Callable[[str], int]) -> int:
    """``measure(url)`` on an empty database of its own: a SQLite file in bench/output/, or
    a schema of the given PostgreSQL database, dropped afterwards."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    url = database_url(given, name, OUTPUT)
    reset_database(url)
    try:
        return measure(url)
    finally:
        if given:
            drop_schema(url)


def build_database(url: str, size: str, password: str, secret_key: str, rng: random.Random) -> tuple[dict, dict]:
    """Schema from the migrations, every filler at ``size``, the benchmark user.

    Returns the values for the scenarios' paths, and the seconds each filler took.
    """
    from flask_migrate import upgrade

    from cluster_intranet import create_app
    from cluster_intranet.auth import services as users
    from cluster_intranet.auth.roles import Role
    from cluster_intranet.extensions import db

    reset_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret_key})
    values: dict = {}
    seconds: dict[str, float] = {}
    with app.app_context():
        upgrade()
        for dataset in DATASETS:
            started = time.perf_counter()
            values.update(dataset.fill(getattr(dataset, size), rng) or {})
            seconds[dataset.name] = time.perf_counter() - started
        # A secretary sees what staff who keep the directory see (the edit buttons too).
        users.create_user(BENCH_EMAIL, password, Role.SECRETARY)
        db.session.commit()
        as_after_autovacuum(db.engine)
        db.session.remove()
        db.engine.dispose()
    return values, seconds


def as_after_autovacuum(engine: sa.Engine) -> None:
    """PostgreSQL's tables as autovacuum leaves them shortly after a bulk load: statistics
    (without them the planner takes 20,000 people for 2,000), visibility map."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))


# --- measuring ---------------------------------------------------------------------


def time_page(sessions: dict[str, Session], scenario: Scenario, measure: Measure, samples: int) -> None:
    """Time of single requests at each size, taken in turns, and the queries they made.

    The page time is the first quartile: other processes only ever add time, so the
    faster requests show the page's own cost, steadier than the median on a busy machine.
    """
    times: dict[str, list[float]] = {size: [] for size in sessions}
    for i in range(samples + 2):
        for size, session in sessions.items():
            response = session.request(
                scenario.method, measure.paths[size], measure.bodies[size], measure.headers[size]
            )
            measure.statuses.add(response.status)
            if response.query_count is not None:
                measure.queries[size] = max(measure.queries.get(size, 0), response.query_count)
            if i >= 2:  # the first two warm up caches and templates
                times[size].append(response.seconds)
    measure.ms = {size: (statistics.quantiles(t, n=4)[0] if len(t) > 1 else t[0]) * 1000 for size, t in times.items()}


# --- the report ----------------------------------------------------------------------


def describe(options: Options, loader: str, fill_log: list[str], bare_rates: list[float]) -> list[str]:
    database = (
        sa.make_url(options.database_url).render_as_string()
        if options.database_url
        else "SQLite files in bench/output/"
    )
    sizes = "; ".join(
        f"{size}: " + ", ".join(f"{n} {what}" for d in DATASETS for what, n in getattr(d, size).items())
        for size in SIZES
    )
    return [
        f"database: {database}",
        f"data — {sizes}",
        "; ".join(fill_log),
        f"server: gunicorn, {options.workers} worker(s) x {options.threads} threads; load: {loader}, "
        f"{options.connections} connections, {options.seconds:g} s or {options.max_requests} requests per page; "
        f"page time: first quartile of {options.samples} single requests",
        f"bare route: {min(bare_rates):.0f} to {max(bare_rates):.0f} req/s over {len(bare_rates)} runs between the pages",
    ]


def report(scenarios: list[Scenario], measures: dict[str, Measure]) -> tuple[list[str], list[str]]:
    rows = [("page", "path", "req/s", "x bare", "queries L/S", "ms large", "ms small", "large/small")]
    verdicts, failures = [], []

    def verdict(ok: bool, text: str) -> None:
        verdicts.append(f"{'PASS' if ok else 'FAIL'}  {text}")
        if not ok:
            failures.append(text)

    for scenario in scenarios:
        m = measures[scenario.name]
        ratio = m.rate / m.bare_rate if m.rate is not None and m.bare_rate else None
        growth = m.ms["large"] / m.ms["small"] if m.ms.get("small") else None
        queries = max(m.queries.values()) if m.queries else None
        rows.append(
            (
                scenario.name,
                ("" if scenario.method == "GET" else f"{scenario.method} ") + urllib.parse.unquote(m.paths["large"]),
                f"{m.rate:.0f}" if m.rate is not None else "—",
                f"{ratio:.2f}" if ratio is not None else "—",
                "/".join(str(m.queries[s]) for s in SIZES if s in m.queries) or "—",
                f"{m.ms['large']:.1f}",
                f"{m.ms['small']:.1f}",
                f"{growth:.2f}" if growth is not None else "—",
            )
        )
        if m.statuses != {200}:
            verdict(False, f"{scenario.name}: HTTP {', '.join(map(str, sorted(m.statuses)))} (want 200)")
        if m.load_errors:
            verdict(
                False, f"{scenario.name}: {m.load_errors} failed requests under load ({'; '.join(m.load_error_kinds)})"
            )
        if scenario.max_queries is not None:
            verdict(
                queries is not None and queries <= scenario.max_queries,
                f"{scenario.name}: {queries} queries per request at most (target <= {scenario.max_queries})",
            )
        if scenario.min_ratio is not None:
            verdict(
                ratio is not None and ratio >= scenario.min_ratio,
                f"{scenario.name}: {ratio or 0:.2f} of the bare route's rate (target >= {scenario.min_ratio})",
            )
        if scenario.max_growth is not None:
            verdict(
                growth is not None and growth <= scenario.max_growth,
                f"{scenario.name}: page time large/small {growth or 0:.2f} (target <= {scenario.max_growth})",
            )

    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = [
        "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    table.insert(1, "  ".join("-" * w for w in widths))
    summary = f"{len(verdicts) - len(failures)} passed, {len(failures)} failed"
    return table + ["", *verdicts, summary], failures


def save(measures: dict[str, Measure], header: list[str]) -> None:
    """bench/output/results.json: the numbers of the last run, to compare runs."""
    results = {
        name: {
            "paths": m.paths,
            "rate": m.rate,
            "bare_rate": m.bare_rate,
            "queries": m.queries,
            "ms": m.ms,
            "statuses": sorted(m.statuses),
        }
        for name, m in measures.items()
    }
    (OUTPUT / "results.json").write_text(
        json.dumps({"about": header, "results": results}, ensure_ascii=False, indent=2)
    )
