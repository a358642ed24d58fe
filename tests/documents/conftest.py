"""Fixtures for the document tests (helpers live in support.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cluster_intranet.councils.models import Council
from cluster_intranet.decisions import builders
from cluster_intranet.decisions.models import Decision, DecisionResponsible
from cluster_intranet.demo import seed
from cluster_intranet.extensions import db
from cluster_intranet.meetings import builders as meetings
from cluster_intranet.meetings.models import Attendance, Meeting

from .support import seed_context_copy


@pytest.fixture
def demo_app(tmp_path):
    """An app for the demo contexts (no database is read): once, not per database backend."""
    from cluster_intranet import create_app

    app = create_app({"SECRET_KEY": "demo-contexts", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}"})
    with app.app_context():
        yield app


@pytest.fixture
def seed_context() -> dict:
    """A fresh copy of the seed protocol context (tests may change it)."""
    return seed_context_copy()


@pytest.fixture
def demo(app, ctx) -> Meeting:
    """The demo data; returns the seed protocol (Координационный совет, № 2 of 2021, approved)."""
    seed()
    db.session.commit()
    return db.session.scalar(select(Meeting).where(Meeting.number == 2, Meeting.year == 2021))


def make_meeting(council: Council, *, number: int, date: dt.date, decisions: int = 0, **fields) -> Meeting:
    """A draft meeting of ``council`` with ``decisions`` numbered decisions on one agenda item."""
    meeting = meetings.meeting(
        council, date, number=number, status="draft", agenda=["Единственный вопрос повестки"], **fields
    )
    for n in range(1, decisions + 1):
        builders.decision(meeting, text=f"Решение номер {n} «в кавычках».", agenda_item=meeting.agenda_items[0])
    return meeting


def add_responsible(decision: Decision, person, deadline: dt.date | None = None) -> None:
    decision.responsibles.append(DecisionResponsible(person=person, position=len(decision.responsibles)))
    decision.deadline = deadline


def add_attendee(meeting: Meeting, name: str, mode: str = "in_person") -> None:
    position = 1 + sum(1 for a in meeting.attendances if a.mode == mode)
    meeting.attendances.append(
        Attendance(mode=mode, position=position, name=name, job_title="директор", organization="ОГБПОУ «Колледж»")
    )
