"""A protocol file into lines for the parser: .docx read with python-docx, .txt
decoded, .doc/.rtf/.odt converted to .docx by LibreOffice first.

Word's own numbering becomes text («1. », «1.1. »), as the page shows it; a soft line
break splits a paragraph into lines; a table of attendees («№ | ФИО | должность |
организация») gives one line per person, its cells kept apart by `` | `` so the parser
needs no guess where the position ends. Anything that is not a readable protocol file
is refused with a Russian message (``ImportFileError``) before any parsing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ... import docx_package
from . import names
from .parser import lines_from_text

MAX_FILE_BYTES = 10 * 1024 * 1024  # the upload itself (nginx allows 10 MB too)
MAX_TEXT_CHARS = 1_000_000  # a protocol of 200 decisions is ~100,000 characters
CELL_SEPARATOR = " | "
CONVERTED = {".doc", ".rtf", ".odt"}
ACCEPTED = (".docx", ".txt", *sorted(CONVERTED))

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADER_CELLS = re.compile(
    r"^(№|№\s*п/п|п/п|ф\.?\s*и\.?\s*о\.?|фио|фамилия.*|должность|организация|место работы.*|подпись)$", re.IGNORECASE
)


class ImportFileError(ValueError):
    """A file that cannot be imported; the message is shown to the user as is."""


def too_big_text(size: int | None = None) -> str:
    """What a file over MAX_FILE_BYTES is told: by the page before it is sent, or here."""
    actual = f"{size / 1024 / 1024:.1f} МБ, " if size else ""
    return (
        f"Файл слишком большой ({actual}допускается не более {MAX_FILE_BYTES // 1024 // 1024} МБ). "
        "Протокол такого размера — скорее всего не протокол: проверьте, тот ли файл выбран."
    )


def _too_big(size: int) -> ImportFileError:
    return ImportFileError(too_big_text(size))


# Text -----------------------------------------------------------------------------


def text_of(data: bytes) -> str:
    """A .txt file: UTF-8 (with or without BOM), else Windows-1251 (Notepad's Russian)."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte but 0x98
        raise ImportFileError("Не удалось прочитать текст файла: неизвестная кодировка.")
    return check_text(text)


def check_text(text: str) -> str:
    if "\x00" in text:
        raise ImportFileError("Это не текстовый файл: загрузите протокол в формате .docx, .doc, .rtf, .odt или .txt.")
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFileError(
            f"Текст слишком длинный: {len(text):,} знаков (допускается не более {MAX_TEXT_CHARS:,}).".replace(",", " ")
        )
    if not text.strip():
        raise ImportFileError("Файл пустой: в нём нет текста.")
    return text


# .docx -----------------------------------------------------------------------------


PROTECTED = (
    "Документ защищён паролем{other}. Снимите защиту (в Word: «Файл» → «Сведения» → «Защита документа»; "
    "в LibreOffice: «Файл» → «Сохранить как» без пароля) и загрузите его снова."
)


def check_protected(data: bytes, suffix: str) -> None:
    """Refuses a document that opens only with its password: Word's encrypted .docx (an OLE
    container, not a zip), an encrypted .odt (its manifest names the encryption)."""
    if suffix == ".docx" and data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(PROTECTED.format(other=" (или это старый формат .doc с другим расширением)"))
    if suffix == ".odt" and data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                info = package.getinfo("META-INF/manifest.xml")
                manifest = package.read(info) if info.file_size < 1024 * 1024 else b""
        except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            return  # not readable this way: LibreOffice says what it thinks of it
        if b"encryption-data" in manifest:
            raise ImportFileError(PROTECTED.format(other=""))


def _check_package(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    check_protected(data, ".docx")
    docx_package.check(data, ImportFileError, "Файл повреждён или это не документ Word (.docx).")


class _Numbering:
    """Word's automatic numbering: the label of each numbered paragraph, counted as Word does.

    Word counts a list per abstract definition (``w:abstractNum``): the instances (``w:num``)
    that share one continue each other's numbers, unless an instance restarts a level
    (``w:lvlOverride/w:startOverride``, what «Начать заново с 1» writes) — from its first
    paragraph on, and the paragraphs of the list that follow count on from there."""

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.lists: dict[str, str] = {}  # numId -> the abstract definition it counts in
        self.restarts: dict[str, dict[int, int]] = {}  # numId -> {level: the number it restarts at}
        self.values: dict[str, list[int | None]] = {}  # list -> the last number at each level
        self.pending: dict[str, dict[int, int]] = {}  # list -> restarts not yet reached
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        self._read_numbering(root)
        self._read_styles(document)

    @staticmethod
    def _level(level) -> tuple[str, str, int]:
        fmt = level.find(f"{_W}numFmt")
        text = level.find(f"{_W}lvlText")
        start = level.find(f"{_W}start")
        return (
            fmt.get(f"{_W}val") if fmt is not None else "decimal",
            text.get(f"{_W}val") if text is not None else "",
            _number(start.get(f"{_W}val"), 1) if start is not None else 1,
        )

    def _read_numbering(self, root) -> None:
        if root is None:
            return
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {_number(level.get(f"{_W}ilvl"), 0): self._level(level) for level in node.findall(f"{_W}lvl")}
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            abstract_id = ref.get(f"{_W}val") if ref is not None else None
            self.lists[num_id] = f"abstract {abstract_id}" if abstract_id in abstract else f"num {num_id}"
            levels = dict(abstract.get(abstract_id) or {})
            restarts = {}
            for override in num.findall(f"{_W}lvlOverride"):
                ilvl = _number(override.get(f"{_W}ilvl"), 0)
                level = override.find(f"{_W}lvl")
                if level is not None:  # the instance's own format of the level
                    levels[ilvl] = self._level(level)
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    restarts[ilvl] = _number(start.get(f"{_W}val"), 1)
                elif level is not None and level.find(f"{_W}start") is not None:
                    restarts[ilvl] = levels[ilvl][2]
            self.restarts[num_id] = restarts
            for ilvl, value in levels.items():
                self.formats[(num_id, ilvl)] = value

    def _read_styles(self, document) -> None:
        # Styles that number their paragraphs («Нумерованный список»): style id -> (numId, ilvl).
        # Read once: python-docx's paragraph.style looks the default style up anew each time.
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            styles = document.part.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles = None
        for style in styles.findall(f"{_W}style") if styles is not None else []:
            numpr = style.find(f"{_W}pPr/{_W}numPr")
            if numpr is not None and numpr.find(f"{_W}numId") is not None:
                ilvl = numpr.find(f"{_W}ilvl")
                self.styles[style.get(f"{_W}styleId")] = (
                    numpr.find(f"{_W}numId").get(f"{_W}val"),
                    _number(ilvl.get(f"{_W}val"), 0) if ilvl is not None else 0,
                )

    def label(self, paragraph) -> str:
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None and numpr.numId is not None:
            num_id = str(numpr.numId.val)
            ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        elif ppr is not None and ppr.pStyle is not None and ppr.pStyle.val in self.styles:
            num_id, ilvl = self.styles[ppr.pStyle.val]
        else:
            return ""
        fmt = self.formats.get((num_id, ilvl))
        if fmt is None or num_id == "0" or not 0 <= ilvl < 9:
            return ""
        key = self.lists.get(num_id, f"num {num_id}")
        values = self.values.setdefault(key, [None] * 9)
        pending = self.pending.setdefault(key, {})
        if num_id not in self.started:  # an instance that restarts its list does so from here
            self.started.add(num_id)
            pending.update(self.restarts.get(num_id, {}))
        if ilvl in pending:
            values[ilvl] = pending.pop(ilvl)
        else:
            values[ilvl] = values[ilvl] + 1 if values[ilvl] is not None else fmt[2]
        for deeper in range(ilvl + 1, 9):
            values[deeper] = None
        kind, text, _ = fmt
        if kind not in ("decimal", "decimalZero"):
            return ""  # bullets and letters: no number to read
        for level in range(ilvl + 1):
            value = values[level]
            if value is None:
                value = self.formats.get((num_id, level), ("", "", 1))[2]
            text = text.replace(f"%{level + 1}", str(value))
        return text.strip() + " "


def _number(text: str | None, default: int) -> int:
    """A number of numbering.xml (a level, a start), or ``default`` when it is not one."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _cell_texts(row) -> list[str]:
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) in seen:  # a merged cell appears once per grid column
            continue
        seen.add(id(cell._tc))
        text = " ".join(" ".join(p.text for p in cell.paragraphs).split())
        if text:
            cells.append(text)
    return cells


_DECISION_COLUMNS = {
    "text": re.compile(r"решени|поручени|содержание|мероприяти", re.IGNORECASE),
    "responsible": re.compile(r"ответствен|исполнител", re.IGNORECASE),
    "deadline": re.compile(r"срок", re.IGNORECASE),
}


def _decision_columns(header: list[str]) -> dict[str, int] | None:
    """A table of decisions («№ | Решение | Ответственный | Срок»): its columns, or None."""
    found = {}
    for kind, pattern in _DECISION_COLUMNS.items():
        index = next((i for i, cell in enumerate(header) if pattern.search(cell) and i not in found.values()), None)
        if index is not None:
            found[kind] = index
    return found if "text" in found and len(found) > 1 else None


def _decision_rows(table, columns: dict[str, int]) -> Iterator[str]:
    """Each row as the text form writes it: «N. текст» and «Ответственный исполнитель – …, срок до …»."""
    for number, row in enumerate(table.rows[1:], start=1):
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        get = lambda kind: cells[columns[kind]] if kind in columns and columns[kind] < len(cells) else ""  # noqa: E731
        if not get("text"):
            continue
        yield f"{number}. {get('text')}"
        who, term = get("responsible"), get("deadline")
        term = (f"срок до {term}" if re.match(r"\d", term) else f"срок – {term}") if term else ""
        if who:
            yield f"Ответственный исполнитель – {who}" + (f", {term}" if term else "")
        elif term:
            yield term[:1].upper() + term[1:]


def _table_lines(table) -> Iterator[str]:
    rows = list(table.rows)
    columns = _decision_columns(_cell_texts(rows[0])) if rows else None
    if columns:
        yield from _decision_rows(table, columns)
        return
    for row in rows:
        cells = _cell_texts(row)
        if not cells or all(_HEADER_CELLS.match(cell) for cell in cells):
            continue
        number = ""
        if re.fullmatch(r"\d{1,3}\.?", cells[0]) and len(cells) > 1:
            number, cells = cells[0].rstrip(".") + ". ", cells[1:]
        if len(cells) >= 2 and names.looks_like_name(cells[0].rstrip(",")):
            yield number + CELL_SEPARATOR.join(cell.rstrip(",;") for cell in cells)
        else:
            yield number + "\t".join(cells)


_XPATHS: dict[str, object] = {}


def _xpath(path: str):
    """An XPath compiled once: python-docx compiles its own anew on every call, which was
    a third of reading a long protocol."""
    if path not in _XPATHS:
        _XPATHS[path] = etree.XPath(path, namespaces={"w": _W.strip("{}")})
    return _XPATHS[path]


def _paragraph_text(element) -> str:
    """``Paragraph.text`` of python-docx (runs and hyperlinks' runs; tabs, breaks and
    non-breaking hyphens as text), with compiled XPaths."""
    runs = _xpath("w:r | w:hyperlink/w:r")(element)
    parts = _xpath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab")
    return "".join(str(part) for run in runs for part in parts(run))


def docx_lines(data: bytes) -> list[str]:
    """The paragraphs of a .docx, tables included, in document order."""
    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise ImportFileError("Не удалось открыть документ Word: файл повреждён.") from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            paragraph = Paragraph(element, document)
            label = numbering.label(paragraph)
            for number, part in enumerate(_paragraph_text(element).split("\n")):
                if part.strip():
                    lines.append((label if number == 0 else "") + part.strip())
        elif element.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(element, document)))
    if sum(len(line) for line in lines) > MAX_TEXT_CHARS:
        check_text("x" * (MAX_TEXT_CHARS + 1))
    if not lines:
        has_pictures = (
            bool(document.inline_shapes) or b"<w:drawing" in _document_xml(data) or b"<w:pict" in _document_xml(data)
        )
        if has_pictures:
            raise ImportFileError(
                "В документе только изображения, текста нет (например, отсканированный протокол). "
                "Распознайте текст (OCR) или наберите протокол и загрузите снова."
            )
        raise ImportFileError("Документ пустой: в нём нет текста.")
    return lines


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml")


# Any accepted file ------------------------------------------------------------------


def suffix_of(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def file_lines(filename: str, data: bytes, *, convert=None) -> list[str]:
    """The lines of an uploaded file. ``convert(data, suffix) -> docx bytes`` turns
    .doc/.rtf/.odt into .docx (LibreOffice, see ``conversion``)."""
    suffix = suffix_of(filename)
    if not data:
        raise ImportFileError("Файл пустой.")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    if suffix == ".txt":
        return lines_from_text(text_of(data))
    if suffix in CONVERTED:
        if convert is None:
            raise ImportFileError("Преобразование .doc, .rtf и .odt недоступно.")
        check_protected(data, suffix)
        return docx_lines(convert(data, suffix))
    if suffix == ".docx":
        return docx_lines(data)
    raise ImportFileError(
        f"Формат «{suffix or filename}» не поддерживается: загрузите протокол в формате " + ", ".join(ACCEPTED) + "."
    )
