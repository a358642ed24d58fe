"""The ↑ ↓ of the protocol's rows offer only the moves that can be made: none above the first
row of a list (of an attendance group, of the agenda), none below its last, and in the full
form none that would take a decision out of its agenda item — pressed, each was sent and
refused («Строка уже первая: выше некуда.»)."""

from __future__ import annotations

import re

from cluster_intranet.extensions import db
from cluster_intranet.meetings import builders as meetings, services
from tests import factories


def offered_moves(page: str, row_id: str) -> list[str]:
    """The arrows of the row ``row_id`` that can be pressed."""
    row = re.search(rf'id="{row_id}".*?</li>', page, re.S).group(0)
    return [
        arrow
        for arrow, label in (("↑", "Переместить выше"), ("↓", "Переместить ниже"))
        if re.search(rf'<button [^>]*aria-label="{label}"(?![^>]*disabled)[^>]*>', row)
    ]


def test_only_the_moves_that_can_be_made_are_offered(app, secretary, ctx):
    expert = factories.council(protocol_form="full")
    people = [factories.person() for _ in range(3)]
    meeting = meetings.meeting(
        expert,
        agenda=["О чек-листе", "О сессиях"],
        attendees=[(people[0], "in_person"), (people[1], "in_person"), (people[2], "online")],
    )
    first_item, second_item = meeting.agenda_items
    decisions = [
        services.save_decision(meeting, None, {"text": text, "agenda_item_id": item.id}, [])
        for text, item in (("Первое", first_item), ("Второе", first_item), ("Третье", second_item))
    ]
    db.session.commit()
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    in_person, online = meeting.attendances[:2], meeting.attendances[2]
    assert offered_moves(page, f"attendee-{in_person[0].id}") == ["↓"]
    assert offered_moves(page, f"attendee-{in_person[1].id}") == ["↑"]
    assert offered_moves(page, f"attendee-{online.id}") == []  # alone in its group
    assert offered_moves(page, f"agenda-item-{first_item.id}") == ["↓"]
    assert offered_moves(page, f"agenda-item-{second_item.id}") == ["↑"]
    # 1.1, 1.2 | 2.1: within the item only
    assert [offered_moves(page, f"decision-row-{d.id}") for d in decisions] == [["↓"], ["↑"], []]
