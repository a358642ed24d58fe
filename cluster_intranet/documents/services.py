"""Filled documents of the meetings area and the template library.

Functions take explicit arguments and flush, never commit; routes commit once.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import importlib.util
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import cluster_intranet
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..auth.models import User
from ..councils.models import Council
from ..decisions.models import Decision, DecisionResponsible
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting, ProtocolVersion
from ..text import short_date
from . import contexts
from .library import KINDS, active_template
from .models import DocumentTemplate
from ..web import download_name
from .rendering import TemplateError, render_document, validate_template

PROTOCOL_FORMS = {"short": "protocol_short", "full": "protocol_full"}
FORM_LABELS = {"short": "краткая форма", "full": "полная форма"}


@dataclass(frozen=True)
class Document:
    """A filled document: the .docx bytes and the name to download it under."""

    content: bytes
    filename: str  # «Протокол №2 от 22.10.2021.docx»

    def as_pdf_name(self) -> str:
        return self.filename.removesuffix(".docx") + ".pdf"


# Filled documents ---------------------------------------------------------------------


def load_for_documents(meeting_id: int) -> Meeting | None:
    """A meeting with what its documents read, in few queries: an approved protocol
    reads its kept version, so only a draft needs its attendees, agenda and decisions."""
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted_at.is_(None))
        .options(joinedload(Meeting.council))
    )
    if meeting is not None and not meeting.is_locked:
        db.session.execute(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(
                joinedload(Meeting.chair),
                joinedload(Meeting.secretary),
                selectinload(Meeting.attendances),
                selectinload(Meeting.agenda_items),
                selectinload(Meeting.decisions)
                .selectinload(Decision.responsibles)
                .selectinload(DecisionResponsible.person),
                selectinload(Meeting.decisions).selectinload(Decision.events),
            )
        ).all()
    return meeting


def protocol_kind(meeting: Meeting, form: str | None = None) -> str:
    """The form asked for at download («short», «full»), else the council's form."""
    return PROTOCOL_FORMS.get(form or meeting.council.protocol_form, "protocol_short")


def protocol_document(meeting: Meeting, version: ProtocolVersion | None = None, form: str | None = None) -> Document:
    """The protocol as it is now, or an approved ``version`` of it as it was approved;
    in the ``form`` asked for (None: the council's)."""
    if version is None:
        context = contexts.protocol_context(meeting)
        name = f"Протокол №{meeting.number} от {short_date(meeting.date)}"
    else:
        context = contexts.protocol_context_from_snapshot(version.snapshot, council_form=meeting.council.protocol_form)
        name = f"Протокол №{meeting.number} от {short_date(meeting.date)} (редакция {version.number})"
    if form and form != meeting.council.protocol_form:  # both forms downloaded into one folder: two names
        name += f" ({FORM_LABELS[form]})"
    return Document(
        render_document(active_template(protocol_kind(meeting, form)), context), download_name(None, name, "docx")
    )


def extract_document(
    meeting: Meeting,
    decision_ids: Iterable[int],
    certified_by: User,
    signer: Person | None = None,
    item_ids: Iterable[int] = (),
) -> Document:
    context = contexts.extract_context(meeting, decision_ids, certified_by, item_ids=item_ids, signer=signer)
    numbers = ", ".join(d["label"] for d in context["decisions"]) or "вопрос " + ", ".join(
        str(item["number"]) for item in context["agenda"]
    )
    name = f"Выписка из протокола №{meeting.number} от {short_date(meeting.date)} (п. {numbers})"
    return Document(render_document(active_template("extract"), context), download_name(None, name, "docx"))


def decisions_report_document(
    council: Council | None,
    period_start: dt.date,
    period_end: dt.date,
    decisions: Iterable[Decision],
    *,
    today: dt.date | None = None,
) -> Document:
    """The report over any list of decisions (the decisions area passes its filtered list)."""
    context = contexts.decisions_report_context(council, period_start, period_end, decisions, today=today)
    name = f"Отчёт об исполнении решений {short_date(period_start)}–{short_date(period_end)}"
    return Document(render_document(active_template("decisions_report"), context), download_name(None, name, "docx"))


def report_council(council_id: int | None) -> Council | None:
    """The council a report on decisions is of: None for all of them (no id) or for an id
    of no council. Taken after the form's choices were read (meetings.queries.council_choices),
    it is in the session already and costs no query."""
    return db.session.get(Council, council_id) if council_id else None


def decisions_of_period(council: Council | None, period_start: dt.date, period_end: dt.date) -> list[Decision]:
    """Decisions taken at the council's meetings held in the period, oldest first."""
    stmt = (
        select(Decision)
        .join(Decision.meeting)
        .where(Meeting.deleted_at.is_(None), Meeting.date >= period_start, Meeting.date <= period_end)
        .options(
            selectinload(Decision.meeting),
            selectinload(Decision.responsibles).selectinload(DecisionResponsible.person),
        )
        .order_by(Meeting.date, Meeting.number, Decision.number)
    )
    if council is not None:
        stmt = stmt.where(Meeting.council_id == council.id)
    return list(db.session.scalars(stmt))


# The template library -----------------------------------------------------------------


class LibraryError(ValueError):
    """An upload refused; the message is for the user, ``tag`` the template text at fault."""

    def __init__(self, message: str, tag: str | None = None):
        super().__init__(message)
        self.message = message
        self.tag = tag


def versions(kind: str) -> list[DocumentTemplate]:
    """Uploaded versions of a kind, newest first (without the files)."""
    stmt = (
        select(DocumentTemplate)
        .where(DocumentTemplate.kind == kind)
        .options(selectinload(DocumentTemplate.uploaded_by))
        .order_by(DocumentTemplate.number.desc())
    )
    return list(db.session.scalars(stmt))


def active_versions() -> dict[str, DocumentTemplate]:
    """kind -> its active uploaded version (kinds using the default are absent)."""
    stmt = (
        select(DocumentTemplate).where(DocumentTemplate.is_active).options(selectinload(DocumentTemplate.uploaded_by))
    )
    return {t.kind: t for t in db.session.scalars(stmt)}


def get_version(kind: str, number: int) -> DocumentTemplate | None:
    stmt = select(DocumentTemplate).where(DocumentTemplate.kind == kind, DocumentTemplate.number == number)
    return db.session.scalar(stmt)


@cache
def _demo_factories() -> dict:
    """kind -> demo context factory: ours, and ``DEMO_CONTEXTS`` of every area's
    ``documents`` module (``cluster_intranet/<area>/documents.py``)."""
    factories = dict(contexts.DEMO_CONTEXTS)
    for area in pkgutil.iter_modules(cluster_intranet.__path__):
        name = f"cluster_intranet.{area.name}.documents"
        if area.ispkg and area.name != "documents" and importlib.util.find_spec(name):
            factories.update(getattr(importlib.import_module(name), "DEMO_CONTEXTS", {}))
    return factories


def demo_context(kind: str) -> dict | None:
    """The demo context of a kind (a fresh copy), or None when its area gave none."""
    factory = _demo_factories().get(kind)
    return factory() if factory else None


def variants(context: dict) -> list[dict]:
    """The demo context, and one copy per yes/no value with that value flipped, so that
    both branches of an ``{% if %}`` on it are checked."""
    found: list[tuple] = []

    def walk(value, path):
        if isinstance(value, bool):
            found.append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(context, ())
    result = [context]
    for path in found:
        variant = copy.deepcopy(context)
        target = variant
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = not target[path[-1]]
        result.append(variant)
    return result


def check_template(kind: str, content: bytes) -> None:
    """Raise LibraryError unless ``content`` is a usable template of ``kind``."""
    if kind not in KINDS:
        raise LibraryError("Неизвестный вид документа.")
    demo = demo_context(kind)
    if demo is None:
        raise LibraryError(
            "Для этого вида документа нет демонстрационных данных: шаблон нельзя проверить, загрузка недоступна."
        )
    try:
        validate_template(content, variants(demo))  # every variant within one time bound
    except TemplateError as error:
        raise LibraryError(error.message, error.tag) from error


def upload_template(kind: str, filename: str, content: bytes, user: User | None) -> DocumentTemplate:
    """Checks the upload against the demo data, stores it as the next version and makes it active."""
    check_template(kind, content)
    number = (
        db.session.scalar(select(func.max(DocumentTemplate.number)).where(DocumentTemplate.kind == kind)) or 0
    ) + 1
    template = DocumentTemplate(
        kind=kind,
        number=number,
        content=content,
        size=len(content),
        filename=(filename or f"{kind}.docx")[:255],
        uploaded_by=user,
        uploaded_at=clock.utcnow(),
        is_active=False,
    )
    db.session.add(template)
    activate(template)
    return template


def activate(template: DocumentTemplate) -> None:
    """Makes ``template`` the one active version of its kind."""
    use_default(template.kind)  # first switch the old one off: one active per kind, always
    template.is_active = True
    db.session.flush()


def use_default(kind: str) -> None:
    """Back to the template shipped with the intranet."""
    for template in db.session.scalars(
        select(DocumentTemplate).where(DocumentTemplate.kind == kind, DocumentTemplate.is_active)
    ):
        template.is_active = False
    db.session.flush()
