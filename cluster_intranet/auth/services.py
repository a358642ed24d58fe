"""Users: creation, authentication, roles. The CLI and the admin pages share these."""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from .models import User
from .roles import Role


class UserError(ValueError):
    """A change to users refused for a reason the user should read."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def password_problem(password: str) -> str | None:
    """Why a password is too weak, in Russian, or None if it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Пароль должен быть не короче {minimum} символов."
    if password.isdigit() or password.isalpha():
        return "Пароль должен содержать и буквы, и цифры или знаки."
    return None


def hash_password(user: User, password: str) -> None:
    user.set_password(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(email: str, password: str, role: Role | str = Role.VIEWER, person_id: int | None = None) -> User:
    if find_user(email):
        raise UserError("Пользователь с такой электронной почтой уже есть.")
    user = User(email=normalize_email(email), role=Role(role).value, person_id=person_id)
    hash_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account active, else None."""
    user = find_user(email)
    if user is None or not user.check_password(password) or not user.active:
        return None
    user.last_login_at = clock.utcnow()
    return user


def change_password(user: User, password: str) -> None:
    """Sets a new password and ends every other session of the user."""
    hash_password(user, password)
    user.session_generation += 1


def update_user(user: User, email: str, role: Role | str, person_id: int | None) -> None:
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise UserError("Пользователь с такой электронной почтой уже есть.")
    if user.role == Role.ADMIN and Role(role) != Role.ADMIN and _is_last_active_admin(user):
        raise UserError("Нельзя лишить роли последнего администратора.")
    user.email = normalize_email(email)
    user.role = Role(role).value
    user.person_id = person_id


def set_active(user: User, active: bool) -> None:
    if not active and user.role == Role.ADMIN and _is_last_active_admin(user):
        raise UserError("Нельзя отключить последнего администратора.")
    user.active = active
    user.session_generation += 1


def _is_last_active_admin(user: User) -> bool:
    admins = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
    )
    return user.active and admins <= 1


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``id:generation``, so a password change ends old sessions."""
    ident, _, generation = user_id.partition(":")
    if not ident.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user
