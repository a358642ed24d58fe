"""The default templates filled with plain dicts, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from cluster_intranet.documents import build_templates
from cluster_intranet.documents.docx_builder import write_templates
from cluster_intranet.documents.library import KINDS, default_template
from cluster_intranet.documents.rendering import (
    names,
    quotes,
    render_document,
    ru_time,
    validate_template,
)

from .support import (
    SEED_PROTOCOL_OPENING,
    TEMPLATES,
    decision,
    docx_paragraphs,
    full_context,
    read_template,
    report_context,
    seed_context_copy,
)


def render(name: str, context: dict) -> list[str]:
    return docx_paragraphs(render_document(read_template(name), context))


def assert_in_order(paragraphs: list[str], expected: list[str]) -> None:
    """Each expected text starts some paragraph, after the previous one."""
    position = -1
    for text in expected:
        following = [i for i, p in enumerate(paragraphs) if i > position and p.startswith(text)]
        assert following, f"«{text}» is missing after paragraph {position}: {paragraphs}"
        position = following[0]


# --- filters ---------------------------------------------------------------------


def test_times():
    assert ru_time(dt.time(9, 5)) == "09:05"
    for empty in (None, ""):
        assert ru_time(empty) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ООО "Гарантийный фонд Томской области"', "ООО «Гарантийный фонд Томской области»"),
        ('"Интеграция" Томского района', "«Интеграция» Томского района"),
        ('ОГБПОУ "Колледж "Интеграция""', "ОГБПОУ «Колледж «Интеграция»»"),
        ("уже «ёлочки»", "уже «ёлочки»"),
        (None, ""),
    ],
)
def test_quotes(text, expected):
    assert quotes(text) == expected


def test_names_joins_people_in_any_shape():
    assert names([{"name": "Пояркова О.Н."}, {"name": "Кузнецова Н.В."}]) == "Пояркова О.Н., Кузнецова Н.В."
    assert names(["Пояркова О.Н."]) == "Пояркова О.Н."
    assert names("Пояркова О.Н.") == "Пояркова О.Н."
    assert names(None) == names([]) == ""


def test_filters_work_inside_a_template(seed_context):
    from .support import make_docx

    template = make_docx(
        "{{ meeting.date|ru_date }} / {{ decisions[0].deadline|deadline }}",
        "Поручить {{ decisions[0].responsible[0].name|dative }}",
        "{{ 'ООО \"Ромашка\"'|quotes }}",
    )
    text = docx_paragraphs(render_document(template, seed_context))
    assert text == ["22 октября 2021 г. / 01.12.2021", "Поручить Поярковой О.Н.", "ООО «Ромашка»"]


# --- the templates themselves ------------------------------------------------------


@pytest.mark.parametrize("name", list(build_templates.TEMPLATES))
def test_templates_are_official_looking(name):
    document = docx.Document(io.BytesIO(read_template(name)))
    section = document.sections[0]

    def mm(*lengths):  # Word stores twips: 30 mm is 1701 twips, not exactly 30 mm
        return [round(length.mm) for length in lengths]

    assert mm(section.left_margin, section.right_margin) == [30, 10]
    assert mm(section.top_margin, section.bottom_margin) == [20, 20]
    assert sorted(mm(section.page_width, section.page_height)) == [210, 297]
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    title = next(p for p in document.paragraphs if p.text.strip())
    assert title.alignment == build_templates.CENTER
    assert all(run.bold for run in title.runs)


@pytest.mark.parametrize("kind", list(KINDS))
def test_table_rows_never_break_across_pages_and_headers_repeat(kind):
    tables = docx.Document(io.BytesIO(default_template(kind))).tables
    for table in tables:
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        if table.style.name == "Table Grid":  # a bordered table of data; signature lines have no header
            assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_committed_templates_match_the_build_script(tmp_path):
    """build_templates.py is the source: its output must be what is committed."""
    write_templates(build_templates.TEMPLATES, tmp_path)
    for name in build_templates.TEMPLATES:
        with zipfile.ZipFile(tmp_path / name) as built, zipfile.ZipFile(TEMPLATES / name) as committed:
            assert built.namelist() == committed.namelist()
            for member in built.namelist():
                assert built.read(member) == committed.read(member), (
                    f"{name}/{member} is out of date: run flask --app wsgi build-templates"
                )


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("protocol_short.docx", seed_context_copy()),
        ("protocol_full.docx", full_context()),
        ("extract.docx", full_context()),
        ("decisions_report.docx", report_context()),
    ],
)
def test_default_templates_pass_validation(name, context):
    # Validation is strict about unknown variables: the templates use only the contract.
    validate_template(read_template(name), context)


# --- short form --------------------------------------------------------------------


def test_short_form_content_and_order(seed_context):
    paragraphs = render("protocol_short.docx", seed_context)
    assert_in_order(
        paragraphs,
        [
            *SEED_PROTOCOL_OPENING,
            "1. Беляев Е.В., директор ООО «Гарантийный фонд Томской области»;",
            "7. Матвеев Д..М., директор ОГБПОУ «Томский экономико-промышленный колледж».",
            "Онлайн подключение:",
            "4. Доронин Д.А., заместитель директора по безопасности МАОУ Средняя",
            "Обсуждаемые вопросы:",
            "1. Процедурные вопросы",
            "2. Единообразии подходов",
            "По результатам заседания были приняты решения:",
            "1. Поручить Экспертному совету",
            "Ответственный исполнитель – Пояркова О.Н., срок до 01.12.2021.",
            "2. Применять принцип единообразия",
            "3. Разработать медиаплан",
            "Ответственный исполнитель – Кузнецова Н.В., срок до 01.12.2021.",
            "Секретарь Координационного совета",
            "Е.В. Жарких",
        ],
    )
    # Decision 2 has neither a responsible person nor a deadline: no line for it.
    after_second = paragraphs[paragraphs.index(next(p for p in paragraphs if p.startswith("2. Применять"))) + 1]
    assert after_second.startswith("3. Разработать")
    assert not any("{{" in p or "{%" in p for p in paragraphs)


def test_short_form_leaves_out_empty_sections(seed_context):
    seed_context.update(attendees_online=[], agenda=[], decisions=[], secretary=None)
    paragraphs = render("protocol_short.docx", seed_context)
    text = "\n".join(paragraphs)
    for absent in ("Онлайн подключение:", "Обсуждаемые вопросы:", "По результатам заседания", "Секретарь"):
        assert absent not in text
    assert paragraphs[-1].startswith("7. Матвеев")


@pytest.mark.parametrize(
    ("responsible", "due", "line"),
    [
        ([{"name": "Пояркова О.Н."}], None, "Ответственный исполнитель – Пояркова О.Н."),
        ([], dt.date(2022, 3, 9), "Срок до 09.03.2022."),
        (
            [{"name": "Пояркова О.Н."}, {"name": "Кузнецова Н.В."}],
            dt.date(2022, 3, 9),
            "Ответственные исполнители – Пояркова О.Н., Кузнецова Н.В., срок до 09.03.2022.",
        ),
    ],
)
def test_responsible_line_shows_only_what_is_set(seed_context, responsible, due, line):
    seed_context["decisions"][0].update(responsible=responsible, deadline=due)
    paragraphs = render("protocol_short.docx", seed_context)
    assert paragraphs[paragraphs.index(next(p for p in paragraphs if p.startswith("1. Поручить"))) + 1] == line


def test_cyrillic_quotes_and_markup_in_values_are_printed_as_text(seed_context):
    seed_context["decisions"][0]["text"] = 'Согласовать с ООО «Ромашка» & <w:p> "как есть" {{ 7*7 }}'
    paragraphs = render("protocol_short.docx", seed_context)
    assert '1. Согласовать с ООО «Ромашка» & <w:p> "как есть" {{ 7*7 }}' in paragraphs


def test_a_protocol_with_200_decisions_renders(seed_context):
    seed_context["decisions"] = [
        decision(n, f"Решение номер {n}.", "Пояркова О.Н.", deadline=dt.date(2022, 1, 1) + dt.timedelta(days=n))
        for n in range(1, 201)
    ]
    paragraphs = render("protocol_short.docx", seed_context)
    decisions = [p for p in paragraphs if p.startswith(tuple(f"{n}. Решение" for n in range(1, 201)))]
    assert len(decisions) == 200
    assert "200. Решение номер 200." in paragraphs
    assert "Ответственный исполнитель – Пояркова О.Н., срок до 19.07.2022." in paragraphs


# --- full form ---------------------------------------------------------------------


def test_full_form_content_and_order():
    paragraphs = render("protocol_full.docx", full_context())
    assert_in_order(
        paragraphs,
        [
            "Координационный совет Промышленного образовательно-отраслевого кластера",
            "ПРОТОКОЛ",
            "заседания Координационного совета",
            "22 октября 2021 г.\t№ 2",
            "г. Томск",
            "Место проведения: ОГБПОУ «Томский индустриальный техникум», ауд. 101",
            "Время проведения: 10:00 – 11:30",
            "Председатель – Е.В. Беляев",
            "Секретарь – Е.В. Жарких",
            "Присутствовали очно:",
            "1. Беляев Е.В., директор",
            "Онлайн подключение:",
            "Приглашённые:",
            "1. Пояркова О.Н., председатель Экспертного совета кластера.",
            "ПОВЕСТКА ДНЯ:",
            "1. Процедурные вопросы",
            "2. Единообразии подходов",
            "1. СЛУШАЛИ:",
            "Пояркову О.Н. – о порядке согласования",  # accusative: слушали кого?
            "ВЫСТУПИЛИ:",
            "Елисеев В.А. – предложил",
            "РЕШИЛИ:",
            "1.1. Поручить Экспертному совету",
            "Ответственный исполнитель – Пояркова О.Н., срок до 01.12.2021.",
            "Голосовали: «за» – 11, «против» – 0, «воздержались» – 0.",
            "2. СЛУШАЛИ:",
            "Беляева Е.В. – об освещении",
            "РЕШИЛИ:",
            "2.1. Применять принцип",
            "2.2. Разработать медиаплан",
            "ПО ИТОГАМ ЗАСЕДАНИЯ РЕШИЛИ:",
            "3.1. Провести следующее заседание",
            "Ответственный исполнитель – Жарких Е.В., срок до 20.12.2021.",
            "Голосовали: «за» – 10, «против» – 0, «воздержались» – 1.",
            "Приложения:",
            "1. Порядок согласования программ (к вопросу 1).",
            "2. Медиаплан кластера.",
            "Председатель Координационного совета",
            "Е.В. Беляев",
            "Секретарь Координационного совета",
            "Е.В. Жарких",
        ],
    )
    assert "СПИСОК ПРИСУТСТВОВАВШИХ" not in paragraphs


def test_full_form_without_votes_speakers_or_extras(seed_context):
    paragraphs = render("protocol_full.docx", seed_context)
    text = "\n".join(paragraphs)
    for absent in (
        "Голосовали",
        "ВЫСТУПИЛИ",
        "Приглашённые",
        "ПО ИТОГАМ",
        "Место проведения",
        "Время",
        "Председатель",
        "Приложения",
    ):
        assert absent not in text
    # No speakers: the item is heard by its wording. The decisions keep their numbers of
    # the short form's council (one numbering everywhere).
    assert_in_order(paragraphs, ["1. СЛУШАЛИ:", "Процедурные вопросы", "РЕШИЛИ:", "1. Поручить"])


def test_full_form_attendees_as_count_moves_the_list_to_an_appendix():
    context = full_context()
    context["attendees_as_count"] = True
    paragraphs = render("protocol_full.docx", context)
    signature = paragraphs.index("Секретарь Координационного совета")
    count = paragraphs.index("Присутствовали: 11 чел. (список прилагается)")
    first_person = [i for i, p in enumerate(paragraphs) if p.startswith("1. Беляев Е.В.")]
    assert count < signature
    assert len(first_person) == 1 and first_person[0] > signature
    assert_in_order(
        paragraphs[signature:],
        [
            "Приложение",
            "к протоколу",
            "от 22.10.2021 № 2",
            "СПИСОК ПРИСУТСТВОВАВШИХ",
            "Очно:",
            "1. Беляев",
            "Онлайн подключение:",
            "4. Доронин",
        ],
    )
    assert "Присутствовали:" not in paragraphs


def test_full_form_without_chair_and_secretary_has_no_signature_block(seed_context):
    seed_context["secretary"] = None
    document = render_document(read_template("protocol_full.docx"), seed_context)
    assert docx.Document(io.BytesIO(document)).tables == []


# --- extract and report --------------------------------------------------------------


def test_extract_of_chosen_decisions():
    context = full_context()
    first, second, third, loose = context["decisions"]
    context["decisions"] = [first, third]
    item_1, item_2 = context["agenda"]
    context["agenda"] = [item_1, {**item_2, "decisions": [third]}]
    context["decisions_without_item"] = []
    paragraphs = render("extract.docx", context)
    assert_in_order(
        paragraphs,
        [
            "Координационный совет Промышленного образовательно-отраслевого кластера",
            "ВЫПИСКА ИЗ ПРОТОКОЛА № 2",
            "заседания Координационного совета",
            "22 октября 2021 г.",
            "г. Томск",
            "Председатель – Е.В. Беляев",
            "Секретарь – Е.В. Жарких",
            "Присутствовали: 11 чел.",
            "1. СЛУШАЛИ:",
            "Пояркову О.Н. – о порядке согласования",
            "РЕШИЛИ:",
            "1.1. Поручить Экспертному совету",
            "Ответственный исполнитель – Пояркова О.Н., срок до 01.12.2021.",
            "Голосовали: «за» – 11",
            "2. СЛУШАЛИ:",
            "РЕШИЛИ:",
            "2.2. Разработать медиаплан",  # the decision keeps its number in the protocol
            "Ответственный исполнитель – Кузнецова Н.В., срок до 01.12.2021.",
            "Верно",
            "Секретарь Координационного совета",
            "Е.В. Жарких",
            "25 октября 2021 г.",
        ],
    )
    assert "ВЫСТУПИЛИ:" not in paragraphs and "ПО ИТОГАМ ЗАСЕДАНИЯ РЕШИЛИ:" not in paragraphs
    assert not any(p.startswith(("2. Применять", "2.1. Применять")) for p in paragraphs)


def test_decisions_report_table_and_totals():
    document = docx.Document(io.BytesIO(render_document(read_template("decisions_report.docx"), report_context())))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert paragraphs[:3] == [
        "ОТЧЁТ ОБ ИСПОЛНЕНИИ РЕШЕНИЙ",
        "Координационного совета Промышленного образовательно-отраслевого кластера",
        "за период с 01.10.2021 по 15.12.2021",
    ]
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][:2] == ["№ п/п", "Решение"]
    assert len(rows) == 4  # the header and three decisions; the {%tr %} rows are gone
    assert rows[1] == [
        "1",
        "Разработать экспертные чек-листы.",
        "№\u00a02 от 22.10.2021, п.\u00a01",
        "Пояркова О.Н.",
        "01.12.2021",
        "Выполнено",
        "Чек-листы утверждены Экспертным советом. (25.11.2021)",
        "",
    ]
    assert rows[2][3:6] == ["не назначен", "без срока", "В работе"]
    assert rows[3][3] == "Кузнецова Н.В." and rows[3][7] == "14"
    assert paragraphs[-4:] == ["Итого:", "Выполнено – 1", "В работе – 1", "Просрочено – 1"]


def test_empty_decisions_report_says_so():
    context = report_context()
    context.update(rows=[], totals=[])
    document = docx.Document(io.BytesIO(render_document(read_template("decisions_report.docx"), context)))
    assert document.tables == []
    assert "За указанный период решений нет." in [p.text for p in document.paragraphs]
