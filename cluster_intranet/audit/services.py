from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from .. import clock
from .models import AuditEntry


def audit_query(
    table: str | None = None,
    action: str | None = None,
    user_id: int | None = None,
    row_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Audit entries, newest first, filtered; dates are days in the cluster's time zone."""
    stmt = select(AuditEntry).options(selectinload(AuditEntry.user)).order_by(AuditEntry.id.desc())
    if table:
        stmt = stmt.where(AuditEntry.table_name == table)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if user_id:
        stmt = stmt.where(AuditEntry.user_id == user_id)
    if row_id:
        stmt = stmt.where(AuditEntry.row_id == row_id)
    zone = clock.local_zone()
    if date_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(date_from, time(), zone))
    if date_to:
        stmt = stmt.where(AuditEntry.at < datetime.combine(date_to + timedelta(days=1), time(), zone))
    return stmt
