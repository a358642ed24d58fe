"""Build the default .docx templates of the media area with python-docx:
``press_release.docx`` and ``media_plan.docx`` in documents/default_templates/.

Run:  .venv/bin/python -m cluster_intranet.media.document_templates

The page set-up, fonts and helpers are those of the protocols
(documents/build_templates.py), so every document of the intranet looks alike.

Context contract (built in media/documents.py)
==============================================

press_release.docx::

    cluster: str                       # «Промышленный образовательно-отраслевой кластер»
    event: {
        title, description, release_text, place, when, format, status: str,
        release_paragraphs, description_paragraphs: [str],   # the texts split into paragraphs
        starts_on, ends_on: date, start_time, end_time: time | None, several_days: bool,
        organizer: {short_name, full_name, website} | None,
        channels: [str],               # «Официальные сайты», «ВКонтакте», …
    }
    plan: {title: str}
    contact: {name, full_name, position, organization, email, phone} | None   # the responsible person
    today: date

media_plan.docx::

    cluster: str
    plan: {
        title: str, period_start, period_end: date, status: str,
        approved: bool, approved_on: date | None, approved_by: str,
        responsible: {name, full_name, position, organization, email, phone} | None,
    }
    events: [                          # cancelled events are left out
        {number: int, title, when, format, organizer, channels, responsible, status: str,
         starts_on, ends_on: date},
    ]
    today: date
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt

from ..documents.build_templates import (
    CENTER,
    LEFT,
    OUTPUT_DIR,
    RIGHT,
    SECTION_GAP,
    TABLE_FONT_SIZE,
    _cell,
    _repeat_header,
    _set_widths,
    centered,
    heading,
    new_document,
    para,
    save_reproducibly,
    tag,
)


def press_release():
    """One page with the uniform wording every participant publishes."""
    doc = new_document("Пресс-релиз")
    centered(doc, "ПРЕСС-РЕЛИЗ", bold=True)
    centered(doc, "{{ cluster }}")
    para(doc, "{{ today|ru_date }}", align=RIGHT, indent=False, before=SECTION_GAP)

    centered(doc, "{{ event.title|quotes }}", bold=True, before=SECTION_GAP)
    para(doc, "Когда: {{ event.when }}", align=LEFT, indent=False, before=SECTION_GAP)
    tag(doc, "if event.place")
    para(doc, "Где: {{ event.place }}", align=LEFT, indent=False)
    tag(doc, "endif")
    tag(doc, "if event.organizer")
    para(doc, "Организатор: {{ event.organizer.full_name|quotes }}", align=LEFT, indent=False)
    tag(doc, "endif")

    para(doc, before=SECTION_GAP, indent=False)
    tag(doc, "for text in (event.release_paragraphs or event.description_paragraphs)")
    para(doc, "{{ text|quotes }}")
    tag(doc, "endfor")

    tag(doc, "if contact")
    heading(doc, "Контактное лицо:")
    para(doc, "{{ contact.name }}{% if contact.position %}, {{ contact.position }}{% endif %}"
              "{% if contact.organization %} {{ contact.organization|quotes }}{% endif %}"
              "{% if contact.phone %}, тел. {{ contact.phone }}{% endif %}"
              "{% if contact.email %}, {{ contact.email }}{% endif %}.", indent=False)  # fmt: skip
    tag(doc, "endif")

    note = para(
        doc,
        "Материал подготовлен по медиаплану «{{ plan.title|quotes }}» для единообразной публикации "
        "на официальных сайтах всех участников кластера (решение № 2 Координационного совета от 22.10.2021).",
        before=Pt(24),
        size=TABLE_FONT_SIZE,
    )
    note.runs[0].italic = True
    return doc


PLAN_COLUMNS = [
    ("№", Mm(10), "{{ e.number }}"),
    ("Мероприятие", Mm(70), "{{ e.title|quotes }}"),
    ("Сроки", Mm(30), "{{ e.when }}"),
    ("Формат", Mm(24), "{{ e.format }}"),
    ("Организатор", Mm(45), "{{ e.organizer|quotes }}"),
    ("Каналы", Mm(30), "{{ e.channels }}"),
    ("Ответственный", Mm(28), "{{ e.responsible }}"),
    ("Статус", Mm(20), "{{ e.status }}"),
]


def media_plan():
    """The plan as a table, with «УТВЕРЖДАЮ» once it is approved."""
    doc = new_document("Медиаплан", landscape=True)
    tag(doc, "if plan.approved")
    para(doc, "УТВЕРЖДАЮ", align=RIGHT, indent=False, bold=True)
    para(doc, "{{ plan.approved_by }}", align=RIGHT, indent=False)
    para(doc, "{{ plan.approved_on|ru_date }}", align=RIGHT, indent=False)
    tag(doc, "endif")

    centered(doc, "МЕДИАПЛАН", bold=True, before=SECTION_GAP)
    centered(doc, "{{ plan.title|quotes }}")
    centered(doc, "на период с {{ plan.period_start|deadline }} по {{ plan.period_end|deadline }}")

    tag(doc, "if events")
    para(doc, before=SECTION_GAP, indent=False)
    table = doc.add_table(rows=4, cols=len(PLAN_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, [width for _, width, _ in PLAN_COLUMNS])
    header, loop_start, row, loop_end = table.rows
    _repeat_header(header)
    for cell, (title, _, _) in zip(header.cells, PLAN_COLUMNS):
        _cell(cell, title, align=CENTER, bold=True, size=TABLE_FONT_SIZE)
    _cell(loop_start.cells[0], "{%tr for e in events %}", size=TABLE_FONT_SIZE)
    for index, (cell, (_, _, value)) in enumerate(zip(row.cells, PLAN_COLUMNS)):
        _cell(cell, value, align=CENTER if index in (0, 2) else LEFT, size=TABLE_FONT_SIZE)
    _cell(loop_end.cells[0], "{%tr endfor %}", size=TABLE_FONT_SIZE)
    tag(doc, "else")
    para(doc, "В медиаплане пока нет мероприятий.", before=SECTION_GAP)
    tag(doc, "endif")

    tag(doc, "if plan.responsible")
    para(
        doc,
        "Ответственный за медиаплан: {{ plan.responsible.name }}"
        "{% if plan.responsible.position %}, {{ plan.responsible.position }}{% endif %}"
        "{% if plan.responsible.organization %} {{ plan.responsible.organization|quotes }}{% endif %}.",
        indent=False,
        before=SECTION_GAP,
    )
    tag(doc, "endif")
    return doc


TEMPLATES = {"press_release.docx": press_release, "media_plan.docx": media_plan}


def build(output_dir: Path = OUTPUT_DIR) -> list[Path]:
    written = []
    for filename, make in TEMPLATES.items():
        path = output_dir / filename
        save_reproducibly(make(), path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path)
