"""Filler for the protocols: attendees and agenda items of the meetings the decisions
filler made (10,000 meetings, 100,000 decisions), so the meetings list and a
meeting page are measured at the issue's sizes."""

from __future__ import annotations

import random

from collections import defaultdict

from sqlalchemy import bindparam, func, select, update

from cluster_intranet.decisions.models import Decision
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import AgendaItem, Attendance, AttendanceMode, Meeting

from .data import bulk_insert, ids_of

MODES = [AttendanceMode.IN_PERSON.value] * 3 + [AttendanceMode.ONLINE.value, AttendanceMode.INVITED.value]


def fill_meetings(counts: dict[str, int], rng: random.Random) -> dict:
    meetings = ids_of(Meeting)
    people = db.session.execute(select(Person.id, Person.surname, Person.position)).all()
    per_meeting = max(counts["attendances"] // len(meetings), 1)
    attendances, items = [], []
    for meeting_id in meetings:
        for position, person in enumerate(rng.sample(people, per_meeting), start=1):
            attendances.append(
                dict(
                    meeting_id=meeting_id,
                    person_id=person.id,
                    mode=rng.choice(MODES),
                    position=position,
                    name=f"{person.surname} И.И.",
                    job_title=person.position,
                    organization="ОГБПОУ «Колледж»",
                )
            )
        items += [dict(meeting_id=meeting_id, position=n, text=f"Вопрос {n} повестки") for n in (1, 2, 3)]
    bulk_insert(Attendance, attendances)
    bulk_insert(AgendaItem, items)
    _refresh_search_text()
    # The page measured: a meeting with as many decisions as any.
    busiest = db.session.execute(
        select(Decision.meeting_id).group_by(Decision.meeting_id).order_by(func.count().desc()).limit(1)
    ).scalar()
    return {"meeting_id": busiest}


def _refresh_search_text() -> None:
    """The meetings' search text as the app keeps it (agenda and decisions included):
    the rows were inserted before their agenda and decisions, so searches found nothing."""
    agenda, decisions = defaultdict(list), defaultdict(list)
    for meeting_id, text in db.session.execute(
        select(AgendaItem.meeting_id, AgendaItem.text).order_by(AgendaItem.position)
    ):
        agenda[meeting_id].append(AgendaItem(text=text))
    for meeting_id, text in db.session.execute(select(Decision.meeting_id, Decision.text).order_by(Decision.number)):
        decisions[meeting_id].append(Decision(text=text))
    rows = []
    for meeting in db.session.execute(select(Meeting.id, Meeting.number, Meeting.place, Meeting.city)):
        entry = Meeting(
            number=meeting.number,
            place=meeting.place,
            city=meeting.city,
            agenda_items=agenda[meeting.id],
            decisions=decisions[meeting.id],
        )  # transient
        entry.refresh_search_text()
        rows.append({"meeting_id": meeting.id, "search_text": entry.search_text})
    statement = update(Meeting.__table__).where(Meeting.__table__.c.id == bindparam("meeting_id"))
    db.session.execute(statement.values(search_text=bindparam("search_text")), rows)
