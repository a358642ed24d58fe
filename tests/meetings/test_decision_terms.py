"""Issue 14, part B: a term that is not a date («срок – постоянно»), and «Ответственный
исполнитель – A» for one, «Ответственные исполнители – A, B» for several."""

import re
from datetime import date

from sqlalchemy import func, select

from cluster_intranet.decisions.models import Decision
from cluster_intranet.documents import services as documents
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting
from tests import factories
from tests.documents.support import docx_paragraphs
from tests.meetings.support import deadline_events


def _meeting(form="full") -> Meeting:
    meeting = Meeting(council=factories.council(protocol_form=form), number=1, year=2021, date=date(2021, 11, 17))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_a_term_in_words_is_printed_controlled_permanently_and_has_no_event(app, secretary, ctx):
    meeting = _meeting()
    lead, second = factories.person(surname="Соколов"), factories.person(surname="Иванова")
    db.session.commit()
    response = secretary.hx(
        "post",
        f"/meetings/{meeting.id}/decisions",
        data={
            "text": "Проводить экспертные сессии.",
            "agenda_item_id": "",
            "term": "постоянно",
            "responsible_ids": [lead.id],
        },
    )
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert f"Ответственный исполнитель – {lead.short_name}, срок – постоянно" in row
    decision = db.session.scalar(select(Decision).where(Decision.meeting_id == meeting.id))
    assert decision.permanent and decision.deadline is None and decision.overdue_days(date(2030, 1, 1)) == 0

    response = secretary.hx(
        "post",
        f"/meetings/{meeting.id}/decisions",
        data={
            "text": "Подготовить рекомендации.",
            "agenda_item_id": "",
            "deadline": "2021-12-01",
            "responsible_ids": [second.id, lead.id],
        },
    )
    assert (
        f"Ответственные исполнители – {second.short_name}, {lead.short_name}, срок до 01.12.2021"
        in response.get_data(as_text=True)
    )

    for form in ("full", "short"):
        lines = docx_paragraphs(documents.protocol_document(meeting, form=form).content)
        assert f"Ответственный исполнитель – {lead.short_name}, срок – постоянно." in lines
        assert f"Ответственные исполнители – {second.short_name}, {lead.short_name}, срок до 01.12.2021." in lines

    control = secretary.get("/decisions/?status=all").get_data(as_text=True)
    assert "постоянный контроль" in control and "срок – постоянно" in control
    events = deadline_events()
    assert [e.summary for e in events] and not [e for e in events if "сессии" in e.summary]


def test_a_date_and_a_term_together_are_refused_next_to_the_term(app, secretary, ctx):
    meeting = _meeting()
    response = secretary.hx(
        "post",
        f"/meetings/{meeting.id}/decisions",
        data={"text": "Решение", "agenda_item_id": "", "deadline": "2021-12-01", "term": "ежеквартально"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'class="form-control is-invalid" id="[\w-]*term"', page)
    assert "Укажите либо дату, либо срок словами" in page
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
