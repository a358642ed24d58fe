from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import Person
from ..extensions import db
from ..model_mixins import LabeledEnum, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from ..meetings.models import AgendaItem, Meeting


class DecisionStatus(LabeledEnum):
    OPEN = "open", "Открыто"
    IN_PROGRESS = "in_progress", "В работе"
    DONE = "done", "Исполнено"
    CANCELLED = "cancelled", "Отменено"


class Decision(VersionedMixin, TimestampMixin, db.Model):
    """A decision of a meeting; with responsible persons it is an assignment [поручение]."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"), {"info": {"label": "решения"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # within the meeting, gap-free
    text: Mapped[str] = mapped_column(Text)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstained: Mapped[int | None] = mapped_column(Integer)
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

    def __repr__(self) -> str:
        return f"<Decision {self.meeting_id}.{self.number}>"

    @property
    def status_enum(self) -> DecisionStatus:
        return DecisionStatus(self.status)

    @property
    def has_votes(self) -> bool:
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstained))

    @property
    def responsible_people(self) -> list[Person]:
        return [r.person for r in self.responsibles]

    def overdue_days(self, today: date) -> int:
        """Days past the deadline of an unfinished decision; 0 if not overdue."""
        if self.deadline is None or self.status in (DecisionStatus.DONE, DecisionStatus.CANCELLED):
            return 0
        return max((today - self.deadline).days, 0)


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
