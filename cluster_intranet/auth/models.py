from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from ..model_mixins import TimestampMixin, UTCDateTime
from .roles import Role

if TYPE_CHECKING:
    from ..directory.models import Person


# Documents sign with a person's name, never an account's e-mail: said to a user whose
# account has no person when the user is about to approve or confirm one.
NO_PERSON_TO_SIGN = (
    "Ваша учётная запись не связана с сотрудником справочника: документ некому подписать. "
    "Попросите администратора связать её с вашей карточкой сотрудника («Пользователи»)."
)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # One account per person (auth.services checks it first, to say so in Russian).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True, unique=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    # The key of the signed-in session this object was loaded for or signed in with
    # (services.start_session, services.load_user); not a column.
    session_key = None

    def get_id(self) -> str:
        """What the session and «remember me» cookies carry: the account and its session."""
        return f"{self.id}:{self.session_key}"

    role_enum = Role.member_of("role")

    @property
    def display_name(self) -> str:
        return self.person.short_name if self.person else self.email

    def has_role(self, *roles: Role) -> bool:
        return self.role == Role.ADMIN or self.role in roles

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class UserSession(db.Model):
    """One signed-in browser. Its session and «remember me» cookies name this row by a random
    key (only the key's SHA-256 is stored); signing out there deletes the row, so a copy of
    either cookie opens nothing afterwards, while the account's other devices stay signed in.
    A password change or a deactivation deletes the account's other (or all) rows."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
