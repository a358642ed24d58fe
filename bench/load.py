"""Load test: ``make load`` (``python -m bench.load``).

What a run does
---------------
It builds one database — the benchmark's fillers (``bench/scenarios.py``, at their
small size by default: ``make bench`` measures how pages grow with the data, this
measures concurrency; ``--size large`` for both at once) plus the demo data, a draft meeting for the saves, one person per
connection to add to it, a calendar feed token — and serves it with gunicorn (4
workers, as in production) on 127.0.0.1. From a second process (``python -m
bench.load --generate``: threads with keep-alive ``http.client`` connections, all
signed in as a secretary) it then sends, for ``--seconds`` (60) or ``--max-requests``:

- page views: every full page of the benchmark's scenarios, the meetings list, the
  seed protocol and the draft meeting;
- HTMX saves: an attendee added to the draft meeting and removed again, as the
  meeting page does it (``HX-Request``, the CSRF token from the page);
- feeds: the calendar feed (by token) and the public media feed;
- documents: the seed protocol as .docx;
- the bare route ``/_bare``, 10% of the mix, as the yardstick measured under the same load.

Before, unmeasured, ``--warmup`` (5) seconds of the mix (templates compiled, caches
filled in every worker); then the bare route alone for ``--bare-seconds`` (10): the floor.
It prints requests per second, p50/p95/p99 per kind and the errors (any answer but
the expected one, and failed connections). Targets: no error; p95 of page views
under 10x the p95 of the bare route in the same mix (the bare route alone is printed
too). The exit status is 1 if one is missed.

    python -m bench.load                   # about a minute and a half (make load)
    python -m bench.load --size large      # 100,000 decisions: a few minutes more to build
    python -m bench.load --seconds 10
    python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

from .client import Session
from .harness import BENCH_EMAIL, OUTPUT, build_database, database_url, drop_schema, new_password, resolve_path
from .scenarios import DATASETS, SCENARIOS
from .server import ROOT, Server

WORKERS = 4  # as deploy/gunicorn.conf.py
THREADS = 4
MIX = {"page": 65, "save": 10, "feed": 10, "document": 5, "bare": 10}  # weights
KINDS = {"page": "page views", "save": "HTMX saves", "feed": "feeds", "document": "documents", "bare": "bare route"}
MAX_RATIO = 10  # p95 of page views / p95 of the bare route in the same mix
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
REMOVE_URL = re.compile(r"/meetings/attendees/(\d+)/delete")
FEED_TOKEN = re.compile(r"(/calendar/feed/)[^/]+")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --- the data ----------------------------------------------------------------------


def build(url: str, size: str, password: str, secret_key: str, connections: int, seed: int) -> dict:
    """The benchmark's data, the demo data and what the saves need; returns the paths' values."""
    from sqlalchemy import select

    from cluster_intranet import clock, create_app, demo
    from cluster_intranet.auth.services import find_user
    from cluster_intranet.calendar import services as calendar_services
    from cluster_intranet.councils.models import Council
    from cluster_intranet.directory.models import Person
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting, MeetingStatus
    from cluster_intranet.meetings.services import next_number

    values, _ = build_database(url, size, password, secret_key, random.Random(seed))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret_key})
    with app.app_context():
        demo.seed()
        seed_protocol = db.session.scalar(select(Meeting).where(Meeting.year == 2021, Meeting.number == 2))
        council = db.session.scalar(select(Council).order_by(Council.id))
        on = clock.local_today() + timedelta(days=30)
        draft = Meeting(
            council=council,
            number=next_number(council.id, on.year),
            year=on.year,
            date=on,
            place="пр. Кирова, 41",
            status=MeetingStatus.DRAFT.value,
        )
        # One person per connection: each adds and removes only its own, so no save is refused.
        people = [
            Person(surname=f"Нагрузочный{n}", first_name="Тест", patronymic="Тестович", position="инженер")
            for n in range(1, connections + 1)
        ]
        db.session.add_all([draft, *people])
        db.session.flush()
        values.update(
            seed_meeting_id=seed_protocol.id,
            draft_meeting_id=draft.id,
            people=[{"id": p.id, "name": p.short_name} for p in people],
            feed_token=calendar_services.issue_token(find_user(BENCH_EMAIL)),
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return values


def plan_paths(values: dict) -> dict[str, list[str]]:
    """The URLs of each kind of request."""
    quote = lambda path: urllib.parse.quote(path, safe="/?=&%:+,")  # noqa: E731
    pages = [
        resolve_path(s.path, values)
        for s in SCENARIOS
        if not s.headers and not s.path.startswith("/media/public/")  # fragments and public feeds are not page views
    ]
    pages += [
        quote(p)
        for p in ("/meetings/", f"/meetings/{values['seed_meeting_id']}", f"/meetings/{values['draft_meeting_id']}")
    ]
    return {
        "page": pages,
        "feed": [f"/calendar/feed/{values['feed_token']}/all.ics", "/media/public/events.atom"],
        "document": [f"/documents/meetings/{values['seed_meeting_id']}/protocol.docx"],
        "bare": ["/_bare"],
    }


# --- the generator (its own process) ------------------------------------------------


class Worker(threading.Thread):
    """One keep-alive connection sending the mix; records (kind, seconds) and errors."""

    def __init__(self, plan: dict, number: int, deadline: float, tickets, lock: threading.Lock):
        super().__init__(daemon=True)
        self.plan, self.deadline, self.tickets, self.lock = plan, deadline, tickets, lock
        self.rng = random.Random(number)
        self.person = plan["people"][number] if plan["people"] else None
        self.samples: list[tuple[str, str, float]] = []  # kind, path (ids as {id}), seconds
        self.errors: list[str] = []
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, kind: str, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> str | None:
        """The answer's body if it is the expected 200, else None (an error is recorded)."""
        headers = {"Cookie": self.plan["cookie"], **(headers or {})}
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.plan["port"], timeout=120
                )  # above gunicorn's 90 s
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"{kind} {method} {path}: {type(error).__name__}: {error}")
            if self.conn is not None:
                self.conn.close()
            self.conn = None  # reconnects on the next request
            return None
        seconds = time.perf_counter() - started
        self.samples.append((kind, FEED_TOKEN.sub(r"\1[token]", re.sub(r"/\d+", "/{id}", path)), seconds))
        if response.status != 200:
            self.errors.append(f"{kind} {method} {path}: HTTP {response.status} {content[:200]!r}")
            return None
        return content.decode("utf-8", "replace")

    def save(self) -> None:
        """Adds this connection's person to the draft meeting and removes them again."""
        headers = {**FORM, "HX-Request": "true", "X-CSRFToken": self.plan["csrf"]}
        meeting = self.plan["draft_meeting_id"]
        body = urllib.parse.urlencode({"person_id": self.person["id"], "mode": "in_person"})
        section = self.request("save", "POST", f"/meetings/{meeting}/attendees", body, headers)
        if section is None:
            return
        mine = [chunk for chunk in section.split("<li") if self.person["name"] in chunk]
        found = REMOVE_URL.search(mine[0]) if mine else None
        if found is None:
            self.errors.append(f"save: {self.person['name']} not in the attendees after adding")
            return
        self.request("save", "POST", f"/meetings/attendees/{found.group(1)}/delete", "", headers)

    def run(self) -> None:
        kinds = [kind for kind in self.plan["mix"] if kind in self.plan["paths"] or kind == "save"]
        weights = [self.plan["mix"][kind] for kind in kinds]
        while time.perf_counter() < self.deadline:
            with self.lock:
                if next(self.tickets, None) is None:
                    break
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "save":
                if self.person is not None:
                    self.save()
            else:
                self.request(kind, "GET", self.rng.choice(self.plan["paths"][kind]))
        if self.conn is not None:
            self.conn.close()


def generate(plan: dict) -> dict:
    """Runs the plan's mix on ``connections`` threads; the raw timings per kind and per path."""
    started = time.perf_counter()
    deadline = started + plan["seconds"]
    tickets, lock = iter(range(plan["max_requests"])), threading.Lock()
    workers = [Worker(plan, n, deadline, tickets, lock) for n in range(plan["connections"])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    timings: dict[str, list[float]] = {}
    paths: dict[str, list[float]] = {}
    for worker in workers:
        for kind, path, seconds in worker.samples:
            timings.setdefault(kind, []).append(seconds)
            paths.setdefault(f"{kind} {path}", []).append(seconds)
    return {"seconds": elapsed, "timings": timings, "paths": paths, "errors": [e for w in workers for e in w.errors]}


def run_generator(plan: dict) -> dict:
    """The generator in a second process, so that it does not share the interpreter with anything."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.load", "--generate"],
        cwd=ROOT,
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


# --- the report ----------------------------------------------------------------------


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        value = values[0] * 1000 if values else float("nan")
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def report(mixed: dict, alone: dict) -> tuple[list[str], bool]:
    rows = [("kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms")]

    def row(label: str, values: list[float], seconds: float) -> None:
        p50, p95, p99 = percentiles(values)
        rows.append((label, str(len(values)), f"{len(values) / seconds:.1f}", f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}"))

    timings = mixed["timings"]
    for kind, label in KINDS.items():
        if timings.get(kind):
            row(label + (" (in the mix)" if kind == "bare" else ""), timings[kind], mixed["seconds"])
    row("all", [t for values in timings.values() for t in values], mixed["seconds"])
    row("bare route alone (before)", alone["timings"].get("bare", []), alone["seconds"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))

    errors = mixed["errors"] + alone["errors"]
    page_p95 = percentiles(timings.get("page", []))[1]
    bare_p95 = percentiles(timings.get("bare", []))[1]
    alone_p95 = percentiles(alone["timings"].get("bare", []))[1]
    ratio = page_p95 / bare_p95 if bare_p95 else float("inf")
    ok_errors, ok_ratio = not errors, ratio < MAX_RATIO
    lines += [
        "",
        f"{'PASS' if ok_errors else 'FAIL'}  errors: {len(errors)} (target 0)",
        f"{'PASS' if ok_ratio else 'FAIL'}  p95 of page views {page_p95:.1f} ms = {ratio:.1f} x the bare route's p95 in the mix "
        f"({bare_p95:.1f} ms; target < {MAX_RATIO}x); the bare route alone: p95 {alone_p95:.1f} ms "
        f"({page_p95 / alone_p95 if alone_p95 else float('inf'):.1f}x)",
    ]
    slowest = sorted(mixed["paths"].items(), key=lambda item: percentiles(item[1])[1], reverse=True)[:5]
    lines += ["", "slowest requests (p95, count):"]
    lines += [f"  {percentiles(values)[1]:8.1f} ms  {len(values):5d}  {path}" for path, values in slowest]
    if errors:
        lines += ["", "first errors:", *[f"  {error}" for error in errors[:10]]]
    return lines, ok_errors and ok_ratio


# --- the run -------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    secret_key, password = secrets.token_urlsafe(32), new_password()
    with tempfile.TemporaryDirectory(prefix="load-", dir=OUTPUT) as workdir:
        workdir = Path(workdir)
        url = database_url(args.database_url, args.size, workdir)
        started = time.perf_counter()
        values = build(url, args.size, password, secret_key, args.connections, args.seed)
        built = time.perf_counter() - started
        try:
            with Server(
                url,
                secret_key=secret_key,
                instance_path=workdir / "instance",
                log_path=OUTPUT / "gunicorn-load.log",
                workers=args.workers,
                threads=THREADS,
            ) as server:
                session = Session(server.port)
                session.login(BENCH_EMAIL, password)
                page = session.get(f"/meetings/{values['draft_meeting_id']}")
                session.close()
                plan = {
                    "port": server.port,
                    "cookie": session.cookie_header,
                    "csrf": CSRF_HEADER.search(page.body).group(1),
                    "connections": args.connections,
                    "max_requests": args.max_requests,
                    "paths": plan_paths(values),
                    "people": values["people"],
                    "draft_meeting_id": values["draft_meeting_id"],
                }
                if args.warmup:
                    run_generator({**plan, "mix": MIX, "seconds": args.warmup})
                alone = run_generator({**plan, "mix": {"bare": 1}, "seconds": args.bare_seconds})
                mixed = run_generator({**plan, "mix": MIX, "seconds": args.seconds})
        finally:
            if args.database_url:
                drop_schema(url)
    sizes = ", ".join(f"{n} {what}" for d in DATASETS for what, n in getattr(d, args.size).items())
    database = "SQLite" if args.database_url is None else "PostgreSQL"
    header = [
        f"database: {database}; data: the demo data + the benchmark's ({args.size}: {sizes}), built in {built:.0f} s",
        f"server: gunicorn, {args.workers} workers x {THREADS} threads, 127.0.0.1; load: {args.connections} keep-alive "
        f"connections from a second process, {mixed['seconds']:.0f} s; mix: "
        + ", ".join(f"{KINDS[k]} {w}%" for k, w in MIX.items()),
        f"pages: {len(plan['paths']['page'])} different; a save is a POST adding an attendee or one removing it",
        "",
    ]
    lines, ok = report(mixed, alone)
    print("\n".join(header + lines))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="seconds of the mixed load (default %(default)s)")
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of the mix before measuring (default %(default)s)"
    )
    parser.add_argument(
        "--bare-seconds", type=float, default=10, help="seconds of the bare route alone before it (default %(default)s)"
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default %(default)s)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="stop after this many requests (default %(default)s)"
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers (default %(default)s)")
    parser.add_argument(
        "--size", choices=["large", "small"], default="small", help="the benchmark's data size (default %(default)s)"
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to fill (a schema of its own, dropped after); default: SQLite"
    )
    parser.add_argument("--seed", type=int, default=20211022)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)  # the second process: plan on stdin
    args = parser.parse_args(argv)
    if args.generate:
        json.dump(generate(json.load(sys.stdin)), sys.stdout)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
