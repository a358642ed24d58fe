"""The second protocol: seed-demo holds the Expert Council's meeting of 17.11.2021 (from
data), and its full-form .docx, converted to text by LibreOffice, reads exactly as
../shared/seed/protocol-2021-11-17-expert-council.txt."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cluster_intranet.councils.models import Council
from cluster_intranet.documents.pdf import convert_to_text
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting

from tests.conftest import FULL_TEXT, seed_file_text

from .support import requires_soffice
from .test_fidelity import normalized_lines


def expected_lines() -> list[str]:
    return normalized_lines(seed_file_text(FULL_TEXT))


def assert_same_lines(rendered: list[str], expected: list[str]) -> None:
    for number, (want, got) in enumerate(zip(expected, rendered), start=1):
        assert got == want, f"line {number} differs"
    assert len(rendered) == len(expected), rendered[len(expected) :] or expected[len(rendered) :]


def expert_meeting() -> Meeting:
    return db.session.scalar(
        select(Meeting).join(Council).where(Council.protocol_form == "full", Meeting.date == dt.date(2021, 11, 17))
    )


def test_the_demo_holds_the_expert_council_protocol_approved_on_its_day(demo):
    meeting = expert_meeting()
    assert meeting is not None and meeting.is_locked and meeting.number == 1
    assert meeting.approved_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2021, 11, 17)
    assert [d.label for d in meeting.decisions] == ["1.1", "1.2", "2.1", "2.2"]


@requires_soffice
@pytest.mark.parametrize("approved", [True, False], ids=["approved", "reopened"])
def test_the_full_form_reads_like_the_second_protocol(viewer, demo, approved):
    meeting = expert_meeting()
    if not approved:  # the live data, not the kept version, reads the same
        from cluster_intranet.auth.models import User
        from cluster_intranet.meetings import services

        services.reopen(meeting, db.session.scalar(select(User)), "проверка")
        db.session.commit()
    response = viewer.get(f"/documents/meetings/{meeting.id}/protocol.docx?form=full")
    assert response.status_code == 200
    assert_same_lines(normalized_lines(convert_to_text(response.data)), expected_lines())


def test_an_extract_of_an_agenda_item_prints_it_whole(viewer, demo):
    """Item 2 chosen whole and decision 1.2 alone: each item with its СЛУШАЛИ and the
    decisions, numbered as in the protocol, and its vote; certified by the council's secretary."""
    from .support import docx_paragraphs

    meeting = expert_meeting()
    item_2 = meeting.agenda_items[1]
    one_two = next(d for d in meeting.decisions if d.label == "1.2")
    page = viewer.get(f"/documents/meetings/{meeting.id}/extract").get_data(as_text=True)
    assert f'name="item" value="{item_2.id}"' in page and "1.2.</strong>" in page
    response = viewer.get(f"/documents/meetings/{meeting.id}/extract.docx?item={item_2.id}&decision={one_two.id}")
    assert response.status_code == 200
    from urllib.parse import unquote

    assert "(п. 1.2, 2.1, 2.2)" in unquote(response.headers["Content-Disposition"])
    lines = docx_paragraphs(response.data)
    start = lines.index("1. СЛУШАЛИ:")
    assert lines[start : start + 2] == [
        "1. СЛУШАЛИ:",
        "Пояркову О.Н. – о проекте экспертного чек-листа из пяти разделов: "
        "цели и результаты программы, содержание и учебный план, практическая подготовка, "
        "материально-техническое обеспечение, кадровое обеспечение.",
    ]
    assert [line for line in lines if line[:4] in ("1.1.", "1.2.", "2.1.", "2.2.")] == [
        "1.2. Подготовить методические рекомендации для экспертов по заполнению чек-листа.",
        "2.1. Проводить экспертные сессии не реже одного раза в квартал с участием не менее трёх экспертов от работодателей.",
        "2.2. Информировать участников кластера о датах экспертных сессий через медиаплан кластера.",
    ]
    assert (
        "Соколова А.В. – о порядке проведения экспертных сессий: состав экспертов, сроки, оформление результатов."
        in lines
    )
    assert "Ответственный исполнитель – Соколов А.В., срок – постоянно." in lines
    assert lines.count("Голосовали: единогласно.") == 1 and "ВЫСТУПИЛИ:" not in lines
    assert lines[-3:-1] == ["Секретарь Экспертного совета", "Н.В. Кузнецова"]
    assert viewer.get(f"/documents/meetings/{meeting.id}/extract.docx?item=999999").status_code == 422


def test_the_extract_page_names_several_responsibles_in_the_plural(viewer, demo):
    """Decision 1.2 has two responsibles: «Ответственные: …», as the protocol says
    «Ответственные исполнители»; one alone stays «Ответственный: …»."""
    meeting = expert_meeting()
    page = " ".join(viewer.get(f"/documents/meetings/{meeting.id}/extract").get_data(as_text=True).split())
    assert "Ответственные: Иванова М.С., Мельникова-Гросс Ю.А." in page
    assert "Ответственный: Пояркова О.Н." in page


def test_an_agenda_item_typed_without_its_full_stop_reads_as_a_sentence_before_its_speaker(viewer, demo):
    """A secretary types an item's wording as a title, with no full stop (or as a list, with
    «;»): the agenda still reads «… СПО. Докладчик – …», not «… СПО Докладчик – …»."""
    from cluster_intranet.auth.models import User
    from cluster_intranet.meetings import services

    from .support import docx_paragraphs

    meeting = expert_meeting()
    services.reopen(meeting, db.session.scalar(select(User)), "проверка")
    first, second = meeting.agenda_items
    first.text = "О структуре экспертного чек-листа оценки основных образовательных программ СПО"
    second.text = "О порядке проведения экспертных сессий с участием работодателей;"
    db.session.commit()
    lines = docx_paragraphs(viewer.get(f"/documents/meetings/{meeting.id}/protocol.docx?form=full").data)
    start = lines.index("ПОВЕСТКА ДНЯ:")
    assert lines[start + 1 : start + 3] == [
        "1. О структуре экспертного чек-листа оценки основных образовательных программ СПО. Докладчик – Пояркова О.Н.",
        "2. О порядке проведения экспертных сессий с участием работодателей. Докладчик – Соколов А.В.",
    ]
