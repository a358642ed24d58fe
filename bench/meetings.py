"""Filler for the protocols: attendees and agenda items of the meetings the decisions
filler made (10,000 meetings, 100,000 decisions), so the meetings list and a
meeting page are measured at the issue's sizes."""
from __future__ import annotations

import random

from sqlalchemy import func, select

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
            attendances.append(dict(
                meeting_id=meeting_id, person_id=person.id, mode=rng.choice(MODES), position=position,
                name=f"{person.surname} И.И.", job_title=person.position, organization="ОГБПОУ «Колледж»",
            ))
        items += [dict(meeting_id=meeting_id, position=n, text=f"Вопрос {n} повестки") for n in (1, 2, 3)]
    bulk_insert(Attendance, attendances)
    bulk_insert(AgendaItem, items)
    # The page measured: a meeting with as many decisions as any.
    busiest = db.session.execute(
        select(Decision.meeting_id).group_by(Decision.meeting_id).order_by(func.count().desc()).limit(1)
    ).scalar()
    return {"meeting_id": busiest}
