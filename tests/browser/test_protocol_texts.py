"""The protocol's texts are typed on the meeting page: what the speaker reported (СЛУШАЛИ),
who spoke (ВЫСТУПИЛИ), a decision. Their boxes grow with the text, at a phone's width and at
1366 px: «Кратко о докладе» was one line high, and of the 17.11.2021 protocol's 180 characters
the secretary saw the last line only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS

SUMMARY = (
    "о проекте экспертного чек-листа из пяти разделов: цели и результаты программы, содержание и учебный план, "
    "практическая подготовка, материально-техническое обеспечение, кадровое обеспечение."
)
DISCUSSION = (
    "Иванова М.С. – предложила оценивать практическую подготовку по шкале от 0 до 2 баллов.\n"
    "Петренко О.И. – о включении в чек-лист критерия участия работодателей в государственной итоговой аттестации."
)


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting

    seed()
    return db.session.scalar(select(Meeting.id).where(Meeting.year == 2027))


live, page = signed_in_fixtures(_prepare)

HIDDEN = "element => element.scrollHeight - element.clientHeight"


@pytest.mark.parametrize("width", [390, 1366])
def test_the_protocol_s_texts_are_seen_whole_while_typed(live, page, width):
    base, _, meeting_id = live
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{base}/meetings/{meeting_id}")
    page.click("#agenda summary:has-text('Добавить вопрос')")
    summary = page.locator("#agenda textarea[name=speaker_summary]")
    summary.fill(SUMMARY)
    discussion = page.locator("#agenda textarea[name=discussion]")
    discussion.fill(DISCUSSION)
    page.click("#decisions summary:has-text('Добавить решение')")
    decision = page.locator("#decisions textarea[name=text]")
    decision.fill(" ".join([SUMMARY] * 2))
    for box in (summary, discussion, decision):
        assert box.evaluate(HIDDEN) <= 1, box.get_attribute("name")


def test_the_speaker_picked_is_written_in_the_heard_box(live, page):
    """«Докладчик» picked, «СЛУШАЛИ: докладчик» shows the name the protocol will decline
    («Пояркову О.Н.»), in the nominative: the secretary neither types it again nor copies the
    paper's «Соколова А.В.», which the document would decline once more («Соколову А.В.»).
    A name written otherwise stays; the one the last pick wrote follows a new pick."""
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    page.click("#agenda summary:has-text('Добавить вопрос')")
    heard = page.locator("#agenda details input[name=speaker_name]")
    for typed, label in (("Поярк", "Пояркова О.Н."), ("Соколов", "Соколов А.В.")):
        page.fill("#picker-agenda-new", typed)
        page.click(f"#agenda [data-pick-label='{label}']")
        expect(heard).to_have_value(label)
    heard.fill("Соколов А.В., Иванова М.С.")
    page.fill("#picker-agenda-new", "Поярк")
    page.click("#agenda [data-pick-label='Пояркова О.Н.']")
    expect(heard).to_have_value("Соколов А.В., Иванова М.С.")
