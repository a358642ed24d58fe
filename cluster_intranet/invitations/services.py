"""Who is due which invitation, and the messages themselves.

What each attendee was last sent is read from the mail queue (mail.OutgoingMessage,
kind "invitation", its details: method, sequence, the meeting's fingerprint); a message
the server refused does not count. From that and the meeting as it is now:

- an attendee never invited (or whose last message was a cancellation) gets a REQUEST;
- one invited before a change of date, time, place, format or link gets a REQUEST with
  a higher SEQUENCE (an update: Outlook moves the meeting it has);
- a cancelled meeting sends CANCEL to everyone invited; an attendee removed from the
  meeting gets a CANCEL too;
- nothing else: pressing «Разослать приглашения» again sends nothing twice.

SEQUENCE is the meeting's row version (what the calendar feeds write), and never lower
than one more than the last sent to that person when something changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .. import clock, mail
from ..calendar import feeds, scopes
from ..councils.models import MemberRole
from ..directory.models import Person
from ..extensions import db
from ..mail import OutgoingMessage
from ..materials.services import meeting_materials
from ..meetings.models import AttendanceMode, Meeting, MeetingStatus
from ..text import initials_first, ru_date, short_date
from ..web import DOCX_MIME
from . import imip
from .agenda import agenda_docx

KIND = mail.INVITATION
SENDABLE = (MeetingStatus.PLANNED, MeetingStatus.CANCELLED)
METHOD_LABELS = {imip.REQUEST: "приглашение", imip.CANCEL: "отмена"}


class InvitationError(ValueError):
    """A refusal for the user."""


@dataclass
class Due:
    person: Person
    method: str  # imip.REQUEST or imip.CANCEL
    sequence: int
    update: bool  # a REQUEST after an earlier one: «изменение»
    told_before: dict | None = None  # an update's: what the person's last letter said (told())


def fingerprint(meeting: Meeting) -> str:
    """What an invitation must follow: when, where, how (not the agenda)."""
    facts = [meeting.date, meeting.start_time, meeting.end_time, meeting.city, meeting.place,
             meeting.format, meeting.connection_link]  # fmt: skip
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:16]


# What an update names as changed, in the order the letter gives them.
CHANGES = {"date": "дата", "time": "время", "place": "место", "format": "формат", "link": "подключение"}


def told(meeting: Meeting) -> dict[str, str]:
    """When, where and how, as a letter writes them; kept with each letter sent, so that
    the next update tells each person what changed since the letter they have."""
    return {"date": short_date(meeting.date), "time": _times(meeting),
            "place": ", ".join(p for p in (meeting.city, meeting.place) if p),
            "format": meeting.format_enum.label, "link": meeting.connection_link or ""}  # fmt: skip


def changes_said(before: dict | None, now: dict[str, str]) -> str | None:
    """«Изменено: дата — было 22.10.2021, стало 25.10.2021; место — было …, стало …»; None
    when nothing told has changed (a new e-mail address) or the earlier letter is older
    than what it told was kept."""
    said = [f"{label} — было {before[key] or 'не указано'}, стало {now[key] or 'не указано'}"
            for key, label in CHANGES.items() if before and key in before and before[key] != now[key]]  # fmt: skip
    if not said:
        return None
    text = "Изменено: " + "; ".join(said)
    return text if text.endswith(".") else f"{text}."


def organizer(meeting: Meeting) -> tuple[str, str]:
    """The council's secretary (or the meeting's), as (name, e-mail); the intranet's
    sender address when neither has an e-mail."""
    people = [m.person for m in meeting.council.members if m.role == MemberRole.SECRETARY] + [meeting.secretary]
    for person in people:
        if person is not None and person.email.strip():
            return person.short_name, person.email.strip()
    return "Интранет кластера", current_app.config["MAIL_SENDER"]


def attendees(meeting: Meeting) -> list[Person]:
    """The people of the meeting's attendance list, each once, in the page's order (in
    person, online, invited: AttendanceMode's; the relationship sorts the modes by name)."""
    modes = [mode.value for mode in AttendanceMode]
    seen, people = set(), []
    for attendance in sorted(meeting.attendances, key=lambda a: (modes.index(a.mode), a.position)):
        if attendance.person is not None and attendance.person_id not in seen:
            seen.add(attendance.person_id)
            people.append(attendance.person)
    return people


def last_sent(meeting_id: int) -> dict[int, OutgoingMessage]:
    """Per person, the latest invitation message that counts (not refused)."""
    rows = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.meeting_id == meeting_id, OutgoingMessage.kind == KIND,
               OutgoingMessage.status != mail.REFUSED, OutgoingMessage.person_id.is_not(None))
        .order_by(OutgoingMessage.id)
    )  # fmt: skip
    return {row.person_id: row for row in rows}


def due(meeting: Meeting) -> tuple[list[Due], list[Person]]:
    """The messages due now, and the attendees who have no e-mail."""
    now = fingerprint(meeting)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    previous = last_sent(meeting.id)
    people = attendees(meeting)
    result, without_email = [], []
    for person in people:
        if not person.email.strip():
            without_email.append(person)
            continue
        last = previous.get(person.id)
        last_method = last.details.get("method") if last else None
        last_sequence = last.details.get("sequence", -1) if last else -1
        if cancelled:
            if last_method == imip.REQUEST:
                result.append(Due(person, imip.CANCEL, max(meeting.version, last_sequence + 1), False))
        elif last_method != imip.REQUEST:
            result.append(Due(person, imip.REQUEST, max(meeting.version, last_sequence + 1), False))
        elif last.details.get("fingerprint") != now or last.recipient != person.email.strip():
            result.append(
                Due(person, imip.REQUEST, max(meeting.version, last_sequence + 1), True, last.details.get("told"))
            )
    # Removed from the meeting: their calendars lose it.
    present = {p.id for p in people}
    for person_id, last in previous.items():
        if person_id not in present and last.details.get("method") == imip.REQUEST:
            person = db.session.get(Person, person_id)
            if person is not None and person.email.strip():
                result.append(
                    Due(person, imip.CANCEL, max(meeting.version, last.details.get("sequence", 0) + 1), False)
                )
    return result, without_email


def followed(meeting: Meeting) -> bool:
    """Whether the invited follow the meeting's changes: invitations went out, and it may
    still be written about (planned or cancelled)."""
    return meeting.status in SENDABLE and bool(last_sent(meeting.id))


def cancelled_if_removed(meeting: Meeting) -> set[int]:
    """The attendance rows whose removal mails their person a cancellation (as due() and
    follow_up_said will): the person's last letter is an invitation and no other row of the
    list is theirs. Reads the rows' invitation_method, which queries.load_meeting loads."""
    if meeting.status not in SENDABLE:
        return set()
    rows = Counter(attendance.person_id for attendance in meeting.attendances)
    return {
        attendance.id for attendance in meeting.attendances
        if attendance.person_id is not None and rows[attendance.person_id] == 1
        and attendance.invitation_method == imip.REQUEST
    }  # fmt: skip


def follow_up(meeting: Meeting) -> int:
    """Once invitations went out, the invited follow the meeting: after a change, what they
    are due (an update of the time or place, a cancellation, a newcomer's invitation, a
    removed attendee's cancellation) is queued at once. Before the first «Разослать
    приглашения» nothing is. Flushes (the caller commits); the number of messages queued."""
    if not followed(meeting):
        return 0
    ids, _ = queue_invitations(meeting)
    return len(ids)


def follow_up_said(meeting: Meeting) -> str | None:
    """``follow_up`` after a change of the attendance list, and what the page says of it:
    who is sent an invitation, who a cancellation (None when nothing was sent)."""
    if not followed(meeting):
        return None
    entries, _ = due(meeting)
    if not _queue(meeting, entries):
        return None
    groups = {
        "Приглашение отправляется": [e for e in entries if e.method == imip.REQUEST and not e.update],
        "Изменения отправляются": [e for e in entries if e.method == imip.REQUEST and e.update],
        "Отмена приглашения отправляется": [e for e in entries if e.method == imip.CANCEL],
    }
    said = (f"{what}: {', '.join(e.person.short_name for e in group)}" for what, group in groups.items() if group)
    return " ".join(text if text.endswith(".") else f"{text}." for text in said)  # «Беляев Е.В.», not «Е.В..»


def follow_up_text(meeting: Meeting, count: int, *, was_cancelled: bool = False) -> str | None:
    """What the page says of ``follow_up``'s messages (``was_cancelled``: the meeting was
    cancelled before this change, and is planned again: its invitations go out anew)."""
    if not count:
        return None
    if meeting.status == MeetingStatus.CANCELLED:
        what = "отправляется отмена заседания"
    else:
        what = "снова отправляются приглашения" if was_cancelled else "отправляются изменения"
    return f"Приглашённым {what} (писем: {count})."


def _link(endpoint: str, **values) -> str:
    """An absolute link where users reach the intranet (PUBLIC_BASE_URL), from any context."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def _times(meeting: Meeting) -> str:
    """«14:00–15:30», «14:00», or empty."""
    if not meeting.start_time:
        return ""
    return f"{meeting.start_time:%H:%M}" + (f"–{meeting.end_time:%H:%M}" if meeting.end_time else "")


def _when(meeting: Meeting) -> str:
    return ", ".join(filter(None, [ru_date(meeting.date), _times(meeting)]))


def _greeting(person: Person) -> str:
    """«Елена Владимировна»; a person the directory knows by initials only (as protocols
    write them) «Е.В. Беляев», not «Е. В.»."""
    names = [p.strip() for p in (person.first_name, person.patronymic) if p.strip()]
    if names and not any(len(name.rstrip(".")) <= 1 for name in names):
        return " ".join(names)
    return initials_first(person.short_name, person.surname)


def build_message(meeting: Meeting, item, entry: Due, *, materials: list, agenda: bytes | None) -> EmailMessage:
    """One attendee's message: the text in Russian, the iMIP part, the agenda attached."""
    council = meeting.council
    name = council.name_genitive or council.name
    greeting = _greeting(entry.person)
    place = ", ".join(p for p in (meeting.city, meeting.place) if p)
    removed = entry.method == imip.CANCEL and meeting.status != MeetingStatus.CANCELLED
    if entry.method == imip.CANCEL:
        subject = (
            f"{'Отменено' if not removed else 'Вы исключены из списка участников'}: заседание {name}, {_when(meeting)}"
        )
    else:
        subject = f"{'Изменение: ' if entry.update else 'Приглашение: '}заседание {name}, {_when(meeting)}"
    lines = [f"Здравствуйте, {greeting}!", ""]
    if entry.method == imip.CANCEL:
        lines.append(f"Заседание {name} {_when(meeting)} отменено." if not removed
                     else f"Вы больше не в списке участников заседания {name} {_when(meeting)}.")  # fmt: skip
        lines.append("Событие будет удалено из вашего календаря.")
    else:
        lines.append(
            ("Изменились сведения о заседании " if entry.update else "Приглашаем вас на заседание ") + f"{name}."
        )
        if entry.update and (changed := changes_said(entry.told_before, told(meeting))):
            lines.append(changed)
        lines += ["", f"Когда: {_when(meeting)}"]
        if place and meeting.format != "online":
            lines.append(f"Где: {place}")
        lines.append(f"Формат: {meeting.format_enum.label}")
        if meeting.connection_link:
            lines.append(f"Подключение: {meeting.connection_link}")
        if meeting.agenda_items:
            lines += ["", "Повестка:"]
            for number, agenda_item in enumerate(meeting.agenda_items, start=1):
                lines.append(f"{number}. {agenda_item.text}")
                if agenda_item.speaker_name:
                    lines.append(f"   Докладчик: {agenda_item.speaker_name}")
                for material in (m for m in materials if m.agenda_item_id == agenda_item.id):
                    lines.append(
                        f"   Материал «{material.title}»: {_link('materials.download', material_id=material.id)}"
                    )
        general = [m for m in materials if m.agenda_item_id is None]
        if general:
            lines += ["", "Материалы заседания:"]
            lines += [f"- {m.title}: {_link('materials.download', material_id=m.id)}" for m in general]
        lines += ["", "Приглашение можно принять в Outlook: заседание появится в вашем календаре.",
                  "Повестка приложена к письму (.docx)."]  # fmt: skip
    lines += ["", f"Страница заседания: {_link('meetings.show', meeting_id=meeting.id)}", "",
              "Письмо отправлено интранетом кластера."]  # fmt: skip

    organizer_name, organizer_email = organizer(meeting)
    sender = current_app.config["MAIL_SENDER"]
    message = mail.new_message()
    message["Subject"] = subject
    message["From"] = mail.address(organizer_name, sender)
    message["Reply-To"] = mail.address(organizer_name, organizer_email)
    message["To"] = mail.address(entry.person.short_name, entry.person.email)
    message["Date"] = format_datetime(clock.utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content("\n".join(lines))
    calendar = imip.invitation(
        item, method=entry.method, sequence=entry.sequence, organizer=(organizer_name, organizer_email),
        attendee=(entry.person.short_name, entry.person.email.strip()), tz=current_app.config["TIMEZONE"],
    )  # fmt: skip
    # Outlook shows a meeting request from the text/calendar alternative with its method
    # (base64, as Exchange itself sends it).
    message.add_alternative(calendar.decode("utf-8"), subtype="calendar", params={"method": entry.method}, cte="base64")
    if agenda is not None and entry.method == imip.REQUEST:
        maintype, subtype = DOCX_MIME.split("/")
        message.add_attachment(
            agenda, maintype=maintype, subtype=subtype, filename=f"Повестка {short_date(meeting.date)}.docx"
        )
    return message


def meeting_event(meeting: Meeting):
    """The meeting's event as the calendar feeds write it (its UID, times, text)."""
    scope = scopes.scope_for(scopes.MEETINGS_FEED, None)
    items = list(feeds.single_items(scopes.MEETINGS, meeting.id, scope))
    if not items:
        raise InvitationError("Заседание удалено: приглашать некуда.")
    return items[0]


def queue_invitations(meeting: Meeting) -> tuple[list[int], list[Person]]:
    """Queues every message due now (flushes; the caller commits); returns their ids
    and the attendees without an e-mail."""
    if meeting.status not in SENDABLE:
        raise InvitationError("Приглашения рассылаются до заседания (статус «Запланировано») и при его отмене.")
    entries, without_email = due(meeting)
    return _queue(meeting, entries), without_email


def _queue(meeting: Meeting, entries: list[Due]) -> list[int]:
    """Queues ``entries`` (what ``due`` gave); the ids of the messages queued (one already
    queued under the same key is not queued twice)."""
    if not entries:
        return []
    item = meeting_event(meeting)
    materials = meeting_materials(meeting.id)
    agenda = agenda_docx(meeting, materials, lambda m: _link("materials.download", material_id=m.id))
    now = fingerprint(meeting)
    ids = []
    for entry in entries:
        message = build_message(meeting, item, entry, materials=materials, agenda=agenda)
        key = (
            f"{KIND}:{meeting.id}:{entry.person.id}:{entry.method}:{entry.sequence}:{now}:{entry.person.email.strip()}"
        )
        row = mail.queue(message, key=key, kind=KIND, person_id=entry.person.id, meeting_id=meeting.id,
                         details={"method": entry.method, "sequence": entry.sequence, "fingerprint": now,
                                  "update": entry.update, "told": told(meeting)})  # fmt: skip
        if row is not None:
            ids.append(row.id)
    return ids


def failed(meeting_id: int) -> list[OutgoingMessage]:
    """Each person's latest invitation message that could not be sent (a server down, a
    message it kept refusing for now): what «Отправить повторно» tries again."""
    return [m for m in last_sent(meeting_id).values() if m.status == mail.FAILED]


def retry_failed(meeting_id: int) -> list[int]:
    """The secretary asks to try the failed messages again: queued anew, their attempts
    start anew (one given up after MAIL_MAX_ATTEMPTS is tried again too), and the section
    follows their sending as it does new ones'. Flushes; their ids."""
    ids = [m.id for m in failed(meeting_id)]
    if ids:
        db.session.execute(
            update(OutgoingMessage).where(OutgoingMessage.id.in_(ids)).values(status=mail.QUEUED, attempts=0)
        )
        db.session.flush()
        mail.send_after_request(ids)
    return ids


@dataclass
class Progress:
    total: int
    sent: int
    waiting: int  # queued or being sent
    failed: int

    @property
    def running(self) -> bool:
        return self.waiting > 0


def history(meeting_id: int) -> list[OutgoingMessage]:
    """Every invitation message of the meeting, newest first, with its person."""
    return list(db.session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.meeting_id == meeting_id, OutgoingMessage.kind == KIND)
        .options(joinedload(OutgoingMessage.person)).order_by(OutgoingMessage.id.desc())
    ))  # fmt: skip


def progress(messages: list[OutgoingMessage]) -> Progress:
    """How far the sending in progress is: the messages from the oldest still waiting on
    (not the meeting's whole history: «0 из 2», not «9 из 11»)."""
    statuses = [mail.status_of(m) for m in messages]
    waiting = [m.id for m, s in zip(messages, statuses, strict=True) if s in (mail.QUEUED, mail.SENDING)]
    if waiting:
        statuses = [s for m, s in zip(messages, statuses, strict=True) if m.id >= min(waiting)]
    return Progress(
        total=len(statuses), sent=statuses.count(mail.SENT),
        waiting=sum(s in (mail.QUEUED, mail.SENDING) for s in statuses), failed=statuses.count(mail.FAILED),
    )  # fmt: skip
