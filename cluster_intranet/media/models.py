"""Media plans, their events, and the participants' publications of those events."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..directory.models import Organization, Person
from ..extensions import db
from ..model_mixins import ChangeRecordMixin, LabeledEnum, TimestampMixin, UTCDateTime, VersionedMixin
from ..text import date_range, short_date

if TYPE_CHECKING:
    from ..auth.models import User


class PlanStatus(LabeledEnum):
    DRAFT = "draft", "Черновик"
    APPROVED = "approved", "Утверждён"


class EventStatus(LabeledEnum):
    PLANNED = "planned", "Запланировано"
    MATERIAL_READY = "material_ready", "Материал готов"
    PUBLISHED = "published", "Опубликовано"
    CANCELLED = "cancelled", "Отменено"


S = EventStatus
# Which way an event's status may go (cancelling needs a reason, see services.change_status).
TRANSITIONS: dict[EventStatus, tuple[EventStatus, ...]] = {
    S.PLANNED: (S.MATERIAL_READY, S.CANCELLED),
    S.MATERIAL_READY: (S.PUBLISHED, S.PLANNED, S.CANCELLED),
    S.PUBLISHED: (S.MATERIAL_READY, S.CANCELLED),  # corrections: only with a reason (CORRECTIONS)
    S.CANCELLED: (S.PLANNED,),  # back into the plan
}
# Changes that take back what was announced as done: the editor says why, the history keeps it.
CORRECTIONS = {(S.PUBLISHED, S.MATERIAL_READY), (S.PUBLISHED, S.CANCELLED)}


class EventFormat(LabeledEnum):
    EVENT = "event", "Мероприятие"
    NEWS = "news", "Новость"
    ANNOUNCEMENT = "announcement", "Анонс"
    PRESS_RELEASE = "press_release", "Пресс-релиз"
    INTERVIEW = "interview", "Интервью"
    REPORT = "report", "Репортаж"


class Channel(LabeledEnum):
    WEBSITES = "websites", "Официальные сайты"
    VK = "vk", "ВКонтакте"
    TELEGRAM = "telegram", "Telegram"
    PRESS = "press", "Печатные СМИ"
    TV = "tv", "Телевидение"
    RADIO = "radio", "Радио"


CHANNEL_SHORT = {
    Channel.WEBSITES: "Сайт",
    Channel.VK: "ВК",
    Channel.TELEGRAM: "TG",
    Channel.PRESS: "Пресса",
    Channel.TV: "ТВ",
    Channel.RADIO: "Радио",
}
# One participant publishes on its own site: the singular reads right there.
PUBLICATION_CHANNEL_LABELS = {**{c: c.label for c in Channel}, Channel.WEBSITES: "Официальный сайт"}


def when_text(
    starts_on: date,
    ends_on: date | None,
    start_time: time | None,
    end_time: time | None,
    postponed_from: date | None = None,
) -> str:
    """When an event takes place, one way for pages, feeds and documents; a postponed
    event says from when («16.03.2023 (перенесено с 16.02.2023)»)."""
    text = date_range(starts_on, ends_on)
    if start_time:
        text += ", " + start_time.strftime("%H:%M")
        if end_time:
            text += "–" + end_time.strftime("%H:%M")
    if postponed_from and postponed_from != starts_on:
        text += f" (перенесено с {short_date(postponed_from)})"
    return text


class MediaPlan(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "media_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT.value)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The approver's name and position as they were: «УТВЕРЖДАЮ» keeps them even if the
    # account goes or the person moves to another post.
    approved_by_name: Mapped[str] = mapped_column(String(200), default="")
    approved_by_position: Mapped[str] = mapped_column(String(500), default="")

    responsible: Mapped[Person | None] = relationship()
    approved_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MediaPlan {self.title}>"

    status_label = PlanStatus.label_of("status")

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED


class MediaEvent(VersionedMixin, TimestampMixin, db.Model):
    """An event of the plan. Dates and times are the cluster's local ones.

    A time (start_time, maybe end_time) on one day, a whole day (no time), or
    several whole days (ends_on after starts_on).
    """

    __tablename__ = "media_events"
    __table_args__ = {"info": {"label": "мероприятия медиаплана"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("media_plans.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(500), default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    format: Mapped[str] = mapped_column(String(20), default=EventFormat.EVENT.value)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PLANNED.value, index=True)
    cancel_reason: Mapped[str] = mapped_column(String(1000), default="")
    # The date it was to take place before the latest «Перенести» (the history keeps every one).
    postponed_from: Mapped[date | None] = mapped_column(Date)
    # Internal events (working meetings and the like) never reach the public feeds.
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    # The uniform wording every participant publishes (the press release).
    release_text: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[MediaPlan] = relationship()
    organizer: Mapped[Organization | None] = relationship()
    responsible: Mapped[Person | None] = relationship()
    channel_rows: Mapped[list[MediaEventChannel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MediaEventChannel.channel"
    )
    changes: Mapped[list[MediaEventChange]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MediaEventChange.id",
    )  # fmt: skip

    def __repr__(self) -> str:
        return f"<MediaEvent {self.title}>"

    @property
    def channels(self) -> list[str]:
        order = list(Channel)
        return sorted((row.channel for row in self.channel_rows), key=lambda c: order.index(Channel(c)))

    @property
    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels]

    status_label = EventStatus.label_of("status")

    format_label = EventFormat.label_of("format")

    @property
    def next_statuses(self) -> tuple[EventStatus, ...]:
        return TRANSITIONS[EventStatus(self.status)]

    @property
    def corrections(self) -> list[EventStatus]:
        """The next statuses that take back a published event (a reason is asked)."""
        current = EventStatus(self.status)
        return [new for new in self.next_statuses if (current, new) in CORRECTIONS]

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def several_days(self) -> bool:
        return self.ends_on > self.starts_on

    @property
    def when(self) -> str:
        """«22.10.2021, 10:00–12:00», «22.10.2021», «01.11.2021 – 03.11.2021»,
        «16.03.2023 (перенесено с 16.02.2023)»."""
        return when_text(self.starts_on, self.ends_on, self.start_time, self.end_time, self.postponed_from)


class ChangeKind(LabeledEnum):
    STATUS = "status", "Смена статуса"
    CORRECTION = "correction", "Исправление статуса"
    POSTPONED = "postponed", "Перенос"


class MediaEventChange(ChangeRecordMixin, db.Model):
    """One change of an event's status or date."""

    __tablename__ = "media_event_changes"
    __table_args__ = {"info": {"label": "история мероприятий медиаплана"}}

    event_id: Mapped[int] = mapped_column(ForeignKey("media_events.id", ondelete="CASCADE"), index=True)
    user_name: Mapped[str] = mapped_column(String(200), default="")  # as it was: the account may go
    old_when: Mapped[str] = mapped_column(String(100), default="")
    new_when: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(String(1000), default="")

    event: Mapped[MediaEvent] = relationship(back_populates="changes")

    kind_label = ChangeKind.label_of("kind")

    @property
    def text(self) -> str:
        """«Материал готов → Опубликовано», «16.02.2023 → 16.03.2023»."""
        if self.kind == ChangeKind.POSTPONED:
            return f"{self.old_when} → {self.new_when}"
        return f"{EventStatus(self.from_status).label} → {EventStatus(self.to_status).label}"


class MediaEventChannel(db.Model):
    __tablename__ = "media_event_channels"

    event_id: Mapped[int] = mapped_column(ForeignKey("media_events.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)


class MediaParticipant(db.Model):
    """A participant of the cluster that covers its events on its own website (decision 2).

    Organizations of the directory become participants here; one added later joins
    the coverage matrix with every event still due.
    """

    __tablename__ = "media_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())

    organization: Mapped[Organization] = relationship()


class Publication(TimestampMixin, db.Model):
    """The event as one participant published it on one channel."""

    __tablename__ = "media_publications"
    __table_args__ = (
        UniqueConstraint("event_id", "organization_id", "channel"),
        {"info": {"label": "публикации о мероприятиях"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("media_events.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default=Channel.WEBSITES.value)
    url: Mapped[str] = mapped_column(String(1000), default="")
    published_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[MediaEvent] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def channel_label(self) -> str:
        return PUBLICATION_CHANNEL_LABELS[Channel(self.channel)]


_LEGAL_FORM = re.compile(r"^(?:[А-ЯЁ]{2,}\s+)+")


def short_label(name: str, limit: int = 42) -> str:
    """«ОГБПОУ «Томский индустриальный техникум»» → «Томский индустриальный техникум» (narrow headers)."""
    label = _LEGAL_FORM.sub("", name).replace("«", "").replace("»", "").strip() or name
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",.;:-") + "…"
