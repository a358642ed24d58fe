"""Lost updates: a form carries the version of the row it was built from, and a
save based on an older version is refused, naming who changed the row and when."""

from __future__ import annotations

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .audit.models import AuditEntry
from .extensions import db
from .text import local_datetime


class StaleEdit(ValueError):
    """The row changed since the form was opened."""


def changed_by_message(table: str, row_id: int) -> str:
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    who = entry.user.display_name if entry and entry.user else "другой пользователь"
    when = f" {local_datetime(entry.at)}" if entry else ""
    return f"Запись уже изменил {who}{when}. Обновите страницу, чтобы увидеть изменения, и повторите."


def ensure_current(obj, expected_version: int | None, error: type[Exception] = StaleEdit) -> None:
    """Raises ``error`` (an area's own refusal, StaleEdit by default) if ``obj`` is newer
    than the version the form was built from."""
    if expected_version is not None and obj.id is not None and expected_version != obj.version:
        raise error(changed_by_message(obj.__tablename__, obj.id))


def set_place(obj, **values) -> None:
    """Changes where a versioned row stands (its position, number, label) without a new
    version: the version counts edits of the row's content, so a form opened before a
    move of the row or of its neighbours still saves. Written at once, past the ORM."""
    changed = {key: value for key, value in values.items() if getattr(obj, key) != value}
    if not changed:
        return
    if inspect(obj).persistent:
        table = type(obj).__table__
        db.session.execute(update(table).where(table.c.id == obj.id).values(**changed))
        for key, value in changed.items():
            set_committed_value(obj, key, value)
    else:  # not yet in the database: its insert carries the place
        for key, value in changed.items():
            setattr(obj, key, value)
