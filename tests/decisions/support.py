"""Builders and helpers of the decisions tests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime


from cluster_intranet.councils.models import Council
from cluster_intranet.decisions.models import Decision, DecisionResponsible
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting, MeetingStatus
from tests import factories

# «Now» in most tests: 20 November 2021, 10:00 in Tomsk (03:00 UTC).
NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
TODAY = date(2021, 11, 20)

_numbers = itertools.count(1)


def meeting(council: Council | None = None, on: date = date(2021, 10, 22), **fields) -> Meeting:
    council = council or factories.council()
    m = Meeting(
        **{
            "council": council,
            "number": next(_numbers),
            "year": on.year,
            "date": on,
            "status": MeetingStatus.APPROVED.value,
            **fields,
        }
    )
    db.session.add(m)
    db.session.flush()
    return m


def decision(m: Meeting, *people: Person, deadline: date | None = None, status: str = "open", **fields) -> Decision:
    d = Decision(
        meeting=m,
        number=len(m.decisions) + 1,
        text=fields.pop("text", f"Поручение {next(_numbers)}"),
        deadline=deadline,
        status=status,
        responsibles=[DecisionResponsible(person=p, position=i) for i, p in enumerate(people)],
        **fields,
    )
    db.session.add(d)
    db.session.flush()
    return d


def status_data(d: Decision, status: str, version: int | None = None, **fields) -> dict:
    """The form a row or the decision page posts (fields carry the decision's prefix)."""
    prefix = f"d{d.id}-"
    data = {prefix + "version": d.version if version is None else version, prefix + "status": status}
    data.update({prefix + name: value for name, value in fields.items()})
    return data


def deadline_data(d: Decision, deadline: str, reason: str, version: int | None = None) -> dict:
    prefix = f"m{d.id}-"
    return {
        prefix + "version": d.version if version is None else version,
        prefix + "deadline": deadline,
        prefix + "reason": reason,
    }
