"""Lost updates: a form carries the version of the row it was built from, and a
save based on an older version is refused, naming who changed the row and when."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .audit.models import AuditEntry
from .extensions import db


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
    from .templating import local_datetime  # late: the templates' helpers import the areas' services

    who = entry.user.display_name if entry and entry.user else "другой пользователь"
    when = f" {local_datetime(entry.at)}" if entry else ""
    return f"Запись уже изменил {who}{when}. Обновите страницу, чтобы увидеть изменения, и повторите."


def ensure_current(obj, expected_version: int | None, error: type[Exception] = StaleEdit) -> None:
    """Raises ``error`` (an area's own refusal, StaleEdit by default) if ``obj`` is newer
    than the version the form was built from."""
    if expected_version is not None and obj.id is not None and expected_version != obj.version:
        raise error(changed_by_message(obj.__tablename__, obj.id))
