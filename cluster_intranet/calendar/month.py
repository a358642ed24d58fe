"""The month calendar of /media/calendar: the media plan's events, the councils' meetings
and the decisions' deadlines of one month, by week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..decisions.models import Decision, DecisionResponsible, DecisionStatus
from ..extensions import db
from ..media.models import EventStatus, MediaEvent
from ..media.services import EventFilters, month_bounds
from ..meetings.models import Meeting

S = EventStatus


@dataclass
class CalendarEntry:
    kind: str  # "media", "meeting" or "deadline"
    id: int
    title: str
    starts_on: date
    ends_on: date
    start_time: time | None
    status: str
    status_label: str
    endpoint: str | None  # the page it links to, with ``values``
    values: dict = field(default_factory=dict)
    end_time: time | None = None
    postponed_from: date | None = None  # a media event moved: «перенесено с …»

    def on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def calendar_entries(month_start: date, month_end: date, filters: EventFilters | None = None) -> list[CalendarEntry]:
    """Media events, council meetings and decision deadlines that touch the given days, in
    order; with ``filters`` (channel, organizer, status) only the media events they match."""
    media = select(MediaEvent).where(MediaEvent.starts_on <= month_end, MediaEvent.ends_on >= month_start)
    if filters is not None:
        media = filters.apply(media)
    entries = [
        CalendarEntry(
            "media",
            e.id,
            e.title,
            e.starts_on,
            e.ends_on,
            e.start_time,
            e.status,
            e.status_label,
            "media.event",
            {"event_id": e.id},
            e.end_time,
            e.postponed_from,
        )  # fmt: skip
        for e in db.session.scalars(media)
    ]
    if filters is None or not filters.active:  # meetings and deadlines have no channel, organizer or media status
        entries += _meeting_entries(month_start, month_end)
        entries += _deadline_entries(month_start, month_end)
    return sorted(entries, key=lambda e: (e.starts_on, e.start_time or time.min, e.kind, e.id))


def _meeting_entries(month_start: date, month_end: date) -> list[CalendarEntry]:
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.date >= month_start, Meeting.date <= month_end, Meeting.deleted_at.is_(None))
        .options(selectinload(Meeting.council))
    )
    return [
        CalendarEntry(
            "meeting",
            m.id,
            f"Заседание {m.council.name_genitive}",
            m.date,
            m.date,
            m.start_time,
            m.status,
            m.status_enum.label,
            "meetings.show",
            {"meeting_id": m.id},
        )  # fmt: skip
        for m in meetings
    ]


def _deadline_entries(month_start: date, month_end: date) -> list[CalendarEntry]:
    """Decision deadlines of meetings not deleted, one day each (the calendar area's colour)."""
    decisions = db.session.scalars(
        select(Decision)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.deadline >= month_start, Decision.deadline <= month_end, Meeting.deleted_at.is_(None))
        .options(selectinload(Decision.responsibles).selectinload(DecisionResponsible.person))
    )
    entries = []
    for d in decisions:
        names = ", ".join(p.short_name for p in d.responsible_people)
        entries.append(CalendarEntry(
            "deadline", d.id, f"Срок: {d.text}" + (f" — {names}" if names else ""), d.deadline, d.deadline, None,
            d.status, DecisionStatus(d.status).label, "decisions.show", {"decision_id": d.id},
        ))  # fmt: skip
    return entries


def month_weeks(month_start: date) -> list[list[date]]:
    """The weeks (Monday first) that show a month, with days of the months around it."""
    first, last = month_bounds(month_start)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [days[i : i + 7] for i in range(0, len(days), 7)]
