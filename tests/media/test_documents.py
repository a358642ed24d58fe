"""The press release and the media plan as .docx (read back with python-docx), the
plan as .xlsx (read back with openpyxl), and the default templates' contract."""

from __future__ import annotations

import io
from datetime import date, time
from urllib.parse import quote

import docx
from docx.oxml.ns import qn
import openpyxl
import pytest
from sqlalchemy import select

from cluster_intranet.documents.docx_builder import write_templates
from cluster_intranet.documents.library import KINDS, default_template
from cluster_intranet.documents.rendering import validate_template
from cluster_intranet.extensions import db
from cluster_intranet.media import builders, document_templates, documents
from cluster_intranet.media.models import Channel
from tests import factories


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def plan_case(app, ctx):
    tit = builders.participant(factories.organization(short_name="ОГБПОУ «Томский индустриальный техникум»",
                                 full_name="Областное государственное бюджетное профессиональное образовательное учреждение «Томский индустриальный техникум»"))  # fmt: skip
    spk = builders.participant(factories.organization(short_name="ОГБПОУ «Северский промышленный колледж»"))
    press = factories.person(surname="Кузнецова", first_name="Наталья", patronymic="Викторовна", organization_id=tit.id,
                             position="руководитель пресс-службы", email="press@tit.tomsk.ru", phone="+7 3822 00-00-00")  # fmt: skip
    plan = builders.approved_plan(title="Медиаплан кластера на 2021–2022 годы", responsible_id=press.id)
    champ = builders.due(plan, title='Чемпионат "Профессионалы"', starts_on=date(2022, 3, 1), ends_on=date(2022, 3, 3),
                organizer_id=tit.id, responsible_id=press.id, place="г. Томск, ул. Смирнова, 42",
                release_text="Первый абзац пресс-релиза.\n\nВторой абзац: \"ёлочки\" и <угловые> & скобки.",
                channels=(Channel.WEBSITES, Channel.VK))  # fmt: skip
    fair = builders.event(plan, title="Ярмарка вакансий", starts_on=date(2022, 3, 23), start_time=time(12), end_time=time(16),
                      organizer_id=spk.id, status="published")  # fmt: skip
    builders.event(
        plan, title="Отменённая акция", starts_on=date(2022, 5, 18), status="cancelled", cancel_reason="Перенесено"
    )
    builders.publication(champ, tit)
    builders.publication(fair, tit)
    builders.publication(fair, spk, channel=Channel.VK)
    db.session.commit()
    return plan, champ, fair


def test_the_press_release_docx(viewer, plan_case):
    _, champ, _ = plan_case
    response = viewer.get(f"/media/events/{champ.id}/press-release.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert (
        f"filename*=UTF-8''{quote('Пресс-релиз — Чемпионат «Профессионалы».docx')}"
        in response.headers["Content-Disposition"]
    )
    text = text_of(response.data)
    assert "ПРЕСС-РЕЛИЗ" in text
    assert "10 марта 2022 г." in text  # today (the frozen clock)
    assert "Чемпионат «Профессионалы»" in text
    assert "Когда: 01.03.2022 – 03.03.2022" in text and "Где: г. Томск, ул. Смирнова, 42" in text
    assert (
        "Организатор: Областное государственное бюджетное профессиональное образовательное учреждение «Томский индустриальный техникум»"
        in text
    )
    document = docx.Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Первый абзац пресс-релиза." in paragraphs
    contact = paragraphs.index("Контактное лицо:")  # the label level with the contact line below it
    indents = [document.paragraphs[n].paragraph_format.first_line_indent for n in (contact, contact + 1)]
    assert indents[0] == indents[1], indents
    assert "Второй абзац: «ёлочки» и <угловые> & скобки." in paragraphs
    assert ("Кузнецова Н.В., руководитель пресс-службы ОГБПОУ «Томский индустриальный техникум», "
            "тел. +7 3822 00-00-00, press@tit.tomsk.ru.") in paragraphs  # fmt: skip
    assert "{{" not in text and "{%" not in text
    assert "Материал подготовлен по медиаплану кластера на 2021–2022 годы для" in text  # «медиаплан» once
    assert "ОТМЕНЕНО" not in text
    dated = viewer.get(f"/media/events/{champ.id}/press-release.docx?date=2022-02-25")
    assert "25 февраля 2022 г." in text_of(dated.data)


def test_a_cancelled_events_press_release_says_so_and_the_contact_reads_in_the_genitive(viewer, app, ctx):
    department = factories.organization(
        short_name="Департамент промышленности и энергетики Администрации Томской области"
    )
    person = factories.person(surname="Жарких", first_name="Елена", patronymic="Викторовна", organization_id=department.id,
                              position="главный специалист")  # fmt: skip
    event = builders.event(
        builders.approved_plan(), title="Форум", status="cancelled", cancel_reason="Карантин", responsible_id=person.id
    )
    moved = builders.event(
        builders.approved_plan(), title="Акция", status="cancelled", cancel_reason="Перенесено на октябрь 2022 г."
    )
    db.session.commit()
    text = text_of(viewer.get(f"/media/events/{event.id}/press-release.docx").data)
    assert "ОТМЕНЕНО\nМероприятие отменено: Карантин. Материал не публикуется." in text
    moved_text = text_of(viewer.get(f"/media/events/{moved.id}/press-release.docx").data)
    assert "Мероприятие отменено: Перенесено на октябрь 2022 г. Материал не публикуется." in moved_text  # not «г..»
    assert "главный специалист Департамента промышленности и энергетики Администрации Томской области" in text


def test_the_plans_responsible_reads_in_the_genitive_after_the_position(viewer, app, ctx):
    # It read «консультант Департамент промышленности …» under the table of the plan.
    department = factories.organization(
        short_name="Департамент промышленности и энергетики Администрации Томской области"
    )
    person = factories.person(surname="Королева", first_name="Ольга", patronymic="Михайловна", organization_id=department.id,
                              position="консультант")  # fmt: skip
    plan = builders.approved_plan(responsible_id=person.id, approved_by_name="Королева О.М.",
                                  approved_by_position="консультант")  # fmt: skip
    db.session.commit()
    text = text_of(viewer.get(f"/media/plans/{plan.id}/media-plan.docx").data)
    assert "УТВЕРЖДАЮ\nКонсультант\n______________ Королева О.М." in text  # a signature block opens with a capital
    assert (
        "Ответственный за медиаплан: Королева О.М., консультант "
        "Департамента промышленности и энергетики Администрации Томской области." in text
    )


def test_the_press_release_falls_back_to_the_description_and_skips_empty_parts(viewer, app, ctx):
    event = builders.event(builders.approved_plan(), title="Новость", description="Только описание.")
    db.session.commit()
    text = text_of(viewer.get(f"/media/events/{event.id}/press-release.docx").data)
    assert "Только описание." in text
    assert "Где:" not in text and "Организатор:" not in text and "Контактное лицо" not in text


def test_the_media_plan_docx_is_a_table_with_cancelled_events_marked(viewer, plan_case):
    plan, champ, fair = plan_case
    response = viewer.get(f"/media/plans/{plan.id}/media-plan.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "УТВЕРЖДАЮ" in text and "Беляев Е.В." in text and "10 марта 2022 г." in text
    assert "МЕДИАПЛАН" in text and "на период с 01.11.2021 по 31.12.2022" in text
    assert "Ответственный за медиаплан: Кузнецова Н.В., руководитель пресс-службы" in text
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["№", "Мероприятие", "Сроки", "Формат", "Организатор", "Каналы", "Ответственный", "Статус"]
    assert rows[1] == ["1", "Чемпионат «Профессионалы»", "01.03.2022 – 03.03.2022", "Мероприятие",
                       "ОГБПОУ «Томский индустриальный техникум»", "Официальные сайты, ВКонтакте", "Кузнецова Н.В.",
                       "Материал готов"]  # fmt: skip
    assert rows[2][:3] == ["2", "Ярмарка вакансий", "23.03.2022, 12:00–16:00"]
    assert rows[3][:2] == ["3", "Отменённая акция"] and rows[3][-1] == "ОТМЕНЕНО: Перенесено"
    assert len(rows) == 4
    for row in table.rows:  # no row breaks across pages
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_a_draft_plan_has_no_approval_block(viewer, app, ctx):
    plan = builders.plan()
    db.session.commit()
    text = text_of(viewer.get(f"/media/plans/{plan.id}/media-plan.docx").data)
    assert "УТВЕРЖДАЮ" not in text and "В медиаплане пока нет мероприятий." in text


def test_the_demo_plan_is_approved_with_the_chairs_position(viewer, app, ctx):
    from cluster_intranet.demo import seed
    from cluster_intranet.media.models import MediaPlan

    seed()
    db.session.commit()
    plan = db.session.scalar(select(MediaPlan))
    text = text_of(viewer.get(f"/media/plans/{plan.id}/media-plan.docx").data)
    assert "УТВЕРЖДАЮ\nПредседатель Координационного совета\n______________ Беляев Е.В.\n1 декабря 2021 г." in text


def test_the_media_plan_xlsx(viewer, plan_case):
    plan, champ, fair = plan_case
    response = viewer.get(f"/media/plans/{plan.id}/media-plan.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Медиаплан", "Охват"]
    sheet = book["Медиаплан"]
    assert sheet["A1"].value == "Медиаплан кластера на 2021–2022 годы"
    assert sheet["A2"].value.endswith("Статус: Утверждён 10.03.2022, Беляев Е.В.")  # one stop after the initials
    header = [cell.value for cell in sheet[4]]
    assert header[:4] == ["№", "Мероприятие", "Начало", "Окончание"] and header[-2:] == ["Охват, %", "Перенесено с"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert [row[1] for row in rows] == ['Чемпионат "Профессионалы"', "Ярмарка вакансий", "Отменённая акция"]
    champ_row, fair_row, cancelled_row = rows
    assert champ_row[2].date() == date(2022, 3, 1) and champ_row[3].date() == date(2022, 3, 3)
    assert sheet.cell(5, 3).number_format == "DD.MM.YYYY"
    assert fair_row[4] == "12:00–16:00" and fair_row[9] == "Опубликовано"
    # Coverage of 2 participants on their websites: the fair's VK post beside, not counted.
    assert (champ_row[12], fair_row[12], cancelled_row[12]) == (50, 50, None)
    assert (cancelled_row[9], cancelled_row[10]) == ("Отменено", "Перенесено")

    grid = book["Охват"]
    assert grid["A1"].value == "Охват мероприятий на сайтах участников: 50 %"
    assert [cell.value for cell in grid[3]] == ["Мероприятие", "Дата", "ОГБПОУ «Северский промышленный колледж»",
                                              "ОГБПОУ «Томский индустриальный техникум»", "Охват, %"]  # fmt: skip
    champ_cells, fair_cells = [cell.value for cell in grid[4]][2:], [cell.value for cell in grid[5]][2:]
    assert champ_cells[0] == "—" and champ_cells[1].startswith("Официальный сайт, ") and champ_cells[2] == 50
    assert (
        fair_cells[0].startswith("ВКонтакте, ")
        and fair_cells[1].startswith("Официальный сайт, ")
        and fair_cells[2] == 50
    )
    assert "https://" in champ_cells[1] and grid.cell(4, 4).hyperlink.target.startswith("https://")
    assert grid.cell(5, 3).fill.fgColor.rgb.endswith("F8D7DA")  # a VK post only: still a gap
    assert [cell.value for cell in grid[6]] == ["Охват участника, %", None, 0, 100, 50]  # the overall total too
    assert grid["A7"].value == "Итого: мероприятий 2, участников 2, пробелов 2, общий охват 50 %"
    for ws in (sheet, grid):
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows


def test_the_kinds_are_in_the_library_and_their_templates_are_current(tmp_path):
    assert KINDS["press_release"] == "Пресс-релиз" and KINDS["media_plan"] == "Медиаплан"
    for path in write_templates(document_templates.TEMPLATES, tmp_path):
        committed = default_template(path.stem)
        assert path.read_bytes() == committed, f"rebuild {path.name}: flask --app wsgi build-templates"


@pytest.mark.parametrize("kind", ["press_release", "media_plan"])
def test_the_default_templates_use_only_the_documented_variables(kind):
    # Strict: a variable missing from the demo context (the documented contract) fails.
    validate_template(default_template(kind), documents.DEMO_CONTEXTS[kind]())


def test_the_media_plan_xlsx_writes_formula_looking_text_as_text(viewer, plan_case):
    from tests.decisions.test_exports import FORMULAS, assert_no_formula

    plan, champ, fair = plan_case
    plan.title = FORMULAS[0]
    champ.title = FORMULAS[1]
    champ.organizer.short_name = FORMULAS[2]
    champ.responsible.surname = FORMULAS[3]
    fair.organizer.short_name = FORMULAS[4]
    cancelled = builders.event(
        plan, title=FORMULAS[5], starts_on=date(2022, 5, 20), status="cancelled", cancel_reason=FORMULAS[6]
    )
    db.session.commit()
    assert cancelled.id
    response = viewer.get(f"/media/plans/{plan.id}/media-plan.xlsx")
    assert response.status_code == 200
    assert_no_formula(openpyxl.load_workbook(io.BytesIO(response.data)), FORMULAS)


def test_a_stored_publication_link_that_is_not_http_is_no_hyperlink_in_the_xlsx(viewer, plan_case):
    """Only http(s) links: one stored before the form checked it stays the cell's text."""
    from cluster_intranet.media.models import Publication

    plan, champ, _ = plan_case
    for publication in db.session.scalars(select(Publication).where(Publication.event_id == champ.id)):
        publication.url = "file:///C:/Windows/System32/calc.exe"
    db.session.commit()
    grid = openpyxl.load_workbook(io.BytesIO(viewer.get(f"/media/plans/{plan.id}/media-plan.xlsx").data))["Охват"]
    assert "file:///" in grid.cell(4, 4).value and grid.cell(4, 4).hyperlink is None
