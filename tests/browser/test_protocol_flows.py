"""The main HTMX flows in a real browser (Playwright + Debian's chromium, headless):
sign in, add an attendee by typing a name, add and reorder decisions, report a
decision done, download the protocol — each without a full page reload."""

from __future__ import annotations

import re

from docx import Document
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.meetings.models import Meeting

    seed()
    return db_id(select(Meeting.id).where(Meeting.year == 2027))


def db_id(stmt):
    from cluster_intranet.extensions import db

    return db.session.scalar(stmt)


live, page = signed_in_fixtures(_prepare)


def _mark_page(page):
    """A flag that survives HTMX swaps but not a page load."""
    page.evaluate("window.__noReload = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def test_add_attendee_by_typing_a_name(live, page):
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    _mark_page(page)
    quorum_before = page.inner_text("#quorum")
    page.fill("#picker-attendee", "Кус")
    page.click("[data-pick-label='Кускова Е.В.']")
    page.click("#attendees button:has-text('Добавить')")
    page.wait_for_selector("#attendees li:has-text('Кускова Е.В.')")
    assert "директор" in page.inner_text("#attendees li:has-text('Кускова Е.В.')")
    assert page.inner_text("#quorum") != quorum_before  # a council member: the quorum count moved
    assert _not_reloaded(page)


def test_add_and_reorder_decisions(live, page):
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    _mark_page(page)
    for text in ("Подготовить план работы на 2027 год", "Провести совещание с работодателями"):
        if not page.is_visible("#decisions textarea[name=text]"):
            page.click("#decisions summary:has-text('Добавить решение')")
        page.fill("#decisions textarea[name=text]", text)
        page.fill("#picker-decision-new", "Поярк")
        page.click("#decisions [data-pick-label='Пояркова О.Н.']")
        page.fill("#decisions input[name=deadline]", "2027-03-01")
        page.click("#decisions button:has-text('Добавить решение')")
        page.wait_for_selector(f"#decisions li:has-text('{text}')")
    rows = page.locator("#decisions li[id^=decision-row]")
    assert "1." in rows.nth(0).inner_text() and "Подготовить план" in rows.nth(0).inner_text()
    rows.nth(0).locator("button:has-text('↓')").click()
    expect(page.locator("#decisions li[id^=decision-row]").first).to_contain_text("Провести совещание")
    first = page.locator("#decisions li[id^=decision-row]").nth(0).inner_text()
    assert first.startswith("1.") and "Пояркова О.Н., срок до 01.03.2027" in first
    assert _not_reloaded(page)


def test_report_a_decision_done_in_place(live, page):
    base = live[0]
    page.goto(f"{base}/decisions/")
    page.click("a:has-text('Разработать медиаплан')")
    # Loaded, so htmx has processed the page: «Исполнено» clicked before that sends the form
    # without htmx, and the page is loaded again.
    page.wait_for_url(re.compile(r"/decisions/\d+$"))
    _mark_page(page)
    detail = page.locator("[id^=decision-]").first
    detail.locator("summary:has-text('Отчитаться об исполнении')").click()
    detail.locator("button:has-text('Исполнено')").click()  # no report yet: refused next to the field
    expect(page.locator("[id^=decision-] .invalid-feedback").first).to_be_visible()
    page.locator("[id^=decision-] textarea[name$=report_text]").fill("Медиаплан разработан и согласован с участниками.")
    page.locator("[id^=decision-] button:has-text('Исполнено')").click()
    expect(page.locator("[id^=decision-] .report-text")).to_contain_text("Медиаплан разработан")
    assert _not_reloaded(page)


def test_download_the_protocol(live, page):
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    with page.expect_download() as download:
        page.click("#protocol-short")
    assert download.value.suggested_filename.startswith("Протокол №1 от 18.02.2027")
    document = Document(download.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ПРОТОКОЛ № 1" in text and "О плане работы кластера на 2027 год" in text


def test_rows_are_entered_one_after_another(live, page):
    """A protocol is typed row after row: after an add the form stays open with the focus in
    its first field (the focus went to the whole section and «Добавить вопрос» closed, so
    eight attendees took eight taps back into the picker), and a new decision starts on the
    agenda item of the one before it (it started «без привязки»)."""
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    _mark_page(page)
    page.click("#agenda summary:has-text('Добавить вопрос')")
    page.fill("#agenda-new-text", "О практике студентов")
    page.click("#agenda button:has-text('Добавить вопрос')")
    expect(page.locator("#agenda li:has-text('О практике студентов')")).to_have_count(1)
    expect(page.locator("#agenda-new-text")).to_be_focused()
    expect(page.locator("#agenda-new-text")).to_have_value("")
    page.keyboard.type("О наставничестве")
    page.click("#agenda button:has-text('Добавить вопрос')")
    expect(page.locator("#agenda li:has-text('О наставничестве')")).to_have_count(1)
    expect(page.locator("#messages")).to_contain_text("Повестка изменена.")

    page.fill("#picker-attendee", "Кус")
    page.click("[data-pick-label='Кускова Е.В.']")
    page.click("#attendees button:has-text('Добавить')")
    expect(page.locator("#attendees li:has-text('Кускова Е.В.')")).to_have_count(1)
    expect(page.locator("#picker-attendee")).to_be_focused()

    page.click("#decisions summary:has-text('Добавить решение')")
    page.fill("#decision-new-text", "Утвердить план практики")
    page.select_option("#decision-new-agenda_item_id", index=2)
    item = page.locator("#decision-new-agenda_item_id option:checked").inner_text()
    page.click("#decisions button:has-text('Добавить решение')")
    expect(page.locator("#decisions li:has-text('Утвердить план практики')")).to_have_count(1)
    expect(page.locator("#decision-new-text")).to_be_focused()
    expect(page.locator("#decision-new-agenda_item_id option:checked")).to_have_text(item)
    assert _not_reloaded(page)


def test_a_decision_sent_right_after_a_pick_keeps_the_person(live, page):
    """A responsible person picked comes as a chip from the server; «Добавить решение» pressed
    before it came (at once, or on a slow network) saved the decision without that person,
    and nothing said so. The form now waits for the chip before it is sent."""
    base, _, meeting_id = live
    page.goto(f"{base}/meetings/{meeting_id}")
    page.click("#decisions summary:has-text('Добавить решение')")
    page.fill("#decisions textarea[name=text]", "Согласовать график стажировок")
    page.fill("#picker-decision-new", "Поярк")
    chips = []  # the chip's request, kept from the server until let go
    page.route("**/directory/people/chip**", lambda route: chips.append(route))
    with page.expect_request("**/directory/people/chip**"):
        page.click("#decisions [data-pick-label='Пояркова О.Н.']")
    page.click("#decisions button:has-text('Добавить решение')")
    page.evaluate("() => true")  # the chip's request is in the test's hands
    assert len(chips) == 1
    chips[0].continue_()
    row = page.locator("#decisions li[id^=decision-row]", has_text="Согласовать график стажировок")
    expect(row).to_contain_text("Пояркова О.Н.")
