from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, Text, and_, cast, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..auth.models import User
from ..listing import where_chosen
from .models import AuditEntry


def is_login():
    """An entry that only records a sign-in. The changes are JSON written by json.dumps (kept
    as that text by SQLite and by PostgreSQL's json type): exactly one key, last_login_at."""
    text = cast(AuditEntry.changes, Text)
    return and_(
        AuditEntry.table_name == "users",
        AuditEntry.action == "update",
        text.like('{"last_login_at": [%]}'),
        text.not_like('%], "%'),
    )


def audit_query(
    table: str | None = None,
    action: str | None = None,
    user_id: int | None = None,
    row_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    logins: bool = False,
) -> Select:
    """Audit entries, newest first, filtered; dates are days in the cluster's time zone.
    Sign-ins (an update of a user's last_login_at only) are left out unless ``logins``."""
    stmt = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.user).selectinload(User.person))
        .order_by(AuditEntry.id.desc())
    )
    if not logins:
        stmt = stmt.where(~is_login())
    stmt = where_chosen(
        stmt,
        {
            AuditEntry.table_name: table,
            AuditEntry.action: action,
            AuditEntry.user_id: user_id,
            AuditEntry.row_id: row_id,
        },
    )
    zone = clock.local_zone()
    if date_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(date_from, time(), zone))
    if date_to:
        stmt = stmt.where(AuditEntry.at < datetime.combine(date_to + timedelta(days=1), time(), zone))
    return stmt
