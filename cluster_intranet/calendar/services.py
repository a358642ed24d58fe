"""Feed tokens and reminder preferences. Functions take the user explicitly,
flush and never commit: the route commits once."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from .. import clock
from ..auth.models import User
from ..extensions import db
from .models import CalendarSettings

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")

EVENT_ALARM_CHOICES = [
    (None, "Без напоминаний"),
    (15, "За 15 минут"),
    (30, "За 30 минут"),
    (60, "За 1 час"),
    (120, "За 2 часа"),
    (24 * 60, "За сутки"),
]
# Before the deadline day begins (an all-day event starts at midnight): 900 minutes
# before it is 09:00 of the day before.
DEADLINE_ALARM_CHOICES = [
    (None, "Без напоминаний"),
    (15 * 60, "Накануне в 9:00"),
    (3 * 24 * 60 - 9 * 60, "За 3 дня, в 9:00"),
    (7 * 24 * 60 - 9 * 60, "За неделю, в 9:00"),
]
# An all-day meeting or media event of a user who wants reminders: the day before at 09:00.
ALL_DAY_ALARM_MINUTES = 15 * 60


def hash_token(token: str) -> str:
    """SHA-256 is enough for a 256-bit random token: nothing to guess, nothing to stretch."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def settings_of(user: User) -> CalendarSettings | None:
    return db.session.get(CalendarSettings, user.id)


def _settings_for_change(user: User) -> CalendarSettings:
    settings = settings_of(user)
    if settings is None:
        settings = CalendarSettings(user_id=user.id)
        db.session.add(settings)
    return settings


def issue_token(user: User) -> str:
    """A new feed token for ``user``; the previous one stops working now.

    Returns the token: the only time it exists in clear.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    settings = _settings_for_change(user)
    settings.token_hash = hash_token(token)
    settings.token_issued_at = clock.utcnow()
    db.session.flush()
    return token


def revoke_token(user: User) -> None:
    """No feed link of ``user`` works any more (until a new one is issued)."""
    settings = settings_of(user)
    if settings is not None and settings.token_hash is not None:
        settings.token_hash = None
        db.session.flush()


def settings_for_token(token: str) -> CalendarSettings | None:
    """The settings (with their user) a feed token belongs to, if the user is active."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    digest = hash_token(token)
    settings = db.session.scalar(  # its user loaded with it: the feed reads settings.user
        select(CalendarSettings)
        .join(CalendarSettings.user)
        .options(contains_eager(CalendarSettings.user))
        .where(CalendarSettings.token_hash == digest)
    )
    # The lookup is by hash; compare again in constant time all the same.
    if settings is None or not hmac.compare_digest(settings.token_hash or "", digest):
        return None
    return settings if settings.user.active else None


def save_reminders(user: User, event_minutes: int | None, deadline_minutes: int | None) -> CalendarSettings:
    allowed_events = {value for value, _ in EVENT_ALARM_CHOICES}
    allowed_deadlines = {value for value, _ in DEADLINE_ALARM_CHOICES}
    if event_minutes not in allowed_events or deadline_minutes not in allowed_deadlines:
        raise ValueError("unknown reminder choice")
    settings = _settings_for_change(user)
    settings.event_alarm_minutes = event_minutes
    settings.deadline_alarm_minutes = deadline_minutes
    db.session.flush()
    return settings
