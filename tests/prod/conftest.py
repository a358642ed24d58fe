"""Fixtures of the production-readiness tests: a meeting being written by many."""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest

from cluster_intranet.meetings import builders
from cluster_intranet.meetings.models import Meeting, MeetingStatus


@pytest.fixture(scope="session")
def spawn():
    """Child processes started afresh, as gunicorn's workers are (no fork of the test's state)."""
    return multiprocessing.get_context("spawn")


def draft_meeting(council, number: int) -> Meeting:
    return builders.meeting(council, date(2027, 3, number), number=number, status=MeetingStatus.DRAFT.value)


def sqlite_app(path):
    """An app on a SQLite file of its own, migrated: for tests that need the file
    itself (locks held from outside, backups), away from the shared test database."""
    from flask_migrate import upgrade

    from cluster_intranet import create_app
    from tests.conftest import Client
    from tests.prod.workers import app_config

    app = create_app(app_config(f"sqlite:///{path}"))
    app.test_client_class = Client
    with app.app_context():
        upgrade()
    return app
