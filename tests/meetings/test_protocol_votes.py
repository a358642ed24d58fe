"""Issue 14, part B: votes belong to the agenda item («Голосовали» after РЕШИЛИ), with
«единогласно»; a decision carries its own vote only when voted on separately."""

import re
from datetime import date

from sqlalchemy import func, select, text

from cluster_intranet.decisions.models import Decision
from cluster_intranet.documents import services as documents
from cluster_intranet.extensions import db
from cluster_intranet.meetings import services
from cluster_intranet.meetings.models import AgendaItem, Meeting
from tests import factories
from tests.documents.support import docx_paragraphs


def _item_form(**changes):
    return {"text": "О плане работы", "speaker_name": "", "speaker_summary": "", "discussion": "", **changes}


def test_the_item_carries_one_vote_and_the_page_shows_it(app, secretary, draft, ctx):
    response = secretary.hx("post", f"/meetings/{draft.id}/agenda", data=_item_form(votes_unanimous="y"))
    assert response.status_code == 200
    assert "Голосовали: единогласно." in response.get_data(as_text=True)
    item = db.session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == draft.id, AgendaItem.text == "О плане работы")
    )
    assert item.votes == {"for": 0, "against": 0, "abstained": 0, "unanimous": True}

    counted = secretary.hx(
        "post", f"/meetings/agenda/{item.id}", data=_item_form(votes_for="6", votes_against="0", votes_abstained="0")
    )
    assert counted.status_code == 200
    assert "Голосовали: «за» – 6, «против» – 0, «воздержались» – 0." in secretary.get(f"/meetings/{draft.id}").get_data(
        as_text=True
    )


def test_unanimous_with_votes_against_is_refused_next_to_the_field(app, secretary, draft, ctx):
    count = db.session.scalar(select(func.count()).select_from(AgendaItem))
    response = secretary.hx(
        "post", f"/meetings/{draft.id}/agenda", data=_item_form(votes_unanimous="y", votes_against="2")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "При голосовании единогласно «против» и «воздержались» не бывает." in page
    # next to its field: the message follows the «Против» input, marked invalid
    assert re.search(
        r'class="form-control is-invalid" id="[\w-]*votes_against"[^>]*>\s*'
        r'<div class="invalid-feedback">При голосовании единогласно',
        page,
    )
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == count
    refused = secretary.hx(
        "post",
        f"/meetings/{draft.id}/decisions",
        data={"text": "Решение", "agenda_item_id": "", "votes_unanimous": "y", "votes_abstained": "1"},
    )
    assert refused.status_code == 422 and "единогласно" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Decision).where(Decision.meeting_id == draft.id)) == 0


def _protocol_text(meeting, form: str) -> list[str]:
    return docx_paragraphs(documents.protocol_document(meeting, form=form).content)


def test_documents_print_the_item_vote_once_after_its_decisions(app, ctx):
    meeting = Meeting(council=factories.council(protocol_form="full"), number=1, year=2021, date=date(2021, 11, 17))
    db.session.add(meeting)
    db.session.flush()
    item = services.save_agenda_item(
        meeting, None, {"text": "О чек-листе", "votes_for": 6, "votes_against": 0, "votes_abstained": 0}
    )
    other = services.save_agenda_item(meeting, None, {"text": "О сессиях", "votes_unanimous": True})
    for text_ in ("Одобрить.", "Подготовить."):
        services.save_decision(meeting, None, {"text": text_, "agenda_item_id": item.id}, [])
    services.save_decision(
        meeting,
        None,
        {"text": "Проводить.", "agenda_item_id": other.id, "votes_for": 5, "votes_against": 1, "votes_abstained": 0},
        [],
    )
    db.session.commit()
    for form in ("full", "short"):
        lines = _protocol_text(meeting, form)
        counted = "Голосовали: «за» – 6, «против» – 0, «воздержались» – 0."
        assert lines.count(counted) == 1, form
        assert lines.count("Голосовали: единогласно.") == 1
        assert "Голосовали: «за» – 5, «против» – 1, «воздержались» – 0." in lines  # its own, separate vote
    full = _protocol_text(meeting, "full")
    assert full.index("Голосовали: «за» – 6, «против» – 0, «воздержались» – 0.") > full.index("1.2. Подготовить.")
    assert full.index("Голосовали: единогласно.") > full.index("2.1. Проводить.")


def test_migration_moves_a_shared_vote_to_the_item(app, ctx):
    """0026: an item whose decisions all carried one vote gets it; differing votes stay."""
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0025_people_sort_name")
    council = factories.council()
    db.session.commit()
    conn = db.session
    conn.execute(
        text(
            "INSERT INTO meetings (council_id, number, year, date, city, place, format, connection_link, status, "
            "search_text, version, created_at, updated_at) VALUES (:c, 1, 2021, '2021-11-17', '', '', 'in_person', '', "
            "'draft', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"c": council.id},
    )
    meeting_id = conn.scalar(text("SELECT id FROM meetings"))
    for position in (1, 2):
        conn.execute(
            text(
                "INSERT INTO agenda_items (meeting_id, position, text, speaker_name, speaker_summary, discussion, "
                "recurring) VALUES (:m, :p, 'Вопрос', '', '', '', false)"
            ),
            {"m": meeting_id, "p": position},
        )
    first, second = conn.scalars(text("SELECT id FROM agenda_items ORDER BY position")).all()
    for number, (item, votes) in enumerate(
        [(first, (6, 0, 0)), (first, (6, 0, 0)), (second, (6, 0, 0)), (second, (5, 1, 0))], 1
    ):
        conn.execute(
            text(
                "INSERT INTO decisions (meeting_id, number, text, agenda_item_id, votes_for, votes_against, "
                "votes_abstained, status, report_text, report_link, cancel_reason, version, created_at, updated_at) "
                "VALUES (:m, :n, 'Решение', :i, :f, :a, :b, 'open', '', '', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"m": meeting_id, "n": number, "i": item, "f": votes[0], "a": votes[1], "b": votes[2]},
        )
    db.session.commit()
    upgrade()
    db.session.expire_all()
    assert db.session.get(AgendaItem, first).votes == {"for": 6, "against": 0, "abstained": 0, "unanimous": False}
    assert db.session.get(AgendaItem, second).votes is None
    decisions = db.session.scalars(select(Decision).order_by(Decision.number)).all()
    assert [d.votes and d.votes["for"] for d in decisions] == [None, None, 6, 5]
    assert [d.agenda_item_id for d in decisions] == [first, first, second, second]  # the links survive


def test_more_votes_than_present_are_refused_once_attendance_is_recorded(app, secretary, demo, ctx):
    held = db.session.scalar(select(Meeting).where(Meeting.date == date(2021, 11, 17)))
    held.status = "draft"
    db.session.commit()
    present = services.voters(held)
    listed = {a.person_id for a in held.attendances if a.mode != "invited"}
    assert present == len(listed | {held.chair_id, held.secretary_id})
    item = held.agenda_items[0]
    too_many = _item_form(text=item.text, votes_for=str(present + 1), votes_against="0", votes_abstained="0")
    refused = secretary.hx("post", f"/meetings/agenda/{item.id}", data=too_many)
    assert refused.status_code == 422
    assert f"Голосов {present + 1}, а присутствуют {present}" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).votes_for != present + 1
    just_enough = {**too_many, "votes_for": str(present - 1), "votes_abstained": "1"}
    assert secretary.hx("post", f"/meetings/agenda/{item.id}", data=just_enough).status_code == 200
    # A decision voted on separately is held to the same count.
    decision = held.decisions[0]
    form = {"text": decision.text, "agenda_item_id": str(decision.agenda_item_id or ""), "votes_for": str(present + 2)}
    separately = secretary.hx("post", f"/meetings/decisions/{decision.id}", data=form)
    assert separately.status_code == 422
    assert f"Голосов {present + 2}, а присутствуют {present}" in separately.get_data(as_text=True)


def test_votes_are_not_counted_against_an_attendance_not_yet_recorded(app, secretary, draft, ctx):
    assert services.voters(draft) == 0
    response = secretary.hx("post", f"/meetings/{draft.id}/agenda", data=_item_form(votes_for="40"))
    assert response.status_code == 200
