"""The aggregates of the control pages (counts per status, the per-person summary),
kept in each process until the data under them changes.

Counting 100,000 decisions costs tens of milliseconds (the per-person summary a few
hundred), every time, though decisions change a few times a day. So every transaction
that changes what the aggregates are computed from — a decision's status, deadline,
report date or meeting, a responsible person, a meeting's council or deletion, a
person's name (WATCHED), or adds or deletes such rows — writes a new random stamp in
``decision_stats_stamp`` as it commits (in the same transaction: the stamp and the
change are seen together). Other changes of the same rows keep the stamp: every
attendee added to a protocol changes its meeting (in the session), all day long while a
protocol is written, and every process would count again after each. A reader reads
the stamp first — one tiny query — and reuses what this process computed for the same
stamp, arguments and day. A stamp is random, not a counter, so a database emptied and
refilled (the tests) never meets an old stamp again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from ..cache import FingerprintCache
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting
from .models import Decision, DecisionResponsible, DecisionStatsStamp

T = TypeVar("T")
# The attributes the aggregates read, per class (relationships too: a changed relationship
# sets its foreign key only during the flush).
WATCHED: dict[type, tuple[str, ...]] = {
    Decision: ("status", "deadline", "report_date", "meeting_id", "meeting"),
    DecisionResponsible: ("decision_id", "decision", "person_id", "person"),
    Meeting: ("deleted_at", "council_id", "council"),
    Person: ("surname", "first_name", "patronymic"),
}
TRACKED = tuple(WATCHED)
CREATED = (Decision, DecisionResponsible)  # a new meeting or person has no decisions yet
CHANGED = "decision_stats_changed"  # session.info flag: this transaction changed what the aggregates read
_values = FingerprintCache(size=256)  # by (name, stamp, key)


def cached(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``name`` and ``key`` since the data last changed."""
    session = db.session()
    if session.info.get(CHANGED) or _has_pending_changes(session):
        return compute()  # this transaction's own changes are in no cached value
    stamp = session.scalar(select(DecisionStatsStamp.value).where(DecisionStatsStamp.id == 1))
    if stamp is None:
        return compute()
    return _values.get_or_build((name, stamp, key), compute)


def _has_pending_changes(session: Session) -> bool:
    """Whether the session holds changes the aggregates read (before a flush, or in
    after_flush: the flushed objects and their attribute history are still there)."""
    if any(isinstance(obj, TRACKED) for obj in session.deleted) or any(isinstance(obj, CREATED) for obj in session.new):
        return True
    for obj in session.dirty:
        names = next((names for cls, names in WATCHED.items() if isinstance(obj, cls)), ())
        if names:
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in names):
                return True
    return False


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, flush_context) -> None:
    if _has_pending_changes(session):  # still the flushed objects here
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and any(
        issubclass(mapper.class_, TRACKED) for mapper in state.all_mappers
    ):
        state.session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
def _write_stamp(session: Session) -> None:
    # Flushed first, so that the stamp's row is the last one this transaction locks:
    # writers wait for it only while the holder commits, never in a cycle.
    session.flush()
    if session.info.pop(CHANGED, False):
        session.connection().execute(
            # The same statement on SQLite and PostgreSQL; the row exists unless the
            # table was emptied (tests), then it is created again.
            text(
                "INSERT INTO decision_stats_stamp (id, value) VALUES (1, :value) "
                "ON CONFLICT (id) DO UPDATE SET value = excluded.value"
            ),
            {"value": secrets.randbits(62)},
        )


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)
