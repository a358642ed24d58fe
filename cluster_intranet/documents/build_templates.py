"""Build the default .docx templates of the meetings in default_templates/ with python-docx
(the page set-up and the helpers every area's templates share are in docx_builder.py).

Run:  .venv/bin/flask --app wsgi build-templates (every area's default templates)

The templates use docxtpl tags: ``{{ ... }}`` for values, ``{%p ... %}`` paragraphs
(the whole paragraph disappears, so an empty section leaves no heading behind) and
``{%tr ... %}`` table rows. Numbers are literal text («1. »), not Word numbering, so
that the text of a rendered document reads exactly like the paper original.

Context contract
================

Plain dicts, lists, ``datetime.date``/``time`` values and strings; missing optional
values are ``None`` (or an empty list).

protocol_short.docx, protocol_full.docx, extract.docx::

    meeting: {
        number: int,                  # protocol number: «ПРОТОКОЛ № 2»
        date: date,
        city: str,                    # as written, with its kind: «г. Томск»
        place: str,                   # «ул. Ленина, 1, ауд. 101» ("" if unknown)
        start_time: time | None,
        end_time: time | None,
        council: {
            name: str,                # «Координационный совет Промышленного …»
            name_genitive: str,       # «Координационного совета Промышленного …»
        },
    }
    chair, secretary: {               # or None
        short_name: str,              # «Жарких Е.В.»
        short_name_reversed: str,     # «Е.В. Жарких» (signature lines)
        position: str,                # role in the council, for the signature:
                                      # «Секретарь Координационного совета»
    }
    attendees_in_person, attendees_online, invited: [
        {name: str,                   # as written in the protocol: «Матвеев Д..М.»
         position: str,               # «директор»
         organization: str},          # «ОГБПОУ «Томский индустриальный техникум»»
    ]
    attendees_as_count: bool          # full form: «Присутствовали: N чел.» + appendix
                                      # (more than DOCUMENTS_ATTENDEES_LIST_THRESHOLD)
    attendees_total: int
    agenda: [
        {number: int, text: str,
         speaker: str,                               # «Докладчик – …» ("" if none)
         speakers: [{name: str, summary: str}],      # СЛУШАЛИ (name in nominative;
                                                     #  the template declines it)
         discussion: [{name: str, summary: str}],    # ВЫСТУПИЛИ (name may be "":
                                                     #  the discussion as one text)
         decisions: [decision, ...],                 # decisions on this item
         votes: votes | None},                       # «Голосовали» after РЕШИЛИ
    ]
    decisions: [decision, ...]        # all decisions of the meeting, in order;
                                      # in an extract: only the chosen ones (and
                                      # ``agenda`` only the items they answer and
                                      # the items chosen whole)
    decisions_without_item: [decision, ...]
    appendices: [                     # full form: «Приложения:», the meeting's materials
        {number: int, title: str, filename: str,
         item_number: int | None},    # the agenda item it belongs to
    ]
    certified: {position: str, name: str, date: date}   # extract only: «Верно»

    decision = {
        number: int,                  # number within the meeting, in protocol order
        label: str,                   # the number as printed: «1.2» (full form, by
                                      # agenda item) or «3» (short form)
        text: str,
        responsible: [{name: str}],   # the first one leads
        deadline: date | None,
        term: str,                    # a term in words instead of a date: «постоянно»
                                      # («срок – постоянно»); "" when none
        votes: votes | None,          # its own vote, when voted on separately
        item_votes: votes | None,     # the vote of its item, on the item's last
                                      # decision only (the short form's flat list)
        item_number: int | None,      # the agenda item it answers
    }
    votes = {for: int, against: int, abstained: int,
             unanimous: bool}         # «Голосовали: единогласно.» when true

decisions_report.docx::

    council: {name: str, name_genitive: str}
    period_start: date, period_end: date
    rows: [
        {number: int,                 # decision number within its meeting
         label: str,                  # as its protocol prints it: «1.2», «3»
         text: str,
         meeting_number: int, meeting_date: date,
         responsible: str | [{name: str}],
         deadline: date | None,
         term: str,                   # a term in words, printed when there is no date
         status_label: str,           # «Выполнено», «Просрочено», …
         report_text: str,            # execution report ("" if none)
         done_on: date | None,
         overdue_days: int | None},   # None or 0 when not overdue
    ]
    totals: [{label: str, count: int}]

Filters available in every template: ru_date («22 октября 2021 г.»), deadline
(«01.12.2021»), ru_time («10:00»), quotes ("…" → «…»), names (list of people →
«Пояркова О.Н., Кузнецова Н.В.»), sentence (adds the final full stop unless the
text ends with one, as after initials, in place of a final «;», «,» or «:»:
``{% filter sentence %}…{% endfilter %}``),
and the name cases genitive, dative, accusative,
instrumental, prepositional («{{ d.responsible[0].name|dative }}» → «Поярковой О.Н.»).
"""

from __future__ import annotations


from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt

from .docx_builder import (
    CENTER,
    LEFT,
    SECTION_GAP,
    borderless_table,
    centered,
    closing_paragraph,
    fill_cell,
    flush_left,
    heading,
    loop_table_or,
    new_document,
    para,
    signature_line,
    signature_widths,
    tag,
    text_width,
)

# Reused template fragments -------------------------------------------------------

PERSON_LINE = (
    "{{ loop.index }}. {{ p.name }}, {{ p.position }}"
    "{% if p.organization %} {{ p.organization }}{% endif %}"
    "{{ '.' if loop.last else ';' }}"
)
RESPONSIBLE_LINE = (
    "{% filter sentence %}{% if d.responsible %}"
    "{% if d.responsible|length > 1 %}Ответственные исполнители"
    "{% else %}Ответственный исполнитель{% endif %} – {{ d.responsible|names }}"
    "{% if d.deadline %}, срок до {{ d.deadline|deadline }}{% elif d.term %}, срок – {{ d.term }}{% endif %}"
    "{% elif d.deadline %}Срок до {{ d.deadline|deadline }}{% else %}Срок – {{ d.term }}{% endif %}{% endfilter %}"
)


def votes_line(votes: str) -> str:
    """«Голосовали: …» of a vote dict (model_mixins.votes_text writes the same for the page)."""
    return (
        "Голосовали: {% if " + votes + ".unanimous %}единогласно.{% else %}«за» – {{ " + votes + ".for }}, "
        "«против» – {{ " + votes + ".against }}, «воздержались» – {{ " + votes + ".abstained }}.{% endif %}"
    )


def votes_paragraph(doc, votes: str) -> None:
    tag(doc, f"if {votes}")
    para(doc, votes_line(votes), before=Pt(6))
    tag(doc, "endif")


def person_list(doc, title: str, variable: str, *, title_text: str | None = None) -> None:
    """«Присутствовали очно:» and the numbered people, all left out when the list is empty."""
    tag(doc, f"if {variable}")
    heading(doc, title_text or title)
    tag(doc, f"for p in {variable}")
    para(doc, PERSON_LINE, align=LEFT)  # justified, short lines of names gape
    tag(doc, "endfor")
    tag(doc, "endif")


def decision_block(doc, number: str, *, item_votes: bool = False) -> None:
    """A decision `d`, its responsible/deadline line, its own vote (voted on separately)
    and, in the flat list of the short form, its item's vote after the item's last decision."""
    para(doc, number + " {{ d.text }}", before=Pt(6))
    tag(doc, "if d.responsible or d.deadline or d.term")
    para(doc, RESPONSIBLE_LINE)
    tag(doc, "endif")
    votes_paragraph(doc, "d.votes")
    if item_votes:
        votes_paragraph(doc, "d.item_votes")


def signatures(doc, people: list[tuple[str, str]], *, before=Pt(30)) -> None:
    """Signature lines: position on the left, room to sign, «И.О. Фамилия» on the right.

    `people` are (condition, variable) pairs; a row whose condition is false is left
    out, and the whole block when all are (a table without rows is a broken .docx).
    A borderless table keeps the three parts aligned whatever the name length.
    """
    tag(doc, "if " + " or ".join(condition for condition, _ in people))
    para(doc, before=before, indent=False, keep_with_next=True)
    rows = iter(borderless_table(doc, 3 * len(people), signature_widths(doc)).rows)
    for condition, variable in people:
        fill_cell(next(rows).cells[0], "{%tr if " + condition + " %}")
        signature_line(next(rows), "{{ " + variable + ".position }}", "{{ " + variable + ".short_name_reversed }}")
        fill_cell(next(rows).cells[0], "{%tr endif %}")
    closing_paragraph(doc)
    tag(doc, "endif")


# The templates ---------------------------------------------------------------------


def protocol_short() -> Document:
    """The layout of the seed protocol of 22.10.2021, line for line."""
    doc = new_document("Протокол заседания (краткая форма)")
    centered(doc, "ПРОТОКОЛ № {{ meeting.number }}", bold=True)
    centered(doc, "заседания")
    centered(doc, "{{ meeting.council.name_genitive }}", bold=True)
    flush_left(doc, "{{ meeting.date|ru_date }}", before=SECTION_GAP)
    flush_left(doc, "{{ meeting.city }}")

    person_list(doc, "Присутствовали очно:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")
    person_list(doc, "Приглашённые:", "invited")

    tag(doc, "if agenda")
    heading(doc, "Обсуждаемые вопросы:")
    tag(doc, "for item in agenda")
    para(doc, "{{ item.number }}. {{ item.text }}")
    tag(doc, "endfor")
    tag(doc, "endif")

    tag(doc, "if decisions")
    heading(doc, "По результатам заседания были приняты решения:")
    tag(doc, "for d in decisions")
    decision_block(doc, "{{ d.label }}.", item_votes=True)
    tag(doc, "endfor")
    tag(doc, "endif")

    signatures(doc, [("secretary", "secretary")])
    return doc


def _protocol_header(doc, kind: str, *, number_on_date_line: bool = True) -> None:
    """Organisation, document kind, date and number, place (ГОСТ Р 7.0.97-2016)."""
    centered(doc, "{{ meeting.council.name }}", bold=True)
    centered(doc, kind, bold=True, before=SECTION_GAP)
    centered(doc, "заседания {{ meeting.council.name_genitive }}")
    if number_on_date_line:
        line = flush_left(doc, "{{ meeting.date|ru_date }}\t№ {{ meeting.number }}", before=SECTION_GAP)
        line.paragraph_format.tab_stops.add_tab_stop(text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    else:
        flush_left(doc, "{{ meeting.date|ru_date }}", before=SECTION_GAP)
    flush_left(doc, "{{ meeting.city }}")


def _chair_and_secretary(doc) -> None:
    """«Председатель – И.О. Фамилия», «Секретарь – …»: each line left out when unknown."""
    tag(doc, "if chair")
    flush_left(doc, "Председатель – {{ chair.short_name_reversed }}", before=SECTION_GAP)
    tag(doc, "endif")
    tag(doc, "if secretary")
    flush_left(doc, "Секретарь – {{ secretary.short_name_reversed }}")
    tag(doc, "endif")


def items_heard_and_decided(doc, *, discussion: bool) -> None:
    """Each agenda item: «N. СЛУШАЛИ:», (``discussion``) «ВЫСТУПИЛИ:», «РЕШИЛИ:» with its
    decisions numbered as in the protocol, and its vote — the full form and the extract."""
    tag(doc, "for item in agenda")
    heading(doc, "{{ item.number }}. СЛУШАЛИ:", before=Pt(18))
    tag(doc, "for s in item.speakers")
    para(doc, "{{ s.name|accusative }}{% if s.summary %} – {{ s.summary }}{% endif %}")
    tag(doc, "else")
    para(doc, "{{ item.text }}")
    tag(doc, "endfor")
    if discussion:
        tag(doc, "if item.discussion")
        heading(doc, "ВЫСТУПИЛИ:", before=Pt(6))
        tag(doc, "for s in item.discussion")
        para(doc, "{% if s.name %}{{ s.name }} – {% endif %}{{ s.summary }}")
        tag(doc, "endfor")
        tag(doc, "endif")
    tag(doc, "if item.decisions")
    heading(doc, "РЕШИЛИ:", before=Pt(6))
    tag(doc, "for d in item.decisions")
    decision_block(doc, "{{ d.label }}.")
    tag(doc, "endfor")
    tag(doc, "endif")
    votes_paragraph(doc, "item.votes")
    tag(doc, "endfor")


def decisions_after_the_items(doc) -> None:
    tag(doc, "if decisions_without_item")
    heading(doc, "ПО ИТОГАМ ЗАСЕДАНИЯ РЕШИЛИ:", before=Pt(18))
    tag(doc, "for d in decisions_without_item")
    decision_block(doc, "{{ d.label }}.")
    tag(doc, "endfor")
    tag(doc, "endif")


def protocol_full() -> Document:
    """The full form of ГОСТ Р 7.0.97-2016: СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ per item."""
    doc = new_document("Протокол заседания (полная форма)")
    _protocol_header(doc, "ПРОТОКОЛ")

    tag(doc, "if meeting.place")
    flush_left(doc, "Место проведения: {{ meeting.place }}", before=SECTION_GAP)
    tag(doc, "endif")
    tag(doc, "if meeting.start_time")
    flush_left(
        doc,
        "Время проведения: {{ meeting.start_time|ru_time }}"
        "{% if meeting.end_time %} – {{ meeting.end_time|ru_time }}{% endif %}",
    )
    tag(doc, "endif")

    _chair_and_secretary(doc)

    tag(doc, "if attendees_as_count")
    flush_left(doc, "Присутствовали: {{ attendees_total }} чел. (список прилагается)", before=SECTION_GAP)
    tag(doc, "else")
    person_list(doc, "Присутствовали очно:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")
    tag(doc, "endif")
    person_list(doc, "Приглашённые:", "invited")

    tag(doc, "if agenda")
    heading(doc, "ПОВЕСТКА ДНЯ:", align=CENTER, indent=False)
    tag(doc, "for item in agenda")
    para(
        doc,
        # typed as a title («… СПО») or a list line («…;»), the wording ends as a sentence before its speaker
        "{{ item.number }}. {% if item.speaker %}{{ item.text|sentence }} Докладчик – {{ item.speaker }}"
        "{% else %}{{ item.text }}{% endif %}",
    )
    tag(doc, "endfor")

    items_heard_and_decided(doc, discussion=True)
    tag(doc, "endif")
    decisions_after_the_items(doc)

    # ГОСТ Р 7.0.97-2016, 5.25: the appendices named after the text, before the signatures.
    tag(doc, "if appendices")
    flush_left(doc, "Приложения:", before=SECTION_GAP)
    tag(doc, "for a in appendices")
    flush_left(doc, "{{ a.number }}. {{ a.title }}{% if a.item_number %} (к вопросу {{ a.item_number }}){% endif %}.")
    tag(doc, "endfor")
    tag(doc, "endif")

    signatures(doc, [("chair", "chair"), ("secretary", "secretary")])

    # The list of those present, as an appendix, when the protocol gives only a count.
    tag(doc, "if attendees_as_count")
    lines = ["Приложение", "к протоколу", "от {{ meeting.date|deadline }} № {{ meeting.number }}"]
    for number, line in enumerate(lines):
        appendix = flush_left(doc, line, page_break_before=number == 0)
        appendix.paragraph_format.left_indent = Mm(110)
    centered(doc, "СПИСОК ПРИСУТСТВОВАВШИХ", bold=True, before=SECTION_GAP)
    person_list(doc, "Очно:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")
    tag(doc, "endif")
    return doc


def extract() -> Document:
    """«ВЫПИСКА ИЗ ПРОТОКОЛА»: the chosen agenda items (СЛУШАЛИ, РЕШИЛИ, the vote) and
    decisions, numbered as in the protocol, certified «Верно»."""
    doc = new_document("Выписка из протокола заседания")
    _protocol_header(doc, "ВЫПИСКА ИЗ ПРОТОКОЛА № {{ meeting.number }}", number_on_date_line=False)

    _chair_and_secretary(doc)
    tag(doc, "if attendees_total")
    flush_left(doc, "Присутствовали: {{ attendees_total }} чел.")
    tag(doc, "endif")

    items_heard_and_decided(doc, discussion=False)
    decisions_after_the_items(doc)

    flush_left(doc, "Верно", before=Pt(30), keep_with_next=True)
    table = borderless_table(doc, 1, signature_widths(doc))
    signature_line(table.rows[0], "{{ certified.position }}", "{{ certified.name }}")
    flush_left(doc, "{{ certified.date|ru_date }}", before=Pt(6))
    return doc


REPORT_COLUMNS = [
    ("№ п/п", Mm(11), "{{ loop.index }}", CENTER),
    ("Решение", Mm(64), "{{ r.text }}", LEFT),
    (
        "Заседание (протокол)",
        Mm(30),
        # No-break spaces: «п.» never ends a line with its number on the next.
        "№\u00a0{{ r.meeting_number }} от {{ r.meeting_date|deadline }}, п.\u00a0{{ r.label }}",
        CENTER,
    ),
    (
        "{{ 'Ответственные' if rows|map(attribute='responsible')|map('length')|max > 1 else 'Ответственный' }}",
        Mm(37),
        # As the control list says it: an empty cell reads as a value left out of the report.
        "{{ r.responsible|names or 'не назначен' }}",
        LEFT,
    ),
    (
        "Срок",
        Mm(24),
        "{% if r.deadline %}{{ r.deadline|deadline }}{% else %}{{ r.term or 'без срока' }}{% endif %}",
        CENTER,
    ),
    ("Статус", Mm(28), "{{ r.status_label }}", CENTER),
    (
        "Отчёт об исполнении / дата",
        Mm(37),
        "{{ r.report_text }}{% if r.done_on %} ({{ r.done_on|deadline }}){% endif %}",
        LEFT,
    ),
    ("Просрочка, дней", Mm(26), "{{ r.overdue_days or '' }}", CENTER),
]


def decisions_report() -> Document:
    """«Отчёт об исполнении решений» of a council for a period: a table and totals."""
    doc = new_document("Отчёт об исполнении решений", landscape=True)
    centered(doc, "ОТЧЁТ ОБ ИСПОЛНЕНИИ РЕШЕНИЙ", bold=True)
    centered(doc, "{{ council.name_genitive }}", bold=True)
    centered(doc, "за период с {{ period_start|deadline }} по {{ period_end|deadline }}")

    loop_table_or(doc, "rows", "for r in rows", REPORT_COLUMNS, "За указанный период решений нет.")

    tag(doc, "if totals")
    heading(doc, "Итого:")
    tag(doc, "for t in totals")
    para(doc, "{{ t.label }} – {{ t.count }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    return doc


TEMPLATES = {
    "protocol_short.docx": protocol_short,
    "protocol_full.docx": protocol_full,
    "extract.docx": extract,
    "decisions_report.docx": decisions_report,
}
