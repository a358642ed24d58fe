"""The aggregates of the control pages (counts per status, the per-person summary),
kept in each process until the data under them changes.

Counting 100,000 decisions costs tens of milliseconds, every time, though decisions
change a few times a day. So every transaction that changes a decision, a responsible
person, a meeting or a person writes a new random stamp in ``decision_stats_stamp`` as
it commits (in the same transaction: the stamp and the change are seen together). A
reader reads the stamp first — one tiny query — and reuses what this process computed
for the same stamp, arguments and day. A stamp is random, not a counter, so a database
emptied and refilled (the tests) never meets an old stamp again.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..cache import FingerprintCache
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting
from .models import Decision, DecisionResponsible, DecisionStatsStamp

T = TypeVar("T")
TRACKED = (Decision, DecisionResponsible, Meeting, Person)
CHANGED = "decision_stats_changed"  # session.info flag: this transaction changed TRACKED rows
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
    return any(isinstance(obj, TRACKED) for obj in (*session.new, *session.dirty, *session.deleted))


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
