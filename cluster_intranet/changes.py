"""The state of the feeds: a stamp per source, rewritten by every committed change of
what that source shows.

The calendar feeds (meetings, decision deadlines, media events) and the public media
feeds answer a conditional request from this state alone, and name their bodies by it
(ETag, Last-Modified); the cache (cache.py) puts the stamps in its keys. Timestamps and counts of the rows cannot serve: a save that waited
on a lock commits an ``updated_at`` older than one already committed, an edit in place
changes no count, and a database restored from a copy meets old values again. So every
transaction that changes what a source shows writes, as it commits (in the same
transaction), a new random ``stamp`` and a ``changed`` second for
that source: the stamp makes a new ETag at once (never one named before, even after a
restore), and ``changed`` is at least one second past the previous one, so Last-Modified
moves forward with every change, even two in one second. A writer waits for the row
of the previous writer's commit, so the seconds follow the order of the commits. (Many
changes in one second push ``changed`` a little ahead of the clock, by one second each;
it is only ever compared with itself.)

Attribute-level watching: an attendee added changes the meetings' stamp, not the
deadlines' (under which the control pages' counts are kept, all day long while a protocol
is written).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import BigInteger, String, event, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock

# Defined before the models are imported: importing them imports the areas' packages, and
# calendar.feeds reads these names while this module is still being imported.
MEETINGS, MEDIA, DEADLINES = "meetings", "media", "deadlines"

from .councils.models import Council, CouncilMember  # noqa: E402
from .decisions.models import Decision, DecisionResponsible  # noqa: E402
from .directory.models import Organization, Person  # noqa: E402
from .extensions import db  # noqa: E402
from .media.models import MediaEvent, MediaEventChannel, MediaParticipant, MediaPlan, Publication  # noqa: E402
from .meetings.models import AgendaItem, Attendance, Meeting  # noqa: E402

ANY = None  # every column of the class

# What each source shows: class -> the attributes read (ANY: all of them). Relationships
# are listed beside their foreign keys: a changed relationship sets the key only in the flush.
WATCHED: dict[str, dict[type, tuple[str, ...] | None]] = {
    MEETINGS: {
        Meeting: ANY,
        Council: ("name", "name_genitive"),
        CouncilMember: ANY,  # «mine» feeds
        AgendaItem: ANY,
        Attendance: ANY,
    },
    DEADLINES: {
        Decision: ANY,
        DecisionResponsible: ANY,
        Person: ("surname", "first_name", "patronymic"),
        Meeting: ("number", "date", "deleted_at", "council_id", "council"),
        Council: ("name", "name_genitive"),
    },
    MEDIA: {
        MediaEvent: ANY,
        MediaEventChannel: ANY,
        MediaPlan: ("status", "approved_at"),  # what is announced, and since when
        Publication: ANY,  # the public feeds link an event to its organiser's publication
        MediaParticipant: ANY,  # the coverage matrix (cache.py keeps it by this stamp)
        Organization: ("short_name", "website"),
    },
}
SOURCES = tuple(sorted(WATCHED))  # rows are always written in this order: no lock cycles
_PENDING = "feed_sources_changed"  # session.info: the sources this transaction changed


class FeedChange(db.Model):
    """One row per source: the stamp of its last change and the second it was made."""

    __tablename__ = "feed_changes"

    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)
    changed: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch (UTC)


def state(sources) -> dict[str, tuple[int, datetime]]:
    """``{source: (stamp, changed)}`` of ``sources`` as committed; a source never changed
    (an empty database) has (0, the epoch)."""
    found = {
        source: (stamp, datetime.fromtimestamp(changed, UTC))
        for source, stamp, changed in db.session.execute(
            select(FeedChange.source, FeedChange.stamp, FeedChange.changed).where(
                FeedChange.source.in_(sorted(sources))
            )
        )
    }
    epoch = datetime.fromtimestamp(0, UTC)
    return {source: found.get(source, (0, epoch)) for source in sorted(sources)}


def stamps(sources) -> tuple[tuple[str, int], ...]:
    """The fingerprint of what ``sources`` show (cache.py's keys): their stamps, one small query."""
    return tuple((source, stamp) for source, (stamp, _) in state(sources).items())


def unsaved(sources) -> bool:
    """Whether this transaction has changed (flushed or not) what one of ``sources`` shows."""
    session = db.session()
    pending = session.info.get(_PENDING, set()) | _changed_sources(session)
    return not pending.isdisjoint(sources)


def _changed_sources(session: Session) -> set[str]:
    """The sources whose rows the session's pending (or just flushed) objects change."""
    changed = set()
    for source, watched in WATCHED.items():
        classes = tuple(watched)
        if any(isinstance(obj, classes) for obj in (*session.new, *session.deleted)):
            changed.add(source)
            continue
        for obj in session.dirty:
            names = next((names for cls, names in watched.items() if isinstance(obj, cls)), False)
            if names is False:
                continue
            if names is ANY:
                if session.is_modified(obj, include_collections=False):
                    changed.add(source)
                    break
            elif any(inspect(obj).attrs[name].history.has_changes() for name in names):
                changed.add(source)
                break
    return changed


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, flush_context) -> None:
    changed = _changed_sources(session)  # the flushed objects and their history are still here
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        classes = {mapper.class_ for mapper in state.all_mappers}
        changed = {source for source, watched in WATCHED.items() if any(issubclass(c, tuple(watched)) for c in classes)}
        if changed:
            state.session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "before_commit")
def _write_stamps(session: Session) -> None:
    session.flush()  # its changes noted first; the stamps' rows are the last ones locked
    changed = session.info.pop(_PENDING, None)
    if not changed:
        return
    now = int(clock.utcnow().timestamp())
    connection = session.connection()
    for source in (s for s in SOURCES if s in changed):
        connection.execute(
            # The same statement on SQLite and PostgreSQL; the row is created when missing.
            text(
                "INSERT INTO feed_changes (source, stamp, changed) VALUES (:source, :stamp, :now) "
                "ON CONFLICT (source) DO UPDATE SET stamp = excluded.stamp, "
                "changed = CASE WHEN feed_changes.changed + 1 > excluded.changed "
                "THEN feed_changes.changed + 1 ELSE excluded.changed END"
            ),
            {"source": source, "stamp": secrets.randbits(62), "now": now},
        )


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
