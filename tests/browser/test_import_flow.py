"""Protocol import in a real browser: two files uploaded at once (with the progress
bar), one reviewed — a match corrected, the number changed — and confirmed."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import FULL_TEXT
from tests.live_server import BROWSER_TESTS, signed_in_fixtures
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


live, page = signed_in_fixtures(_prepare)


def test_upload_review_confirm(live, page, tmp_path):
    base = live[0]
    typed = tmp_path / "протокол 12.05.2022.docx"
    typed.write_bytes(typed_protocol())
    page.goto(f"{base}/meetings/")
    page.click("text=Импорт протокола")
    page.wait_for_url(f"{base}/meetings/import")  # loaded: htmx sends the form, with its progress bar
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
    guest = page.locator("#import-people [data-person-row]", has_text="Мельникова-Гросс Ю.А.")
    expect(guest.locator(".badge")).to_have_text("найден")
    # Елисеев is in the directory; the secretary decides not to link him after all.
    page.select_option("#import-people [data-person-row]:has-text('Елисеев В.А.') select", "")
    page.fill("#number", "3")
    page.click("button:has-text('Создать заседание')")

    expect(page.locator("h1")).to_contain_text("Протокол № 3 от 17.11.2021")
    expect(page.locator("body")).to_contain_text("Мельникова-Гросс Ю.А.")
    expect(page.locator("body")).to_contain_text("Протокол импортирован")

    # The other upload waits for review on the import page.
    page.goto(f"{base}/meetings/import")
    expect(page.locator("#import-results", has_text="Ожидают проверки")).to_contain_text(typed.name)


def test_what_was_read_leaves_the_upload_form(live, page, tmp_path):
    """After an upload the form is empty again: pressed a second time, it would send the same
    files anew. A pasted text refused stays in the form, to be corrected."""
    typed = tmp_path / "протокол 12.05.2022.docx"
    typed.write_bytes(typed_protocol())
    page.goto(f"{live[0]}/meetings/import")
    page.wait_for_load_state("networkidle")  # htmx has processed the form
    page.set_input_files("input[name=files]", [str(FULL_TEXT), str(typed)])
    page.fill("textarea[name=text]", "Список покупок: хлеб, молоко")
    page.click("button:has-text('Загрузить и распознать')")
    expect(page.locator("#import-uploads li")).to_have_count(2)
    expect(page.locator("#import-results [role=alert]")).to_be_visible()  # the text is no protocol
    assert page.eval_on_selector("input[name=files]", "input => input.files.length") == 0
    expect(page.locator("textarea[name=text]")).to_have_value("Список покупок: хлеб, молоко")


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
    _upload_and_open_review(page)
    first_item = page.locator("#import-agenda > li").first
    expect(first_item).to_contain_text("«за» – 6")
    page.evaluate("window.__noReload = true")
    page.focus("#item-1")  # as a user's click does (select_option alone does not focus)
    page.select_option("#item-1", "2")  # decision 2 goes to the second item
    expect(first_item).not_to_contain_text("Голосовали")
    expect(page.locator("#item-1")).to_have_value("2")
    assert page.evaluate("document.activeElement.id") == "item-1"
    assert page.evaluate("window.__noReload === true")


def test_a_match_corrected_to_someone_found_in_the_directory(live, page):
    """«Другой сотрудник справочника…»: the picker's suggestions are not clipped by the list,
    the person picked is the one linked."""
    from sqlalchemy import create_engine, text

    base, database, _ = live
    page.goto(f"{base}/meetings/import")
    page.set_input_files("input[name=files]", [str(FULL_TEXT)])
    _upload_and_open_review(page)
    row = page.locator("#import-people [data-person-row]", has_text="Елисеев В.А.")
    row.locator("summary", has_text="Другой сотрудник справочника").click()
    row.locator("input[type=search]").fill("Беляев")
    suggestion = row.locator("[data-pick-person]", has_text="Беляев Е.В.")
    expect(suggestion).to_be_visible()
    box = suggestion.bounding_box()
    assert page.evaluate(  # the suggestion itself is on top where it is drawn, not cut off by its row
        "([x, y]) => document.elementFromPoint(x, y)?.closest('[data-pick-person]') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    suggestion.click()
    expect(row.locator("input[type=search]")).to_have_value("Беляев Е.В.")
    page.fill("#number", "7")
    page.click("button:has-text('Создать заседание')")
    expect(page.locator("h1")).to_contain_text("Протокол № 7 от 17.11.2021")
    engine = create_engine(database)
    with engine.connect() as connection:
        linked = connection.execute(
            text(
                "SELECT p.surname FROM attendances a JOIN people p ON p.id = a.person_id "
                "JOIN meetings m ON m.id = a.meeting_id WHERE m.number = 7 AND a.name = 'Елисеев В.А.'"
            )
        ).scalar_one()
    engine.dispose()
    assert linked == "Беляев"


def _upload_and_open_review(page):
    """One file goes to its review by a full navigation (HX-Redirect): wait until the page has
    loaded, so htmx has processed it before a test types into its htmx-driven fields."""
    page.click("button:has-text('Загрузить и распознать')")
    page.wait_for_url("**/meetings/import/*", wait_until="load")
