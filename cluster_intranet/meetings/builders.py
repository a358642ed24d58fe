"""Builders of meetings for the demo seed and the tests: a meeting with its agenda and
attendees. Sensible defaults, keyword overrides; they flush (the ids exist), the caller
commits. The benchmark inserts its 10,000 meetings in bulk (bench/decisions.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from ..councils import builders as councils
from ..councils.models import Council
from ..directory.models import Person
from ..extensions import db
from .models import AgendaItem, Attendance, AttendanceMode, Meeting
from .services import snapshot

_numbers = itertools.count(1)


def meeting(
    council: Council | None = None,
    on: date = date(2021, 10, 22),
    *,
    agenda: Iterable[str] = (),
    attendees: Iterable[tuple[Person, AttendanceMode | str]] = (),
    **fields,
) -> Meeting:
    """A meeting of ``council`` (a new one by default) on the day ``on``, numbered after the
    builders' previous ones unless ``number`` is given; ``agenda``: the texts of its items,
    ``attendees``: (person, mode) in their order, written as the app writes an added attendee."""
    made = Meeting(
        **{"council": council or councils.council(), "number": next(_numbers), "year": on.year, "date": on, **fields}
    )
    made.agenda_items += [AgendaItem(position=n, text=text) for n, text in enumerate(agenda, start=1)]
    made.attendances += [
        Attendance(person=person, mode=AttendanceMode(mode).value, position=n, **snapshot(person))
        for n, (person, mode) in enumerate(attendees, start=1)
    ]
    db.session.add(made)
    db.session.flush()
    return made
