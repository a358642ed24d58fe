"""The protocol as data: for the page of an approved version (its snapshot) and for the
documents (documents/contexts.py completes it into the templates' context)."""

from __future__ import annotations

from ..decisions.models import Decision
from ..decisions.numbering import decision_labels, protocol_order_key
from ..directory.models import Person
from ..text import initials_first
from .models import Attendance, AttendanceMode, Meeting


def signer(short_name: str, position: str, surname: str | None = None) -> dict:
    """The chair or the secretary as the documents name them: «Жарких Е.В.», and «Е.В. Жарких»
    for signature lines (``surname``: see ``text.initials_first``)."""
    return {"short_name": short_name, "short_name_reversed": initials_first(short_name, surname), "position": position}


def in_protocol_order(meeting: Meeting) -> list[Decision]:
    """The decisions as the protocol prints them: in the full form by agenda item."""
    items = {item.id: n for n, item in enumerate(sorted(meeting.agenda_items, key=lambda i: i.position), start=1)}
    form = meeting.council.protocol_form
    return sorted(
        meeting.decisions,
        key=lambda d: protocol_order_key(form, len(items), items.get(d.agenda_item_id), d.number),
    )


def protocol_data(meeting: Meeting) -> dict:
    """The protocol as plain values: the context of the .docx templates, and the
    snapshot kept when a protocol is approved."""

    def person_data(person: Person | None, role_title: str) -> dict | None:
        return None if person is None else signer(person.short_name, role_title, person.surname)

    def attendee(a: Attendance) -> dict:
        return {"name": a.name, "position": a.job_title, "organization": a.organization}

    agenda_numbers = {item.id: number for number, item in enumerate(meeting.agenda_items, start=1)}
    ordered = in_protocol_order(meeting)
    labels = dict(
        zip(
            ordered,
            decision_labels(
                meeting.council.protocol_form,
                [agenda_numbers.get(d.agenda_item_id) for d in ordered],
                len(agenda_numbers),
            ),
        )
    )

    def decision_data(d: Decision) -> dict:
        return {
            "number": d.number,
            "label": labels[d],
            "text": d.text,
            "responsible": [{"name": p.short_name} for p in d.responsible_people],
            # The protocol records the deadline as decided, whatever moves came later.
            "deadline": d.original_deadline,
            "term": d.term,
            "votes": d.votes,
            "item_votes": None,
            "item_number": agenda_numbers.get(d.agenda_item_id),
        }

    decisions = [decision_data(d) for d in ordered]
    agenda = []
    for number, item in enumerate(meeting.agenda_items, start=1):
        item_decisions = [d for d in decisions if d["item_number"] == number]
        if item_decisions:  # the short form prints the item's vote after its last decision
            item_decisions[-1]["item_votes"] = item.votes
        agenda.append(
            {
                "number": number,
                "text": item.text,
                "speaker": item.speaker_name,
                "speakers": [{"name": item.speaker_name, "summary": item.speaker_summary}] if item.speaker_name else [],
                # ВЫСТУПИЛИ: each line of the record its own paragraph («Иванова М.С. – предложила …»).
                "discussion": [
                    {"name": "", "summary": line.strip()} for line in item.discussion.splitlines() if line.strip()
                ],
                "decisions": item_decisions,
                "votes": item.votes,
            }
        )
    council = meeting.council
    attendees = [a for a in meeting.attendances if a.mode != AttendanceMode.INVITED]
    return {
        "meeting": {
            "number": meeting.number,
            "date": meeting.date,
            "city": meeting.city,
            "place": meeting.place,
            "start_time": meeting.start_time,
            "end_time": meeting.end_time,
            "council": {"name": council.name, "name_genitive": council.name_genitive},
        },
        "chair": person_data(meeting.chair, f"Председатель {council.short_genitive}"),
        "secretary": person_data(meeting.secretary, f"Секретарь {council.short_genitive}"),
        "attendees_in_person": [attendee(a) for a in meeting.attendees(AttendanceMode.IN_PERSON)],
        "attendees_online": [attendee(a) for a in meeting.attendees(AttendanceMode.ONLINE)],
        "invited": [attendee(a) for a in meeting.attendees(AttendanceMode.INVITED)],
        "attendees_total": len(attendees),
        "agenda": agenda,
        "decisions": decisions,
        "decisions_without_item": [d for d in decisions if d["item_number"] is None],
        # The meeting's materials (Meeting.materials is declared by the materials area), but
        # the original of an imported protocol: the protocol itself, not a paper attached to it.
        "appendices": [
            {
                "number": n,
                "title": m.title,
                "filename": m.versions[-1].filename,
                "item_number": agenda_numbers.get(m.agenda_item_id),
            }
            for n, m in enumerate(
                sorted(
                    (m for m in getattr(meeting, "materials", []) if not m.protocol_original),
                    key=lambda m: (agenda_numbers.get(m.agenda_item_id, 0), m.position),
                ),
                start=1,
            )
        ],
    }


def json_safe(value):
    """Dates and times as ISO strings, so a snapshot can be stored as JSON."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
