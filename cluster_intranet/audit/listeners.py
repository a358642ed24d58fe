"""The audit log, written by the session itself: no service has to remember it.

Before a flush the changes of audited rows are read from SQLAlchemy's attribute
history; after it (when new rows have ids) they are inserted in the same
transaction, so a rolled-back change leaves no entry either.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from .. import clock
from .models import AuditEntry

# Tables whose every change is recorded. Areas list theirs here.
AUDITED_TABLES = {
    "users",
    "organizations",
    "people",
    "councils",
    "council_members",
    "meetings",
    "attendances",
    "agenda_items",
    "decisions",
    "decision_responsibles",
    "programmes",
    "checklist_templates",
    "checklist_versions",
    "checklist_sections",
    "checklist_criteria",
    "expert_sessions",
    "expert_assessments",
    "expert_answers",
    "media_plans",
    "media_events",
    "media_participants",
    "media_publications",
    "document_templates",
    "materials",
}
# Columns that say nothing to a reader, or must not be copied anywhere.
# search_text and sort_name are derived from the name (listing, Person.sort_name).
SKIPPED = {"created_at", "updated_at", "version", "search_text", "sort_name"}
SECRET = {"password_hash", "feed_token_hash", "token_hash"}
ACTION_LABELS = {"create": "создание", "update": "изменение", "delete": "удаление"}


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<файл, {len(value)} байт>"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value if not isinstance(value, str) else value[:2000]
    return str(value)[:2000]


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    result = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED:
            continue
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        else:
            value = getattr(obj, key)
            old, new = (value, None) if action == "delete" else (None, value)
        if key in SECRET:
            old, new = ("***" if old else None), ("***" if new else None)
        result[key] = [_plain(old), _plain(new)]
    return result


def _acting_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context, instances) -> None:
    pending = session.info.setdefault("audit_pending", [])
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in AUDITED_TABLES:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            # A new row's values are read after the flush, when defaults and the id are set.
            changes = None if action == "create" else _changes(obj, action)
            if action == "update" and not changes:
                continue
            pending.append((obj, action, table, changes))


@event.listens_for(Session, "after_flush")
def _write(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    now, user_id = clock.utcnow(), _acting_user_id()
    rows = []
    for obj, action, table, changes in pending:
        row_id = getattr(obj, "id", None)
        if changes is None:
            changes = _changes(obj, action)
        rows.append(
            {
                "at": now,
                "user_id": user_id,
                "action": action,
                "table_name": table,
                "row_id": row_id,
                "summary": str(obj)[:300],
                "changes": changes,
            }
        )
    session.connection().execute(insert(AuditEntry), rows)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("audit_pending", None)
