"""What a protocol imports as is the meeting it was written from: every demo meeting's
protocol, written in either form by the intranet's documents, uploaded, reviewed with the
proposals as they stand (and the short form's inferred agenda items as the meeting has
them), and confirmed, is a meeting whose protocol reads as the original's does."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from cluster_intranet.documents import services as documents
from cluster_intranet.extensions import db
from cluster_intranet.meetings.importing import saving
from cluster_intranet.meetings.models import Meeting
from cluster_intranet.meetings.protocol import protocol_data

NEW_NUMBER = 900


def import_through_the_pages(client, name: str, data: bytes, number: int, items_of=None, **choices) -> Meeting:
    """Uploads ``data``, confirms it as protocol ``number`` with the review's proposals;
    ``items_of(decision_index)`` the agenda item of each decision whose item was inferred."""
    upload = client.post(
        "/meetings/import",
        data={"files": [(io.BytesIO(data), name)], "text": ""},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    review = saving.review(saving.get_upload(int(upload.headers["Location"].rsplit("/", 1)[1])))
    assert review.parsed.unrecognised == []
    items = {
        f"item-{i}": str(items_of(i) if items_of else d.item_number or "")
        for i, d in enumerate(review.parsed.decisions)
        if d.item_guessed
    }
    form = {
        "council_id": str(review.matches.council_id),
        "number": str(number),
        "date": review.parsed.date.isoformat(),
        **items,
        **choices,
    }
    confirmed = client.post(upload.headers["Location"], data=form)
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    return db.session.get(Meeting, int(confirmed.headers["Location"].rstrip("/").rsplit("/", 1)[1]))


def comparable(meeting: Meeting, form: str) -> dict:
    """The meeting's protocol as data but its number; of the short form, what it prints:
    no chair, place, times, nor who spoke."""
    data = protocol_data(meeting)
    data["meeting"]["number"] = None
    if form == "short":
        data["chair"] = None
        data["meeting"].update(place="", start_time=None, end_time=None)
        for item in data["agenda"]:
            item.update(speaker="", speakers=[], discussion=[])
    return data


@pytest.mark.parametrize("form", ["short", "full"])
def test_every_demo_meeting_imports_back_as_the_same_meeting(secretary, demo, form):
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.id)))
    assert len(meetings) >= 4
    for n, meeting in enumerate(meetings):
        expected = comparable(meeting, form)
        word = documents.protocol_document(meeting, form=form).content
        order = sorted(meeting.decisions, key=lambda d: d.number)
        positions = {item.id: position for position, item in enumerate(meeting.agenda_items, start=1)}

        def item_of(index):  # the short form does not print it: the secretary chooses it
            return positions.get(order[index].agenda_item_id)

        imported = import_through_the_pages(secretary, "протокол.docx", word, NEW_NUMBER + n, item_of)
        assert comparable(imported, form) == expected, meeting
        # The same people of the directory, not namesakes created anew.
        assert [a.person_id for a in imported.attendances] == [a.person_id for a in meeting.attendances]


def test_the_seed_text_imports_as_exactly_the_demos_protocol_no_2(secretary, demo, seed_text):
    """The demo's Protocol No. 2 is the seed protocol entered through the pages: taken out,
    the seed's text imports back to it, the agenda items of its decisions as inferred."""
    expected = comparable(demo, "short")
    expected["meeting"]["number"] = 2
    people = [a.person_id for a in demo.attendances]
    db.session.delete(demo)
    db.session.commit()
    imported = import_through_the_pages(secretary, "протокол 22.10.2021.txt", seed_text.encode(), 2)
    got = comparable(imported, "short")
    got["meeting"]["number"] = imported.number
    assert got == expected
    assert [a.person_id for a in imported.attendances] == people
    assert imported.status == "draft" and all(d.status == "open" for d in imported.decisions)
