from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..auth.models import User
from ..councils.models import Council
from ..directory.models import Person
from ..extensions import db
from ..model_mixins import LabeledEnum, SearchableMixin, TimestampMixin, UTCDateTime, VersionedMixin, VotesMixin
from ..text import short_date

if TYPE_CHECKING:
    from ..decisions.models import Decision


class MeetingFormat(LabeledEnum):
    IN_PERSON = "in_person", "Очно"
    ONLINE = "online", "Онлайн"
    MIXED = "mixed", "Смешанный"


class MeetingStatus(LabeledEnum):
    PLANNED = "planned", "Запланировано"
    HELD = "held", "Проведено"
    DRAFT = "draft", "Протокол: черновик"
    APPROVED = "approved", "Протокол утверждён"
    CANCELLED = "cancelled", "Отменено"


class AttendanceMode(LabeledEnum):
    """How an attendee takes part. The label answers the form's «Как участвует» before and
    after the day; the lists' headings say more (`heading`)."""

    IN_PERSON = "in_person", "Очно"
    ONLINE = "online", "Онлайн"
    INVITED = "invited", "Приглашённый"

    def heading(self, held: bool) -> str:
        """The heading of this mode's list: the protocol's words once the meeting is held;
        before the day the list is of those expected, not of those who «присутствовали»."""
        return HELD_HEADINGS[self] if held else EXPECTED_HEADINGS[self]


HELD_HEADINGS = {
    AttendanceMode.IN_PERSON: "Присутствовали очно",
    AttendanceMode.ONLINE: "Онлайн подключение",
    AttendanceMode.INVITED: "Приглашённые",
}
EXPECTED_HEADINGS = {
    AttendanceMode.IN_PERSON: "Очно",
    AttendanceMode.ONLINE: "Онлайн",
    AttendanceMode.INVITED: "Приглашённые",
}


class Meeting(SearchableMixin, VersionedMixin, TimestampMixin, db.Model):
    """A council meeting and its protocol."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("council_id", "year", "number"),
        # The list: meetings not deleted, newest first, read in index order.
        Index("ix_meetings_list", "deleted_at", "date", "id"),
        {"info": {"label": "заседания"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # Protocols are numbered within the council and the calendar year.
    number: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    city: Mapped[str] = mapped_column(String(100), default="г. Томск")
    place: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(20), default=MeetingFormat.IN_PERSON.value)
    connection_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.PLANNED.value, index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Agenda and decisions make long text: no length limit.
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_text_limit = None
    search_text_is_short = False

    council: Mapped[Council] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[Person | None] = relationship(foreign_keys=[secretary_id])
    approved_by: Mapped[User | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="(Attendance.mode, Attendance.position)"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.number"
    )
    versions: Mapped[list[ProtocolVersion]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ProtocolVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.council_id} №{self.number}/{self.year}>"

    @property
    def title(self) -> str:
        return f"Протокол № {self.number} от {short_date(self.date)}"

    @property
    def has_protocol(self) -> bool:
        """A planned (or cancelled) meeting has no protocol yet: it is named by its day and council."""
        return self.status not in (MeetingStatus.PLANNED.value, MeetingStatus.CANCELLED.value)

    @property
    def heading(self) -> str:
        """How the pages name the meeting: its protocol once there is one, else «Заседание 18.02.2027»
        (the council is shown beside it)."""
        return self.title if self.has_protocol else f"Заседание {short_date(self.date)}"

    status_enum = MeetingStatus.member_of("status")

    format_enum = MeetingFormat.member_of("format")

    @property
    def is_locked(self) -> bool:
        """An approved protocol is read-only until a secretary reopens it."""
        return self.status == MeetingStatus.APPROVED

    def starts_at(self, zone: ZoneInfo) -> datetime | None:
        return datetime.combine(self.date, self.start_time, zone) if self.start_time else None

    def ends_at(self, zone: ZoneInfo) -> datetime | None:
        return datetime.combine(self.date, self.end_time, zone) if self.end_time else None

    def attendees(self, mode: AttendanceMode) -> list[Attendance]:
        return [a for a in self.attendances if a.mode == mode]

    def search_values(self):
        texts = [item.text for item in self.agenda_items] + [d.text for d in self.decisions]
        return [str(self.number), self.place, self.city, *texts]


class Attendance(VersionedMixin, db.Model):
    """A person at a meeting, with position and organization as written in this
    protocol: a snapshot, since people change jobs and protocols do not."""

    __tablename__ = "attendances"
    __table_args__ = {"info": {"label": "участники заседаний"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    mode: Mapped[str] = mapped_column(String(20), default=AttendanceMode.IN_PERSON.value)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within the mode
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(500), default="")
    organization: Mapped[str] = mapped_column(String(1000), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Person | None] = relationship()
    # The method (REQUEST, CANCEL) of the last invitation the person was mailed, if they
    # still have an e-mail: loaded with the meeting's page (queries.load_meeting), None elsewhere.
    invitation_method: Mapped[str | None] = query_expression()

    mode_enum = AttendanceMode.member_of("mode")


class AgendaItem(VotesMixin, VersionedMixin, db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    # «СЛУШАЛИ»: who reported and a summary; «ВЫСТУПИЛИ»: the discussion. Both optional.
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    speaker_summary: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    recurring: Mapped[bool] = mapped_column(default=False)  # copied into the next meeting of the series

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    speaker: Mapped[Person | None] = relationship()


class ProtocolVersion(db.Model):
    """An approved protocol as it was approved: kept for ever, shown on request."""

    __tablename__ = "protocol_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)

    meeting: Mapped[Meeting] = relationship(back_populates="versions")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])
