"""Column types and mixins shared by the models of every area."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, TypeDecorator, event, false
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from . import clock
from .search import fold


def next_position(rows) -> int:
    """The position of a row added after ``rows`` (ordered children: attendees, sections, …)."""
    return max((row.position for row in rows), default=0) + 1


def copied(row, *names: str) -> dict:
    """``row``'s values of the columns ``names``, for a new row made after it (the next
    meeting, a checklist's next draft, a media event's copy)."""
    return {name: getattr(row, name) for name in names}


def neighbour(rows: list, row, step: int, error: type[Exception]):
    """The row ``step`` places from ``row`` in ``rows`` (in their order), to swap with: a
    move past the first or the last row is refused with ``error``, not answered as a
    change that was made."""
    other = rows.index(row) + step
    if not 0 <= other < len(rows):
        raise error("Строка уже первая: выше некуда." if step < 0 else "Строка уже последняя: ниже некуда.")
    return rows[other]


class LabeledEnum(StrEnum):
    """A string enum whose members carry their Russian label:
    ``PLANNED = "planned", "Запланировано"``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def label_of(cls, column: str) -> property:
        """A model's read-only property, the label of its ``column``'s value ("" when it has
        none): ``status_label = EventStatus.label_of("status")``."""
        return property(lambda row: cls(value).label if (value := getattr(row, column)) else "")

    @classmethod
    def member_of(cls, column: str) -> property:
        """A model's read-only property, the member of its ``column``'s value:
        ``status_enum = MeetingStatus.member_of("status")``."""
        return property(lambda row: cls(getattr(row, column)))


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=lambda: clock.utcnow(), onupdate=lambda: clock.utcnow()
    )


class ChangeRecordMixin:
    """A row of a history (a decision's execution control, a media event's statuses and
    dates): who changed it, when, what kind of change, from which status to which. Kept
    for ever, never edited; the area adds its row's key and what else it records."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))


class VersionedMixin:
    """Optimistic locking: a save based on a stale version raises StaleDataError."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class VotesMixin:
    """A vote [Голосовали]: counts, or «единогласно». An agenda item carries the vote
    taken on its decisions; a decision carries one only when voted on separately."""

    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstained: Mapped[int | None] = mapped_column(Integer)
    votes_unanimous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstained", "votes_unanimous")

    @property
    def has_votes(self) -> bool:
        return bool(self.votes_unanimous) or any(
            v is not None for v in (self.votes_for, self.votes_against, self.votes_abstained)
        )

    @property
    def votes(self) -> dict | None:
        """The vote as the documents read it: {for, against, abstained, unanimous}, or None."""
        if not self.has_votes:
            return None
        return {
            "for": self.votes_for or 0,
            "against": self.votes_against or 0,
            "abstained": self.votes_abstained or 0,
            "unanimous": bool(self.votes_unanimous),
        }


def votes_text(votes: dict | None) -> str:
    """«Голосовали: «за» – 6, «против» – 0, «воздержались» – 0.» or «Голосовали: единогласно.»
    ("" without a vote): the page's line; the templates write the same (build_templates.VOTES_LINE)."""
    if not votes:
        return ""
    if votes.get("unanimous"):
        return "Голосовали: единогласно."
    return f"Голосовали: «за» – {votes['for']}, «против» – {votes['against']}, «воздержались» – {votes['abstained']}."


class SearchableMixin:
    """Keeps ``search_text``: the words a list is searched by, folded (``search.fold``).

    SQLite's lower()/LIKE fold ASCII only, so Cyrillic search is done on this
    column, filled in Python the same way on every database; ``search.contains_text``
    searches it through a trigram index.
    """

    search_text: Mapped[str] = mapped_column(String(1000), default="")
    search_text_limit: int | None = 1000
    # Short texts (a person, an organization) are found through the trigram index even
    # when half the rows match; long ones (a meeting's agenda and decisions) cost it more
    # than reading the list in order until a page is full, when the word is common.
    search_text_is_short: bool = True

    def search_values(self) -> list[str | None]:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(v for v in self.search_values() if v))[: self.search_text_limit]


@event.listens_for(Session, "before_flush")
def _refresh_search_text(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, SearchableMixin):
            obj.refresh_search_text()
