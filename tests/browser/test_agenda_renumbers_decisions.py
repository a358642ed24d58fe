"""A full-form protocol numbers its decisions by agenda item (1.1, 2.1): when the agenda
changes in place, the decisions on the page follow it at once — moved, their numbers and
the confirmation of their ×, without a reload, and without losing a decision being typed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS

CHECKLIST = "Одобрить структуру экспертного чек-листа."
SESSIONS = "Проводить экспертные сессии ежеквартально."


def _prepare():
    """A planned Expert Council meeting: two agenda items, a decision on each."""
    import datetime as dt

    from sqlalchemy import select

    from cluster_intranet.councils.models import Council
    from cluster_intranet.demo import seed
    from cluster_intranet.meetings import builders, services

    seed()
    from cluster_intranet.extensions import db

    expert = db.session.scalar(select(Council).where(Council.protocol_form == "full"))
    meeting = builders.meeting(
        expert, dt.date(2027, 3, 4), agenda=["О структуре экспертного чек-листа", "О порядке экспертных сессий"]
    )
    for item, text in zip(meeting.agenda_items, (CHECKLIST, SESSIONS)):
        services.save_decision(meeting, None, {"text": text, "agenda_item_id": item.id}, [])
    return meeting.id


live, page = signed_in_fixtures(_prepare)


def test_moving_an_agenda_item_renumbers_the_decisions_on_the_page(live, page):
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    page.evaluate("window.__noReload = true")
    rows = page.locator("#decisions li[id^=decision-row]")
    expect(rows.first).to_contain_text(f"1.1. {CHECKLIST}")
    # A decision half typed while the agenda is reordered.
    page.click("#decisions summary:has-text('Добавить решение')")
    page.fill("#decisions textarea[name=text]", "Подготовить методические рекомендации")

    page.locator("#agenda li[id^=agenda-item]").nth(1).locator("button[title='Переместить выше']").click()
    expect(page.locator("#agenda li[id^=agenda-item]").first).to_contain_text("О порядке экспертных сессий")

    expect(rows.first).to_contain_text(f"1.1. {SESSIONS}")
    expect(rows.nth(1)).to_contain_text(f"2.1. {CHECKLIST}")
    confirm = rows.first.locator("form[data-confirm]")
    expect(confirm).to_have_attribute("data-confirm", "Удалить решение 1.1? Остальные будут перенумерованы.")
    expect(page.locator("#decisions textarea[name=text]")).to_have_value("Подготовить методические рекомендации")
    expect(page.locator("#agenda li[id^=agenda-item]").first).to_be_focused()  # the row moved keeps the focus
    assert page.evaluate("window.__noReload === true")
