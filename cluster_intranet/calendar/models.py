"""A user's calendar settings: the feed token (hashed) and the reminders wanted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..model_mixins import TimestampMixin, UTCDateTime


class CalendarSettings(TimestampMixin, db.Model):
    """One row per user who opened «Календари».

    Only the SHA-256 of the feed token is kept: the token itself is shown once,
    when it is issued. A new token replaces the hash, so the old links stop
    working at once.
    """

    __tablename__ = "calendar_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reminders (VALARM) in this user's feeds; None: no reminder.
    # Minutes before a meeting or a media event starts.
    event_alarm_minutes: Mapped[int | None] = mapped_column(Integer)
    # Minutes before the deadline day begins (900: the day before at 09:00).
    deadline_alarm_minutes: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarSettings user={self.user_id}>"
