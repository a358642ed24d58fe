"""Materials on the meeting page in a real browser: the section loads by itself, a
file uploads through HTMX (multipart) without a page reload, a wrong file is refused
next to the field, a new version replaces the file, deletion asks first."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.documents.support import docx_paragraphs, make_docx
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


def test_upload_replace_and_delete_a_material(live, page, tmp_path):
    base, _, meeting_id = live
    first, second, wrong = tmp_path / "Смета.docx", tmp_path / "Смета v2.docx", tmp_path / "Смета.pdf"
    first.write_bytes(make_docx("Первая редакция"))
    second.write_bytes(make_docx("Вторая редакция"))
    wrong.write_bytes(make_docx("Не PDF"))
    page.goto(f"{base}/meetings/{meeting_id}")
    page.evaluate("window.__noReload = true")
    add = f"#materials form[action='/materials/meetings/{meeting_id}']"
    page.click("#materials summary:has-text('Загрузить материал')")  # the section came by HTMX
    page.set_input_files(f"{add} input[type=file]", str(wrong))
    page.click(f"{add} button[type=submit]")
    expect(page.locator(f"{add} .invalid-feedback")).to_contain_text("не соответствует расширению")

    page.set_input_files(f"{add} input[type=file]", str(first))
    page.fill(f"{add} input[name=title]", "Смета расходов")
    page.click(f"{add} button[type=submit]")
    row = page.locator("#materials li:has-text('Смета расходов')")
    expect(row).to_contain_text("Смета.docx")

    row.locator("summary").click()
    row.locator("input[type=file]").set_input_files(str(second))
    row.locator("button:has-text('Загрузить версию')").click()
    expect(page.locator("#materials li:has-text('Смета расходов')")).to_contain_text("версия 2")
    with page.expect_download() as download:
        page.click("#materials a:has-text('Смета расходов')")
    assert docx_paragraphs(Path(download.value.path()).read_bytes()) == ["Вторая редакция"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#materials li:has-text('Смета расходов') button:has-text('×')").click()
    expect(page.locator("#materials")).to_contain_text("Материалов пока нет")
    assert page.evaluate("window.__noReload === true")
