"""Build the default .docx templates of the media area with python-docx:
``press_release.docx`` and ``media_plan.docx`` in documents/default_templates/.

Run:  .venv/bin/flask --app wsgi build-templates (every area's default templates)

The page set-up, fonts and helpers are those of the protocols
(documents/docx_builder.py), so every document of the intranet looks alike.

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
        cancelled: bool, cancel_reason: str, postponed_from: date | None,
    }
    plan: {title, reference: str}      # reference: «медиаплану кластера на 2023 год»
    contact: {name, full_name, position, organization, organization_genitive, email, phone} | None
    today: date

media_plan.docx::

    cluster: str
    plan: {
        title: str, period_start, period_end: date, status: str,
        approved: bool, approved_on: date | None, approved_by, approved_position: str,
        responsible: {name, full_name, position, organization, email, phone} | None,
    }
    events: [                          # cancelled ones too, marked cancelled
        {number: int, title, when, format, organizer, channels, responsible, status, cancel_reason: str,
         cancelled: bool, starts_on, ends_on: date},
    ]
    today: date
"""

from __future__ import annotations


from docx.shared import Mm, Pt

from ..documents.docx_builder import (
    CENTER,
    LEFT,
    RIGHT,
    SECTION_GAP,
    SIGNATURE_ROOM,
    TABLE_FONT_SIZE,
    centered,
    flush_left,
    heading,
    loop_table_or,
    new_document,
    para,
    tag,
)


def press_release():
    """One page with the uniform wording every participant publishes."""
    doc = new_document("Пресс-релиз")
    centered(doc, "ПРЕСС-РЕЛИЗ", bold=True)
    centered(doc, "{{ cluster }}")
    para(doc, "{{ today|ru_date }}", align=RIGHT, indent=False, before=SECTION_GAP)

    tag(doc, "if event.cancelled")
    centered(doc, "ОТМЕНЕНО", bold=True, before=SECTION_GAP)
    # One full stop after a reason that ends with one («… на октябрь 2022 г.»).
    centered(doc, "{% filter sentence %}Мероприятие отменено{% if event.cancel_reason %}: {{ event.cancel_reason|quotes }}"
                  "{% endif %}{% endfilter %} Материал не публикуется.")  # fmt: skip
    tag(doc, "endif")
    centered(doc, "{{ event.title|quotes }}", bold=True, before=SECTION_GAP)
    flush_left(doc, "Когда: {{ event.when }}", before=SECTION_GAP)
    tag(doc, "if event.place")
    flush_left(doc, "Где: {{ event.place }}")
    tag(doc, "endif")
    tag(doc, "if event.organizer")
    flush_left(doc, "Организатор: {{ event.organizer.full_name|quotes }}")
    tag(doc, "endif")

    para(doc, before=SECTION_GAP, indent=False)
    tag(doc, "for text in (event.release_paragraphs or event.description_paragraphs)")
    para(doc, "{{ text|quotes }}")
    tag(doc, "endfor")

    tag(doc, "if contact")
    heading(doc, "Контактное лицо:", indent=False)  # level with the contact line below
    # One full stop after a name that ends the line («Кузнецова Н.В.»): the sentence filter.
    para(doc, "{% filter sentence %}{{ contact.name }}{% if contact.position %}, {{ contact.position }}{% endif %}"
              "{% if contact.organization %} {{ contact.organization_genitive|quotes }}{% endif %}"
              "{% if contact.phone %}, тел. {{ contact.phone }}{% endif %}"
              "{% if contact.email %}, {{ contact.email }}{% endif %}{% endfilter %}", indent=False)  # fmt: skip
    tag(doc, "endif")

    note = para(
        doc,
        "Материал подготовлен по {{ plan.reference|quotes }} для единообразной публикации "
        "на официальных сайтах всех участников кластера (решение № 2 Координационного совета от 22.10.2021).",
        before=Pt(24),
        size=TABLE_FONT_SIZE,
    )
    note.runs[0].italic = True
    return doc


# Widths that hold the longest word of each column at 12 pt with the cells' 2 × 1.9 mm
# margins («08.12.2021 –» 22 mm, «(перенесено» 23 mm, «Мероприятие» 24.4 mm, «Официальные»
# 25.5 mm, «Ответственный» in bold 32.5 mm, «Запланировано» 28.6 mm; a title's
# «Профориентационная» 39.6 mm; an organizer's «электромеханический», «общеобразовательная»
# 42 mm — the demo's organisations): 257 mm, the landscape page's text width.
PLAN_COLUMNS = [
    ("№", Mm(10), "{{ e.number }}", CENTER),
    ("Мероприятие", Mm(45), "{{ e.title|quotes }}", LEFT),
    ("Сроки", Mm(27), "{{ e.when }}", CENTER),
    ("Формат", Mm(29), "{{ e.format }}", LEFT),
    ("Организатор", Mm(46), "{{ e.organizer|quotes }}", LEFT),
    ("Каналы", Mm(30), "{{ e.channels }}", LEFT),
    ("Ответственный", Mm(37), "{{ e.responsible }}", LEFT),
    (
        "Статус",
        Mm(33),
        "{% if e.cancelled %}ОТМЕНЕНО{% if e.cancel_reason %}: {{ e.cancel_reason|quotes }}{% endif %}"
        "{% else %}{{ e.status }}{% endif %}",
        LEFT,
    ),
]


def media_plan():
    """The plan as a table, with «УТВЕРЖДАЮ» once it is approved."""
    doc = new_document("Медиаплан", landscape=True)
    tag(doc, "if plan.approved")
    para(doc, "УТВЕРЖДАЮ", align=RIGHT, indent=False, bold=True, keep_with_next=True)
    tag(doc, "if plan.approved_position")
    para(doc, "{{ plan.approved_position|capital }}", align=RIGHT, indent=False, keep_with_next=True)
    tag(doc, "endif")
    para(
        doc,
        "______________ {{ plan.approved_by }}",
        align=RIGHT,
        indent=False,
        before=SIGNATURE_ROOM,
        keep_with_next=True,
    )
    para(doc, "{{ plan.approved_on|ru_date }}", align=RIGHT, indent=False)
    tag(doc, "endif")

    centered(doc, "МЕДИАПЛАН", bold=True, before=SECTION_GAP)
    centered(doc, "{{ plan.title|quotes }}")
    centered(doc, "на период с {{ plan.period_start|deadline }} по {{ plan.period_end|deadline }}")

    loop_table_or(doc, "events", "for e in events", PLAN_COLUMNS, "В медиаплане пока нет мероприятий.")

    tag(doc, "if plan.responsible")
    para(
        doc,
        "{% filter sentence %}Ответственный за медиаплан: {{ plan.responsible.name }}"
        "{% if plan.responsible.position %}, {{ plan.responsible.position }}{% endif %}"
        "{% if plan.responsible.organization %} {{ plan.responsible.organization_genitive|quotes }}{% endif %}"
        "{% endfilter %}",
        indent=False,
        before=SECTION_GAP,
    )
    tag(doc, "endif")
    return doc


TEMPLATES = {"press_release.docx": press_release, "media_plan.docx": media_plan}
