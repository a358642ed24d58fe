"""Materials on the meeting page in a real browser: the section loads by itself, a
file uploads through HTMX (multipart) without a page reload, a wrong file is refused
next to the field, a new version replaces the file, deletion asks first."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.documents.support import docx_paragraphs, make_docx
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


def _open_the_upload_form(page, base: str, meeting_id: int) -> str:
    """The meeting's page with «Загрузить материал» opened (the section came by HTMX); the
    upload form's selector."""
    page.goto(f"{base}/meetings/{meeting_id}")
    page.click("#materials summary:has-text('Загрузить материал')")
    return f"#materials form[action='/materials/meetings/{meeting_id}']"


def test_upload_replace_and_delete_a_material(live, page, tmp_path):
    base, _, meeting_id = live
    first, second, wrong = tmp_path / "Смета.docx", tmp_path / "Смета v2.docx", tmp_path / "Смета.pdf"
    first.write_bytes(make_docx("Первая редакция"))
    second.write_bytes(make_docx("Вторая редакция"))
    wrong.write_bytes(make_docx("Не PDF"))
    add = _open_the_upload_form(page, base, meeting_id)
    page.evaluate("window.__noReload = true")
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


def test_several_papers_go_up_in_one_upload(live, page, tmp_path):
    """The meeting's papers chosen together in the file dialog: one press, a material each;
    together over the limit, they are refused before anything is sent."""
    base, _, meeting_id = live
    papers = [tmp_path / "Доклад.docx", tmp_path / "Справка.docx"]
    for paper in papers:
        paper.write_bytes(make_docx(paper.stem))
    add = _open_the_upload_form(page, base, meeting_id)
    field = page.locator(f"{add} input[type=file]")
    field.evaluate("input => { input.dataset.maxTotal = '100'; }")  # the two together are over it
    uploads = []
    page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" else None)
    field.set_input_files([str(paper) for paper in papers])
    page.click(f"{add} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Выбранные файлы вместе больше 50 МБ")
    assert uploads == []

    field.evaluate("input => { input.dataset.maxTotal = String(50 * 1024 * 1024); }")
    page.click(f"{add} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Загружено 2 материала: «Доклад», «Справка».")
    expect(page.locator("#materials li:has-text('Доклад.docx')")).to_have_count(1)
    expect(page.locator("#materials li:has-text('Справка.docx')")).to_have_count(1)
    for title in ("Доклад", "Справка"):  # the next test starts from an empty list
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(f"#materials li:has-text('{title}.docx') button:has-text('×')").click()
        expect(page.locator(f"#materials li:has-text('{title}.docx')")).to_have_count(0)


def test_a_file_over_the_limit_is_refused_before_it_is_sent(live, page, tmp_path):
    base, _, meeting_id = live
    big = tmp_path / "Доклад.docx"
    big.write_bytes(make_docx("Доклад"))
    add = _open_the_upload_form(page, base, meeting_id)
    field = page.locator(f"{add} input[type=file]")
    assert field.get_attribute("data-max-size") == str(50 * 1024 * 1024)
    # A limit below this file's size (the page's check is the same at 50 MB).
    field.evaluate("input => { input.dataset.maxSize = '1000'; }")
    uploads = []
    page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" else None)
    field.set_input_files(str(big))
    page.click(f"{add} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Файл больше 50 МБ: такой материал загрузить нельзя.")
    expect(field).to_have_class(re.compile("is-invalid"))
    assert uploads == []
    # Too big for the server (its 413, or the proxy's): said in Russian, not «ошибка 413».
    field.evaluate("input => { input.dataset.maxSize = String(50 * 1024 * 1024); }")
    page.route(
        f"{base}/materials/meetings/{meeting_id}",
        lambda route: route.fulfill(status=413, body="Request Entity Too Large"),
    )
    page.click(f"{add} button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Файл слишком большой: такой загрузить нельзя.")
    expect(page.locator("#materials")).to_contain_text("Материалов пока нет")


def test_an_upload_shows_its_progress_and_takes_no_second_press(live, page, tmp_path):
    """While the file goes up (50 MB on a slow line take minutes) the form says so, its bar
    fills, and its button is off: a second press would upload it twice."""
    base, _, meeting_id = live
    report = tmp_path / "Доклад.docx"
    report.write_bytes(make_docx("Доклад"))
    add = _open_the_upload_form(page, base, meeting_id)
    held = []
    page.route(f"{base}/materials/meetings/{meeting_id}", lambda route: held.append(route))  # the upload waits
    page.set_input_files(f"{add} input[type=file]", str(report))
    page.click(f"{add} button[type=submit]")
    page.wait_for_function("() => document.querySelector('#materials progress.upload-progress:not([hidden])')")
    expect(page.locator(f"{add} button[type=submit]")).to_be_disabled()
    expect(page.locator(f"{add} [role=status]")).to_have_text("Файл загружается…")
    expect(page.locator(f"{add} [role=status]")).to_be_visible()
    held[0].continue_()
    expect(page.locator("#materials li.list-group-item")).to_contain_text("Доклад.docx")
    expect(page.locator("#materials [role=status]:visible")).to_have_count(0)
