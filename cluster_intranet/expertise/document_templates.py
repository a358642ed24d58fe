"""Build the default .docx templates of the expertise area with python-docx:
``expert_checklist.docx``, ``expert_conclusion.docx`` and ``approval_sheet.docx`` in
documents/default_templates/.

Run:  .venv/bin/flask --app wsgi build-templates (every area's default templates)

Page set-up, fonts and helpers are those of the protocols (documents/docx_builder.py),
so every document of the intranet looks alike. The context of each template is
described in expertise/documents.py.
"""

from __future__ import annotations

from typing import NamedTuple

from docx.shared import Length, Mm, Pt

from ..documents.docx_builder import (
    CENTER,
    LEFT,
    SECTION_GAP,
    TABLE_FONT_SIZE,
    borderless_table,
    centered,
    closing_paragraph,
    fill_cell,
    flush_left,
    grid_table,
    heading,
    new_document,
    para,
    signature_line,
    tag,
    text_width,
)

CLUSTER = "Промышленного образовательно-отраслевого кластера"
NOTE_FONT_SIZE = 10
PROGRAMME_LINES = [
    "Образовательная организация: {{ programme.college_full|quotes }}.",
    "Квалификация: {{ programme.qualification }}; форма обучения: {{ programme.study_form }}; "
    "год начала подготовки: {{ programme.intake_year }}.",
    # «5 декабря 2026 г.» ends the line when the session has no place: one full stop.
    "{% filter sentence %}Экспертная сессия: {{ session.date|ru_date }}"
    "{% if session.place %}, {{ session.place|quotes }}{% endif %}{% endfilter %}",
    "Оценка по чек-листу «{{ session.checklist.title }}», версия {{ session.checklist.number }}"
    "{% if session.checklist.protocol_ref %} (утверждён: {{ session.checklist.protocol_ref }}){% endif %}.",
]


def _title(doc, kind: str, subtitle: str) -> None:
    centered(doc, kind, bold=True)
    centered(doc, subtitle)
    centered(doc, "{{ programme.title }}", bold=True)


def _programme(doc) -> None:
    for index, line in enumerate(PROGRAMME_LINES):
        flush_left(doc, line, before=SECTION_GAP if index == 0 else None)


class Column(NamedTuple):
    """A column of a results table: its heading, width (None: what the others leave),
    alignment, and what its cell says in a section's row, a criterion's row and the total's."""

    title: str
    width: Length | None
    align: int
    section: str
    criterion: str
    total: str


def _results_table(doc, columns: list[Column]) -> None:
    """A bordered table: the headings, then for each section its row (bold) and its criteria's
    rows, then the total (bold). A criterion's text after a line break is a smaller second line."""
    rest = text_width(doc) - sum(column.width for column in columns if column.width)
    table = grid_table(doc, [(column.title, column.width or rest) for column in columns], rows=7)
    _, sections_start, section, criteria_start, criterion, criteria_end, sections_end, total = table.rows
    for row, text in (
        (sections_start, "{%tr for s in sections %}"),
        (criteria_start, "{%tr for c in s.criteria %}"),
        (criteria_end, "{%tr endfor %}"),
        (sections_end, "{%tr endfor %}"),
    ):
        fill_cell(row.cells[0], text, size=TABLE_FONT_SIZE)
    for row, part, bold in ((section, "section", True), (criterion, "criterion", False), (total, "total", True)):
        for cell, column in zip(row.cells, columns):
            first, _, note = getattr(column, part).partition("\n")
            fill_cell(cell, first, align=column.align, bold=bold, size=TABLE_FONT_SIZE)
            if note:  # a second, smaller line: the scale under a criterion's wording
                run = cell.add_paragraph().add_run(note)
                run.italic, run.font.size = True, Pt(NOTE_FONT_SIZE)


def _signature_columns(doc) -> list[Length]:
    """Who signs, the line, «И.О. Фамилия»: the experts' and the secretary's rows alike."""
    return [text_width(doc) - Mm(80), Mm(35), Mm(45)]


def _signature_rows(doc, loop: str, left: str, right: str, *, date_line: bool) -> None:
    """A borderless table of signature lines, one per item of ``loop``: who on the left,
    room to sign in the middle, «И.О. Фамилия» on the right (and a date line below)."""
    table = borderless_table(doc, 4 if date_line else 3, _signature_columns(doc))
    start, row, *rest = table.rows
    fill_cell(start.cells[0], "{%tr for p in " + loop + " %}")
    signature_line(row, left, right, line="____________")
    if date_line:
        fill_cell(rest[0].cells[0], "«___» ____________ 20___ г.")
    fill_cell(rest[-1].cells[0], "{%tr endfor %}")
    closing_paragraph(doc)


def expert_checklist():
    """One expert's filled checklist: every answer with its comment, the score, the verdict."""
    doc = new_document("Экспертный чек-лист", landscape=True)
    _title(
        doc,
        "ЭКСПЕРТНЫЙ ЧЕК-ЛИСТ",
        "оценки основной профессиональной образовательной программы среднего профессионального образования",
    )
    _programme(doc)
    flush_left(
        doc,
        "{% filter sentence %}Эксперт: {{ expert.full_name }}{% if expert.position %}, {{ expert.position }}{% endif %}"
        "{% if expert.organization %}, {{ expert.organization|quotes }}{% endif %}{% endfilter %}",
    )
    para(doc, before=SECTION_GAP, indent=False)
    # fmt: off
    _results_table(doc, [
        Column("№", Mm(12), CENTER, "{{ s.number }}", "{{ c.number }}", ""),
        Column("Критерий", Mm(100), LEFT, "{{ s.title }}",
               "{{ c.wording }}\nШкала: {{ c.scale }}{% if not c.required %}; необязательный{% endif %}", "Итого"),
        Column("Оценка", Mm(36), CENTER, "", "{{ c.answer }}", ""),
        Column("Вес", Mm(14), CENTER, "", "{{ c.weight }}", ""),
        Column("Баллы", Mm(30), CENTER, "{{ s.points }} из {{ s.maximum }} ({{ s.percent }})", "{{ c.points }}",
               "{{ total.points }} из {{ total.maximum }} ({{ total.percent }})"),
        Column("Комментарий эксперта", None, LEFT, "",
               "{{ c.comment }}{% if c.changed_by %} (изменено не экспертом: {{ c.changed_by }}){% endif %}", ""),
    ])
    # fmt: on
    heading(
        doc,
        "Итоговая рекомендация эксперта: {{ verdict or 'не указана' }}"
        "{% if submitted_by %} (внесена не экспертом: {{ submitted_by }}){% endif %}.",
        indent=False,
    )
    tag(doc, "if remarks")
    para(doc, "Замечания и предложения: {{ remarks }}", indent=False)
    tag(doc, "endif")
    tag(doc, "if submitted_on")
    # The date stays on the page of the expert's signature below it.
    para(doc, "Чек-лист заполнен {{ submitted_on|ru_date }}", indent=False, before=Pt(6), keep_with_next=True)
    tag(doc, "endif")
    para(doc, before=Pt(18), indent=False, keep_with_next=True)
    table = borderless_table(doc, 1, [Mm(100), Mm(60), text_width(doc) - Mm(160)])
    signature_line(table.rows[0], "Эксперт", "{{ expert.short_name_reversed }}", line="_______________", room=None)
    closing_paragraph(doc)
    return doc


def expert_conclusion():
    """The session's conclusion: the experts, the table of results, the conclusion, signatures."""
    doc = new_document("Экспертное заключение", landscape=True)
    _title(
        doc,
        "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ",
        f"по результатам экспертной сессии работодателей — участников {CLUSTER} на основную профессиональную образовательную программу",
    )
    _programme(doc)

    heading(doc, "Эксперты:", indent=False)
    tag(doc, "for e in experts")
    para(
        doc,
        "{{ e.number }}. {{ e.name }}{% if e.position %}, {{ e.position }}{% endif %}"
        "{% if e.organization %}, {{ e.organization|quotes }}{% endif %} — {{ e.points }} из {{ e.maximum|of_points }} "
        "({{ e.percent }}); рекомендация: {{ e.verdict|lower }}{% if e.submitted_by %} (внесена не экспертом: "
        "{{ e.submitted_by }}){% endif %}{{ '.' if loop.last else ';' }}",
        align=LEFT,
    )
    tag(doc, "endfor")

    heading(doc, "Результаты оценки по критериям:", indent=False)
    flush_left(
        doc,
        "Оценки экспертов приведены в порядке списка экспертов; балл критерия — среднее оценок, умноженное на вес.",
        size=TABLE_FONT_SIZE,
    )
    para(doc, indent=False)
    # fmt: off
    _results_table(doc, [
        Column("№", Mm(12), CENTER, "{{ s.number }}", "{{ c.number }}", ""),
        Column("Критерий", Mm(118), LEFT, "{{ s.title }}", "{{ c.wording }}", "Итого"),
        Column("Оценки экспертов", Mm(38), CENTER, "", "{{ c.answers }}", ""),
        Column("Среднее", Mm(22), CENTER, "", "{{ c.mean }}", ""),
        Column("Баллы", Mm(22), CENTER, "{{ s.points }}", "{{ c.points }}", "{{ total.points }}"),
        Column("Макс.", Mm(24), CENTER, "{{ s.maximum }}", "{{ c.maximum }}", "{{ total.maximum }}"),
        Column("% от макс.", None, CENTER, "{{ s.percent }}", "{{ c.percent }}", "{{ total.percent }}"),
    ])
    # fmt: on
    para(
        doc,
        "Итоговый балл: {{ total.points }} из {{ total.maximum }} ({{ total.percent }}).",
        indent=False,
        before=SECTION_GAP,
    )
    heading(doc, "Заключение: {{ conclusion or proposal }}.", indent=False)
    tag(doc, "if conclusion_text")
    para(doc, "{{ conclusion_text }}")
    tag(doc, "endif")
    tag(doc, "if concluded_on")
    para(doc, "Дата заключения: {{ concluded_on|ru_date }}", indent=False, before=Pt(6))
    tag(doc, "endif")

    heading(doc, "Эксперты:", indent=False)
    _signature_rows(
        doc,
        "experts",
        "{{ p.position|capital }}{% if p.organization %} {{ p.organization|quotes }}{% endif %}",
        "{{ p.short_name_reversed }}",
        date_line=False,
    )
    tag(doc, "if secretary")
    # In the experts' columns: who on the left, the line and «И.О. Фамилия» under theirs.
    para(doc, before=Pt(6), indent=False, keep_with_next=True)
    table = borderless_table(doc, 1, _signature_columns(doc))
    signature_line(
        table.rows[0], "Секретарь экспертной сессии", "{{ secretary.short_name_reversed }}", line="____________"
    )
    closing_paragraph(doc)
    tag(doc, "endif")
    return doc


def approval_sheet():
    """The programme's approval sheet: a signature block for each employer's representative."""
    doc = new_document("Лист согласования")
    centered(doc, "ЛИСТ СОГЛАСОВАНИЯ", bold=True)
    centered(
        doc,
        "основной профессиональной образовательной программы среднего профессионального образования по специальности",
    )
    centered(doc, "{{ programme.title }}", bold=True)
    flush_left(doc, "Образовательная организация: {{ programme.college_full|quotes }}.", before=SECTION_GAP)
    flush_left(
        doc,
        "Квалификация: {{ programme.qualification }}; форма обучения: {{ programme.study_form }}; "
        "год начала подготовки: {{ programme.intake_year }}.",
    )
    para(
        doc,
        f"Программа рассмотрена на экспертной сессии работодателей — участников {CLUSTER} "
        "{{ session.date|ru_date }} по экспертному чек-листу «{{ session.checklist.title }}» "
        "(версия {{ session.checklist.number }}{% if session.checklist.protocol_ref %}, {{ session.checklist.protocol_ref }}{% endif %}). "
        "Заключение экспертной сессии{% if decided_on %} от {{ decided_on|ru_date }}{% endif %}: {{ conclusion|lower }}. "
        "Программа {{ decision|lower }}.",
        before=SECTION_GAP,
    )
    heading(doc, "СОГЛАСОВАНО:", indent=False)
    _signature_rows(
        doc,
        "signatures",
        "{{ p.position|capital }}{% if p.organization %} {{ p.organization|quotes }}{% endif %}",
        "{{ p.short_name_reversed }}",
        date_line=True,
    )
    return doc


TEMPLATES = {
    "expert_checklist.docx": expert_checklist,
    "expert_conclusion.docx": expert_conclusion,
    "approval_sheet.docx": approval_sheet,
}
