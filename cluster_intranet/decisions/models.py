from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..text import shorten
from ..auth.models import User
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import AgendaItem, Meeting  # a decision belongs to a meeting: mapped after it
from ..model_mixins import ChangeRecordMixin, LabeledEnum, TimestampMixin, UTCDateTime, VersionedMixin, VotesMixin


class DecisionStatus(LabeledEnum):
    OPEN = "open", "Открыто"
    IN_PROGRESS = "in_progress", "В работе"
    DONE = "done", "Исполнено"
    CANCELLED = "cancelled", "Отменено"


# Statuses of an assignment still to be carried out: only these can be overdue.
ACTIVE_STATUSES = (DecisionStatus.OPEN.value, DecisionStatus.IN_PROGRESS.value)


class Decision(VotesMixin, VersionedMixin, TimestampMixin, db.Model):
    """A decision of a meeting; with responsible persons it is an assignment [поручение]."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        # The control page counts by status and the overdue (deadline < today) reading
        # this index alone, without the table (meeting_id: decisions of deleted meetings).
        Index("ix_decisions_status_deadline", "status", "deadline", "meeting_id"),
        {"info": {"label": "решения"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # within the meeting, gap-free, in protocol order
    # The number as the protocol prints it, «1.2» or «3» (numbering.py; kept by
    # meetings.services.renumber), so that lists of many meetings' decisions show it as read.
    label: Mapped[str] = mapped_column(String(20), default="", server_default="")
    text: Mapped[str] = mapped_column(Text)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    # A term that is not a date, «постоянно», «ежемесячно до 5 числа»: printed as decided;
    # such a decision has no deadline — under permanent control, never overdue, no calendar event.
    term: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=DecisionStatus.OPEN.value, index=True)
    # The execution report [отчёт об исполнении], required to mark a decision done.
    report_text: Mapped[str] = mapped_column(Text, default="")
    report_date: Mapped[date | None] = mapped_column(Date)
    report_link: Mapped[str] = mapped_column(String(500), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    responsibles: Mapped[list[DecisionResponsible]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionResponsible.position"
    )
    events: Mapped[list[DecisionEvent]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="(DecisionEvent.created_at, DecisionEvent.id)"
    )

    def __repr__(self) -> str:
        return f"<Decision {self.meeting_id}.{self.number}>"

    @property
    def permanent(self) -> bool:
        """Under permanent control [постоянный контроль]: a term in words, no date."""
        return bool(self.term) and self.deadline is None

    @property
    def numbered(self) -> str:
        """The number as the protocol prints it: «1.2» or «3» (numbering.py)."""
        return self.label or str(self.number)

    @property
    def heading(self) -> str:
        """How a list of changes names it (the audit log): «Решение 1.2: Утвердить план…»."""
        return f"Решение {self.numbered}: {shorten(self.text, 60)}"

    status_enum = DecisionStatus.member_of("status")

    @property
    def responsible_people(self) -> list[Person]:
        return [r.person for r in self.responsibles]

    def overdue_days(self, today: date) -> int:
        """Days past the deadline of an unfinished decision; 0 if not overdue."""
        if self.deadline is None or self.status in (DecisionStatus.DONE, DecisionStatus.CANCELLED):
            return 0
        return max((today - self.deadline).days, 0)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def done_late_days(self) -> int:
        """Days a done decision was reported after its deadline (the deadline in force
        then: a done decision's deadline cannot be moved); 0 if on time."""
        if self.status != DecisionStatus.DONE or self.deadline is None or self.report_date is None:
            return 0
        return max((self.report_date - self.deadline).days, 0)

    @property
    def original_deadline(self) -> date | None:
        """The deadline the protocol set, before any move (needs ``events`` loaded)."""
        moves = [e for e in self.events if e.kind == DecisionEventKind.DEADLINE]
        return moves[0].old_deadline if moves else self.deadline

    @property
    def lead(self) -> Person | None:
        return self.responsibles[0].person if self.responsibles else None


class DecisionResponsible(db.Model):
    """A responsible person [ответственный исполнитель]; the first one leads."""

    __tablename__ = "decision_responsibles"
    __table_args__ = (UniqueConstraint("decision_id", "person_id"), {"info": {"label": "поручения"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    decision: Mapped[Decision] = relationship(back_populates="responsibles")
    person: Mapped[Person] = relationship()


class DecisionEventKind(LabeledEnum):
    STATUS = "status", "Смена статуса"
    DEADLINE = "deadline", "Перенос срока"
    REPORT = "report", "Исправление отчёта"


class DecisionEvent(ChangeRecordMixin, db.Model):
    """One change in the execution control of a decision."""

    __tablename__ = "decision_events"
    __table_args__ = {"info": {"label": "история поручений"}}

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    old_deadline: Mapped[date | None] = mapped_column(Date)
    new_deadline: Mapped[date | None] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()

    kind_enum = DecisionEventKind.member_of("kind")

    from_label = DecisionStatus.label_of("from_status")

    to_label = DecisionStatus.label_of("to_status")


class ReminderDigest(db.Model):
    """A reminder digest sent to a person: at most one per person and day."""

    __tablename__ = "reminder_digests"
    __table_args__ = (UniqueConstraint("person_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)  # the cluster's local day
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    email: Mapped[str] = mapped_column(String(254))
    decision_count: Mapped[int] = mapped_column(Integer, default=0)
