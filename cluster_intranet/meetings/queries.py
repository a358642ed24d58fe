"""Meetings read for the pages: the list, the home page's parts, one meeting's page."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from sqlalchemy import Select, and_, bindparam, func, literal, select, union_all
from sqlalchemy.orm import defer, joinedload, load_only, selectinload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..councils.models import Council, CouncilMember
from ..decisions.models import Decision, DecisionResponsible
from ..directory.models import Person
from ..extensions import db
from ..listing import where_chosen
from ..search import contains_text
from ..mail import INVITATION, REFUSED, OutgoingMessage
from .models import AgendaItem, Attendance, Meeting, MeetingStatus, ProtocolVersion


def meetings_query(
    council_id: int | None = None, year: int | None = None, status: str | None = None, text: str = ""
) -> Select:
    stmt = (
        select(Meeting)
        .where(Meeting.deleted_at.is_(None))
        .options(joinedload(Meeting.council))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    )
    stmt = where_chosen(stmt, {Meeting.council_id: council_id, Meeting.year: year, Meeting.status: status})
    if text.strip():
        stmt = stmt.where(contains_text(Meeting, text))
    return stmt


def council_choices() -> list[tuple[int, str]]:
    """(id, name) of every council, by name: the choice of a meeting's council, and of the
    council a list or a report is of. The councils stay in the session, so a route that
    then takes the one chosen (``db.session.get``) reads it without a query."""
    return [(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.name))]


def protocol_version(meeting_id: int, number: int) -> ProtocolVersion | None:
    """The protocol of a meeting as it was kept at its approval ``number``."""
    return db.session.scalar(
        select(ProtocolVersion).where(ProtocolVersion.meeting_id == meeting_id, ProtocolVersion.number == number)
    )


def deleted_meetings() -> list[Meeting]:
    """The deleted meetings with their councils, the last deleted first: the admin's list
    to restore from."""
    stmt = (
        select(Meeting)
        .where(Meeting.deleted_at.is_not(None))
        .options(selectinload(Meeting.council))
        .order_by(Meeting.deleted_at.desc())
    )
    return list(db.session.scalars(stmt))


def upcoming_meetings(today: date, limit: int = 5) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .where(Meeting.deleted_at.is_(None), Meeting.date >= today, Meeting.status != MeetingStatus.CANCELLED.value)
        .options(selectinload(Meeting.council))
        .order_by(Meeting.date, Meeting.start_time)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


PREPARE_DAYS = 14  # a meeting this close without an agenda is the secretary's next task
DRAFT_PROTOCOLS, WITHOUT_AGENDA = "draft", "no_agenda"


def meetings_to_prepare(today: date, limit: int = 5) -> dict[str, tuple[list[Meeting], int]]:
    """The secretary's work on the home page, in one statement: protocols not yet approved
    (a held meeting, a draft), the oldest first, and meetings of the next two weeks
    without an agenda, the nearest first; of each the first ``limit`` and the count.
    Each part is read through its own index (status; date): a scan of the meetings would
    read their long search texts."""
    live = Meeting.deleted_at.is_(None)
    # Found through the status index: SQLite, without statistics, would rather read every
    # live meeting through the list's index (deleted_at, date), so «not deleted» is written
    # as an expression no index answers.
    unapproved = and_(
        func.coalesce(Meeting.deleted_at, None).is_(None),
        Meeting.status.in_((MeetingStatus.HELD.value, MeetingStatus.DRAFT.value)),
    )
    no_agenda = ~select(AgendaItem.id).where(AgendaItem.meeting_id == Meeting.id).exists()
    soon = and_(
        live,
        Meeting.date.between(today, today + timedelta(days=PREPARE_DAYS)),
        Meeting.status == MeetingStatus.PLANNED.value,
        no_agenda,
    )

    def first(condition) -> Select:
        return select(Meeting.id).where(condition).order_by(Meeting.date, Meeting.id).limit(limit).subquery()

    def count(condition):
        return select(func.count(Meeting.id)).where(condition).scalar_subquery()

    drafts, bare = first(unapproved), first(soon)
    ids = union_all(
        select(drafts.c.id, literal(DRAFT_PROTOCOLS).label("kind")),
        select(bare.c.id, literal(WITHOUT_AGENDA).label("kind")),
    ).subquery()
    stmt = (
        select(Meeting, ids.c.kind, count(unapproved), count(soon))
        .join(ids, ids.c.id == Meeting.id)
        .options(
            load_only(Meeting.id, Meeting.council_id, Meeting.date, Meeting.start_time, Meeting.status),
            joinedload(Meeting.council).load_only(Council.id, Council.name),
        )
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    found: dict[str, list[Meeting]] = {DRAFT_PROTOCOLS: [], WITHOUT_AGENDA: []}
    totals = {DRAFT_PROTOCOLS: 0, WITHOUT_AGENDA: 0}
    for meeting, kind, totals[DRAFT_PROTOCOLS], totals[WITHOUT_AGENDA] in db.session.execute(stmt):
        found[kind].append(meeting)
    return {kind: (found[kind], totals[kind]) for kind in found}


def meeting_years() -> list[int]:
    return list(db.session.scalars(select(Meeting.year).distinct().order_by(Meeting.year.desc())))


@functools.cache
def _last_invitation_method():
    """Per attendance, the method of the last invitation that counts (not refused) mailed
    to its person, who still has an e-mail (invitations.services.due's rule): the ×'s
    question warns of a cancellation with no query of its own."""
    return (
        select(OutgoingMessage.details["method"].as_string())
        .join(Person, Person.id == OutgoingMessage.person_id)
        .where(OutgoingMessage.meeting_id == Attendance.meeting_id, OutgoingMessage.person_id == Attendance.person_id,
               OutgoingMessage.kind == INVITATION, OutgoingMessage.status != REFUSED, func.trim(Person.email) != "")
        .order_by(OutgoingMessage.id.desc())
        .limit(1)
        .correlate(Attendance)
        .scalar_subquery()
    )  # fmt: skip


@functools.cache
def _meeting_page_statements() -> tuple[Select, ...]:
    """Built once: SQLAlchemy keeps a statement's cache key on the statement. The page's
    collections are read by statements of their own rather than by selectinload, whose
    statements are built and keyed anew on every call (that keying was a fifth of the page)."""
    meeting_id = bindparam("meeting_id")
    return (
        # The approved versions (a few, if any) join the meeting's one row; the council's
        # members, a dozen or more, do not: each would repeat that row and its joined ones.
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted_at.is_(None))
        .options(
            defer(Meeting.search_text),  # the whole protocol's words, for the list's search only
            joinedload(Meeting.council),
            joinedload(Meeting.chair),
            joinedload(Meeting.secretary),
            joinedload(Meeting.approved_by).joinedload(User.person),
            joinedload(Meeting.versions).defer(ProtocolVersion.snapshot),  # the page lists them only
        ),
        select(CouncilMember)
        .where(CouncilMember.council_id == bindparam("council_id"))
        .order_by(CouncilMember.position),
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .options(with_expression(Attendance.invitation_method, _last_invitation_method()))
        .order_by(Attendance.mode, Attendance.position),
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position),
        select(Decision)
        .where(Decision.meeting_id == meeting_id)
        .options(
            joinedload(Decision.responsibles).joinedload(DecisionResponsible.person),
            joinedload(Decision.events),
        )
        .order_by(Decision.number),
    )


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with everything its page shows, in five queries whatever its size:
    the meeting with its one-to-one rows and approved versions joined, then the council's
    members, attendees, agenda, decisions (responsibles and history joined)."""
    meeting_stmt, members_stmt, *collections = _meeting_page_statements()
    params = {"meeting_id": meeting_id}
    meeting = db.session.scalars(meeting_stmt, params).unique().first()
    if meeting is None:
        return None
    members = db.session.scalars(members_stmt, {"council_id": meeting.council_id})
    set_committed_value(meeting.council, "members", list(members))
    for name, stmt in zip(("attendances", "agenda_items", "decisions"), collections):
        set_committed_value(meeting, name, list(db.session.scalars(stmt, params).unique()))
    return meeting


def next_number(council_id: int, year: int) -> int:
    """The next free protocol number of a council in a year."""
    last = db.session.scalar(
        select(func.max(Meeting.number)).where(Meeting.council_id == council_id, Meeting.year == year)
    )
    return (last or 0) + 1
