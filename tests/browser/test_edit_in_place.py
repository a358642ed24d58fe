"""A row of the meeting's page edited in place (✎), by keyboard: the form that replaced
the row takes the focus (the ✎ that had it is gone with the row), and «Отмена» puts the
row back where it was, focused — not the whole page reloaded at its top."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting

    seed()
    return db.session.scalar(select(Meeting.id).where(Meeting.year == 2027))


live, page = signed_in_fixtures(_prepare)


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


def test_a_row_moved_or_saved_keeps_the_focus(live, page):
    """↑ ↓ and «Сохранить» replace the whole section: the focus goes to the row that moved or
    was saved, so the next press (↓ again, or ✎) is one Tab away, not a search from the top."""
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    for text in ("Первое решение для порядка", "Второе решение для порядка"):
        if not page.is_visible("#decisions textarea[name=text]"):
            page.click("#decisions summary:has-text('Добавить решение')")
        page.fill("#decisions textarea[name=text]", text)
        page.click("#decisions button:has-text('Добавить решение')")
        page.wait_for_selector(f"#decisions li:has-text('{text}')")
    moved = page.locator("#decisions li[id^=decision-row-]:has-text('Первое решение для порядка')")
    row_id = moved.get_attribute("id")
    moved.locator("button[aria-label='Переместить ниже']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#decisions li[id^=decision-row-]").last).to_have_id(row_id)
    expect(page.locator(f"#{row_id}")).to_be_focused()

    page.locator(f"#{row_id} [aria-label='Изменить']").focus()
    page.keyboard.press("Enter")
    page.locator(f"#{row_id} form textarea[name=text]").fill("Первое решение, исправленное")
    page.locator(f"#{row_id} form button:has-text('Сохранить')").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Первое решение, исправленное")
    expect(page.locator(f"#{row_id}")).to_be_focused()
