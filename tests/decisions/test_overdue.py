"""Overdue is counted in the cluster's time zone (Asia/Tomsk, UTC+7), not the server's:
a deadline of 1 December is not missed until midnight in Tomsk."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cluster_intranet import clock
from cluster_intranet.decisions import queries
from cluster_intranet.extensions import db
from tests.decisions import support

DEADLINE = date(2021, 12, 1)
# 23:59:59 on 1 December in Tomsk, then midnight of 2 December there.
BEFORE_MIDNIGHT = datetime(2021, 12, 1, 16, 59, 59, tzinfo=UTC)
MIDNIGHT = datetime(2021, 12, 1, 17, 0, 0, tzinfo=UTC)


@pytest.fixture
def deadline_today(world):
    d = support.decision(world.meeting, world.lead, deadline=DEADLINE, status="in_progress")
    support.decision(world.meeting, world.lead, deadline=date(2021, 12, 8), status="open")  # a week after
    db.session.commit()
    return d


def at(monkeypatch, moment: datetime):
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def test_not_overdue_until_midnight_in_tomsk(world, deadline_today, monkeypatch):
    at(monkeypatch, BEFORE_MIDNIGHT)
    today = clock.local_today()
    assert today == DEADLINE  # though in UTC (and in Moscow) it is still the afternoon
    assert deadline_today.overdue_days(today) == 0
    assert queries.status_counts(queries.Filters(today=today)).overdue == 0
    groups = queries.my_assignments(world.lead.id, today)
    assert groups["soon"][0] == deadline_today.id and groups["overdue"] == []


def test_overdue_by_one_day_from_midnight_in_tomsk(world, deadline_today, monkeypatch):
    at(monkeypatch, MIDNIGHT)
    today = clock.local_today()
    assert today == date(2021, 12, 2)
    assert deadline_today.overdue_days(today) == 1
    counts = queries.status_counts(queries.Filters(today=today))
    assert counts.overdue == 1 and counts.overdue_by_status == {"open": 0, "in_progress": 1}
    groups = queries.my_assignments(world.lead.id, today)
    assert groups["overdue"] == [deadline_today.id]


def test_the_pages_follow_the_clock(world, deadline_today, monkeypatch, signed_in):
    client = signed_in(world.lead_user)
    at(monkeypatch, BEFORE_MIDNIGHT)
    page = client.get("/decisions/my").get_data(as_text=True)
    assert "просрочено на" not in page
    at(monkeypatch, MIDNIGHT)
    page = client.get("/decisions/my").get_data(as_text=True)
    assert "просрочено на 1 день" in page
    at(monkeypatch, datetime(2021, 12, 6, 17, 0, tzinfo=UTC))  # 7 December in Tomsk
    listing = client.get("/decisions/?overdue=1").get_data(as_text=True)
    assert "просрочено на 6 дней" in listing


def test_done_and_cancelled_are_never_overdue(world, monkeypatch):
    at(monkeypatch, MIDNIGHT)
    done = support.done(world.meeting, world.lead, deadline=DEADLINE, report="x", on=date(2021, 12, 2))
    cancelled = support.decision(world.meeting, world.lead, deadline=DEADLINE, status="cancelled")
    today = clock.local_today()
    assert done.overdue_days(today) == cancelled.overdue_days(today) == 0
    assert done.done_late_days == 1
    assert queries.status_counts(queries.Filters(today=today)).overdue == 0
