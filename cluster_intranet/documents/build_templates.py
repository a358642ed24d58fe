"""Build the default .docx templates in default_templates/ with python-docx.

Run:  .venv/bin/python -m cluster_intranet.documents.build_templates

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
         speakers: [{name: str, summary: str}],      # СЛУШАЛИ (name in nominative;
                                                     #  the template declines it)
         discussion: [{name: str, summary: str}],    # ВЫСТУПИЛИ (name may be "":
                                                     #  the discussion as one text)
         decisions: [decision, ...]},                # decisions on this item
    ]
    decisions: [decision, ...]        # all decisions of the meeting, in order;
                                      # in an extract: only the chosen ones
    decisions_without_item: [decision, ...]
    certified: {position: str, name: str, date: date}   # extract only: «Верно»

    decision = {
        number: int,                  # number within the meeting
        text: str,
        responsible: [{name: str}],   # the first one leads
        deadline: date | None,
        votes: {for: int, against: int, abstained: int} | None,
        item_number: int | None,      # the agenda item it answers
    }

decisions_report.docx::

    council: {name: str, name_genitive: str}
    period_start: date, period_end: date
    rows: [
        {number: int,                 # decision number within its meeting
         text: str,
         meeting_number: int, meeting_date: date,
         responsible: str | [{name: str}],
         deadline: date | None,
         status_label: str,           # «Выполнено», «Просрочено», …
         report_text: str,            # execution report ("" if none)
         done_on: date | None,
         overdue_days: int | None},   # None or 0 when not overdue
    ]
    totals: [{label: str, count: int}]

Filters available in every template: ru_date («22 октября 2021 г.»), deadline
(«01.12.2021»), ru_time («10:00»), quotes ("…" → «…»), names (list of people →
«Пояркова О.Н., Кузнецова Н.В.»), sentence (adds the final full stop unless the
text ends with one, as after initials: ``{% filter sentence %}…{% endfilter %}``),
and the name cases genitive, dative, accusative,
instrumental, prepositional («{{ d.responsible[0].name|dative }}» → «Поярковой О.Н.»).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

OUTPUT_DIR = Path(__file__).with_name("default_templates")

FONT = "Times New Roman"
FONT_SIZE = 14
TABLE_FONT_SIZE = 12
PARAGRAPH_INDENT = Mm(12.5)  # ГОСТ Р 7.0.97-2016: абзацный отступ 1,25 см
SECTION_GAP = Pt(12)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

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
    "{% if d.deadline %}, срок до {{ d.deadline|deadline }}{% endif %}"
    "{% else %}Срок до {{ d.deadline|deadline }}{% endif %}{% endfilter %}"
)
VOTES_LINE = (
    "Голосовали: «за» – {{ d.votes.for }}, «против» – {{ d.votes.against }}, "
    "«воздержались» – {{ d.votes.abstained }}."
)


# Document scaffolding ------------------------------------------------------------


def _set_fonts(rpr, size: int) -> None:
    """Times New Roman for every script (Word picks the font per script) and Russian."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would win over the named ones
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(size * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")


def new_document(title: str, landscape: bool = False) -> Document:
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FONT_SIZE)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")  # single line spacing
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(FONT_SIZE)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, not Letter
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    # ГОСТ Р 7.0.97-2016, п. 6.2: левое 30, правое 10, верхнее и нижнее 20 мм.
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    _page_numbers(section)

    props = doc.core_properties
    props.title = title
    props.author = "Промышленный образовательно-отраслевой кластер"
    props.language = "ru-RU"
    props.created = props.modified = dt.datetime(2021, 10, 22)
    props.last_modified_by = ""
    props.revision = 1
    return doc


def _page_numbers(section) -> None:
    """Page number centred at the top from the second page (ГОСТ Р 7.0.97-2016, п. 6.5)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def text_width(doc) -> int:
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def para(
    doc,
    text: str = "",
    *,
    align=JUSTIFY,
    bold: bool = False,
    indent: bool = True,
    before=None,
    keep_with_next: bool = False,
    page_break_before: bool = False,
    size: int | None = None,
):
    """One paragraph of body text (justified, with the paragraph indent by default)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    if indent and align in (JUSTIFY, LEFT):
        fmt.first_line_indent = PARAGRAPH_INDENT
    if before is not None:
        fmt.space_before = before
    fmt.keep_with_next = keep_with_next
    fmt.page_break_before = page_break_before
    fmt.widow_control = True
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def heading(doc, text: str, *, before=SECTION_GAP, align=LEFT, indent=True):
    """A bold section label that stays on the page with its first line."""
    return para(doc, text, align=align, bold=True, indent=indent, before=before, keep_with_next=True)


def tag(doc, statement: str):
    """A docxtpl paragraph tag: the paragraph is removed from the rendered document."""
    return doc.add_paragraph("{%p " + statement + " %}")


def centered(doc, text: str, *, bold: bool = False, before=None):
    return para(doc, text, align=CENTER, bold=bold, indent=False, before=before, keep_with_next=True)


def person_list(doc, title: str, variable: str, *, title_text: str | None = None) -> None:
    """«Присутствовали очно:» and the numbered people, all left out when the list is empty."""
    tag(doc, f"if {variable}")
    heading(doc, title_text or title)
    tag(doc, f"for p in {variable}")
    para(doc, PERSON_LINE, align=LEFT)  # justified, short lines of names gape
    tag(doc, "endfor")
    tag(doc, "endif")


def decision_block(doc, number: str, *, votes: bool) -> None:
    """A decision `d`, its responsible/deadline line and (optionally) the vote."""
    para(doc, number + " {{ d.text }}", before=Pt(6))
    tag(doc, "if d.responsible or d.deadline")
    para(doc, RESPONSIBLE_LINE)
    tag(doc, "endif")
    if votes:
        tag(doc, "if d.votes")
        para(doc, VOTES_LINE)
        tag(doc, "endif")


def _insert_before(parent, element, successors: tuple[str, ...]) -> None:
    """Word insists on the schema order of properties: put `element` before the first
    of its `successors` that is present."""
    for child in parent:
        if child.tag in {qn(tag) for tag in successors}:
            child.addprevious(element)
            return
    parent.append(element)


def _layout_table(table) -> None:
    """No borders and no cell padding: text lines up with the page margins."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _insert_before(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _insert_before(tbl_pr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


def _closing_paragraph(doc) -> None:
    """Word wants a paragraph after a table that ends the document; keep it tiny so
    that it never spills onto a page of its own."""
    paragraph = para(doc, indent=False)
    paragraph.paragraph_format.line_spacing = Pt(1)
    mark = OxmlElement("w:rPr")  # the size of the paragraph mark itself
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)


def _set_widths(table, widths) -> None:
    table.autofit = False
    widths = [Emu(int(w)) for w in widths]  # arithmetic on Length gives plain ints
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell(cell, text: str, *, align=LEFT, bold: bool = False, size: int | None = None):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def signatures(doc, people: list[tuple[str, str]], *, before=Pt(30)) -> None:
    """Signature lines: position on the left, room to sign, «И.О. Фамилия» on the right.

    `people` are (condition, variable) pairs; a row whose condition is false is left
    out, and the whole block when all are (a table without rows is a broken .docx).
    A borderless table keeps the three parts aligned whatever the name length.
    """
    tag(doc, "if " + " or ".join(condition for condition, _ in people))
    para(doc, before=before, indent=False, keep_with_next=True)
    rows = []
    for condition, variable in people:
        rows += [("{%tr if " + condition + " %}",), (variable,), ("{%tr endif %}",)]
    table = doc.add_table(rows=len(rows), cols=3)
    _layout_table(table)
    width = text_width(doc)
    _set_widths(table, [Mm(95), Mm(35), width - Mm(95) - Mm(35)])
    for row, spec in zip(table.rows, rows):
        if len(spec) == 1 and spec[0].startswith("{%tr"):
            _cell(row.cells[0], spec[0])
            continue
        variable = spec[0]
        _cell(row.cells[0], "{{ " + variable + ".position }}")
        _cell(row.cells[2], "{{ " + variable + ".short_name_reversed }}", align=RIGHT)
        for cell in row.cells:
            # Room for the signature itself between the rows.
            cell.paragraphs[0].paragraph_format.space_before = Pt(18)
    _closing_paragraph(doc)
    tag(doc, "endif")


# The templates ---------------------------------------------------------------------


def protocol_short() -> Document:
    """The layout of the seed protocol of 22.10.2021, line for line."""
    doc = new_document("Протокол заседания (краткая форма)")
    centered(doc, "ПРОТОКОЛ № {{ meeting.number }}", bold=True)
    centered(doc, "заседания")
    centered(doc, "{{ meeting.council.name_genitive }}", bold=True)
    para(doc, "{{ meeting.date|ru_date }}", align=LEFT, indent=False, before=SECTION_GAP)
    para(doc, "{{ meeting.city }}", align=LEFT, indent=False)

    person_list(doc, "Присутствовали очно:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")

    tag(doc, "if agenda")
    heading(doc, "Обсуждаемые вопросы:")
    tag(doc, "for item in agenda")
    para(doc, "{{ item.number }}. {{ item.text }}")
    tag(doc, "endfor")
    tag(doc, "endif")

    tag(doc, "if decisions")
    heading(doc, "По результатам заседания были приняты решения:")
    tag(doc, "for d in decisions")
    decision_block(doc, "{{ d.number }}.", votes=False)
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
        line = para(doc, "{{ meeting.date|ru_date }}\t№ {{ meeting.number }}", align=LEFT, indent=False, before=SECTION_GAP)
        line.paragraph_format.tab_stops.add_tab_stop(text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    else:
        para(doc, "{{ meeting.date|ru_date }}", align=LEFT, indent=False, before=SECTION_GAP)
    para(doc, "{{ meeting.city }}", align=LEFT, indent=False)


def protocol_full() -> Document:
    """The full form of ГОСТ Р 7.0.97-2016: СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ per item."""
    doc = new_document("Протокол заседания (полная форма)")
    _protocol_header(doc, "ПРОТОКОЛ")

    tag(doc, "if meeting.place")
    para(doc, "Место проведения: {{ meeting.place }}", before=SECTION_GAP, indent=False, align=LEFT)
    tag(doc, "endif")
    tag(doc, "if meeting.start_time")
    para(
        doc,
        "Время проведения: {{ meeting.start_time|ru_time }}"
        "{% if meeting.end_time %} – {{ meeting.end_time|ru_time }}{% endif %}",
        indent=False, align=LEFT,
    )
    tag(doc, "endif")

    tag(doc, "if chair")
    para(doc, "Председатель – {{ chair.short_name_reversed }}", before=SECTION_GAP, indent=False, align=LEFT)
    tag(doc, "endif")
    tag(doc, "if secretary")
    para(doc, "Секретарь – {{ secretary.short_name_reversed }}", indent=False, align=LEFT)
    tag(doc, "endif")

    tag(doc, "if attendees_as_count")
    para(doc, "Присутствовали: {{ attendees_total }} чел. (список прилагается)", before=SECTION_GAP, indent=False, align=LEFT)
    tag(doc, "else")
    person_list(doc, "Присутствовали:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")
    tag(doc, "endif")
    person_list(doc, "Приглашённые:", "invited")

    tag(doc, "if agenda")
    heading(doc, "ПОВЕСТКА ДНЯ:", align=CENTER, indent=False)
    tag(doc, "for item in agenda")
    para(doc, "{{ item.number }}. {{ item.text }}")
    tag(doc, "endfor")

    tag(doc, "for item in agenda")
    heading(doc, "{{ item.number }}. СЛУШАЛИ:", before=Pt(18))
    tag(doc, "for s in item.speakers")
    para(doc, "{{ s.name|accusative }}{% if s.summary %} – {{ s.summary }}{% endif %}")
    tag(doc, "else")
    para(doc, "{{ item.text }}")
    tag(doc, "endfor")
    tag(doc, "if item.discussion")
    heading(doc, "ВЫСТУПИЛИ:", before=Pt(6))
    tag(doc, "for s in item.discussion")
    para(doc, "{% if s.name %}{{ s.name }} – {% endif %}{{ s.summary }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "if item.decisions")
    heading(doc, "РЕШИЛИ:", before=Pt(6))
    tag(doc, "for d in item.decisions")
    decision_block(doc, "{{ item.number }}.{{ loop.index }}.", votes=True)
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "endif")

    tag(doc, "if decisions_without_item")
    heading(doc, "ПО ИТОГАМ ЗАСЕДАНИЯ РЕШИЛИ:", before=Pt(18))
    tag(doc, "for d in decisions_without_item")
    decision_block(doc, "{{ d.number }}.", votes=True)
    tag(doc, "endfor")
    tag(doc, "endif")

    signatures(doc, [("chair", "chair"), ("secretary", "secretary")])

    # The list of those present, as an appendix, when the protocol gives only a count.
    tag(doc, "if attendees_as_count")
    lines = ["Приложение", "к протоколу", "от {{ meeting.date|deadline }} № {{ meeting.number }}"]
    for number, line in enumerate(lines):
        appendix = para(doc, line, align=LEFT, indent=False, page_break_before=number == 0)
        appendix.paragraph_format.left_indent = Mm(110)
    centered(doc, "СПИСОК ПРИСУТСТВОВАВШИХ", bold=True, before=SECTION_GAP)
    person_list(doc, "Очно:", "attendees_in_person")
    person_list(doc, "Онлайн подключение:", "attendees_online")
    tag(doc, "endif")
    return doc


def extract() -> Document:
    """«ВЫПИСКА ИЗ ПРОТОКОЛА»: the chosen decisions, certified «Верно»."""
    doc = new_document("Выписка из протокола заседания")
    _protocol_header(doc, "ВЫПИСКА ИЗ ПРОТОКОЛА № {{ meeting.number }}", number_on_date_line=False)

    tag(doc, "if chair")
    para(doc, "Председатель – {{ chair.short_name_reversed }}", before=SECTION_GAP, indent=False, align=LEFT)
    tag(doc, "endif")
    tag(doc, "if secretary")
    para(doc, "Секретарь – {{ secretary.short_name_reversed }}", indent=False, align=LEFT)
    tag(doc, "endif")
    tag(doc, "if attendees_total")
    para(doc, "Присутствовали: {{ attendees_total }} чел.", indent=False, align=LEFT)
    tag(doc, "endif")

    tag(doc, "if decisions")
    heading(doc, "ПОСТАНОВИЛИ:")
    tag(doc, "for d in decisions")
    decision_block(doc, "{{ d.number }}.", votes=True)
    tag(doc, "endfor")
    tag(doc, "endif")

    para(doc, "Верно", align=LEFT, indent=False, before=Pt(30), keep_with_next=True)
    table = doc.add_table(rows=1, cols=3)
    _layout_table(table)
    width = text_width(doc)
    _set_widths(table, [Mm(95), Mm(35), width - Mm(95) - Mm(35)])
    _cell(table.rows[0].cells[0], "{{ certified.position }}")
    _cell(table.rows[0].cells[2], "{{ certified.name }}", align=RIGHT)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(18)
    para(doc, "{{ certified.date|ru_date }}", align=LEFT, indent=False, before=Pt(6))
    return doc


REPORT_COLUMNS = [
    ("№ п/п", Mm(11), "{{ loop.index }}"),
    ("Решение", Mm(64), "{{ r.text }}"),
    ("Заседание (протокол)", Mm(30), "№ {{ r.meeting_number }} от {{ r.meeting_date|deadline }}, п. {{ r.number }}"),
    ("Ответственный", Mm(37), "{{ r.responsible|names }}"),
    ("Срок", Mm(24), "{{ r.deadline|deadline }}"),
    ("Статус", Mm(28), "{{ r.status_label }}"),
    ("Отчёт об исполнении / дата", Mm(37), "{{ r.report_text }}{% if r.done_on %} ({{ r.done_on|deadline }}){% endif %}"),
    ("Просрочка, дней", Mm(26), "{{ r.overdue_days or '' }}"),
]


def decisions_report() -> Document:
    """«Отчёт об исполнении решений» of a council for a period: a table and totals."""
    doc = new_document("Отчёт об исполнении решений", landscape=True)
    centered(doc, "ОТЧЁТ ОБ ИСПОЛНЕНИИ РЕШЕНИЙ", bold=True)
    centered(doc, "{{ council.name_genitive }}", bold=True)
    centered(doc, "за период с {{ period_start|deadline }} по {{ period_end|deadline }}")

    tag(doc, "if rows")
    para(doc, before=SECTION_GAP, indent=False)
    table = doc.add_table(rows=4, cols=len(REPORT_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, [width for _, width, _ in REPORT_COLUMNS])
    header, loop_start, row, loop_end = table.rows
    _repeat_header(header)
    for cell, (title, _, value) in zip(header.cells, REPORT_COLUMNS):
        _cell(cell, title, align=CENTER, bold=True, size=TABLE_FONT_SIZE)
    _cell(loop_start.cells[0], "{%tr for r in rows %}", size=TABLE_FONT_SIZE)
    for index, (cell, (_, _, value)) in enumerate(zip(row.cells, REPORT_COLUMNS)):
        _cell(cell, value, align=LEFT if index in (1, 3, 6) else CENTER, size=TABLE_FONT_SIZE)
    _cell(loop_end.cells[0], "{%tr endfor %}", size=TABLE_FONT_SIZE)
    tag(doc, "else")
    para(doc, "За указанный период решений нет.", before=SECTION_GAP)
    tag(doc, "endif")

    tag(doc, "if totals")
    heading(doc, "Итого:")
    tag(doc, "for t in totals")
    para(doc, "{{ t.label }} – {{ t.count }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    return doc


def _repeat_header(row) -> None:
    """Repeat the table header on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


TEMPLATES = {
    "protocol_short.docx": protocol_short,
    "protocol_full.docx": protocol_full,
    "extract.docx": extract,
    "decisions_report.docx": decisions_report,
}


def save_reproducibly(document, path: Path) -> None:
    """Save with fixed zip timestamps, so that rebuilding unchanged templates
    leaves the committed files unchanged."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2021, 10, 22, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item))
    path.write_bytes(out.getvalue())


def build(output_dir: Path = OUTPUT_DIR) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, make in TEMPLATES.items():
        path = output_dir / filename
        save_reproducibly(make(), path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path)
