"""Uploads kept for review, and the reviewed protocol created as a meeting.

``upload`` reads a file (or pasted text) and keeps it with the lines read from it;
nothing else is written, and a file that is not a protocol is refused before that.
``review`` is what the review page shows: the parsed protocol and its matches.
``confirm`` creates, in the caller's one transaction, the meeting (a draft, or an
approved archive copy), the new organisations and people, the attendee snapshots as
written, the agenda, and the decisions with their responsibles and deadlines; the
upload becomes the meeting's material «Исходный файл протокола». Uploads live in the
materials' file storage (``MaterialVersion`` with ``lines``: in the database, or in
MATERIALS_DIR when set). Functions flush; the route commits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import delete, select

from ... import clock
from ...auth.models import User
from ...councils.models import Council
from ...decisions import services as decisions
from ...decisions.models import Decision, DecisionResponsible, DecisionStatus
from ...directory.models import Organization, Person
from ...documents.pdf import ConversionError, convert_to_docx
from ...extensions import db
from ...forms import parse_id, strip_controls
from ...search import fold
from .. import services as meetings
from ...materials import services as materials
from ...materials.models import MaterialVersion
from ..models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingFormat, MeetingStatus
from . import matcher, names, reader
from .parser import lines_from_text, parse
from .structure import ParsedProtocol

PASTED = "Вставленный текст.txt"
KEEP_PENDING = timedelta(days=7)  # an upload never confirmed is removed after a week
DONE_REPORT = "Отмечено исполненным при импорте архивного протокола."
NOT_A_PROTOCOL = (
    "В файле не найден протокол: нет ни номера, ни даты, ни участников, ни повестки, ни решений. "
    "Проверьте, тот ли файл выбран."
)


class ImportRefused(ValueError):
    """The confirmation refused; ``field`` names the form field, ``meeting_id`` the
    protocol that is already in the intranet."""

    def __init__(self, message: str, field: str | None = None, meeting_id: int | None = None):
        super().__init__(message)
        self.field = field
        self.meeting_id = meeting_id


# Upload ------------------------------------------------------------------------------


def upload(filename: str, data: bytes, user: User, *, soffice: str | None = None, timeout: float = 60,
           directory: str | None = None) -> MaterialVersion:  # fmt: skip
    """Reads and keeps an uploaded file (``directory``: MATERIALS_DIR); raises
    ``reader.ImportFileError`` (nothing kept). The same file sent again by its uploader while
    it waits for review (a second click, the same file chosen twice) is the upload already kept."""
    if (kept := _pending_copy(data, user)) is not None:
        return kept
    lines = reader.file_lines(filename, data, convert=libreoffice(timeout, soffice))
    return _keep(filename, data, lines, user, directory)


Taken = tuple[str, MaterialVersion | None, str | None]  # the name, the kept upload or None, the refusal or None


def take(files: list[tuple[str, bytes]], text: str, user: User, *, soffice: str | None = None, timeout: float = 60,
         directory: str | None = None) -> tuple[list[Taken], str | None]:  # fmt: skip
    """Files (name, bytes) and a pasted ``text`` kept for review, each on its own: one
    refused does not stop the others. Each one's result in order (the text's last), and
    the text's refusal, if any."""
    results: list[Taken] = []
    for filename, data in files:
        try:
            results.append(
                (filename, upload(filename, data, user, soffice=soffice, timeout=timeout, directory=directory), None)
            )
        except reader.ImportFileError as error:
            results.append((filename, None, str(error)))
    if text:
        try:
            results.append((PASTED, paste(text, user, directory), None))
        except reader.ImportFileError as error:
            return results, str(error)
    return results, None


def paste(text: str, user: User, directory: str | None = None) -> MaterialVersion:
    text = reader.check_text(text)
    if (kept := _pending_copy(text.encode("utf-8"), user)) is not None:
        return kept
    return _keep(PASTED, text.encode("utf-8"), lines_from_text(text), user, directory)


def _keep(filename: str, data: bytes, lines: list[str], user: User, directory: str | None) -> MaterialVersion:
    if parse(lines).is_empty:
        raise reader.ImportFileError(NOT_A_PROTOCOL)
    stale = clock.utcnow() - KEEP_PENDING
    db.session.execute(delete(MaterialVersion).where(_under_review(), MaterialVersion.uploaded_at < stale))
    return materials.keep_protocol(filename, data, lines, user, directory)


def _pending_copy(data: bytes, user: User) -> MaterialVersion | None:
    stmt = select(MaterialVersion).where(
        _under_review(),
        MaterialVersion.uploaded_by_id == user.id,
        MaterialVersion.sha256 == hashlib.sha256(data).hexdigest(),
        MaterialVersion.uploaded_at >= clock.utcnow() - KEEP_PENDING,
    )
    return db.session.scalars(stmt.order_by(MaterialVersion.id).limit(1)).first()


def _under_review():
    return MaterialVersion.material_id.is_(None) & MaterialVersion.lines.is_not(None)


def get_upload(upload_id: int) -> MaterialVersion | None:
    """A protocol uploaded for import, under review or imported; None for any other file."""
    row = db.session.get(MaterialVersion, upload_id)
    return row if row is not None and row.lines is not None else None


def pending(user: User) -> list[MaterialVersion]:
    stmt = select(MaterialVersion).where(_under_review(), MaterialVersion.uploaded_by_id == user.id)
    return list(db.session.scalars(stmt.order_by(MaterialVersion.id)))


def discard(row: MaterialVersion) -> None:
    if row.meeting_id is not None:
        raise ImportRefused("Протокол уже импортирован: файл хранится при заседании.")
    db.session.delete(row)
    db.session.flush()


# Review ------------------------------------------------------------------------------


@dataclass
class Review:
    row: MaterialVersion
    parsed: ParsedProtocol
    matches: matcher.Matches
    people: list[tuple[str, matcher.PersonMatch]]  # (key, match), attendees first
    new_organizations: list[tuple[str, matcher.OrganizationMatch]]
    councils: list[tuple[int, str]]
    existing_id: int | None  # the same council, number and year already in the intranet
    existing_deleted: bool  # ... and deleted: an admin may restore it, nobody may open it
    notes: list[str] = field(default_factory=list)

    def person(self, name: str) -> matcher.PersonMatch | None:
        return self.matches.person(name)


def review(row: MaterialVersion) -> Review:
    parsed = parse(row.lines)
    found = matcher.match(parsed)
    councils = [(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.name))]
    notes = list(parsed.uncertain)
    if found.council_id is None:
        notes.append("Совет не распознан: выберите его.")
    if parsed.number is None:
        notes.append("Номер протокола не найден: укажите его.")
    if parsed.date is None:
        notes.append("Дата заседания не найдена: укажите её.")
    existing = existing_meeting(found.council_id, parsed.number, parsed.date.year if parsed.date else None)
    return Review(
        row=row,
        parsed=parsed,
        matches=found,
        people=list(found.people.items()),
        new_organizations=[(k, m) for k, m in found.organizations.items() if m.kind == matcher.NEW],
        councils=councils,
        existing_id=existing[0] if existing else None,
        existing_deleted=bool(existing and existing[1]),
        notes=notes,
    )


def existing_meeting(council_id: int | None, number: int | None, year: int | None) -> tuple[int, bool] | None:
    """(id, deleted) of the council's protocol of that number and year, if there is one
    (a deleted one keeps its number until an admin restores or nobody does)."""
    if not (council_id and number and year):
        return None
    row = db.session.execute(
        select(Meeting.id, Meeting.deleted_at).where(
            Meeting.council_id == council_id, Meeting.number == number, Meeting.year == year
        )
    ).first()
    return (row.id, row.deleted_at is not None) if row else None


# Confirm -----------------------------------------------------------------------------


@dataclass
class Choices:
    """What the secretary set on the review page."""

    council_id: int | None
    number: int | None
    date: date | None
    archive: bool = False  # an approved copy of an old protocol, not a draft
    mark_done: bool = False  # archive only: its decisions done
    people: dict[str, str] = field(default_factory=dict)  # key -> person id, "new" or "" (no link)
    organizations: dict[str, str] = field(default_factory=dict)  # new organisation's key -> its short name
    items: dict[int, int | None] = field(default_factory=dict)  # decision index -> agenda item number
    # The meeting's other fields as corrected; None: as the protocol says.
    city: str | None = None
    place: str | None = None
    start_time: str | None = None  # «14:00», or "" for none
    end_time: str | None = None


def _time(text: str, name: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::00)?", text)
    if match is None:
        raise ImportRefused("Время указано неверно: введите часы и минуты, например 14:00.", name)
    return time(int(match.group(1)), int(match.group(2)))


def _meeting_fields(parsed: ParsedProtocol, choices: Choices) -> dict:
    """City, place and times: as corrected on the review page, else as the protocol says."""
    city = parsed.city if choices.city is None else " ".join(strip_controls(choices.city).split())
    place = parsed.place if choices.place is None else " ".join(strip_controls(choices.place).split())
    start = parsed.start_time if choices.start_time is None else _time(choices.start_time, "start_time")
    end = parsed.end_time if choices.end_time is None else _time(choices.end_time, "end_time")
    if len(city) > 100:
        raise ImportRefused("Город — не длиннее 100 знаков.", "city")
    if len(place) > 500:
        raise ImportRefused("Место — не длиннее 500 знаков.", "place")
    if end is not None and start is None:
        raise ImportRefused("Укажите начало: окончание без начала не сохраняется.", "start_time")
    if start and end and end <= start:
        raise ImportRefused("Окончание должно быть позже начала.", "end_time")
    return {"city": city or "г. Томск", "place": place, "start_time": start, "end_time": end}


def _votes(votes) -> dict:
    """A parsed vote as the model's columns (VotesMixin): «единогласно» as such."""
    if votes is None:
        return {}
    if votes.unanimous:
        return {"votes_unanimous": True}
    return {"votes_for": votes.for_, "votes_against": votes.against, "votes_abstained": votes.abstained}


def confirm(row: MaterialVersion, user: User, choices: Choices) -> Meeting:
    if row.meeting_id is not None:
        raise ImportRefused("Этот протокол уже импортирован.", meeting_id=row.meeting_id)
    if not choices.council_id or db.session.get(Council, choices.council_id) is None:
        raise ImportRefused("Выберите совет.", "council_id")
    if not choices.number or choices.number < 1:
        raise ImportRefused("Укажите номер протокола.", "number")
    if choices.date is None:
        raise ImportRefused("Укажите дату заседания.", "date")
    if choices.mark_done and not choices.archive:
        raise ImportRefused(
            "Отметить решения исполненными можно только у архивной копии: отметьте «Это архивная копия» "
            "или снимите эту отметку (решения черновика ставятся на контроль).",
            "mark_done",
        )
    existing = existing_meeting(choices.council_id, choices.number, choices.date.year)
    if existing and existing[1]:
        raise ImportRefused(
            f"Протокол № {choices.number} за {choices.date.year} год этого совета удалён, но его номер занят: "
            "укажите другой номер или попросите администратора восстановить удалённый протокол.",
            "number",
        )
    if existing:
        raise ImportRefused(
            f"Протокол № {choices.number} за {choices.date.year} год этого совета уже есть в интранете.",
            "number",
            meeting_id=existing[0],
        )
    parsed = parse(row.lines)
    fields = _meeting_fields(parsed, choices)
    parsed.assign_items(choices.items)
    found = matcher.match(parsed)
    people = _people(parsed, found, choices)

    def person(name: str) -> Person | None:
        return people.get(names.key(name)) if name else None

    council = db.session.get(Council, choices.council_id)
    modes = {AttendanceMode.IN_PERSON: parsed.attendees_in_person, AttendanceMode.ONLINE: parsed.attendees_online,
             AttendanceMode.INVITED: parsed.invited}  # fmt: skip
    fmt = MeetingFormat.IN_PERSON
    if parsed.attendees_online:
        fmt = MeetingFormat.MIXED if parsed.attendees_in_person else MeetingFormat.ONLINE
    meeting = Meeting(
        council=council, number=choices.number, year=choices.date.year, date=choices.date, **fields, format=fmt.value,
        status=MeetingStatus.DRAFT.value, chair=person(parsed.chair), secretary=person(parsed.secretary),
    )  # fmt: skip
    meeting.attendances = [
        Attendance(person=person(a.name), mode=mode.value, position=index, name=a.name[:200],
                   job_title=a.position[:500], organization=a.organization[:1000])
        for mode, rows in modes.items()
        for index, a in enumerate(rows, start=1)
    ]  # fmt: skip
    items = {}
    for position, parsed_item in enumerate(parsed.agenda, start=1):
        heard = parsed_item.heard
        speaker = parsed_item.speaker or (heard[0].name if heard else "")
        spoke = [f"{s.name} – {s.summary}" if s.name else s.summary for s in [*heard[1:], *parsed_item.spoke]]
        items[parsed_item.number] = AgendaItem(
            position=position, text=parsed_item.text or f"Вопрос {parsed_item.number}", speaker=person(speaker),
            speaker_name=names.normalise(speaker)[:200] if speaker else "", speaker_summary=heard[0].summary if heard else "",
            discussion="\n".join(spoke), **_votes(parsed_item.votes),
        )  # fmt: skip
    meeting.agenda_items = list(items.values())
    for number, parsed_decision in enumerate(parsed.decisions, start=1):
        item_number = parsed_decision.item_number
        text = parsed_decision.text
        term = parsed_decision.term[:200] if parsed_decision.deadline is None else ""
        responsible = list(dict.fromkeys(p for p in (person(n) for n in parsed_decision.responsible) if p is not None))
        meeting.decisions.append(Decision(
            number=number, label="", text=text, agenda_item=items.get(item_number), deadline=parsed_decision.deadline,
            term=term, **_votes(parsed_decision.votes), status=DecisionStatus.OPEN.value,
            responsibles=[DecisionResponsible(person=p, position=i) for i, p in enumerate(responsible)],
        ))  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    meetings.renumber(meeting)  # protocol order and the labels of the council's form
    meeting.refresh_search_text()
    materials.attach_protocol(row, meeting)
    if choices.archive:
        if choices.mark_done:
            for decision in meeting.decisions:
                # Reported on the deadline (or the meeting's day): not later than anything known.
                report_date = min(decision.deadline or meeting.date, clock.local_today())
                decisions.change_status(decision, user, DecisionStatus.IN_PROGRESS)  # the only way to done
                decisions.change_status(
                    decision, user, DecisionStatus.DONE, report_text=DONE_REPORT, report_date=report_date
                )
        meetings.approve(meeting, user)
    return meeting


def _people(parsed: ParsedProtocol, found: matcher.Matches, choices: Choices) -> dict[str, Person]:
    """The people of the protocol by name key: chosen from the directory or created."""
    responsible = {names.key(n) for d in parsed.decisions for n in d.responsible}
    organizations: dict[str, Organization] = {}
    chosen = {
        key: choices.people.get(key, str(match.person_id) if match.person_id else "new")
        for key, match in found.people.items()
    }
    wanted = {parse_id(v) for v in chosen.values()} - {None}
    existing = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(wanted)))} if wanted else {}
    out = {}
    for key, match in found.people.items():
        choice = chosen[key]
        if choice.isdigit():
            person = existing.get(parse_id(choice))
            if person is None:
                raise ImportRefused(f"{match.written}: такого сотрудника нет в справочнике.", f"person-{key}")
            out[key] = person
        elif choice == "new":
            out[key] = _new_person(match, found, choices, organizations)
        elif key in responsible:
            raise ImportRefused(
                f"{match.written} — ответственный исполнитель: выберите сотрудника из справочника или создайте нового.",
                f"person-{key}",
            )
    return out


def _new_person(match: matcher.PersonMatch, found: matcher.Matches, choices: Choices,
                organizations: dict[str, Organization]) -> Person:  # fmt: skip
    organization = None
    if match.organization:
        org_key = fold(match.organization)
        org_match = found.organizations.get(org_key)
        if org_match and org_match.organization_id:
            organization = db.session.get(Organization, org_match.organization_id)
        elif org_key in organizations:
            organization = organizations[org_key]
        else:
            short_name = (choices.organizations.get(org_key) or match.organization).strip()[:300]
            organization = db.session.scalar(select(Organization).where(Organization.short_name == short_name))
            if organization is None:
                organization = Organization(short_name=short_name, full_name="")
                db.session.add(organization)
            organizations[org_key] = organization
    person = Person(surname=match.surname, first_name=match.first_name or "", patronymic=match.patronymic or "",
                    position=match.position[:500], organization=organization)  # fmt: skip
    db.session.add(person)
    return person


def libreoffice(timeout: float = 60, soffice: str | None = None):
    """The ``convert`` of ``reader.file_lines``: LibreOffice headless (documents.pdf), its
    failures in Russian."""

    def convert(data: bytes, suffix: str) -> bytes:
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and suffix != ".doc":
            raise reader.ImportFileError(f"Файл «{suffix}» на самом деле документ другого формата или защищён паролем.")
        try:
            return convert_to_docx(data, suffix, timeout=timeout, soffice=soffice)
        except ConversionError as exc:
            # LibreOffice's own words («Error: source file could not be loaded», a warning
            # about Java) mean nothing to a secretary: its timeout or absence is said as is.
            reason = str(exc) if not str(exc).startswith("LibreOffice не смог") else "файл не открывается."
            raise reader.ImportFileError(
                f"Не удалось преобразовать файл {suffix}: {reason} Если документ защищён паролем, "
                "снимите защиту; иначе сохраните его в Word как .docx и загрузите снова."
            ) from None

    return convert
