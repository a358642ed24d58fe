"""python-docx helpers that build the default .docx templates of every area, so that all
the documents of the intranet share one page set-up (ГОСТ Р 7.0.97-2016), fonts and table
layout: the protocols (build_templates.py), media (media/document_templates.py) and
expertise (expertise/document_templates.py).

A template module lists its templates as ``{filename: function returning a Document}``
and writes them with ``write_templates``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

OUTPUT_DIR = Path(__file__).with_name("default_templates")

FONT = "Times New Roman"
FONT_SIZE = 14
TABLE_FONT_SIZE = 12
PARAGRAPH_INDENT = Mm(12.5)  # ГОСТ Р 7.0.97-2016: абзацный отступ 1,25 см
SECTION_GAP = Pt(12)
SIGNATURE_ROOM = Pt(18)  # above a signature line: room for the signature itself

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


# Page set-up and paragraphs ---------------------------------------------------------


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
    _add_text(paragraph, text, bold, size)
    return paragraph


def _add_text(paragraph, text: str, bold: bool, size: int | None) -> None:
    """A run of ``text`` (none for ""): bold and sized only when asked, so that the
    paragraph style decides otherwise."""
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)


def heading(doc, text: str, *, before=SECTION_GAP, align=LEFT, indent=True):
    """A bold section label that stays on the page with its first line."""
    return para(doc, text, align=align, bold=True, indent=indent, before=before, keep_with_next=True)


def tag(doc, statement: str):
    """A docxtpl paragraph tag: the paragraph is removed from the rendered document."""
    return doc.add_paragraph("{%p " + statement + " %}")


def centered(doc, text: str, *, bold: bool = False, before=None):
    return para(doc, text, align=CENTER, bold=bold, indent=False, before=before, keep_with_next=True)


def flush_left(doc, text: str = "", **options):
    """A paragraph flush with the left margin, without the paragraph indent (dates, places,
    names, list headings): ``para``'s other ``options`` as given."""
    return para(doc, text, align=LEFT, indent=False, **options)


# Tables ------------------------------------------------------------------------------


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


def closing_paragraph(doc) -> None:
    """Word wants a paragraph after a table that ends the document; keep it tiny so
    that it never spills onto a page of its own."""
    paragraph = para(doc, indent=False)
    paragraph.paragraph_format.line_spacing = Pt(1)
    mark = OxmlElement("w:rPr")  # the size of the paragraph mark itself
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)


def set_widths(table, widths) -> None:
    table.autofit = False
    widths = [Emu(int(w)) for w in widths]  # arithmetic on Length gives plain ints
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def fill_cell(cell, text: str, *, align=LEFT, bold: bool = False, size: int | None = None):
    """The text of a cell's first paragraph (nothing for ""), aligned."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _add_text(paragraph, text, bold, size)
    return paragraph


def _repeat_header(row) -> None:
    """Repeat the table header on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def keep_rows_whole(table) -> None:
    """No row breaks across pages (w:cantSplit): a row the page cannot hold moves to the
    next one whole; the rows a template repeats ({%tr for %}) copy it."""
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        tr_pr.insert(0, el)  # the schema puts cantSplit before tblHeader


def grid_table(doc, columns: list[tuple[str, int]], rows: int):
    """A bordered table, centred: a header of the ``columns``' titles (repeated on every
    page) and ``rows`` empty rows below it. ``columns`` are (title, width)."""
    table = doc.add_table(rows=1 + rows, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, [width for _, width in columns])
    keep_rows_whole(table)
    header = table.rows[0]
    _repeat_header(header)
    for cell, (title, _) in zip(header.cells, columns):
        fill_cell(cell, title, align=CENTER, bold=True, size=TABLE_FONT_SIZE)
    return table


def loop_table(doc, loop: str, columns: list[tuple[str, int, str, object]]) -> None:
    """A bordered table with a row per item of ``{%tr for … %}`` (``loop``: «for r in rows»).
    ``columns`` are (title, width, the cell's value, its alignment)."""
    table = grid_table(doc, [(title, width) for title, width, _, _ in columns], rows=3)
    _, loop_start, row, loop_end = table.rows
    fill_cell(loop_start.cells[0], "{%tr " + loop + " %}", size=TABLE_FONT_SIZE)
    for cell, (_, _, value, align) in zip(row.cells, columns):
        fill_cell(cell, value, align=align, size=TABLE_FONT_SIZE)
    fill_cell(loop_end.cells[0], "{%tr endfor %}", size=TABLE_FONT_SIZE)


def loop_table_or(doc, items: str, loop: str, columns: list[tuple[str, int, str, object]], empty: str) -> None:
    """``loop_table`` after a gap, or the sentence ``empty`` where there are no ``items``."""
    tag(doc, f"if {items}")
    para(doc, before=SECTION_GAP, indent=False)
    loop_table(doc, loop, columns)
    tag(doc, "else")
    para(doc, empty, before=SECTION_GAP)
    tag(doc, "endif")


def borderless_table(doc, rows: int, widths):
    """A table of ``len(widths)`` columns with no borders and no cell padding (signature
    lines): a borderless table keeps the parts aligned whatever the length of a name."""
    table = doc.add_table(rows=rows, cols=len(widths))
    _layout_table(table)
    set_widths(table, widths)
    keep_rows_whole(table)
    return table


def signature_widths(doc) -> list[int]:
    """Position on the left, room to sign, the name on the right."""
    return [Mm(95), Mm(35), text_width(doc) - Mm(95) - Mm(35)]


def signature_line(row, who: str, name: str, *, line: str = "", room=SIGNATURE_ROOM) -> None:
    """One signature line in a row of a borderless table: ``who`` on the left, the ``line``
    to sign on (if any) in the middle, ``name`` («И.О. Фамилия») on the right, and
    ``room`` above it for the signature (None: none)."""
    fill_cell(row.cells[0], who)
    if line:
        fill_cell(row.cells[1], line, align=CENTER)
    fill_cell(row.cells[2], name, align=RIGHT)
    for cell in row.cells:
        # A signature stays on the page of what introduces it and of its date line below.
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        if room is not None:
            cell.paragraphs[0].paragraph_format.space_before = room


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


def write_templates(templates: dict[str, Callable[[], Document]], output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Build ``templates`` ({filename: builder}) into ``output_dir``; the paths written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, make in templates.items():
        path = output_dir / filename
        save_reproducibly(make(), path)
        written.append(path)
    return written
