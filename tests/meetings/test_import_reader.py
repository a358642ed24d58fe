"""Protocol files as people type them in Word, .doc and .rtf through LibreOffice, and
files that are not protocols at all: each refused with a Russian message."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from cluster_intranet.documents.office import python_with_uno
from cluster_intranet.documents.pdf import convert
from cluster_intranet.meetings.importing import saving
from cluster_intranet.meetings.importing.parser import parse
from cluster_intranet.meetings.importing.reader import ImportFileError, docx_lines, file_lines
from tests.documents.support import requires_soffice


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def typed_protocol() -> bytes:
    """A protocol typed in Word: bold headings, Word's numbering, manual numbers, tabs,
    a line break inside a paragraph, the attendees in a table."""
    document = docx.Document()
    title = document.add_paragraph()
    title.add_run("ПРОТОКОЛ № 3").bold = True
    document.add_paragraph("заседания")
    document.add_paragraph().add_run(
        "Координационного совета Промышленного образовательно-отраслевого кластера"
    ).bold = True
    document.add_paragraph("12 мая 2022 г.\t\t\tг. Томск")
    document.add_paragraph().add_run("Присутствовали очно:").bold = True
    table = document.add_table(rows=3, cols=4)
    rows = [
        ("№", "ФИО", "Должность", "Организация"),
        ("1", "Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
        ("2", "Королева О.М.", "консультант", "Департамента промышленности и энергетики Администрации Томской области"),
    ]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph().add_run("Онлайн подключение:").bold = True
    document.add_paragraph("1.\tКускова Е.В., директор ОГБПОУ «Томский аграрный колледж».")
    document.add_paragraph().add_run("Повестка дня:").bold = True
    document.add_paragraph("О медиаплане кластера на 2022 год", style="List Number")
    document.add_paragraph("О согласовании программ СПО", style="List Number")
    document.add_paragraph().add_run("РЕШИЛИ:").bold = True
    decision = document.add_paragraph("Утвердить медиаплан кластера на 2022 год.", style="List Number 2")
    decision.add_run().add_break(WD_BREAK.LINE)
    decision.add_run("Ответственный исполнитель – Кузнецова Н.В., срок до 01.06.2022.")
    document.add_paragraph("2) Согласовать программы СПО с работодателями до 1 сентября 2022 г.")
    document.add_paragraph("Секретарь Координационного совета\t\t\tЕ.В. Жарких")
    return _save(document)


def test_a_protocol_typed_in_word():
    lines = docx_lines(typed_protocol())
    assert "1. Беляев Е.В. | директор | ООО «Гарантийный фонд Томской области»" in lines
    assert "1. О медиаплане кластера на 2022 год" in lines  # Word's numbering read as text
    parsed = parse(lines)
    assert (parsed.number, parsed.date) == (3, dt.date(2022, 5, 12))
    assert [(a.name, a.position, a.organization) for a in parsed.attendees_in_person] == [
        ("Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
        ("Королева О.М.", "консультант", "Департамента промышленности и энергетики Администрации Томской области"),
    ]
    assert [a.name for a in parsed.attendees_online] == ["Кускова Е.В."]
    assert [item.text for item in parsed.agenda] == ["О медиаплане кластера на 2022 год", "О согласовании программ СПО"]
    first, second = parsed.decisions
    assert (first.text, first.responsible, first.deadline) == (
        "Утвердить медиаплан кластера на 2022 год.",
        ["Кузнецова Н.В."],
        dt.date(2022, 6, 1),
    )
    assert second.text == "Согласовать программы СПО с работодателями."  # the term read, not said twice
    assert second.deadline == dt.date(2022, 9, 1)
    assert parsed.secretary == "Жарких Е.В."
    assert parsed.city == "г. Томск" and parsed.unrecognised == []


@requires_soffice
@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".odt"])
def test_doc_rtf_odt_through_libreoffice(suffix):
    converted = convert(
        typed_protocol(), {".doc": "doc:MS Word 97", ".rtf": "rtf", ".odt": "odt"}[suffix], suffix[1:], 60, None
    )
    lines = file_lines(f"протокол{suffix}", converted, convert=saving.libreoffice())
    parsed = parse(lines)
    assert parsed.number == 3
    assert [a.name for a in parsed.attendees] == ["Беляев Е.В.", "Королева О.М.", "Кускова Е.В."]
    assert [d.deadline for d in parsed.decisions] == [dt.date(2022, 6, 1), dt.date(2022, 9, 1)]


def test_text_files_in_either_encoding(seed_text):
    assert parse(file_lines("p.txt", seed_text.encode("cp1251"))).number == 2
    assert parse(file_lines("p.txt", b"\xef\xbb\xbf" + seed_text.encode())).number == 2


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<" + b"a" * (60 * 1024 * 1024) + b"/>")
    return out.getvalue()


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _pictures_only() -> bytes:
    document = docx.Document()
    document.add_picture(io.BytesIO(PNG))
    return _save(document)


# Each a file that is not a protocol to import, and the start of its refusal.
BAD_FILES = [
    ("протокол.docx", lambda: b"", "Файл пустой"),
    ("протокол.txt", lambda: b"   \n\n ", "Файл пустой"),
    ("протокол.docx", lambda: _save(docx.Document()), "Документ пустой"),
    ("скан.docx", _pictures_only, "только изображения"),
    ("протокол.txt", lambda: "ПРОТОКОЛ № 1\n".encode() * 900_000, "слишком большой"),
    ("протокол.txt", lambda: "ПРОТОКОЛ № 1\n".encode() * 90_000, "Текст слишком длинный"),
    ("бомба.docx", _zip_bomb, "в распакованном виде слишком большой"),
    ("защищён.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000, "защищён паролем"),
    ("протокол.docx", lambda: b"PK\x03\x04 not really a zip", "повреждён"),
    ("таблица.xlsx", lambda: b"PK", "не поддерживается"),
    ("картинка.txt", lambda: PNG, "не текстовый файл"),
]


@pytest.mark.parametrize("filename, data, message", BAD_FILES)
def test_bad_files_are_refused_in_russian(filename, data, message):
    with pytest.raises(ImportFileError, match=message):
        file_lines(filename, data(), convert=saving.libreoffice())


def test_decisions_in_a_table():
    document = docx.Document()
    document.add_paragraph("ПРОТОКОЛ № 4")
    document.add_paragraph("РЕШИЛИ:")
    rows = [
        ("№", "Содержание решения", "Ответственный", "Срок"),
        ("1", "Утвердить план работы.", "Кузнецова Н.В.", "01.06.2022"),
        ("2", "Проводить заседания ежеквартально.", "Жарких Е.В.", "постоянно"),
        ("3", "Принять к сведению.", "", ""),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    parsed = parse(docx_lines(_save(document)))
    assert [(d.text, d.responsible, d.deadline, d.term) for d in parsed.decisions] == [
        ("Утвердить план работы.", ["Кузнецова Н.В."], dt.date(2022, 6, 1), ""),
        ("Проводить заседания ежеквартально.", ["Жарких Е.В."], None, "постоянно"),
        ("Принять к сведению.", [], None, ""),
    ]
    assert parsed.unrecognised == []


def _restarting_num(document, abstract_id: int, start: int | None):
    """A numbering instance of ``abstract_id``, restarting its first level at ``start`` as
    Word's «Начать заново с 1» writes it (None: an instance that continues the list)."""
    num = document.part.numbering_part.element.add_num(abstract_id)
    if start is not None:
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_override = OxmlElement("w:startOverride")
        start_override.set(qn("w:val"), str(start))
        override.append(start_override)
        num.append(override)
    return num.numId


def _numbered(paragraph, num_id: int):
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = num_id
    return paragraph


def test_word_restarts_a_list_of_decisions_under_each_item():
    """Decisions typed as one Word list style, restarted at 1 under the second item: Word
    puts the restarting instance on its first paragraph, the next ones count on from it."""
    document = docx.Document()
    document.add_paragraph("ПРОТОКОЛ № 4")
    numbering = document.part.numbering_part.element
    abstract = numbering.num_having_numId(document.styles["List Number"].element.pPr.numPr.numId.val).abstractNumId.val
    document.add_paragraph("1. СЛУШАЛИ: О медиаплане")
    document.add_paragraph("РЕШИЛИ:")
    document.add_paragraph("Утвердить медиаплан.", style="List Number")
    document.add_paragraph("Разместить медиаплан на сайте.", style="List Number")
    document.add_paragraph("2. СЛУШАЛИ: О программах")
    document.add_paragraph("РЕШИЛИ:")
    _numbered(
        document.add_paragraph("Согласовать программы.", style="List Number"), _restarting_num(document, abstract, 1)
    )
    document.add_paragraph("Направить заключения в колледжи в срок до 01.12.2021.", style="List Number")
    document.add_paragraph("Приложения:")
    _numbered(document.add_paragraph("Медиаплан.", style="List Number"), _restarting_num(document, abstract, None))
    lines = docx_lines(_save(document))
    assert lines[-4:] == [
        "1. Согласовать программы.",
        "2. Направить заключения в колледжи в срок до 01.12.2021.",
        "Приложения:",
        "3. Медиаплан.",  # an instance with no restart of its own continues the list
    ]
    parsed = parse(lines)
    assert [(d.item_number, d.number, d.text, d.deadline) for d in parsed.decisions] == [
        (1, "1", "Утвердить медиаплан.", None),
        (1, "2", "Разместить медиаплан на сайте.", None),
        (2, "1", "Согласовать программы.", None),
        (2, "2", "Направить заключения в колледжи.", dt.date(2021, 12, 1)),  # the term read out of the wording
    ]


# Saves a document again with a password, as a secretary's «Сохранить как» with «Пароль»
# does: LibreOffice driven through UNO (the command line has no password option).
PROTECT = """
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
source, folder, pipe = sys.argv[1:]
def prop(name, value):
    p = PropertyValue(); p.Name, p.Value = name, value; return p
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                           "-env:UserInstallation=file://" + folder + "/profile", "--accept=pipe,name=" + pipe + ";urp;"])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(120):
    try:
        context = resolver.resolve("uno:pipe,name=" + pipe + ";urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
document = desktop.loadComponentFromURL("file://" + source, "_blank", 0, (prop("Hidden", True),))
for suffix, name in ((".doc", "MS Word 97"), (".odt", "writer8")):
    document.storeToURL("file://" + folder + "/protected" + suffix, (prop("FilterName", name), prop("Password", "секрет")))
document.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
"""


@requires_soffice
@pytest.mark.slow
def test_documents_protected_by_a_password_are_refused_in_russian(tmp_path):
    python = python_with_uno(None)
    if python is None:
        pytest.skip("no Python with LibreOffice's uno")
    source = tmp_path / "protocol.docx"
    source.write_bytes(typed_protocol())
    subprocess.run([python, "-c", PROTECT, str(source), str(tmp_path), f"import-{os.getpid()}"], timeout=180, check=True,
                   capture_output=True)  # fmt: skip
    refusals = {}
    for suffix in (".doc", ".odt"):
        data = (tmp_path / f"protected{suffix}").read_bytes()
        with pytest.raises(ImportFileError) as refused:
            file_lines(f"протокол{suffix}", data, convert=saving.libreoffice())
        refusals[suffix] = str(refused.value)
    # An .odt says it is encrypted (its manifest): refused before LibreOffice is asked.
    assert refusals[".odt"].startswith("Документ защищён паролем. Снимите защиту")
    # A .doc does not open: said so, with the password named among the reasons, in Russian only.
    assert refusals[".doc"].startswith(
        "Не удалось преобразовать файл .doc: файл не открывается. Если документ защищён паролем"
    )
    assert not any(
        re.search(r"(?<![.A-Za-z])[A-Za-z]{4,}", message.replace("LibreOffice", "").replace("Word", ""))
        for message in refusals.values()
    ), refusals


@requires_soffice
def test_a_conversion_past_its_timeout_is_refused_in_russian():
    rtf = b"{\\rtf1\\ansi " + "ПРОТОКОЛ № 1".encode("cp1251") + b"\\par}"
    with pytest.raises(ImportFileError, match=r"^Не удалось преобразовать файл \.rtf: LibreOffice не успел"):
        file_lines("протокол.rtf", rtf, convert=saving.libreoffice(timeout=0.01))
