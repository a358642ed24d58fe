"""«Мои поручения» in a real browser (Playwright + Debian's chromium, headless): the
groups shown on request and a long group's next page come in place, and a row brought
in that way changes its status in place — all without a page load."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare() -> int:
    """The demo data, a secretary, and a person with 27 overdue and 2 undated assignments."""
    from sqlalchemy import select

    from cluster_intranet import clock
    from cluster_intranet.decisions import builders as decisions
    from cluster_intranet.demo import seed
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting

    seed()
    person = directory.person(surname="Исполнительная", first_name="Анна", patronymic="Петровна")
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.date))
    overdue = clock.local_today() - timedelta(days=3)
    for n in range(29):
        decisions.decision(
            meeting, person, text=f"Поручение браузерного теста {n + 1}.", deadline=overdue if n < 27 else None
        )
    return person.id


live, page = signed_in_fixtures(_prepare)


def test_groups_come_in_place_and_their_rows_change_in_place(live, page):
    base, _, person_id = live
    page.goto(f"{base}/decisions/my?person={person_id}")
    page.evaluate("window.__noReload = true")  # survives HTMX swaps, not a page load
    overdue = page.locator("#group-overdue li[id^=decision-row]")
    expect(overdue).to_have_count(25)
    page.click("#group-overdue a:has-text('Показать ещё 2')")
    expect(overdue).to_have_count(27)
    expect(page.locator("#group-overdue-more")).to_have_count(0)

    undated = page.locator("#group-undated li[id^=decision-row]")
    expect(undated).to_have_count(0)
    page.click("#group-undated a:has-text('Показать')")
    expect(undated).to_have_count(2)
    row = undated.first
    row.locator("button:has-text('Взять в работу')").click()
    expect(row.locator(".badge")).to_have_text("В работе")
    assert page.evaluate("window.__noReload === true")


def test_a_decisions_history_on_a_phone_shows_every_comment(live, page):
    """The history of the demo's media-plan decision on a 390 px phone: each change a card
    with its comment on the screen (four columns ran past the card's edge, the comment of
    «Срок перенесён» out of sight in a box scrolling sideways)."""
    base, _, _ = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/decisions/?status=all")
    page.click("a:has-text('Разработать медиаплан')")
    comment = page.locator(".decision-history td.history-comment", has_text="согласуется с участниками")
    expect(comment).to_be_visible()
    box = comment.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    moved = page.locator("td.history-comment", has_text="согласуется с участниками")
    when = page.locator(".decision-history tr", has=moved).locator("td").first.bounding_box()
    assert when["y"] < box["y"]  # when and who above what was done, not beside it


def test_a_refused_report_does_not_stand_under_the_previous_success(live, page):
    """«Взять в работу» says «Статус поручения изменён.»; the report sent next without its
    text is refused next to the field, and the earlier message goes (it stayed above the
    refused form, as if the report had been accepted)."""
    base, _, _ = live
    page.goto(f"{base}/decisions/?status=all")
    page.click("a:has-text('Подготовить методические рекомендации')")
    page.wait_for_url(re.compile(r"/decisions/\d+$"))  # loaded: htmx sends the buttons' forms
    page.click("button:has-text('Взять в работу')")
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Статус поручения изменён.")
    page.click("summary:has-text('Отчитаться об исполнении')")
    page.click("button:has-text('Исполнено')")
    expect(page.locator(".invalid-feedback")).to_contain_text("Напишите отчёт об исполнении")
    expect(messages).to_have_text("")
