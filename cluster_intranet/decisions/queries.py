"""Decisions read for the pages: one decision with its history, «Мои поручения» (the
ids by group, then the rows shown), the rows of any list, and the control list — its
filters and sorting, one page of it, the counts per status and the per-person summary
(those two kept in the cache until the decisions change, cache.py), the home page's counts
and latest overdue decisions (kept alike). Nothing here changes data: the changes are in
``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import ClassVar

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import BindParameter, Select, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from .. import changes, clock
from ..auth.models import User
from ..cache import remembered, remembered_together
from ..councils.models import Council
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting
from ..text import short_name
from .models import (
    ACTIVE_STATUSES,
    Decision,
    DecisionEvent,
    DecisionEventKind,
    DecisionResponsible,
    DecisionStatus,
)
from .services import CANCELLED, DONE

DUE_SOON_DAYS = 7


# Loading -------------------------------------------------------------------------------


def _visible() -> Select:
    """Decisions of meetings that are not deleted, with their meeting and council joined."""
    return select(Decision).join(Decision.meeting).where(Meeting.deleted_at.is_(None))


def _row_options():
    return (
        joinedload(Decision.meeting).joinedload(Meeting.council),
        selectinload(Decision.responsibles).joinedload(DecisionResponsible.person),
    )


def _list_options():
    """What a row of a list shows, and only that: on a page of many rows every column
    read (the long texts, the timestamps converted to aware datetimes) adds up. The
    responsible people joined too: for a page of rows (1–3 people each) one query costs
    less than a second round (selectinload), and the ORM's work is most of a page's."""
    return (
        load_only(
            Decision.id,
            Decision.meeting_id,
            Decision.number,
            Decision.label,
            Decision.text,
            Decision.deadline,
            Decision.term,
            Decision.status,
            Decision.report_text,
            Decision.report_date,
            Decision.report_link,
            Decision.version,
        ),
        joinedload(Decision.meeting)
        .load_only(Meeting.id, Meeting.council_id, Meeting.number, Meeting.date)
        .joinedload(Meeting.council)
        .load_only(Council.id, Council.name),
        joinedload(Decision.responsibles)
        .load_only(DecisionResponsible.decision_id, DecisionResponsible.person_id, DecisionResponsible.position)
        .joinedload(DecisionResponsible.person)
        .load_only(Person.id, Person.surname, Person.first_name, Person.patronymic),
    )


def _not_deleted():
    """Decisions of meetings that are not deleted (few are: a short list, no join)."""
    return Decision.meeting_id.not_in(select(Meeting.id).where(Meeting.deleted_at.is_not(None)))


def load_decision(decision_id: int) -> Decision | None:
    """A decision with everything its page shows."""
    stmt = (
        _visible()
        .where(Decision.id == decision_id)
        .options(
            *_row_options(),
            joinedload(Decision.agenda_item),
            selectinload(Decision.events).joinedload(DecisionEvent.user).joinedload(User.person),
        )
    )
    return db.session.scalar(stmt)


def council_choices() -> list:
    """(id, name) of the councils, for the filter."""
    return db.session.execute(select(Council.id, Council.name).order_by(Council.name)).all()


def chosen_meeting(meeting_id: int | None, rows: list[Decision]) -> Meeting | None:
    """The meeting a list is filtered by, for the filter form to name: read from the
    list's rows when they hold it (they are all of it), to spare a query."""
    if not meeting_id:
        return None
    return next((d.meeting for d in rows), None) or db.session.get(Meeting, meeting_id)


def chosen_person(person_id: int | None, rows: list[Decision]) -> Person | None:
    """The responsible person a list is filtered by, for the filter form to name: read
    from the list's rows when they hold them, to spare a query."""
    if not person_id:
        return None
    people = (r.person for d in rows for r in d.responsibles if r.person_id == person_id)
    return next(people, None) or db.session.get(Person, person_id)


def original_deadlines(decision_ids: list[int]) -> dict[int, date | None]:
    """The deadline before the first move, for the decisions whose deadline was moved."""
    found: dict[int, date | None] = {}
    for start in range(0, len(decision_ids), 5000):
        chunk = decision_ids[start : start + 5000]
        first_moves = (
            select(func.min(DecisionEvent.id))
            .where(DecisionEvent.kind == DecisionEventKind.DEADLINE.value, DecisionEvent.decision_id.in_(chunk))
            .group_by(DecisionEvent.decision_id)
        )
        rows = db.session.execute(
            select(DecisionEvent.decision_id, DecisionEvent.old_deadline).where(DecisionEvent.id.in_(first_moves))
        )
        found.update({decision_id: deadline for decision_id, deadline in rows})
    return found


def overdue_condition(today: date, status=Decision.status):
    return and_(status.in_(ACTIVE_STATUSES), Decision.deadline < today)


def responsible_condition(person_id: int | BindParameter[int]):
    """Decisions on ``person_id``, as lead or co-executor."""
    return Decision.id.in_(select(DecisionResponsible.decision_id).where(DecisionResponsible.person_id == person_id))


MY_GROUPS = ("overdue", "soon", "later", "undated")


def my_group(deadline: date | None, today: date) -> str:
    """Which group of «Мои поручения» an unfinished decision falls in."""
    if deadline is None:
        return "undated"
    if deadline < today:
        return "overdue"
    return "soon" if deadline <= today + timedelta(days=DUE_SOON_DAYS) else "later"


def my_assignments(person_id: int, today: date) -> dict[str, list[int]]:
    """The ids of a person's unfinished assignments (as lead or co-executor), grouped:
    overdue, due within a week, later, without a deadline; each by deadline, meeting, number.

    Ids and deadlines only: the page counts every group but shows only some of their
    rows (decision_rows), and building the ORM objects of the rest would cost more than
    the query."""
    groups: dict[str, list[int]] = {group: [] for group in MY_GROUPS}
    for decision_id, deadline in db.session.execute(_my_statement(), {"person_id": person_id}):
        groups[my_group(deadline, today)].append(decision_id)
    return groups


def decision_rows(ids: list[int]) -> list[Decision]:
    """The decisions ``ids`` with what a row of a list shows, in that order."""
    if not ids:
        return []
    rows = db.session.scalars(_rows_statement(), {"ids": ids}).unique()
    by_id = {decision.id: decision for decision in rows}
    return [by_id[i] for i in ids if i in by_id]


# The statements of the two above, built once with parameters: building a statement with
# its loader options, and its cache key, cost more than running it (a statement keeps its
# cache key; SQLAlchemy statements are immutable, safe to share between threads).


@cache
def _my_statement() -> Select:
    return (
        select(Decision.id, Decision.deadline)
        .where(_not_deleted(), Decision.status.in_(ACTIVE_STATUSES), responsible_condition(bindparam("person_id")))
        .order_by(Decision.deadline, Decision.meeting_id, Decision.number)
    )


@cache
def _rows_statement() -> Select:
    return select(Decision).where(Decision.id.in_(bindparam("ids", expanding=True))).options(*_list_options())


# The control list: filters, counts, per-person summary ----------------------------------

SORTS = {
    "deadline": lambda: (Decision.deadline.asc().nulls_last(), Decision.id),
    "-deadline": lambda: (Decision.deadline.desc().nulls_last(), Decision.id.desc()),
    "meeting": lambda: (Meeting.date.desc(), Meeting.id.desc(), Decision.number),
    "-meeting": lambda: (Meeting.date, Meeting.id, Decision.number),
}
ACTIVE = "active"  # a status filter meaning «open or in progress»


@dataclass
class Filters:
    council_id: int | None = None
    meeting_id: int | None = None
    person_id: int | None = None
    status: str | None = None  # a DecisionStatus value or ACTIVE
    overdue: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    sort: str = "deadline"
    today: date = field(default_factory=lambda: clock.local_today())

    def conditions(self, with_status: bool = True, for_page: bool = False) -> list:
        """WHERE conditions on ``decisions`` alone (no join: the counts over many
        decisions read one index); without the status ones for the counts per status.

        ``for_page``: for one page in the list's order. A status or a council keeps a large
        share of the decisions, so reading the index of the sort order and skipping the
        others finds a page at once, while collecting their rows and sorting them grows
        with the data. Without statistics (SQLite before ANALYZE) the planner takes any
        index a condition offers, so these are compared as expressions no index matches.
        The meeting and the person filters stay indexed: they keep few decisions.
        """
        status = Decision.status.concat("") if for_page else Decision.status
        meeting_id = Decision.meeting_id + 0 if for_page else Decision.meeting_id
        found = [_not_deleted()]
        if self.council_id:
            found.append(meeting_id.in_(select(Meeting.id).where(Meeting.council_id == self.council_id)))
        if self.meeting_id:
            found.append(Decision.meeting_id == self.meeting_id)
        if self.person_id:
            found.append(responsible_condition(self.person_id))
        if self.deadline_from:
            found.append(Decision.deadline >= self.deadline_from)
        if self.deadline_to:
            found.append(Decision.deadline <= self.deadline_to)
        if with_status:
            if self.status == ACTIVE:
                found.append(status.in_(ACTIVE_STATUSES))
            elif self.status:
                found.append(status == self.status)
            if self.overdue:
                found.append(overdue_condition(self.today, status))
        return found


def _ordered(stmt: Select, filters: Filters) -> Select:
    """``stmt`` (on decisions) filtered and sorted as ``filters`` say."""
    stmt = stmt.where(*filters.conditions(for_page=True))
    if filters.sort in ("meeting", "-meeting"):
        stmt = stmt.join(Decision.meeting)
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["deadline"])())


def control_query(filters: Filters) -> Select:
    """The filtered, sorted decisions with what a row shows (every one: the downloads)."""
    stmt = _ordered(select(Decision), filters)
    if filters.sort in ("meeting", "-meeting"):
        stmt = stmt.options(contains_eager(Decision.meeting).joinedload(Meeting.council))
    else:
        stmt = stmt.options(joinedload(Decision.meeting).joinedload(Meeting.council))
    return stmt.options(selectinload(Decision.responsibles).joinedload(DecisionResponsible.person))


def control_page(filters: Filters, page: int, per_page: int) -> list[Decision]:
    """One page of the filtered list: the page's ids first, read from the indexes alone
    (the planner then reads them in order and stops at the page), then those rows with
    what a row shows."""
    ids = list(db.session.scalars(_ordered(select(Decision.id), filters).limit(per_page).offset((page - 1) * per_page)))
    return decision_rows(ids)


class ControlPagination(Pagination):
    """A page of the control list for templates/_pagination.html; the total comes from
    the counts per status, so no count query."""

    def _query_items(self) -> list[Decision]:
        return control_page(self._query_args["filters"], self.page, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass
class StatusCounts:
    by_status: dict[str, int]  # every status, 0 if none
    overdue_by_status: dict[str, int]  # the unfinished statuses

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_status.values())

    @property
    def active(self) -> int:
        return sum(self.by_status[s] for s in ACTIVE_STATUSES)

    def matching(self, filters: Filters) -> int:
        """How many decisions the status filters leave: the list's total, without a count query."""
        if filters.overdue:
            if filters.status in (None, "", ACTIVE):
                return self.overdue
            return self.overdue_by_status.get(filters.status, 0)
        if filters.status == ACTIVE:
            return self.active
        if filters.status:
            return self.by_status.get(filters.status, 0)
        return self.total


def status_counts(filters: Filters) -> StatusCounts:
    """Decisions per status and the overdue ones among them, in one GROUP BY query,
    for the filters other than the status (so each status shows its count); kept until
    the decisions change (cache.py: counting 100,000 decisions takes tens of milliseconds)."""
    area, inputs, build = _status_counts_entry(filters)
    return remembered(area, inputs, {changes.DEADLINES}, build)


def _status_counts_entry(filters: Filters) -> tuple[str, tuple, Callable[[], StatusCounts]]:
    """The cache's area, inputs and build of the counts for ``filters``: one entry, whichever page reads it."""
    inputs = (
        filters.council_id,
        filters.meeting_id,
        filters.person_id,
        filters.deadline_from,
        filters.deadline_to,
        filters.today,
    )
    return "decisions.status_counts", inputs, lambda: _status_counts(filters)


def _status_counts(filters: Filters) -> StatusCounts:
    overdue = func.sum(case((Decision.deadline < filters.today, 1), else_=0))
    rows = db.session.execute(
        select(Decision.status, func.count(), overdue)
        .where(*filters.conditions(with_status=False))
        .group_by(Decision.status)
    ).all()
    by_status = {status.value: 0 for status in DecisionStatus}
    overdue_by_status = {status: 0 for status in ACTIVE_STATUSES}
    for status, count, late in rows:
        by_status[status] = count
        if status in ACTIVE_STATUSES:
            overdue_by_status[status] = late or 0
    return StatusCounts(by_status, overdue_by_status)


@dataclass
class PersonSummary:
    person_id: int
    name: str
    assigned: int  # not cancelled
    done_on_time: int
    done_late: int
    overdue: int
    in_work: int  # unfinished and not overdue


def person_summary(filters: Filters, limit: int = 30) -> tuple[list[PersonSummary], int]:
    """Per responsible person over the filtered decisions: how many assigned, done on
    time, done late, overdue. The people with the most overdue first; returns the
    first ``limit`` and how many people there are in all. Kept until the data changes."""
    key = (astuple(replace(filters, sort="")), limit)
    return remembered("decisions.person_summary", key, {changes.DEADLINES}, lambda: _person_summary(filters, limit))


def _person_summary(filters: Filters, limit: int) -> tuple[list[PersonSummary], int]:
    # Spelled out for NULLs: a decision without a deadline is never late nor overdue.
    done = Decision.status == DONE.value
    late = and_(done, Decision.deadline.is_not(None), Decision.report_date > Decision.deadline)
    on_time = and_(
        done,
        or_(Decision.deadline.is_(None), Decision.report_date.is_(None), Decision.report_date <= Decision.deadline),
    )
    overdue = overdue_condition(filters.today)
    in_time = and_(
        Decision.status.in_(ACTIVE_STATUSES), or_(Decision.deadline.is_(None), Decision.deadline >= filters.today)
    )

    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    # Grouped by an expression no index matches: else SQLite walks the person index and
    # reads each decision out of order (1.6 s for 100,000 decisions); so it reads the
    # responsibles in decision order with the decisions beside them (0.25 s). PostgreSQL
    # hashes either way (0.15–0.2 s).
    person_id = (DecisionResponsible.person_id + 0).label("person_id")
    per_person = (
        select(
            person_id,
            count_if(Decision.status != CANCELLED.value).label("assigned"),
            count_if(on_time).label("done_on_time"),
            count_if(late).label("done_late"),
            count_if(overdue).label("overdue"),
            count_if(in_time).label("in_work"),
        )
        .join(Decision, Decision.id == DecisionResponsible.decision_id)
        .where(*filters.conditions())
        .group_by(person_id)
        .subquery()
    )
    stmt = (
        select(per_person, Person.surname, Person.first_name, Person.patronymic, func.count().over().label("people"))
        .join(Person, Person.id == per_person.c.person_id)
        .order_by(per_person.c.overdue.desc(), per_person.c.assigned.desc(), Person.surname, Person.id)
        .limit(limit)
    )
    rows = db.session.execute(stmt).all()
    summary = [
        PersonSummary(
            person_id=row.person_id,
            name=Person(surname=row.surname, first_name=row.first_name, patronymic=row.patronymic).short_name,
            assigned=row.assigned or 0,
            done_on_time=row.done_on_time or 0,
            done_late=row.done_late or 0,
            overdue=row.overdue or 0,
            in_work=row.in_work or 0,
        )
        for row in rows
    ]
    return summary, (rows[0].people if rows else 0)


def cluster_decisions(today: date, overdue_shown: int = 0) -> tuple[StatusCounts, list[OverdueDecision]]:
    """The home page's decisions: the whole cluster's per status (the control list's own entry
    of status_counts) and, if ``overdue_shown``, as many of the overdue ones the most recently
    missed first (latest_overdue); both kept until the decisions change, under one read of
    the stamps."""
    filters = Filters(today=today)
    wanted = [_status_counts_entry(filters)]
    if overdue_shown:
        wanted.append(
            ("decisions.latest_overdue", (today, overdue_shown), lambda: latest_overdue(today, overdue_shown))
        )
    counts, *latest = remembered_together({changes.DEADLINES}, wanted)
    return counts, (latest[0] if latest else [])


@dataclass(frozen=True)
class OverdueDecision:
    """An overdue decision as the home page lists it, in plain values (the cache keeps it);
    markup.deadline reads it as it reads a Decision."""

    id: int
    text: str
    deadline: date
    responsible: tuple[str, ...]  # short names, the lead first
    term: ClassVar[None] = None
    done_late_days: ClassVar[int] = 0

    def overdue_days(self, today: date) -> int:
        return max((today - self.deadline).days, 0)


def latest_overdue(today: date, limit: int) -> list[OverdueDecision]:
    """The cluster's overdue decisions the most recently missed first (those whose execution
    the secretary follows up next), with their responsible people, in one query.

    The latest of each unfinished status are read from the index on (status, deadline), then
    the latest among those: sorting all the overdue decisions instead (15,000 of the
    benchmark's 100,000) took 17 ms of the home page's 39 on SQLite."""
    latest = union_all(
        *(
            select(Decision.id, Decision.deadline)
            .where(_not_deleted(), Decision.status == status, Decision.deadline < today)
            .order_by(Decision.deadline.desc(), Decision.id.desc())
            .limit(limit)
            .subquery()
            .select()  # SQLite allows a member of a UNION its own LIMIT only in a subquery
            for status in ACTIVE_STATUSES
        )
    ).subquery()
    ids = select(latest.c.id).order_by(latest.c.deadline.desc(), latest.c.id.desc()).limit(limit)
    rows = db.session.execute(
        select(Decision.id, Decision.text, Decision.deadline, Person.surname, Person.first_name, Person.patronymic)
        .outerjoin(DecisionResponsible, DecisionResponsible.decision_id == Decision.id)
        .outerjoin(Person, Person.id == DecisionResponsible.person_id)
        .where(Decision.id.in_(ids))
        .order_by(Decision.deadline.desc(), Decision.id.desc(), DecisionResponsible.position)
    )
    decisions: dict[int, tuple[str, date]] = {}
    people: dict[int, list[str]] = {}
    for decision_id, text, deadline, surname, first_name, patronymic in rows:
        decisions[decision_id] = (text, deadline)
        names = people.setdefault(decision_id, [])
        if surname is not None:
            names.append(short_name(surname, first_name, patronymic))
    return [OverdueDecision(i, text, deadline, tuple(people[i])) for i, (text, deadline) in decisions.items()]


def my_deadlines(user: User, today: date) -> tuple[list[Decision], list[Decision]]:
    """The user's unfinished assignments: overdue, and due within DUE_SOON_DAYS, by deadline."""
    overdue, soon = [], []
    if user.person_id:
        stmt = (
            select(Decision)
            .where(
                _not_deleted(),
                Decision.status.in_(ACTIVE_STATUSES),
                Decision.deadline <= today + timedelta(days=DUE_SOON_DAYS),
                responsible_condition(user.person_id),
            )
            .options(load_only(Decision.id, Decision.text, Decision.deadline, Decision.status, Decision.report_date))
            .order_by(Decision.deadline, Decision.id)
        )
        for decision in db.session.scalars(stmt):
            (overdue if decision.deadline < today else soon).append(decision)
    return overdue, soon
