"""Eight processes write the same protocols at once: every write lands, decision
numbers and attendee positions stay unique and gap-free, no "database is locked"
reaches a user. Runs on SQLite (WAL, busy timeout) and, with TEST_DATABASE_URL,
on PostgreSQL."""

from __future__ import annotations

import queue
import sqlite3
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from cluster_intranet import database
from cluster_intranet.auth.roles import Role
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Attendance, AttendanceMode, Meeting
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.prod import workers
from tests.prod.conftest import draft_meeting, sqlite_app

PROCESSES = 8  # half through the services, half through the routes
ROUNDS = 2  # per process and meeting: a decision and an attendee each
MEETINGS = 2


@pytest.mark.slow
def test_eight_processes_write_the_same_protocols(app, database_url, spawn, ctx):
    council = factories.council()
    meetings = [draft_meeting(council, n) for n in range(1, MEETINGS + 1)]
    people = [[factories.person().id for _ in range(ROUNDS)] for _ in range(PROCESSES)]
    emails = [make_user(Role.SECRETARY, f"secretary{n}@cluster.test").email for n in range(PROCESSES)]
    meeting_ids = [m.id for m in meetings]
    db.session.commit()

    start, results = spawn.Barrier(PROCESSES), spawn.Queue()
    processes = []
    for n in range(PROCESSES):
        if n % 2:
            target, extra = workers.write_through_http, (emails[n], PASSWORD)
        else:
            target, extra = workers.write_through_services, ()
        args = (database_url, n, meeting_ids, people[n], start, results, *extra)
        processes.append(spawn.Process(target=target, args=args))
    for process in processes:
        process.start()
    reports = collect(results, processes)
    assert sorted(reports) == list(range(PROCESSES)), "a writer died without reporting"

    errors = [error for n in sorted(reports) for error in reports[n]]
    assert not errors, "\n".join(errors[:3])
    db.session.expire_all()
    expected_texts = {f"Решение {n}-{r}" for n in range(PROCESSES) for r in range(ROUNDS)}
    for meeting_id in meeting_ids:
        decisions = db.session.scalars(select(Decision).where(Decision.meeting_id == meeting_id)).all()
        assert {d.text for d in decisions} == expected_texts  # every write landed, once
        assert sorted(d.number for d in decisions) == list(range(1, len(expected_texts) + 1))
        attendances = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()
        assert sorted(a.person_id for a in attendances) == sorted(p for ids in people for p in ids)
        in_person = [a.position for a in attendances if a.mode == AttendanceMode.IN_PERSON]
        online = sorted(a.position for a in attendances if a.mode == AttendanceMode.ONLINE)
        assert len(set(in_person)) == len(in_person)  # gaps where people moved online, no twins
        assert online == list(range(1, len(online) + 1))
        # Each writer saw the others' decisions: the meeting's search text has them all.
        search_text = db.session.get(Meeting, meeting_id).search_text
        assert all(text.casefold() in search_text for text in expected_texts)


def collect(results, processes, timeout: float = 300) -> dict:
    """Each writer's report (worker number -> errors) until all are in, all processes
    have ended, or the time is up; then no process is left behind."""
    reports = {}
    deadline = time.monotonic() + timeout
    while len(reports) < len(processes) and time.monotonic() < deadline:
        try:
            worker, errors = results.get(timeout=1)
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                break
        else:
            reports[worker] = errors
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    return reports


@pytest.fixture
def locked_sqlite(tmp_path, monkeypatch):
    """An app on a SQLite file of its own with a short busy timeout, and a way to
    hold that file's write lock from outside, as a long write would."""
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "locked.sqlite"
    app = sqlite_app(path)
    with app.app_context():
        council = factories.council()
        meeting_id = draft_meeting(council, 1).id
        make_user(Role.SECRETARY)
    outside = sqlite3.connect(path, isolation_level=None)
    yield app, meeting_id, outside
    outside.close()
    with app.app_context():
        db.engine.dispose()


def test_a_write_lock_held_too_long_gives_503_not_database_is_locked(locked_sqlite):
    app, meeting_id, outside = locked_sqlite
    client = app.test_client()
    assert client.login(f"{Role.SECRETARY.value}@cluster.test").status_code == 303
    add = f"/meetings/{meeting_id}/decisions"

    outside.execute("BEGIN IMMEDIATE")
    # Readers are not blocked (WAL) ...
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    # ... a writer waits for the busy timeout, then gets a page that says to retry.
    page = client.post(add, data={"text": "Решение"})
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "Повторите" in body and "locked" not in body
    assert page.headers["Retry-After"]
    fragment = client.post(add, data={"text": "Решение"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 503 and "Повторите" in fragment.get_data(as_text=True)
    outside.execute("ROLLBACK")

    assert client.post(add, data={"text": "Решение"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(sa.func.count(Decision.id))) == 1
