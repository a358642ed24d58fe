"""Builders and helpers of the decisions tests (on the areas' builders: ``decision`` is
``cluster_intranet.decisions.builders.decision``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cluster_intranet.councils.models import Council
from cluster_intranet.decisions.builders import decision
from cluster_intranet.decisions.models import Decision
from cluster_intranet.directory.models import Person
from cluster_intranet.meetings import builders
from cluster_intranet.meetings.models import Meeting, MeetingStatus

__all__ = ["decision", "deadline_data", "done", "meeting", "status_data"]

# «Now» in most tests: 20 November 2021, 10:00 in Tomsk (03:00 UTC).
NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
TODAY = date(2021, 11, 20)


def meeting(council: Council | None = None, on: date = date(2021, 10, 22), **fields) -> Meeting:
    """An approved meeting: its decisions are under control."""
    return builders.meeting(council, on, **{"status": MeetingStatus.APPROVED.value, **fields})


def done(of: Meeting, *responsible: Person, report: str = "Сделано.", on: date = TODAY, **fields) -> Decision:
    """A decision done, with the report a done decision has: its text, and the day (``on``)."""
    return decision(of, *responsible, **{"status": "done", "report_text": report, "report_date": on, **fields})


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
