"""A 2023 media plan run through the pages in chromium, as a press office does: an event
postponed, one cancelled, one over several days added in the plan's table (its responsible
from the person picker), a publication recorded, a status marked by mistake and
corrected with a reason, the plan approved; then every download read back — Word files as LibreOffice reads them, the
spreadsheet's cells through openpyxl."""

from __future__ import annotations

import io
import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, broken_words, browser_page, serve

pytestmark = BROWSER_TESTS

EDITOR = ("press@cluster.local", "browser-password-1")


def _prepare():
    from cluster_intranet import clock
    from cluster_intranet.auth.services import create_user
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.media import builders as media

    def org(name):
        return media.participant(directory.organization(short_name=name, website="https://example.ru"))

    department = org("Департамент промышленности и энергетики Администрации Томской области")
    college = org("ОГБПОУ «Томский индустриальный техникум»")
    officer = directory.person(surname="Жарких", first_name="Елена", patronymic="Викторовна",
                               position="главный специалист", organization=department)  # fmt: skip
    create_user(*EDITOR, "secretary", officer.id)  # the press office records for every participant
    plan = media.plan(title="Медиаплан кластера на 2023 год", period_start=date(2023, 1, 1),
                      period_end=date(2023, 12, 31), responsible=officer)  # fmt: skip

    def event(title, starts_on, **fields):
        return media.event(plan, title=title, starts_on=starts_on, organizer=department, responsible=officer,
                           release_text=f"{title}: текст пресс-релиза.", **fields).id  # fmt: skip

    return {
        "plan": plan,
        "council": event(
            "Заседание Координационного совета", date(2023, 2, 16), start_time=time(10), end_time=time(12)
        ),
        "tour": event("Экскурсия на ТЭМЗ", date(2023, 5, 18)),
        "college": college.id,
        "department": department.id,
        "today": clock.local_today(),  # a press release's date unless another is chosen
    }


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    def prepared():
        data = _prepare()
        data["plan"] = data["plan"].id
        return data

    with serve(tmp_path_factory.mktemp("media"), prepared) as served:
        yield served


def _download(page, click) -> tuple[str, bytes]:
    with page.expect_download() as info:
        click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def test_a_2023_media_plan_from_the_pages_to_the_documents(live, request):
    import openpyxl

    from cluster_intranet.documents.pdf import convert_to_text
    from cluster_intranet.text import ru_date

    base, _, data = live
    with browser_page(request, signed_in=(base, *EDITOR)) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())

        # The one-day council meeting: its edit form has no end date; «Перенести» with a reason.
        page.goto(f"{base}/media/events/{data['council']}/edit")
        expect(page.locator("input[name=ends_on]")).to_have_value("")
        page.goto(f"{base}/media/events/{data['council']}")
        page.get_by_role("link", name="Перенести…").click()
        page.fill("input[name=starts_on]", "2023-03-16")
        page.fill("input[name=reason]", "Совпадение с областной коллегией")
        page.get_by_role("button", name="Перенести").click()
        expect(page.locator(".event-details")).to_contain_text("16.03.2023, 10:00–12:00 (перенесено с 16.02.2023)")
        expect(page.locator(".event-history")).to_contain_text("Совпадение с областной коллегией")
        page.get_by_role("button", name="Материал готов").click()
        expect(page.locator("body")).to_contain_text("Статус: Материал готов.")

        # A publication on the college's website, recorded from the event's page.
        page.goto(f"{base}/media/events/{data['council']}/publications?organization={data['college']}")
        page.select_option("select[name=organization_id]", str(data["college"]))
        page.fill("input[name=url]", "https://tit.tomsk.ru/news/council-2023")
        page.fill("input[name=published_on]", "2023-03-17")
        page.locator("form.publication-form button[type=submit]").click()
        expect(page.locator("#coverage")).to_contain_text("Опубликовали на своих сайтах 1 из 2")

        # Marked published by mistake (the organiser has not published yet): corrected with a reason.
        page.goto(f"{base}/media/events/{data['council']}")
        page.get_by_role("button", name="Опубликовано").click()
        expect(page.locator("body")).to_contain_text("Статус: Опубликовано.")
        page.locator("summary", has_text="Исправить статус…").click()
        page.select_option(f"#correct-status-{data['council']}", "material_ready")
        page.fill(f"#correct-reason-{data['council']}", "Отмечено по ошибке: организатор ещё не опубликовал")
        page.get_by_role("button", name="Исправить", exact=True).click()
        expect(page.locator("body")).to_contain_text("Статус: Материал готов.")
        history = page.locator(".event-history")
        expect(history).to_contain_text("Исправление статуса")
        expect(history).to_contain_text("Отмечено по ошибке: организатор ещё не опубликовал")

        # The excursion is cancelled with a reason: its page shows no gaps.
        page.goto(f"{base}/media/events/{data['tour']}")
        page.locator("summary", has_text="Отменить…").click()
        page.fill(f"#reason-{data['tour']}", "Завод закрыт на карантин")
        page.get_by_role("button", name="Отменить мероприятие").click()
        expect(page.locator("#coverage")).to_contain_text("Мероприятие отменено: публиковать нечего.")
        expect(page.locator(".slot-gap")).to_have_count(0)

        # The forum over three days, added in the plan's table: its responsible from the picker.
        page.goto(f"{base}/media/plans/{data['plan']}")
        page.click("a:has-text('Добавить мероприятие')")
        form = page.locator("#event-rows form.event-form")
        form.locator("input[name=title]").fill("Форум «Кадры для промышленности»")
        form.locator("input[name=starts_on]").fill("2023-04-10")
        form.locator("input[name=ends_on]").fill("2023-04-12")
        form.locator("select[name=organizer_id]").select_option(str(data["department"]))
        search = form.locator("[data-picker-search]")
        search.fill("Жарк")
        expect(form.locator("[data-suggestions] [data-pick-person]").first).to_be_visible()
        search.press("ArrowDown")
        search.press("Enter")
        expect(search).to_have_value("Жарких Е.В.")
        form.locator("input[name=channels][value=websites]").check()
        form.locator("textarea[name=release_text]").fill("Форум: текст пресс-релиза.")
        form.get_by_role("button", name="Сохранить").click()
        forum = page.locator("#event-rows > tr", has_text="Форум «Кадры для промышленности»")
        expect(forum).to_contain_text("10.04.2023 – 12.04.2023")
        expect(forum).to_contain_text("Жарких Е.В.")
        forum.get_by_role("button", name="Материал готов").click()
        expect(forum.locator(".status-cell .badge")).to_have_text("Материал готов")  # the button said it before

        # The plan approved; the agenda of March lists the postponed meeting on its new day.
        page.goto(f"{base}/media/plans/{data['plan']}")
        page.get_by_role("button", name="Утвердить").click()
        expect(page.locator("#plan-header")).to_contain_text("Утвердил Жарких Е.В.")
        page.goto(f"{base}/media/calendar?month=2023-03&view=agenda")
        expect(page.locator(".calendar-agenda")).to_contain_text("16 марта")

        page.goto(f"{base}/media/plans/{data['plan']}")
        assert broken_words(page, ".media-events td, .media-events th") == []  # «Опубликовано» whole
        page.set_viewport_size({"width": 390, "height": 844})  # and on a phone
        assert broken_words(page, ".media-events td, .media-events th") == []
        page.set_viewport_size({"width": 1366, "height": 900})
        docx_name, plan_docx = _download(page, lambda: page.get_by_role("link", name="Скачать .docx").click())
        xlsx_name, plan_xlsx = _download(page, lambda: page.get_by_role("link", name="Скачать .xlsx").click())
        page.goto(f"{base}/media/events/{data['tour']}")
        page.fill("#release-date", "2023-05-15")
        release_name, release = _download(
            page, lambda: page.locator("form[action$='press-release.docx'] button").click()
        )
        page.goto(f"{base}/media/events/{data['council']}")  # the postponed one, dated as it comes
        _, postponed_release = _download(
            page, lambda: page.locator("form[action$='press-release.docx'] button").click()
        )
        assert errors == []

    assert (docx_name, xlsx_name) == ("Медиаплан кластера на 2023 год.docx", "Медиаплан кластера на 2023 год.xlsx")
    assert release_name == "Пресс-релиз — Экскурсия на ТЭМЗ.docx"

    text = re.sub(r"\s+", " ", convert_to_text(plan_docx))
    assert "УТВЕРЖДАЮ Главный специалист ______________ Жарких Е.В." in text
    assert "16.03.2023, 10:00–12:00 (перенесено с 16.02.2023)" in text
    assert "10.04.2023 – 12.04.2023" in text  # several days
    assert "Экскурсия на ТЭМЗ" in text and "ОТМЕНЕНО: Завод закрыт на карантин" in text

    release_text = re.sub(r"\s+", " ", convert_to_text(release))
    assert (
        "15 мая 2023 г. ОТМЕНЕНО Мероприятие отменено: Завод закрыт на карантин. Материал не публикуется."
        in release_text
    )
    assert "главный специалист Департамента промышленности и энергетики Администрации Томской области" in release_text
    assert "по медиаплану кластера на 2023 год для" in release_text
    postponed_text = re.sub(r"\s+", " ", convert_to_text(postponed_release))
    assert "Когда: 16.03.2023, 10:00–12:00 (перенесено с 16.02.2023)" in postponed_text
    assert "ОТМЕНЕНО" not in postponed_text and ru_date(data["today"]) in postponed_text  # the day by default

    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx))
    rows = {row[1]: row for row in book["Медиаплан"].iter_rows(min_row=5, values_only=True)}
    council = rows["Заседание Координационного совета"]
    assert council[2].date() == date(2023, 3, 16) and council[-1].date() == date(2023, 2, 16)  # «Перенесено с»
    assert rows["Экскурсия на ТЭМЗ"][9:11] == ("Отменено", "Завод закрыт на карантин")
    grid = book["Охват"]
    cells = {row[0].value: row for row in grid.iter_rows(min_row=4)}
    covered = cells["Заседание Координационного совета"]
    assert covered[3].value.startswith("Официальный сайт, 17.03.2023: https://tit.tomsk.ru/news/council-2023")
    assert covered[3].hyperlink.target == "https://tit.tomsk.ru/news/council-2023"
    assert [c.value for c in cells["Охват участника, %"]][2:] == [0, 50, 25]  # and the plan's overall total
    assert grid.print_title_rows and grid.page_setup.orientation == "landscape"


def test_what_to_publish_shows_the_chosen_participant_at_once(live, request):
    """«Что нам опубликовать»: a participant chosen in the select shows its list at once, in
    place (hx-trigger="change" on the form; the page is not loaded again), its address saying which."""
    base, _, data = live
    with browser_page(request, signed_in=(base, *EDITOR)) as page:
        page.goto(f"{base}/media/todo?organization={data['department']}")
        page.evaluate("window.notLoadedAgain = true")
        page.select_option("#todo-organization", str(data["college"]))
        expect(page.locator("#content")).to_contain_text(
            "которых ещё нет на официальном сайте ОГБПОУ «Томский индустриальный техникум»"
        )
        expect(page).to_have_url(re.compile(rf"organization={data['college']}"))
        assert page.evaluate("window.notLoadedAgain === true")


def test_the_embed_code_shows_the_events_on_another_site_and_says_when_it_cannot_load(live, request):
    """The code a participant pastes into its website (from «Для сайтов»), run on another
    site (a server of its own on another port): it shows the snippet, and a clear message
    when the snippet does not load."""
    import http.server
    import threading

    base, _, _ = live
    pages: list[str] = []

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = f"<!doctype html><html><body>{pages[-1]}</body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        with browser_page(request, signed_in=(base, *EDITOR)) as page:
            page.goto(f"{base}/media/embed")
            code = page.locator("pre.embed-code code").first.inner_text()
            url = re.search(r'fetch\("([^"]+)"\)', code).group(1)
            snippet = base + url[url.index("/media/public/") :]  # the public address, served here
            other_site = f"http://127.0.0.1:{site.server_address[1]}/"

            pages.append(code.replace(url, snippet))
            page.goto(other_site)
            expect(page.locator("#cluster-events")).to_contain_text(
                "Мероприятия Промышленного образовательно-отраслевого"
            )
            pages.append(code.replace(url, base + "/media/public/gone.html"))
            page.goto(other_site)
            expect(page.locator("#cluster-events")).to_have_text(
                "Не удалось загрузить мероприятия кластера. Попробуйте обновить страницу позже."
            )
    finally:
        site.shutdown()
        site.server_close()
