"""A row of the meeting's page edited in place (✎), by keyboard: the form that replaced
the row takes the focus (the ✎ that had it is gone with the row), and «Отмена» puts the
row back where it was, focused — not the whole page reloaded at its top."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, secretary_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting

    seed()
    return db.session.scalar(select(Meeting.id).where(Meeting.year == 2027))


live, page = secretary_fixtures(_prepare)


@pytest.mark.parametrize(
    ("rows", "first_field"),
    [
        ("#agenda li[id^=agenda-item-]", "textarea[name=text]"),
        ("#attendees li[id^=attendee-]", "input[name=name]"),
        ("#decisions li[id^=decision-row-]", "textarea[name=text]"),
    ],
)
def test_a_row_edited_in_place_takes_the_focus_and_comes_back_on_cancel(live, page, rows, first_field):
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    if rows.startswith("#attendees"):  # the planned meeting has an agenda, not yet attendees
        page.fill("#picker-attendee", "Кус")
        page.click("[data-pick-label='Кускова Е.В.']")
        page.click("#attendees button:has-text('Добавить')")
    elif rows.startswith("#decisions"):
        page.click("#decisions summary:has-text('Добавить решение')")
        page.fill("#decisions textarea[name=text]", "Подготовить план работы на 2027 год")
        page.click("#decisions button:has-text('Добавить решение')")
    expect(page.locator(rows)).not_to_have_count(0)
    page.evaluate("window.__noReload = true")
    row_id = page.locator(rows).first.get_attribute("id")
    text = page.inner_text(f"#{row_id}")

    page.locator(f"#{row_id} [aria-label='Изменить']").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{row_id} form {first_field}")).to_be_focused()

    page.locator(f"#{row_id} form a:has-text('Отмена')").click()
    expect(page.locator(f"#{row_id} [aria-label='Изменить']")).to_be_visible()
    expect(page.locator(f"#{row_id}")).to_be_focused()
    assert page.inner_text(f"#{row_id}") == text
    assert page.evaluate("window.__noReload === true")
