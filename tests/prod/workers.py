"""Bodies of the processes the concurrency and fault tests start (spawned: each
imports the app afresh and builds its own, as a gunicorn worker does)."""

from __future__ import annotations

import os
import signal
import traceback

from cluster_intranet import create_app
from cluster_intranet.extensions import db
from cluster_intranet.meetings import queries, services
from cluster_intranet.meetings.models import AttendanceMode
from tests.conftest import CSRF_META

# Seconds the writers wait for each other to be ready (imports are slow on a busy machine).
START_TIMEOUT = 180


def app_config(database_url: str) -> dict:
    """What tests/conftest.py's app is given, so that a child reads the same database."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "intranet.test",
        "RATELIMIT_ENABLED": False,
    }


def write_through_services(database_url, worker, meeting_ids, person_ids, start, results) -> None:
    """For each meeting: a decision and an attendee per round (every other one then
    moved to the online list), a commit per operation."""
    errors = []
    app = create_app(app_config(database_url))
    with app.app_context():
        start.wait(timeout=START_TIMEOUT)
        for round_, person_id in enumerate(person_ids):
            for meeting_id in meeting_ids:
                try:
                    meeting = queries.load_meeting(meeting_id)
                    services.save_decision(meeting, None, {"text": f"Решение {worker}-{round_}"}, [person_id])
                    db.session.commit()
                    meeting = queries.load_meeting(meeting_id)
                    attendance = services.add_attendee(meeting, person_id, AttendanceMode.IN_PERSON)
                    db.session.commit()
                    if round_ % 2:  # half of them join online: a new position at the end of that list
                        fields = {
                            "name": attendance.name,
                            "job_title": "",
                            "organization": "",
                            "mode": AttendanceMode.ONLINE,
                        }
                        services.update_attendee(attendance, fields)
                        db.session.commit()
                except Exception:  # reported to the test, which fails on any
                    db.session.rollback()
                    errors.append(traceback.format_exc())
        db.session.remove()
        db.engine.dispose()
    results.put((worker, errors))


def write_through_http(database_url, worker, meeting_ids, person_ids, start, results, email, password) -> None:
    """The same through the routes, as HTMX posts them, signed in as a secretary."""
    errors = []
    app = create_app(app_config(database_url))
    client = app.test_client()
    token = CSRF_META.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"email": email, "password": password}, headers={"X-CSRFToken": token})
    if answer.status_code != 303:
        errors.append(f"login: HTTP {answer.status_code}")
    headers = {"X-CSRFToken": token, "HX-Request": "true"}
    start.wait(timeout=START_TIMEOUT)
    for round_, person_id in enumerate(person_ids):
        for meeting_id in meeting_ids:
            for path, data in (
                (
                    f"/meetings/{meeting_id}/decisions",
                    {"text": f"Решение {worker}-{round_}", "responsible_ids": person_id},
                ),
                (f"/meetings/{meeting_id}/attendees", {"person_id": person_id, "mode": AttendanceMode.IN_PERSON.value}),
            ):
                response = client.post(path, data=data, headers=headers)
                if response.status_code != 200:
                    errors.append(f"POST {path}: HTTP {response.status_code}\n{response.get_data(as_text=True)[:2000]}")
    with app.app_context():
        db.engine.dispose()
    results.put((worker, errors))


def save_protocol_and_die(database_url, meeting_id, person_id, commit: bool) -> None:
    """Several writes of one protocol in one transaction, then the process dies
    at once (no cleanup, no rollback), before or after its commit."""
    app = create_app(app_config(database_url))
    with app.app_context():
        meeting = queries.load_meeting(meeting_id)
        services.save_agenda_item(meeting, None, {"text": "Вопрос, сохранённый перед сбоем"})
        services.save_decision(meeting, None, {"text": "Решение, сохранённое перед сбоем"}, [person_id])
        services.add_attendee(meeting, person_id, AttendanceMode.ONLINE)
        if commit:
            db.session.commit()
        # SIGKILL: no rollback, no closing of connections, no atexit handlers.
        os.kill(os.getpid(), signal.SIGKILL)


def write_until_stopped(database_url, meeting_id, ready, stop, results) -> None:
    """Commits an agenda item and a decision together, again and again, until told to
    stop: a copy holding whole transactions only has as many of one as of the other."""
    app = create_app(app_config(database_url))
    written = 0
    with app.app_context():
        while not stop.is_set():
            meeting = queries.load_meeting(meeting_id)
            services.save_agenda_item(meeting, None, {"text": f"Вопрос {written + 1}"})
            services.save_decision(meeting, None, {"text": f"Решение {written + 1}"}, [])
            db.session.commit()
            written += 1
            ready.set()
        db.engine.dispose()
    results.put(written)
