"""Why a row cannot be deleted: the rows of other tables that point at it."""

from __future__ import annotations

from sqlalchemy import func, select

from .extensions import db


def blocking_references(obj) -> list[tuple[str, int]]:
    """(label, count) for each table whose foreign keys would forbid deleting ``obj``.

    Found from the metadata, so a table added later is covered without code here;
    references that cascade or are set to NULL do not block. A table names itself
    in Russian with ``info={"label": ...}``.
    """
    table = obj.__table__
    found = []
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or (fk.ondelete or "").upper() in {"CASCADE", "SET NULL"}:
                continue
            count = db.session.scalar(select(func.count()).select_from(other).where(fk.parent == obj.id))
            if count:
                found.append((other.info.get("label", other.name), count))
    return found


def deletion_refusal(obj, what: str) -> str | None:
    """A Russian sentence explaining why ``obj`` cannot be deleted, or None."""
    refs = blocking_references(obj)
    if not refs:
        return None
    listed = ", ".join(f"{label} ({count})" for label, count in refs)
    return f"Нельзя удалить {what}: есть связанные записи — {listed}."


def delete_unreferenced(obj, what: str, error: type[Exception], advice: str = "") -> None:
    """Deletes ``obj``, or refuses with ``error`` saying what still points at it (and
    ``advice``: what to do instead)."""
    reason = deletion_refusal(obj, what)
    if reason:
        raise error(f"{reason} {advice}".strip())
    db.session.delete(obj)
    db.session.flush()
