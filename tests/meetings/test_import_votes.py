"""A meeting's votes survive its protocol: written as .docx by the intranet's documents
in either form, imported back through the pages, the new meeting has the same votes —
each agenda item's, and a decision's own where it was voted on separately."""

from __future__ import annotations

import io
from datetime import date

import pytest
import lxml.html
from sqlalchemy import func, select

from cluster_intranet.documents import services as documents
from cluster_intranet.extensions import db
from cluster_intranet.meetings import services
from cluster_intranet.meetings.importing import saving
from cluster_intranet.meetings.models import Meeting
from tests import factories


def meeting_with_votes(council) -> Meeting:
    meeting = Meeting(council=council, number=1, year=2022, date=date(2022, 3, 3))
    db.session.add(meeting)
    db.session.flush()
    plan = services.save_agenda_item(
        meeting, None, {"text": "О плане работы кластера", "votes_for": 6, "votes_against": 0, "votes_abstained": 0}
    )
    sessions = services.save_agenda_item(meeting, None, {"text": "Об экспертных сессиях", "votes_unanimous": True})
    services.save_decision(meeting, None, {"text": "Утвердить план работы кластера.", "agenda_item_id": plan.id}, [])
    services.save_decision(
        meeting,
        None,
        {
            "text": "Опубликовать план работы на сайтах.",
            "agenda_item_id": plan.id,
            "votes_for": 5,
            "votes_against": 0,
            "votes_abstained": 1,
        },
        [],
    )
    services.save_decision(
        meeting,
        None,
        {
            "text": "Проводить экспертные сессии ежеквартально.",
            "agenda_item_id": sessions.id,
            "votes_for": 5,
            "votes_against": 1,
            "votes_abstained": 0,
        },
        [],
    )
    db.session.commit()
    return meeting


def _votes(meeting: Meeting):
    return (
        [(item.text, item.votes) for item in meeting.agenda_items],
        [(d.text, d.agenda_item.text, d.votes) for d in sorted(meeting.decisions, key=lambda d: d.number)],
    )


@pytest.mark.parametrize("council_form", ["short", "full"])  # plain decision numbers, or «1.2» by item
@pytest.mark.parametrize("form", ["short", "full"])
def test_votes_round_trip_through_word(secretary, ctx, council_form, form):
    council = factories.council(protocol_form=council_form)
    meeting = meeting_with_votes(council)
    expected = _votes(meeting)
    assert expected[1][1][2] is not None and expected[1][0][2] is None  # decision 2 was voted on separately
    word = documents.protocol_document(meeting, form=form).content
    upload = secretary.post(
        "/meetings/import",
        data={"files": [(io.BytesIO(word), "протокол.docx")], "text": ""},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    row = saving.get_upload(int(upload.headers["Location"].rsplit("/", 1)[1]))
    review = saving.review(row)
    assert review.parsed.unrecognised == []
    # The page proposes the inferred items (the short form's plain numbers); they are posted as proposed.
    proposed = {f"item-{i}": str(d.item_number) for i, d in enumerate(review.parsed.decisions) if d.item_guessed}
    assert bool(proposed) == (form == "short" and council_form == "short")
    confirmed = secretary.post(
        upload.headers["Location"], data={"council_id": council.id, "number": "2", "date": "2022-03-03", **proposed}
    )
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    imported = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 2))
    assert _votes(imported) == expected


def _shown_votes(page: str) -> tuple[list[str], list[str]]:
    """The review page's votes: each agenda item's line, each decision's own ("" for none)."""
    structure = lxml.html.fromstring(page).get_element_by_id("import-structure")

    def line(element, path):
        found = element.xpath(path)
        return found[0].text_content().strip() if found else ""

    return (
        [
            line(li, "./div[starts-with(normalize-space(), 'Голосовали')]")
            for li in structure.xpath(".//ol[@id='import-agenda']/li")
        ],
        [line(tr, "./td[2]/div") for tr in structure.xpath(".//table[@id='import-decisions']/tbody/tr")],
    )


def test_the_review_shows_whose_vote_is_whose_again_when_a_decision_changes_its_item(secretary, ctx):
    meeting = meeting_with_votes(factories.council(protocol_form="short"))
    word = documents.protocol_document(meeting, form="short").content
    upload = secretary.post(
        "/meetings/import",
        data={"files": [(io.BytesIO(word), "протокол.docx")], "text": ""},
        content_type="multipart/form-data",
    )
    review_url = upload.headers["Location"]
    plan_vote, unanimous = "Голосовали: «за» – 6, «против» – 0, «воздержались» – 0.", "Голосовали: единогласно."
    assert _shown_votes(secretary.get(review_url).get_data(as_text=True)) == (
        [plan_vote, unanimous],
        [
            "",
            "Голосовали: «за» – 5, «против» – 0, «воздержались» – 1.",
            "Голосовали: «за» – 5, «против» – 1, «воздержались» – 0.",
        ],
    )
    # Decision 2 moved to the second item: the first item's vote, printed under decision 2, is no
    # longer after its item's last decision; both lines under decision 2 are now decision 2's,
    # and the page shows its first as it will be saved.
    preview = secretary.hx("post", review_url, data={"preview": "1", "item-0": "1", "item-1": "2", "item-2": "2"})
    assert preview.status_code == 200
    assert _shown_votes(preview.get_data(as_text=True)) == (
        ["", unanimous],
        [
            "",
            "Голосовали: «за» – 5, «против» – 0, «воздержались» – 1.",
            "Голосовали: «за» – 5, «против» – 1, «воздержались» – 0.",
        ],
    )
    assert db.session.scalar(select(func.count(Meeting.id))) == 1  # a preview saves nothing
