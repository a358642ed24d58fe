"""The template library: which .docx template renders each kind of document.

Default templates ship in default_templates/; a secretary may upload a
replacement per kind (stored in the database), and the active one wins.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from ..extensions import db
from .models import DocumentTemplate

DEFAULT_TEMPLATES = Path(__file__).parent / "default_templates"

# kind -> Russian name; each kind has default_templates/<kind>.docx
KINDS: dict[str, str] = {
    "protocol_short": "Протокол (краткая форма)",
    "protocol_full": "Протокол (полная форма, ГОСТ Р 7.0.97-2016)",
    "extract": "Выписка из протокола",
    "decisions_report": "Отчёт об исполнении решений",
    "press_release": "Пресс-релиз",
    "media_plan": "Медиаплан",
    "expert_checklist": "Экспертный чек-лист",
    "expert_conclusion": "Экспертное заключение",
    "approval_sheet": "Лист согласования",
}


def default_template(kind: str) -> bytes:
    if kind not in KINDS:
        raise KeyError(f"unknown document kind: {kind}")
    return (DEFAULT_TEMPLATES / f"{kind}.docx").read_bytes()


def active_template(kind: str) -> bytes:
    """The template to render ``kind`` with: the active uploaded version, else the default."""
    if kind not in KINDS:
        raise KeyError(f"unknown document kind: {kind}")
    upload = active_upload(kind)
    return upload.content if upload is not None else default_template(kind)


def active_upload(kind: str) -> DocumentTemplate | None:
    stmt = (
        select(DocumentTemplate)
        .where(DocumentTemplate.kind == kind, DocumentTemplate.is_active)
        .options(undefer(DocumentTemplate.content))
    )
    return db.session.scalar(stmt)
