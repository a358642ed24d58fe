"""Users: creation, authentication, roles. The CLI and the admin pages share these."""

from __future__ import annotations

import functools
import hashlib
import secrets
import unicodedata

from flask import current_app
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from ..forms import parse_id
from .models import User, UserSession
from .roles import Role


class UserError(ValueError):
    """A change to users refused for a reason the user should read; ``field`` names
    the form field the message belongs under."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def users_query() -> Select:
    """Every account with its person, by e-mail: the list of users."""
    return select(User).options(selectinload(User.person)).order_by(User.email)


def all_users() -> list[User]:
    """Every account with its person, by e-mail: the audit log's choice of who acted."""
    return list(db.session.scalars(users_query()))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def password_rules() -> str:
    """The rule of password_problem() in words, shown under every password field."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    return (
        f"Пароль не короче {minimum} символов: хотя бы одна буква и хотя бы одна цифра или знак; "
        "пробел в начале или в конце не допускается."
    )


def password_problem(password: str) -> str | None:
    """Why a password is too weak, in Russian, or None if it is acceptable.
    The one rule for every way a password is set: forms, services, the CLI."""
    if not password.strip():
        return "Пароль не может состоять из одних пробелов."
    if password != password.strip():
        return "Пароль не должен начинаться или заканчиваться пробелом."
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Пароль должен быть не короче {minimum} символов."
    # By Unicode category: letters (L); digits, punctuation and symbols (N, P, S). Whitespace,
    # control characters and combining marks (the breve of a decomposed «й») are neither.
    kinds = {unicodedata.category(char)[0] for char in password}
    if "L" not in kinds or not kinds & {"N", "P", "S"}:
        return "Пароль должен содержать и буквы, и цифры или знаки."
    return None


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise UserError(problem, "password")


def hash_password(user: User, password: str) -> None:
    user.set_password(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(email: str, password: str, role: Role | str = Role.VIEWER, person_id: int | None = None) -> User:
    if find_user(email):
        raise UserError("Пользователь с такой электронной почтой уже есть.", "email")
    _check_person_free(person_id, None)
    _check_password(password)
    user = User(email=normalize_email(email), role=Role(role).value, person_id=person_id)
    hash_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account active, else None.

    An unknown address costs the same hashing as a wrong password: the time of the
    answer does not tell which addresses have accounts."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = clock.utcnow()
    return user


def sign_in(email: str, password: str) -> User:
    """The user of a right password and an active account, with a new session started;
    refused (under the password) otherwise, without saying which of the two was wrong."""
    user = authenticate(email, password)
    if user is None:
        raise UserError("Неверная почта или пароль, либо учётная запись отключена.", "password")
    start_session(user)
    return user


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User) -> None:
    """Signing in: a new session of ``user``, whose key its cookies will carry (User.get_id).
    Sessions older than the «remember me» cookie, that nobody signed out of, are forgotten:
    no cookie can name them any more."""
    oldest = clock.utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    db.session.execute(delete(UserSession).where(UserSession.started_at < oldest))
    user.session_key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_key_hash(user.session_key)))


def end_session(user: User) -> None:
    """Signing out: the session ``user`` was loaded for ends on the server, so a copy of its
    session or «remember me» cookie opens nothing; the account's other sessions go on."""
    if user.session_key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _key_hash(user.session_key)))


def end_sessions(user: User, keep: str | None = None) -> None:
    """Every session of ``user`` ends, but the one of key ``keep`` (the one making the change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.key_hash != _key_hash(keep))
    db.session.execute(query)


def change_password(user: User, password: str, keep_session: str | None = None) -> None:
    """Sets a new password and ends the user's sessions, all but ``keep_session`` (the key
    of the session the user changes it from)."""
    _check_password(password)
    hash_password(user, password)
    end_sessions(user, keep=keep_session)


def change_own_password(user: User, current: str, password: str, keep_session: str | None) -> None:
    """The user's own change: the current password first, then ``change_password``."""
    if not user.check_password(current):
        raise UserError("Текущий пароль введён неверно.", "current_password")
    change_password(user, password, keep_session=keep_session)


def update_user(user: User, email: str, role: Role | str, person_id: int | None, *, acting: User) -> None:
    """``acting`` is the admin making the change: he may not take his own admin role away."""
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise UserError("Пользователь с такой электронной почтой уже есть.", "email")
    if user.role == Role.ADMIN and Role(role) != Role.ADMIN:
        if user.id == acting.id:
            raise UserError("Нельзя снять роль администратора с самого себя.", "role")
        if _is_last_active_admin(user):
            raise UserError("Нельзя лишить роли последнего администратора.", "role")
    _check_person_free(person_id, user)
    user.email = normalize_email(email)
    user.role = Role(role).value
    user.person_id = person_id


def _check_person_free(person_id: int | None, user: User | None) -> None:
    """A person of the directory has at most one account (no unique index yet: checked here)."""
    if person_id is None:
        return
    query = select(User.email).where(User.person_id == person_id)
    if user is not None:
        query = query.where(User.id != user.id)
    owner = db.session.scalar(query.limit(1))
    if owner is not None:
        raise UserError(f"Этот сотрудник уже связан с учётной записью {owner}.", "person_id")


def set_active(user: User, active: bool, *, acting: User) -> None:
    """Switches the account on or off; ``acting`` (the admin) may not switch himself off."""
    if user.active == active:
        return  # already so (a second press, a page shown before): nothing to change
    if not active and user.id == acting.id:
        raise UserError("Нельзя отключить свою учётную запись.")
    if not active and user.role == Role.ADMIN and _is_last_active_admin(user):
        raise UserError("Нельзя отключить последнего администратора.")
    user.active = active
    if not active:
        end_sessions(user)


def _is_last_active_admin(user: User) -> bool:
    admins = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
    )
    return user.active and admins <= 1


def generate_password() -> str:
    """A random password that keeps the rule (16 URL-safe characters: about one in 28
    has no digit and no ``-``/``_``, so draw again)."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password) is None:
            return password


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``id:key`` from the session or «remember me» cookie, the user
    only while that session lasts (not signed out of, no password change since)."""
    ident, _, key = user_id.partition(":")
    if parse_id(ident) is None or not key:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == parse_id(ident), UserSession.key_hash == _key_hash(key))
    )  # fmt: skip
    if user is None or not user.active:
        return None
    user.session_key = key
    return user
