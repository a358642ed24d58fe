"""An expert evaluation run through the pages in chromium, as an expert council does:
three employers' checklists (an optional criterion left unscored), one returned to its
expert and corrected by the secretary from the paper copy, the conclusion confirmed;
then every document downloaded and read back as LibreOffice reads it, and the approval
sheet again after the programme was edited (the confirmed documents are frozen)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, broken_words, browser_page, serve

pytestmark = BROWSER_TESTS

SECRETARY = ("petrova@cluster.local", "browser-password-1")
# Long enough that «Экспертное заключение — 13.02.11 …» would pass the 255 bytes a file name may have.
NAME = ("Техническая эксплуатация и обслуживание электрического и электромеханического оборудования "
        "(по отраслям) с углублённой подготовкой по программам наставничества предприятий кластера")  # fmt: skip


def _prepare():
    from cluster_intranet import clock
    from cluster_intranet.auth.services import create_user
    from cluster_intranet.documents.grammar import genitive
    from cluster_intranet.directory import builders as directory
    from cluster_intranet.expertise import builders, scoring, services
    from cluster_intranet.expertise.models import Scale
    from tests.expertise.conftest import build_session

    spec = [
        ("Соответствие ФГОС СПО", [("Структура программы соответствует ФГОС", Scale.CONFORMITY, None, 1.5, True),
                                   ("Рабочие программы есть по всем дисциплинам", Scale.YES_NO, None, 1, True)]),
        ("Практическая подготовка", [("Оснащение мастерских", Scale.POINTS_N, 3, 1, True),
                                     ("Дуальное обучение", Scale.POINTS_2, None, 1, False)]),
    ]  # fmt: skip
    version = builders.checklist(spec)
    programme = builders.programme(code="13.02.11", name=NAME, qualification="Техник")
    session, assigned = build_session(experts=3, version=version, programme=programme)
    today = clock.local_today()
    session.held_on, session.deadline = today - dt.timedelta(days=1), today - dt.timedelta(days=3)
    for assessment, _ in assigned:  # everything but the optional criterion, at the maximum
        builders.answer_all(assessment, version.criteria, value=lambda c: c.max_value if c.required else None)
    data = scoring.load_session(session.id)
    for assessment in data.assessments:
        services.submit(data, assessment, "recommend", "")
    secretary = directory.person(
        surname="Петрова", first_name="Анна", patronymic="Андреевна", position="секретарь Экспертного совета"
    )
    create_user(*SECRETARY, "secretary", secretary.id)
    first = assigned[0][0]
    return {
        "session": session.id, "programme": programme.id, "assessment": first.id, "expert": genitive(first.person.short_name),
        "criteria": [c.id for c in version.criteria], "held_on": session.held_on, "today": today,
    }  # fmt: skip


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("expertise"), _prepare) as served:
        yield served


def _download(page, name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def test_an_evaluation_with_a_returned_checklist_from_the_pages_to_the_documents(live, request):
    from cluster_intranet.documents.pdf import convert_to_text
    from cluster_intranet.web import MAX_FILENAME_BYTES

    base, _, data = live
    conformity = data["criteria"][0]
    with browser_page(request, signed_in=(base, *SECRETARY)) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())

        # The optional criterion left unscored is not missing: 3 of 3.
        page.goto(f"{base}/expertise/sessions/{data['session']}")
        expect(page.locator(f"#expert-row-{data['assessment']}")).to_contain_text("3 из 3")

        # Returned to the expert, then corrected by the secretary from the paper copy and sent.
        page.goto(f"{base}/expertise/assessments/{data['assessment']}")
        page.fill("#reopen-block textarea[name=reason]", "На бумаге эксперт оценил структуру как «частично»")
        # The page comes again (HX-Redirect, after the click returns): its marks are clicked once
        # it has loaded — before htmx processed it, a mark was not saved.
        with page.expect_event("load"):
            page.get_by_role("button", name="Вернуть на доработку").click()
        expect(page.locator(".alert-warning")).to_contain_text("возвращён на доработку")
        page.click(f"label[for=v-{conformity}-1]")  # saved at once; below the maximum, it asks why
        expect(page.locator(f"#answer-status-{conformity}")).to_contain_text("поясните в комментарии")
        page.fill(f"#criterion-{conformity} textarea", "Нет календарного графика")
        expect(page.locator(f"#answer-status-{conformity}")).not_to_contain_text("поясните", timeout=5000)
        page.select_option("#submit-block select[name=verdict]", "revise")
        page.click("#submit-block button[type=submit]")
        expect(page.locator("#submitted-note")).to_contain_text(
            "внесена и отправлена не экспертом: секретарь Петрова А.А."
        )

        page.goto(f"{base}/expertise/sessions/{data['session']}")
        expect(page.locator(f"#expert-row-{data['assessment']}")).to_contain_text(
            "отправил не эксперт: секретарь Петрова А.А."
        )
        expect(page.locator(f"#result-{conformity}")).to_contain_text("(изменено не экспертом: секретарь Петрова А.А.)")
        page.get_by_role("button", name="Утвердить заключение").click()
        expect(page.locator("#conclusion")).to_contain_text("Утверждено")
        expect(page.locator("#conclusion")).to_contain_text(", Петрова А.А.")
        expect(page.locator("#conclusion")).not_to_contain_text("г..")
        expect(page.locator("#conclusion")).not_to_contain_text("@")
        assert broken_words(page, ".results-table td, .results-table th") == []  # «1.1» and words whole
        page.set_viewport_size({"width": 390, "height": 844})  # and on a phone
        assert broken_words(page, ".results-table td, .results-table th") == []
        page.set_viewport_size({"width": 1366, "height": 900})

        conclusion_name, conclusion = _download(page, "Экспертное заключение (.docx)")
        sheet_name, sheet = _download(page, "Лист согласования (.docx)")
        page.goto(f"{base}/expertise/assessments/{data['assessment']}")
        checklist_name, checklist = _download(page, "Скачать .docx")

        # The programme edited after the conclusion: its approved documents stay as confirmed.
        page.goto(f"{base}/expertise/programmes/{data['programme']}/edit")
        page.fill("input[name=qualification]", "Старший техник")
        page.get_by_role("button", name="Сохранить").click()
        expect(page).to_have_url(f"{base}/expertise/programmes/{data['programme']}")
        expect(page.locator("body")).to_contain_text("Старший техник")
        page.goto(f"{base}/expertise/sessions/{data['session']}")
        _, sheet_after = _download(page, "Лист согласования (.docx)")
        assert errors == []

    for name in (conclusion_name, sheet_name, checklist_name):
        assert len(name.encode()) <= MAX_FILENAME_BYTES and name.endswith(".docx"), name
    assert conclusion_name.startswith("Экспертное заключение — 13.02.11 Техническая") and conclusion_name.endswith(
        "….docx"
    )
    assert conclusion_name.count("Экспертное заключение") == 1
    assert checklist_name == f"Чек-лист эксперта {data['expert']} — 13.02.11.docx"

    held_on, today = data["held_on"], data["today"]
    months = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]

    def ru(day):
        return f"{day.day} {months[day.month - 1]} {day.year} г."

    text = re.sub(r"\s+", " ", convert_to_text(conclusion))
    assert f"Дата заключения: {ru(today)}" in text and f"Экспертная сессия: {ru(held_on)}" in text
    assert "(внесена не экспертом: секретарь Петрова А.А.)" in text
    assert "Секретарь экспертной сессии ____________ А.А. Петрова" in text  # in the experts' columns
    assert re.search(r"— [\d,]+ из [\d,]+ балл(а|ов) \(", text)
    for points in re.findall(r"из ([\d,]+) (балла|баллов)", text):  # «из 21 балла», «из 6,5 балла», «из 8 баллов»
        number, word = points
        whole = number.split(",")[0]
        genitive_one = "," in number or (int(whole) % 10 == 1 and int(whole) % 100 != 11)
        assert word == ("балла" if genitive_one else "баллов"), points
    assert "@" not in text and ".." not in text.replace("...", "") and "—:" not in text

    sheet_text = re.sub(r"\s+", " ", convert_to_text(sheet))
    assert "рассмотрена на экспертной сессии работодателей" in sheet_text and ru(held_on) in sheet_text
    assert f"Заключение экспертной сессии от {ru(today)}" in sheet_text and "Квалификация: Техник" in sheet_text
    assert convert_to_text(sheet_after) == convert_to_text(sheet)  # frozen: not «Старший техник»

    checklist_text = re.sub(r"\s+", " ", convert_to_text(checklist))
    assert "Нет календарного графика (изменено не экспертом: секретарь Петрова А.А.)" in checklist_text
    assert "0–3 балла" in checklist_text  # the scale of the 0–N criterion
    assert "(внесена не экспертом: секретарь Петрова А.А.)" in checklist_text
