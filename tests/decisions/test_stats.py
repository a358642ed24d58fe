"""The control pages' aggregates are kept in the cache until the data under them
changes — and never a moment longer, whoever changes it and through whichever area."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from cluster_intranet.decisions import queries
from cluster_intranet.cache import cache
from cluster_intranet.decisions.models import Decision, DecisionResponsible
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings import services as meetings
from cluster_intranet.meetings.models import Meeting, MeetingStatus
from tests import factories
from tests.decisions import support


@pytest.fixture
def counted(world):
    support.decision(world.meeting, world.lead, deadline=date(2021, 11, 1))
    support.decision(world.meeting, world.co, deadline=date(2021, 12, 1), status="in_progress")
    db.session.commit()
    return world


def counts(client) -> dict[str, str]:
    page = client.get("/decisions/?status=all").get_data(as_text=True)
    return dict(re.findall(r'>\s*([А-Яа-я ]+?) <span class="badge[^"]*">(\d+)</span>', page))


def test_counts_are_computed_once_per_state_of_the_data(counted, secretary, count_queries):
    with count_queries() as first:
        secretary.get("/decisions/summary")
    with count_queries() as second:
        secretary.get("/decisions/summary")
    assert second.count == first.count - 2  # neither the counts nor the summary again


def test_a_status_change_shows_at_once(counted, signed_in, secretary):
    assert counts(secretary)["Открыто"] == "1"
    d = db.session.scalar(select(Decision).where(Decision.status == "open"))
    response = signed_in(counted.lead_user).post(
        f"/decisions/{d.id}/status", data=support.status_data(d, "in_progress")
    )
    assert response.status_code == 303
    assert counts(secretary)["Открыто"] == "0" and counts(secretary)["В работе"] == "2"


def test_protocol_edits_and_deleted_meetings_show_at_once(counted, secretary):
    assert counts(secretary)["Всего"] == "2"
    draft = support.meeting(counted.council, on=date(2021, 11, 15), status=MeetingStatus.DRAFT.value)
    meetings.save_decision(draft, None, {"text": "Новое поручение.", "deadline": date(2021, 12, 20)}, [counted.lead.id])
    db.session.commit()
    assert counts(secretary)["Всего"] == "3"
    meetings.soft_delete(db.session.get(Meeting, draft.id))
    db.session.commit()
    assert counts(secretary)["Всего"] == "2"


def test_a_renamed_person_is_renamed_in_the_summary(counted, secretary):
    assert "Пояркова О.Н." in secretary.get("/decisions/summary").get_data(as_text=True)
    db.session.get(Person, counted.lead.id).surname = "Пояркова-Иванова"
    db.session.commit()
    assert "Пояркова-Иванова О.Н." in secretary.get("/decisions/summary").get_data(as_text=True)


def test_uncommitted_changes_are_never_served_from_the_cache(counted):
    today = support.TODAY
    assert queries.status_counts(queries.Filters(today=today)).total == 2
    support.decision(counted.meeting, counted.lead)  # flushed, not committed
    assert queries.status_counts(queries.Filters(today=today)).total == 3


def aggregates() -> tuple:
    filters = queries.Filters(today=support.TODAY, status="all")
    return queries.status_counts(filters), queries.person_summary(filters)


@pytest.mark.parametrize(
    "change",
    [
        lambda d, world: setattr(d, "deadline", date(2022, 1, 10)),
        lambda d, world: setattr(d, "status", "done"),
        lambda d, world: setattr(d, "report_date", date(2021, 11, 19)),
        lambda d, world: d.responsibles.append(DecisionResponsible(person=world.other, position=1)),
        lambda d, world: db.session.delete(d.responsibles[0]),
        lambda d, world: setattr(d.responsibles[0], "person", world.other),
        lambda d, world: setattr(d, "meeting", support.meeting(world.council, on=date(2021, 11, 1))),
        lambda d, world: setattr(d.meeting, "deleted_at", support.NOW),
        lambda d, world: setattr(d.meeting, "council", factories.council()),
        lambda d, world: setattr(d.responsibles[0].person, "first_name", "Анна"),
        lambda d, world: db.session.delete(d),
    ],
)
def test_changes_under_the_aggregates_are_served_at_once(counted, change):
    aggregates()  # kept
    d = db.session.scalar(select(Decision).order_by(Decision.id))
    change(d, counted)
    db.session.commit()
    served = aggregates()
    cache.clear()
    assert served == aggregates()  # what nothing kept gives
