"""Meetings and their protocols: every change of a meeting goes through here.

Functions flush and never commit; the route or the CLI commits once. A change to
the content of an approved protocol raises ProtocolLocked, whichever route asks.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from .. import clock
from ..concurrency import ensure_current, set_place
from ..auth.models import User
from ..councils.models import Council
from ..database import lock_for_update
from ..decisions.models import Decision, DecisionResponsible, DecisionStatus
from ..decisions.numbering import decision_labels, numbered_by_item
from ..directory.models import Person
from ..extensions import db
from ..model_mixins import VotesMixin, copied, neighbour, next_position
from ..text import short_date
from .models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingStatus, ProtocolVersion
from .protocol import in_protocol_order, json_safe, protocol_data
from .queries import next_number

PROGRESS_ITEM = "О ходе исполнения решений"


class MeetingError(ValueError):
    """A change refused for a reason the user should read; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class AlreadyDone(MeetingError):
    """The same thing was just created (a form sent twice): ``existing`` is what it made."""

    def __init__(self, message: str, existing=None):
        super().__init__(message)
        self.existing = existing


class ProtocolLocked(MeetingError):
    def __init__(self):
        super().__init__("Протокол утверждён и закрыт для изменений. Чтобы исправить его, откройте протокол заново.")


def ensure_editable(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ProtocolLocked()


def lock_editable(meeting: Meeting) -> None:
    """Takes the meeting's write lock, checks that the protocol is open, and marks the
    meeting changed. Changes of one protocol take turns: positions and numbers are
    max + 1, moves swap neighbours, and none lands in a protocol approved a moment
    before. ``updated_at`` moves with any change of the protocol (an attendee renamed
    changes no column of the meeting, but its calendar event: the feeds' ETag reads it).
    It is written by a Core UPDATE, which the ORM does not see: the meeting's ``version``
    (which guards the meeting's own form) and the listeners of real changes to its
    columns (audit, decision statistics) stay as they are."""
    lock_for_update(meeting)
    ensure_editable(meeting)
    table = Meeting.__table__
    db.session.connection().execute(update(table).where(table.c.id == meeting.id).values(updated_at=clock.utcnow()))


# The meeting itself ----------------------------------------------------------------------

MEETING_FIELDS = (
    "council_id",
    "number",
    "date",
    "start_time",
    "end_time",
    "city",
    "place",
    "format",
    "connection_link",
    "status",
    "chair_id",
    "secretary_id",
)


def save_meeting(meeting: Meeting, data: dict, version: int | None = None) -> Meeting:
    """Creates or updates a meeting from form data (the keys of MEETING_FIELDS);
    ``version`` is the one the form was built from: an older one is refused."""
    if meeting.id:
        ensure_editable(meeting)
        ensure_current(meeting, version, MeetingError)
    if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
        raise MeetingError("Окончание должно быть позже начала.", "end_time")
    if data.get("status") == MeetingStatus.APPROVED and meeting.status != MeetingStatus.APPROVED:
        raise MeetingError("Чтобы утвердить протокол, нажмите «Утвердить протокол».", "status")
    year = data["date"].year
    duplicate = db.session.scalar(
        select(Meeting.id).where(
            Meeting.council_id == data["council_id"],
            Meeting.year == year,
            Meeting.number == data["number"],
            Meeting.id != meeting.id,
        )
    )
    if duplicate:
        free = next_number(data["council_id"], year)
        raise MeetingError(
            f"Протокол № {data['number']} за {year} год у этого совета уже есть. Свободный номер: {free}.", "number"
        )
    for field in MEETING_FIELDS:
        if field in data:
            setattr(meeting, field, data[field])
    meeting.year = year
    db.session.add(meeting)
    db.session.flush()
    return meeting


def soft_delete(meeting: Meeting) -> None:
    """Deleted meetings are hidden, not destroyed: an admin can restore them."""
    lock_editable(meeting)
    meeting.deleted_at = clock.utcnow()
    db.session.flush()


def restore(meeting: Meeting) -> None:
    meeting.deleted_at = None
    db.session.flush()


# Attendees -------------------------------------------------------------------------------


def snapshot(person: Person) -> dict:
    """An attendee as the protocol writes the person now: «Фамилия И.О.», and the
    position followed by the organisation in the genitive («консультант Департамента …»)."""
    organization = person.organization.genitive if person.organization else ""
    return {"name": person.short_name, "job_title": person.position, "organization": organization}


def add_attendee(meeting: Meeting, person_id: int, mode: AttendanceMode | str) -> Attendance:
    """Adds a person, copying name, position and organization from the directory."""
    lock_editable(meeting)
    person = db.session.get(Person, person_id)
    if person is None:
        raise MeetingError("Такого сотрудника нет в справочнике.", "person_id")
    if any(a.person_id == person_id for a in meeting.attendances):
        raise MeetingError(f"{person.short_name} уже в списке участников.", "person_id")
    mode = AttendanceMode(mode)
    attendance = Attendance(
        person=person, mode=mode.value, position=next_position(meeting.attendees(mode)), **snapshot(person)
    )
    meeting.attendances.append(attendance)
    db.session.flush()
    return attendance


def update_attendee(attendance: Attendance, data: dict, version: int | None = None) -> None:
    """``version`` is the one the form was built from: an older one is refused."""
    ensure_current(attendance, version, MeetingError)
    lock_editable(attendance.meeting)
    for field in ("name", "job_title", "organization"):
        setattr(attendance, field, data[field])
    if data.get("mode") and data["mode"] != attendance.mode:
        mode = AttendanceMode(data["mode"])
        attendance.position = next_position(attendance.meeting.attendees(mode))
        attendance.mode = mode.value
    db.session.flush()


def remove_attendee(attendance: Attendance) -> None:
    lock_editable(attendance.meeting)
    attendance.meeting.attendances.remove(attendance)
    db.session.flush()


def move(item, siblings: list, step: int) -> None:
    """Swaps an item with its neighbour in ``siblings`` (ordered by ``position``)."""
    other = neighbour(siblings, item, step, MeetingError)
    item_position, other_position = item.position, other.position
    set_place(item, position=other_position)
    set_place(other, position=item_position)


def move_attendee(attendance: Attendance, step: int) -> None:
    lock_editable(attendance.meeting)
    move(attendance, attendance.meeting.attendees(attendance.mode_enum), step)


def quorum(meeting: Meeting, today: date | None = None) -> dict:
    """Council members present (in person or online, and the meeting's chair and secretary,
    who are there though not listed as attendees) against the council's rule. ``marked``:
    whether attendance is recorded at all; ``early``: the meeting's day has not come, so a
    quorum not reached is no alarm yet."""
    member_ids = {m.person_id for m in meeting.council.members}
    attending = {a.person_id for a in meeting.attendances if a.mode != AttendanceMode.INVITED}
    present = (attending | {meeting.chair_id, meeting.secretary_id}) & member_ids if attending else set()
    needed = meeting.council.quorum_needed(len(member_ids))
    today = today or clock.local_today()
    return {
        "members": len(member_ids),
        "present": len(present),
        "needed": needed,
        "reached": len(present) >= needed,
        "marked": bool(attending),
        "early": meeting.date > today,
    }


# Agenda ----------------------------------------------------------------------------------

# What a save of each part accepts (the forms send these fields).
AGENDA_FIELDS = (
    "text",
    "speaker_id",
    "speaker_name",
    "speaker_summary",
    "discussion",
    "recurring",
    *VotesMixin.VOTE_FIELDS,
)


def check_votes(meeting: Meeting, data: dict) -> None:
    """«Единогласно» leaves no one against or abstaining; once attendance is recorded, no
    more vote than are present (a typo: «за» – 7 with six in the room)."""
    if data.get("votes_unanimous"):
        for field in ("votes_against", "votes_abstained"):
            if data.get(field):
                raise MeetingError("При голосовании единогласно «против» и «воздержались» не бывает.", field)
    cast = sum(data.get(field) or 0 for field in ("votes_for", "votes_against", "votes_abstained"))
    present = voters(meeting)
    if present and cast > present:
        raise MeetingError(
            f"Голосов {cast}, а присутствуют {present} (очно и онлайн, с председателем и секретарём): "
            "проверьте числа или список присутствующих.",
            "votes_for",
        )


def next_decision_item(meeting: Meeting) -> int | None:
    """The agenda item a new decision most likely answers: the last decision's (a protocol's
    decisions are entered in order), or the first item when there are none yet."""
    if meeting.decisions:
        return meeting.decisions[-1].agenda_item_id
    return meeting.agenda_items[0].id if meeting.agenda_items else None


def votes_over_voters(meeting: Meeting) -> str:
    """check_votes the other way round, after the attendance list changed: the votes recorded
    that now count more than are present (someone removed after the vote was typed), or ""."""
    present = voters(meeting)

    def cast(voted) -> int:
        return sum(getattr(voted, field) or 0 for field in ("votes_for", "votes_against", "votes_abstained"))

    over = [f"по вопросу {n} — {cast(i)}" for n, i in enumerate(meeting.agenda_items, start=1) if cast(i) > present]
    over += [f"по решению {d.numbered} — {cast(d)}" for d in meeting.decisions if cast(d) > present]
    if not present or not over:
        return ""
    return f"Голосов {', '.join(over)}, а присутствуют теперь {present}: проверьте голосование."


def voters(meeting: Meeting) -> int:
    """Those at the meeting who may vote: the attendees in person and online, and the chair
    and the secretary (not always listed among them); 0 while attendance is not recorded."""
    listed = [a for a in meeting.attendances if a.mode != AttendanceMode.INVITED]
    if not listed:
        return 0
    people = {a.person_id for a in listed if a.person_id is not None}
    unnamed = sum(1 for a in listed if a.person_id is None)
    return len(people | {meeting.chair_id, meeting.secretary_id} - {None}) + unnamed


def _speaker_name(item: AgendaItem | None, speaker: Person, typed: str) -> str:
    """СЛУШАЛИ names the speaker picked, unless the secretary wrote the name otherwise: an
    empty box, or the previous speaker's own name left in it, follows the new pick."""
    previous = item.speaker if item is not None else None
    if not typed.strip() or (
        previous is not None and previous.id != speaker.id and typed.strip() == previous.short_name
    ):
        return speaker.short_name
    return typed


def save_agenda_item(meeting: Meeting, item: AgendaItem | None, data: dict, version: int | None = None) -> AgendaItem:
    """Creates or updates an agenda item; ``version`` is the one the form was built from."""
    if item is not None:
        ensure_current(item, version, MeetingError)
    check_votes(meeting, data)
    lock_editable(meeting)
    # Checked before a new item joins the session: a query would flush it half-filled.
    if data.get("speaker_id"):
        speaker = db.session.get(Person, data["speaker_id"])
        if speaker is None:
            raise MeetingError("Такого сотрудника нет в справочнике.", "speaker_id")
        data = {**data, "speaker_name": _speaker_name(item, speaker, data.get("speaker_name") or "")}
    created = item is None
    if item is None:
        _refuse_repeated(
            meeting.agenda_items,
            data,
            "Такой вопрос уже есть в повестке: № {}.",
            lambda i: meeting.agenda_items.index(i) + 1,
        )
        item = AgendaItem(position=next_position(meeting.agenda_items))
        meeting.agenda_items.append(item)
    for field in AGENDA_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    db.session.flush()
    if created:  # decisions tied to no item are numbered after the items
        renumber(meeting)
    meeting.refresh_search_text()
    return item


def _refuse_repeated(rows: list, data: dict, message: str, number) -> None:
    """A new agenda item or decision the same as one the protocol has (the same text, and
    for a decision the same item): a form sent twice, by a double click. Read under the
    meeting's lock, so the second of two sent at once sees the first."""
    for row in rows:
        if row.text == data["text"] and getattr(row, "agenda_item_id", None) == data.get("agenda_item_id"):
            raise AlreadyDone(message.format(number(row)) + " Возможно, форма была отправлена дважды.", row)


def _remove_numbered(row: AgendaItem | Decision, collection: str) -> None:
    """Takes an agenda item or a decision out of the protocol (the meeting's ``collection``,
    read under its lock); the rest are numbered anew."""
    meeting = row.meeting
    lock_editable(meeting)
    getattr(meeting, collection).remove(row)
    db.session.flush()
    renumber(meeting)
    meeting.refresh_search_text()


def remove_agenda_item(item: AgendaItem) -> None:
    _remove_numbered(item, "agenda_items")


def move_agenda_item(item: AgendaItem, step: int) -> None:
    lock_editable(item.meeting)
    move(item, item.meeting.agenda_items, step)
    renumber(item.meeting)


def agenda_number(item: AgendaItem) -> int:
    return item.meeting.agenda_items.index(item) + 1


# Decisions -------------------------------------------------------------------------------

DECISION_FIELDS = ("text", "agenda_item_id", "deadline", "term", *VotesMixin.VOTE_FIELDS)


def save_decision(
    meeting: Meeting, decision: Decision | None, data: dict, responsible_ids: list[int], version: int | None = None
) -> Decision:
    """Creates or updates a decision; ``responsible_ids`` in order, the first leads;
    ``version`` is the one the form was built from: an older one is refused."""
    if decision is not None:
        ensure_current(decision, version, MeetingError)
    check_votes(meeting, data)
    if data.get("deadline") and data.get("term"):
        raise MeetingError("Укажите либо дату, либо срок словами («постоянно»), не то и другое.", "term")
    lock_editable(meeting)
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(responsible_ids)))}
    missing = [pid for pid in responsible_ids if pid not in people]
    if missing:
        raise MeetingError("Ответственный исполнитель не найден в справочнике.", "responsible_ids")
    if data.get("agenda_item_id") and data["agenda_item_id"] not in {i.id for i in meeting.agenda_items}:
        raise MeetingError("Такого вопроса нет в повестке этого заседания.", "agenda_item_id")
    if decision is None:
        _refuse_repeated(meeting.decisions, data, "Такое решение уже есть в протоколе: № {}.", lambda d: d.numbered)
        decision = Decision(number=_next_decision_number(meeting), label="")
        meeting.decisions.append(decision)
    for field in DECISION_FIELDS:
        if field in data:
            setattr(decision, field, data[field])
    _set_responsibles(decision, [people[pid] for pid in dict.fromkeys(responsible_ids)])
    db.session.flush()
    renumber(meeting)
    meeting.refresh_search_text()
    return decision


def _set_responsibles(decision: Decision, people: list[Person]) -> None:
    """The list changed in place: the rows of people kept stay (with their new
    position), the others go, new ones come. Replacing every row instead would insert
    a kept person's new row before deleting the old one (unique decision, person)."""
    kept = {r.person_id: r for r in decision.responsibles}
    wanted = []
    for index, person in enumerate(people):
        row = kept.pop(person.id, None) or DecisionResponsible(person=person)
        row.position = index
        wanted.append(row)
    if wanted != decision.responsibles:
        decision.responsibles = wanted


def _next_decision_number(meeting: Meeting) -> int:
    last = db.session.scalar(select(func.max(Decision.number)).where(Decision.meeting_id == meeting.id))
    return (last or 0) + 1


def remove_decision(decision: Decision) -> None:
    _remove_numbered(decision, "decisions")


def move_decision(decision: Decision, step: int) -> None:
    """Up or down in the protocol; in the full form, within its agenda item."""
    meeting = decision.meeting
    lock_editable(meeting)
    decisions = in_protocol_order(meeting)
    other = neighbour(decisions, decision, step, MeetingError)
    by_item = numbered_by_item(meeting.council.protocol_form, len(meeting.agenda_items))
    if by_item and other.agenda_item_id != decision.agenda_item_id:
        raise MeetingError(
            f"Решение уже {'первое' if step < 0 else 'последнее'} в своём вопросе повестки: "
            "другой вопрос выбирается в форме решения (✎)."
        )
    index, other_index = decisions.index(decision), decisions.index(other)
    decisions[index], decisions[other_index] = other, decision
    _number(decisions)
    _label(meeting, decisions)


def renumber(meeting: Meeting) -> None:
    """After any change of the agenda or the decisions: numbers 1..n in protocol order
    (in the full form, by agenda item) and the labels the protocol prints (numbering.py)."""
    decisions = in_protocol_order(meeting)
    _number(decisions)
    _label(meeting, decisions)


def renumber_council(council: Council) -> None:
    """The council's protocol form changed: its open protocols are numbered anew (an
    approved one keeps the numbers it was approved with, as its kept version prints them)."""
    stmt = (
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.status != MeetingStatus.APPROVED.value)
        .options(selectinload(Meeting.agenda_items), selectinload(Meeting.decisions))
    )
    for meeting in db.session.scalars(stmt):
        renumber(meeting)


def _label(meeting: Meeting, decisions: list[Decision]) -> None:
    items = {item.id: n for n, item in enumerate(sorted(meeting.agenda_items, key=lambda i: i.position), start=1)}
    labels = decision_labels(
        meeting.council.protocol_form, [items.get(d.agenda_item_id) for d in decisions], len(items)
    )
    for decision, label in zip(decisions, labels):
        set_place(decision, label=label)


def _number(decisions: list[Decision]) -> None:
    """Numbers 1..n in list order; through negatives so the unique (meeting, number) holds."""
    if [d.number for d in decisions] == list(range(1, len(decisions) + 1)):
        return
    db.session.flush()
    for decision in decisions:
        set_place(decision, number=-abs(decision.number))
    for index, decision in enumerate(decisions, start=1):
        set_place(decision, number=index)
    if decisions:
        decisions[0].meeting.decisions.sort(key=lambda d: d.number)


# Lifecycle -------------------------------------------------------------------------------


def approve(meeting: Meeting, user: User) -> ProtocolVersion:
    """Locks the protocol and keeps this version of it for ever."""
    lock_editable(meeting)
    if not meeting.decisions and not meeting.agenda_items:
        raise MeetingError("В протоколе нет ни вопросов, ни решений: утверждать нечего.")
    now = clock.utcnow()
    meeting.status = MeetingStatus.APPROVED.value
    meeting.approved_at = now
    meeting.approved_by = user
    version = ProtocolVersion(
        number=len(meeting.versions) + 1,
        approved_at=now,
        approved_by=user,
        snapshot=json_safe(protocol_data(meeting)),
    )
    meeting.versions.append(version)
    db.session.flush()
    return version


def approve_held(meeting: Meeting, user: User, today: date) -> ProtocolVersion:
    """Approval from the meeting's page: on the meeting's day or later, never before — a
    protocol records a meeting that took place. (The demo and the import record past ones
    through ``approve``.)"""
    if meeting.date > today:
        raise MeetingError(
            f"Заседание ещё не прошло: утвердить протокол можно в день заседания, "
            f"{short_date(meeting.date)}, или позже."
        )
    return approve(meeting, user)


def reopen(meeting: Meeting, user: User, reason: str) -> None:
    if not meeting.is_locked:
        raise MeetingError("Протокол не утверждён: он и так открыт для изменений.")
    if not reason.strip():
        raise MeetingError("Укажите причину, по которой протокол открывается заново.", "reason")
    version = meeting.versions[-1]
    version.reopened_at = clock.utcnow()
    version.reopened_by = user
    version.reopen_reason = reason.strip()
    meeting.status = MeetingStatus.DRAFT.value
    meeting.approved_at = None
    meeting.approved_by = None
    db.session.flush()


def copy_as_next(meeting: Meeting, on_date: date) -> Meeting:
    """The next meeting of the series: same council, place, chair and secretary, the
    recurring agenda items, and the open decisions carried into an item «О ходе
    исполнения решений»; its attendance is not marked yet."""
    # Two copies of one meeting take turns, and the second finds the first's.
    lock_for_update(meeting)
    existing = db.session.scalar(
        select(Meeting).where(
            Meeting.council_id == meeting.council_id, Meeting.date == on_date, Meeting.deleted_at.is_(None)
        )
    )
    if existing is not None:
        raise AlreadyDone(
            f"Заседание этого совета на {short_date(on_date)} уже есть: {existing.title}. "
            "Возможно, форма была отправлена дважды.",
            existing,
        )
    council = meeting.council
    new = Meeting(
        council=council,
        number=next_number(council.id, on_date.year),
        year=on_date.year,
        date=on_date,
        status=MeetingStatus.PLANNED.value,
        **copied(
            meeting, "start_time", "end_time", "city", "place", "format", "connection_link", "chair_id", "secretary_id"
        ),
    )
    db.session.add(new)
    # Nobody is marked present at a meeting that has not happened: the secretary records
    # attendance on the day.
    items = [AgendaItem(text=item.text, recurring=True) for item in meeting.agenda_items if item.recurring]
    open_decisions = [d for d in meeting.decisions if d.status in (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)]
    if open_decisions:
        # «1.2. Text; 2.1. Text.»: each text without its own closing punctuation.
        listed = "; ".join(f"{d.label or d.number}. {d.text.rstrip(' .;,')}" for d in open_decisions)
        items.append(
            AgendaItem(text=f"{PROGRESS_ITEM} (протокол № {meeting.number} от {short_date(meeting.date)}): {listed}.")
        )
    for position, item in enumerate(items, start=1):
        item.position = position
    new.agenda_items = items
    db.session.flush()
    new.refresh_search_text()
    return new
