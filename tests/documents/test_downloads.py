"""Documents downloaded through the routes, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from cluster_intranet.auth.models import User
from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import Person
from cluster_intranet.documents.models import DocumentTemplate
from cluster_intranet.documents import routes as document_routes
from cluster_intranet.documents.pdf import ConversionError, convert_to_text
from cluster_intranet.extensions import db
from cluster_intranet.meetings import services as meetings
from cluster_intranet.meetings.models import Meeting

from .conftest import add_attendee, make_meeting
from .support import SEED_PROTOCOL_OPENING, docx_paragraphs, requires_soffice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def protocol_url(meeting, ext="docx") -> str:
    return f"/documents/meetings/{meeting.id}/protocol.{ext}"


def saved_as(response) -> str:
    """The name a browser saves the download under: the UTF-8 one of RFC 5987 (``filename*``),
    as a browser reads it; the header itself must be plain ASCII."""
    header = response.headers["Content-Disposition"]
    header.encode("ascii")
    kind, options = parse_options_header(header)
    assert kind == "attachment"
    return options["filename"]  # werkzeug decodes filename* into filename


def download(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    return docx_paragraphs(response.data)


def test_seed_protocol_reads_like_the_original(viewer, demo):
    response = viewer.get(protocol_url(demo))
    assert response.status_code == 200
    assert saved_as(response) == "Протокол №2 от 22.10.2021.docx"
    assert response.headers["Cache-Control"] == "private, no-store"
    lines = docx_paragraphs(response.data)
    assert lines[:6] == SEED_PROTOCOL_OPENING
    assert lines[6] == "1. Беляев Е.В., директор ООО «Гарантийный фонд Томской области»;"
    assert lines[12] == "7. Матвеев Д..М., директор ОГБПОУ «Томский экономико-промышленный колледж»."
    order = [
        lines.index(h)
        for h in (
            "Присутствовали очно:",
            "Онлайн подключение:",
            "Обсуждаемые вопросы:",
            "По результатам заседания были приняты решения:",
            "Секретарь Координационного совета",
        )
    ]
    assert order == sorted(order)
    assert "Ответственный исполнитель – Пояркова О.Н., срок до 01.12.2021." in lines
    assert lines[-1] == "Е.В. Жарких"


def test_document_looks_official(viewer, demo):
    document = docx.Document(io.BytesIO(viewer.get(protocol_url(demo)).data))
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 10
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    title = document.paragraphs[0]
    assert title.text == "ПРОТОКОЛ № 2" and title.alignment == 1 and title.runs[0].bold  # centred, bold


def test_empty_sections_are_left_out(secretary, demo):
    meeting = make_meeting(demo.council, number=5, date=dt.date(2021, 11, 19))
    meeting.city = "Томск"
    add_attendee(meeting, "Беляев Е.В.")
    db.session.commit()
    lines = download(secretary, protocol_url(meeting))
    assert "г. Томск" in lines
    assert "Онлайн подключение:" not in lines
    assert "По результатам заседания были приняты решения:" not in lines
    assert "Секретарь Координационного совета" not in lines  # no secretary: no signature block
    assert lines[-1] == "1. Единственный вопрос повестки"


def test_protocol_of_200_decisions(secretary, demo):
    meeting = make_meeting(demo.council, number=6, date=dt.date(2021, 12, 3), decisions=200)
    add_attendee(meeting, "Беляев Е.В.")
    for decision in meeting.decisions[::2]:
        decision.deadline = dt.date(2022, 1, 31)
    db.session.commit()
    lines = download(secretary, protocol_url(meeting))
    numbered = [line for line in lines if re.match(r"^\d+\. Решение номер", line)]
    assert numbered == [f"{n}. Решение номер {n} «в кавычках»." for n in range(1, 201)]
    assert lines.count("Срок до 31.01.2022.") == 100


def test_the_other_form_is_saved_under_a_name_of_its_own(viewer, demo):
    """The meeting page offers both forms: downloaded one after the other into one folder,
    the council's own keeps the plain name, the other says which it is (not «… (1).docx»)."""
    assert saved_as(viewer.get(protocol_url(demo))) == "Протокол №2 от 22.10.2021.docx"
    assert saved_as(viewer.get(protocol_url(demo) + "?form=short")) == "Протокол №2 от 22.10.2021.docx"
    full = viewer.get(protocol_url(demo) + "?form=full")
    assert saved_as(full) == "Протокол №2 от 22.10.2021 (полная форма).docx"


def test_full_form_chosen_at_download(secretary, demo, app):
    meetings.reopen(demo, db.session.scalar(select(User)), "полная форма")
    demo.chair = demo.council.members[0].person
    demo.decisions[0].votes_for, demo.decisions[0].votes_against, demo.decisions[0].votes_abstained = 11, 0, 0
    db.session.commit()
    assert download(secretary, protocol_url(demo))[0] == "ПРОТОКОЛ № 2"  # the council's (short) form
    assert secretary.get(protocol_url(demo) + "?form=long").status_code == 404
    lines = download(secretary, protocol_url(demo) + "?form=full")
    assert lines[:3] == [
        "Координационный совет Промышленного образовательно-отраслевого кластера",
        "ПРОТОКОЛ",
        "заседания Координационного совета Промышленного образовательно-отраслевого кластера",
    ]
    assert "Председатель – Е.В. Беляев" in lines and "Секретарь – Е.В. Жарких" in lines
    assert "Присутствовали очно:" in lines
    # the numbers of the council's (short) form, one numbering everywhere
    assert lines[lines.index("РЕШИЛИ:") + 1].startswith("1. Поручить Экспертному совету")
    assert not [line for line in lines if line.startswith(("1.1.", "2.1.", "2.2."))]
    assert "Голосовали: «за» – 11, «против» – 0, «воздержались» – 0." in lines
    assert lines.index("ПОВЕСТКА ДНЯ:") < lines.index("1. СЛУШАЛИ:") < lines.index("РЕШИЛИ:")

    app.config["DOCUMENTS_ATTENDEES_LIST_THRESHOLD"] = 10
    try:
        lines = download(secretary, protocol_url(demo) + "?form=full")
    finally:
        app.config["DOCUMENTS_ATTENDEES_LIST_THRESHOLD"] = 25
    assert "Присутствовали: 11 чел. (список прилагается)" in lines
    appendix = lines.index("СПИСОК ПРИСУТСТВОВАВШИХ")
    assert lines[appendix - 3 : appendix] == ["Приложение", "к протоколу", "от 22.10.2021 № 2"]
    assert (
        "4. Доронин Д.А., заместитель директора по безопасности МАОУ Средняя общеобразовательная школа «Интеграция» Томского района."
        in lines[appendix:]
    )


def test_approved_version_downloads_as_it_was_approved(secretary, demo):
    admin = db.session.scalar(select(User))
    meetings.reopen(demo, admin, "уточнить решение")
    demo.decisions[1].text = "Новая редакция второго решения."
    db.session.commit()

    now = download(secretary, protocol_url(demo))
    response = secretary.get(f"/documents/meetings/{demo.id}/versions/1/protocol.docx")
    assert response.status_code == 200
    assert (
        "(редакция 1)" in response.headers["Content-Disposition"]
        or "%28%D1%80%D0%B5%D0%B4%D0%B0%D0%BA%D1%86%D0%B8%D1%8F%201%29" in response.headers["Content-Disposition"]
    )
    approved = docx_paragraphs(response.data)
    assert "2. Новая редакция второго решения." in now
    assert "2. Новая редакция второго решения." not in approved
    assert (
        approved[3] == "22 октября 2021 г."
        and "Ответственный исполнитель – Кузнецова Н.В., срок до 01.12.2021." in approved
    )
    assert secretary.get(f"/documents/meetings/{demo.id}/versions/7/protocol.docx").status_code == 404


def test_meeting_page_links_the_documents(app, viewer, demo, monkeypatch):
    page = viewer.get(f"/meetings/{demo.id}").get_data(as_text=True)
    short, full = (f'href="/documents/meetings/{demo.id}/protocol.docx?form={form}"' for form in ("short", "full"))
    assert short in page and full in page and page.index(short) < page.index(full)  # the council's form first
    assert f"/documents/meetings/{demo.id}/versions/1/protocol.docx" in page
    assert f"/documents/meetings/{demo.id}/extract" in page
    monkeypatch.setitem(app.config, "SOFFICE_PATH", "/nonexistent/soffice")
    page = viewer.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "protocol.pdf" not in page  # no LibreOffice: no PDF links


def test_missing_meeting_is_404(viewer, app, ctx):
    assert viewer.get("/documents/meetings/999/protocol.docx").status_code == 404
    assert viewer.get("/documents/meetings/999/protocol.txt").status_code == 404


# The extract ---------------------------------------------------------------------------------


def test_extract_with_the_ticked_decisions_only(app, demo):
    from cluster_intranet.auth.models import User
    from tests.conftest import PASSWORD

    # The demo's account of the council's secretary.
    zharkikh = db.session.scalar(select(User).join(User.person).where(Person.surname == "Жарких"))
    zharkikh.set_password(PASSWORD, "pbkdf2:sha256:1000")
    db.session.commit()
    client = app.test_client()
    assert client.login(zharkikh.email).status_code == 303
    first, second, third = demo.decisions
    page = client.get(f"/documents/meetings/{demo.id}/extract")
    assert page.status_code == 200 and f'value="{third.id}"' in page.get_data(as_text=True)

    response = client.get(f"/documents/meetings/{demo.id}/extract.docx?decision={first.id}&decision={third.id}")
    assert response.status_code == 200
    assert "%D0%92%D1%8B%D0%BF%D0%B8%D1%81%D0%BA%D0%B0" in response.headers["Content-Disposition"]  # «Выписка»
    lines = docx_paragraphs(response.data)
    assert lines[1] == "ВЫПИСКА ИЗ ПРОТОКОЛА № 2"
    assert "Присутствовали: 11 чел." in lines
    decisions = [line for line in lines if re.match(r"^\d\. ", line) and "СЛУШАЛИ" not in line]
    assert [d[:2] for d in decisions] == ["1.", "3."]
    assert not any("Применять принцип единообразия" in line for line in lines)
    assert (
        lines.index("1. СЛУШАЛИ:") < lines.index(decisions[0]) < lines.index("2. СЛУШАЛИ:") < lines.index(decisions[1])
    )
    assert lines[-4:] == ["Верно", "Секретарь Координационного совета", "Е.В. Жарких", lines[-1]]
    assert re.fullmatch(r"\d{1,2} [а-я]+ \d{4} г\.", lines[-1])


def test_extract_without_ticks_is_refused(viewer, demo):
    response = viewer.get(f"/documents/meetings/{demo.id}/extract.docx")
    assert response.status_code == 422
    assert "Отметьте вопросы повестки или решения" in response.get_data(as_text=True)
    # The download script (HX-Request) gets the message to show in place.
    response = viewer.get(f"/documents/meetings/{demo.id}/extract.pdf", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.get_data(as_text=True).lstrip().startswith(
        '<div class="alert'
    ) and "Отметьте вопросы повестки или решения" in response.get_data(as_text=True)
    other = db.session.scalar(select(Meeting).where(Meeting.year == 2021, Meeting.number == 1))
    # A decision of another meeting does not count.
    response = viewer.get(f"/documents/meetings/{demo.id}/extract.docx?decision={other.decisions[0].id}")
    assert response.status_code == 422


# The report --------------------------------------------------------------------------------


def test_report_for_a_period(viewer, demo):
    council = demo.council.id
    page = viewer.get("/documents/")
    assert page.status_code == 200 and "Отчёт об исполнении решений" in page.get_data(as_text=True)
    response = viewer.get(f"/documents/reports/decisions.docx?council={council}&start=2021-10-01&end=2021-12-31")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    lines = docx_paragraphs(response.data)
    assert lines[:3] == [
        "ОТЧЁТ ОБ ИСПОЛНЕНИИ РЕШЕНИЙ",
        "Координационного совета Промышленного образовательно-отраслевого кластера",
        "за период с 01.10.2021 по 31.12.2021",
    ]
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert len(rows) == 4  # header + three decisions
    assert (
        rows[1][2] == "№\u00a02 от 22.10.2021, п.\u00a01"
        and rows[1][3] == "Пояркова О.Н."
        and rows[1][4] == "01.12.2021"
    )
    # The demo's execution control: decision 1 done, decision 3's deadline moved to 28.02.2022 and missed.
    assert rows[1][5] == "Исполнено" and rows[1][6].endswith("(17.11.2021)") and rows[1][7] == ""
    assert rows[2][5] == "Открыто" and rows[2][4] == "без срока"
    assert rows[3][4] == "28.02.2022" and rows[3][5] == "Просрочено" and int(rows[3][7]) > 300
    assert "Всего решений – 3" in lines


def test_report_of_an_empty_period_and_bad_input(viewer, demo):
    response = viewer.get(
        f"/documents/reports/decisions.docx?council={demo.council.id}&start=2022-01-01&end=2022-12-31"
    )
    assert "За указанный период решений нет." in docx_paragraphs(response.data)
    response = viewer.get(
        f"/documents/reports/decisions.docx?council={demo.council.id}&start=2022-12-31&end=2022-01-01"
    )
    assert response.status_code == 422 and "Конец периода раньше начала." in response.get_data(as_text=True)
    response = viewer.get("/documents/reports/decisions.docx?council=0&start=&end=2022-01-01")
    assert response.status_code == 422 and "Укажите начало периода." in response.get_data(as_text=True)


def test_report_over_every_council(viewer, demo):
    response = viewer.get("/documents/reports/decisions.docx?council=0&start=2021-01-01&end=2021-12-31")
    lines = docx_paragraphs(response.data)
    assert lines[1] == "советов Промышленного образовательно-отраслевого кластера"
    assert "Всего решений – 7" in lines  # the Coordination Council's three and the Expert Council's four


# PDF -----------------------------------------------------------------------------------------


@requires_soffice
def test_protocol_as_pdf(viewer, demo):
    response = viewer.get(protocol_url(demo, "pdf"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert (
        "filename*=UTF-8''%D0%9F%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%20%E2%84%962%20%D0%BE%D1%82%2022.10.2021.pdf"
        in response.headers["Content-Disposition"]
    )


def test_failed_conversion_is_a_clear_503(viewer, demo, monkeypatch):
    def fail(*args, **kwargs):
        raise ConversionError("LibreOffice не успел преобразовать документ за 60 с.")

    monkeypatch.setattr(document_routes, "convert_to_pdf", fail)
    response = viewer.get(protocol_url(demo, "pdf"))
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "PDF не удалось подготовить" in text and "не успел" in text and ".docx" in text
    # The download script asks like HTMX: it gets the message to show in place.
    response = viewer.get(protocol_url(demo, "pdf"), headers={"HX-Request": "true"})
    assert response.status_code == 503 and response.get_data(as_text=True).lstrip().startswith('<div class="alert')


@requires_soffice
def test_every_pdf_route_answers(viewer, demo):
    council = demo.council.id
    for url in (
        f"/documents/meetings/{demo.id}/versions/1/protocol.pdf",
        f"/documents/meetings/{demo.id}/extract.pdf?decision={demo.decisions[0].id}",
        f"/documents/reports/decisions.pdf?council={council}&start=2021-10-01&end=2021-12-31",
    ):
        response = viewer.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), url


# The fidelity check from the database ----------------------------------------------------


def normalized_lines(text: str) -> list[str]:
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


@requires_soffice
def test_demo_protocol_from_the_database_reads_like_the_seed_file(viewer, demo, seed_text):
    """seed-demo, then «Протокол (.docx)» of the seed meeting, converted to text by
    LibreOffice, equals seed/protocol-2021-10-22.txt line by line."""
    response = viewer.get(protocol_url(demo))
    assert response.status_code == 200
    rendered = normalized_lines(convert_to_text(response.data))
    expected = normalized_lines(seed_text)
    for number, (want, got) in enumerate(zip(expected, rendered), start=1):
        assert got == want, f"line {number} differs"
    assert len(rendered) == len(expected)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EXPERT, Role.EDITOR])
def test_every_signed_in_role_downloads(login_as, demo, role):
    client = login_as(role)
    assert client.get(protocol_url(demo)).status_code == 200


# --- download names: one function for every area (web.download_name) -----------------

from cluster_intranet.web import MAX_FILENAME_BYTES, download_name  # noqa: E402


@pytest.mark.parametrize(
    "kind, title, expected",
    [
        ("Пресс-релиз", "Пресс-релиз: итоги чемпионата", "Пресс-релиз — итоги чемпионата.docx"),
        ("Пресс-релиз", "Итоги: чемпионат 2023", "Пресс-релиз — Итоги — чемпионат 2023.docx"),
        ("Медиаплан", "Медиаплан кластера на 2023 год", "Медиаплан кластера на 2023 год.docx"),
        ("Медиаплан", "План на 2022/2023 «основной»", "Медиаплан — План на 2022-2023 «основной».docx"),
        (None, 'Протокол №2 от 22.10.2021 "черновик"?', "Протокол №2 от 22.10.2021 «черновик».docx"),
    ],
)
def test_download_names_say_the_kind_once_and_nothing_a_file_system_refuses(kind, title, expected):
    assert download_name(kind, title, "docx") == expected


def test_a_long_download_name_is_cut_on_a_word_to_255_bytes():
    title = "15.02.08 Технология машиностроения, " + "углублённая подготовка по программе " * 8
    name = download_name("Экспертное заключение", title, "docx")
    assert len(name.encode()) <= MAX_FILENAME_BYTES < len(f"Экспертное заключение — {title}.docx".encode())
    assert name.endswith("….docx") and name.startswith("Экспертное заключение — 15.02.08")
    stem = name.removesuffix("….docx")
    assert title.startswith(stem.removeprefix("Экспертное заключение — ")) and title[len(stem) - 24] == " "


@pytest.mark.parametrize("opening", ["(", "«"])
def test_a_long_download_name_is_not_cut_inside_brackets_or_quotes(opening):
    """Cut inside «(по отраслям …)», the name would keep the bracket open: it ends before it."""
    closing = {"(": ")", "«": "»"}[opening]
    title = f"15.02.08 Технология машиностроения {opening}по отраслям" + " и видам деятельности" * 10 + closing
    name = download_name("Экспертное заключение", title, "docx")
    assert len(f"Экспертное заключение — {title}.docx".encode()) > MAX_FILENAME_BYTES
    assert name == "Экспертное заключение — 15.02.08 Технология машиностроения….docx"


def test_extract_signer_is_picked_on_the_form(admin, demo):
    """The admin's account is linked to nobody: the council's secretary signs by default, or whom the form picks."""
    first = demo.decisions[0]
    page = admin.get(f"/documents/meetings/{demo.id}/extract").get_data(as_text=True)
    assert 'name="signer"' in page and "Жарких Е.В." in page
    lines = download(admin, f"/documents/meetings/{demo.id}/extract.docx?decision={first.id}")
    assert "Е.В. Жарких" in lines and "Секретарь Координационного совета" in lines
    chair = db.session.scalar(select(Person).where(Person.surname == "Беляев"))
    lines = download(admin, f"/documents/meetings/{demo.id}/extract.docx?decision={first.id}&signer={chair.id}")
    assert "Е.В. Беляев" in lines


def test_profile_tells_how_to_link_the_account(admin, demo):
    page = admin.get("/profile").get_data(as_text=True)
    assert "Ваша учётная запись не связана с сотрудником справочника" in page and "поле «Сотрудник»" in page


def test_a_broken_uploaded_template_is_explained_the_same_way_by_every_download(secretary, demo):
    """A stored template the renderer refuses (uploaded before a check existed, say): every
    document of its kind answers the one explanation — a page, or the message area's fragment
    for the pages' download button (fetch with HX-Request) — and never a file."""
    for kind in ("protocol_short", "protocol_full", "decisions_report"):
        broken = b"not a word file"
        db.session.add(
            DocumentTemplate(kind=kind, number=1, content=broken, size=len(broken), filename="x.docx", is_active=True)
        )
    db.session.commit()

    page = secretary.get(protocol_url(demo))
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Content-Disposition" not in page.headers
    text = page.get_data(as_text=True)
    assert "Документ не удалось заполнить по шаблону" in text and "не является документом Word" in text

    fragment = secretary.get(protocol_url(demo), headers={"HX-Request": "true"})
    assert fragment.status_code == 500 and fragment.headers["HX-Retarget"] == "#messages"
    assert "не является документом Word" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)

    report = secretary.get(
        f"/documents/reports/decisions.docx?council={demo.council.id}&start=2021-01-01&end=2021-12-31"
    )
    assert report.status_code == 500 and "Документ не удалось заполнить по шаблону" in report.get_data(as_text=True)
