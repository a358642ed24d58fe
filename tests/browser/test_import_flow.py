"""Protocol import in a real browser: two files uploaded at once (with the progress
bar), one reviewed — a match corrected, the number changed — and confirmed."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import FULL_TEXT
from tests.live_server import BROWSER_TESTS, secretary_fixtures
from tests.meetings.test_import_reader import typed_protocol

pytestmark = BROWSER_TESTS


def _prepare():
    """The demo, and a short-form protocol (.docx) whose decisions' items are inferred."""
    from cluster_intranet.demo import seed
    from cluster_intranet.documents import services as documents
    from tests import factories
    from tests.meetings.test_import_votes import meeting_with_votes

    seed()
    return documents.protocol_document(
        meeting_with_votes(factories.council(protocol_form="short")), form="short"
    ).content


live, page = secretary_fixtures(_prepare)


def test_upload_review_confirm(live, page, tmp_path):
    base = live[0]
    typed = tmp_path / "протокол 12.05.2022.docx"
    typed.write_bytes(typed_protocol())
    page.goto(f"{base}/meetings/")
    page.click("text=Импорт протокола")
    page.set_input_files("input[name=files]", [str(FULL_TEXT), str(typed)])
    page.click("button:has-text('Загрузить и распознать')")
    uploads = page.locator("#import-uploads li")
    expect(uploads).to_have_count(2)
    assert page.locator("progress.import-progress").get_attribute("hidden") is None  # the bar was shown
    uploads.filter(has_text=FULL_TEXT.name).locator("text=Проверить и сохранить").click()

    expect(page.locator("h1")).to_have_text("Проверка импорта")
    # The demo already holds the Expert Council's protocol No. 1 of 2021: warned before confirming.
    expect(page.locator(".alert-warning", has_text="уже есть")).to_be_visible()
    expect(page.locator("#import-unrecognised")).to_have_text("Всё распознано.")
    # The demo holds that protocol, so its invited guest is in the directory: matched, not new.
    guest = page.locator("#import-people tr", has_text="Мельникова-Гросс Ю.А.")
    expect(guest.locator(".badge")).to_have_text("найден")
    # Елисеев is in the directory; the secretary decides not to link him after all.
    page.select_option("#import-people tr:has-text('Елисеев В.А.') select", "")
    page.fill("#number", "3")
    page.click("button:has-text('Создать заседание')")

    expect(page.locator("h1")).to_contain_text("Протокол № 3 от 17.11.2021")
    expect(page.locator("body")).to_contain_text("Мельникова-Гросс Ю.А.")
    expect(page.locator("body")).to_contain_text("Протокол импортирован")

    # The other upload waits for review on the import page.
    page.goto(f"{base}/meetings/import")
    expect(page.locator("#import-results", has_text="Ожидают проверки")).to_contain_text(typed.name)


def test_one_file_goes_straight_to_its_review(live, page):
    page.goto(f"{live[0]}/meetings/import")
    page.set_input_files("input[name=files]", [str(FULL_TEXT)])
    page.click("button:has-text('Загрузить и распознать')")
    expect(page.locator("h1")).to_have_text("Проверка импорта")
    page.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-output" / "import-review.png"), full_page=True)


def test_changing_a_decisions_item_shows_whose_vote_is_whose_at_once(live, page, tmp_path):
    base, _, word = live
    protocol = tmp_path / "краткий.docx"
    protocol.write_bytes(word)
    page.goto(f"{base}/meetings/import")
    page.set_input_files("input[name=files]", [str(protocol)])
    page.click("button:has-text('Загрузить и распознать')")
    first_item = page.locator("#import-agenda > li").first
    expect(first_item).to_contain_text("«за» – 6")
    page.evaluate("window.__noReload = true")
    page.focus("#item-1")  # as a user's click does (select_option alone does not focus)
    page.select_option("#item-1", "2")  # decision 2 goes to the second item
    expect(first_item).not_to_contain_text("Голосовали")
    expect(page.locator("#item-1")).to_have_value("2")
    assert page.evaluate("document.activeElement.id") == "item-1"
    assert page.evaluate("window.__noReload === true")
