"""Signature blocks never start on a page without their first signature.

Each document kind with a signature block is rendered with a text before the block
of as many lines as bring the block to the foot of a page: a first conversion finds how
many lines are left below the block's start, then variants around that number are
converted (LibreOffice, one batch) and the pages read back with pdftotext. In every
variant the block's start and its first signature share a page; in one of them the
start was moved to the top of a new page — so the foot of a page was really reached.
Each kind is rendered twice: with the demo's values, and with long ones — the first
signer's position runs over several lines of its cell, and its last word
(``POSITION_END``) stays on the page of the signature too (a signature row is never
split).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cluster_intranet.documents.library import default_template
from cluster_intranet.documents.pdf import soffice_path
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.documents.services import demo_context

pytestmark = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")

LINE = "строка\n"  # a line break in a value is a line break in the document: one line each
END = "КОНЕЦВСТАВКИ"  # closes the padding: what stands right before the block


def _last_decision_padded(context: dict, padding: str) -> None:
    last = context["decisions"][-1]
    last.update(text=padding, responsible=[], deadline=None, votes=None)
    del context["decisions"][:-1]


def _pad(field: str):
    def pad(context: dict, padding: str) -> None:
        context[field] = padding

    return pad


# kind -> (how to pad the context, the block's start, its first signature, context changes)
BLOCKS = {
    "protocol_short": (_last_decision_padded, "Е.В. Жарких", "Е.В. Жарких", {}),
    "protocol_full": (_last_decision_padded, "Е.В. Беляев", "Е.В. Жарких", {}),
    "extract": (_last_decision_padded, "Верно", "Е.В. Жарких", {}),
    "expert_conclusion": (
        _pad("conclusion_text"),
        "Эксперты:",
        "А.В. Соколов",
        {"concluded_on": None, "secretary": None},
    ),
    "approval_sheet": (_pad("decision"), "СОГЛАСОВАНО:", "«___»", {}),
    "expert_checklist": (_pad("remarks"), "Чек-лист заполнен", "А.В. Соколов", {}),
}


# The first signer of each block, whose position is made long (the checklist's block
# prints no position: «Эксперт ____ А.В. Соколов»).
FIRST_SIGNER = {
    "protocol_short": lambda context: context["secretary"],
    "protocol_full": lambda context: context["chair"],
    "extract": lambda context: context["certified"],
    "expert_conclusion": lambda context: context["experts"][0],
    "approval_sheet": lambda context: context["signatures"][0],
}
POSITION_END = "КОНЕЦДОЛЖНОСТИ"
LONG_POSITION = (
    " Промышленного образовательно-отраслевого кластера Томской области, заместитель начальника "
    "департамента промышленности и энергетики Администрации Томской области по вопросам кадрового "
    "обеспечения предприятий " + POSITION_END
)
CASES = [(kind, False) for kind in BLOCKS] + [(kind, True) for kind in FIRST_SIGNER]


def _render(case: tuple[str, bool], lines: int, folder: Path) -> Path:
    kind, long = case
    pad, _, _, changes = BLOCKS[kind]
    context = {**demo_context(kind), **changes}
    pad(context, LINE * lines + END)
    if long:
        FIRST_SIGNER[kind](context)["position"] += LONG_POSITION
    path = folder / f"{kind}{'-long' if long else ''}-{lines:03}.docx"
    path.write_bytes(render_document(default_template(kind), context))
    return path


def _convert(paths: list[Path], folder: Path) -> None:
    subprocess.run(
        [soffice_path(), "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, paths)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


def _page_of(pages: list[str], marker: str, last: bool = False) -> int:
    found = [n for n, page in enumerate(pages) if marker.lower() in page.lower()]  # (a value may be lowercased)
    assert found, f"{marker!r} is not in the document"
    return found[-1] if last else found[0]


def _lines_left(pdf: Path, marker: str) -> int:
    """How many lines of body text fit below ``marker`` (its last occurrence) on its page."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    bottom, found = 0.0, None
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        bottom = float(page.group(1)) - 56.7  # the bottom margin: 20 mm
        first = marker.split()[0]
        for word in re.finditer(r'yMax="([\d.]+)">([^<]*)</word>', page.group(2)):
            if word.group(2) == first:
                found = (float(word.group(1)), bottom)
    assert found, f"{marker!r} is not in the document"
    y, bottom = found
    return int((bottom - y) / 16.1)  # 14 pt, single spacing


def test_no_signature_block_starts_on_a_page_without_its_first_signature(demo_app, tmp_path):
    probes = {case: _render(case, 0, tmp_path) for case in CASES}
    _convert(list(probes.values()), tmp_path)
    variants = {}
    for case, probe in probes.items():
        left = _lines_left(probe.with_suffix(".pdf"), BLOCKS[case[0]][1])
        variants[case] = [_render(case, lines, tmp_path) for lines in range(max(left - 4, 0), left + 5)]
    _convert([path for paths in variants.values() for path in paths], tmp_path)

    for (kind, long), paths in variants.items():
        _, start, first_signature, _ = BLOCKS[kind]
        moved = 0
        for path in paths:
            pages = _pages(path.with_suffix(".pdf"))
            last = kind != "approval_sheet"  # names appear above the block too; the date line only below
            start_page = _page_of(pages, start, last=True)
            assert _page_of(pages, first_signature, last=last) == start_page, (
                f"{path.name}: «{start}» on page {start_page + 1}, its first signature on the next one"
            )
            if long:  # the long position's cell is not split from its signature
                assert _page_of(pages, POSITION_END, last=True) == _page_of(pages, first_signature, last=last), (
                    path.name
                )
            if _page_of(pages, END) < start_page:  # the padding ends on one page, the block begins the next
                moved += 1
        assert moved, f"{kind}{' (long values)' if long else ''}: no variant brought the block to the foot of a page"
