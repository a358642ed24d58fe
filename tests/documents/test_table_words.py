"""No word of a table cell is broken across lines: every kind with a table, rendered
with its demo context (the media plan with an event of every format, status and channel,
the demo's titles and organisations),
converted by LibreOffice in one batch, its words read back with pdftotext. A column too
narrow for its longest word («Мероприят/ие» in the media plan's «Формат») fails here.
"""

from __future__ import annotations

import io
import re
import subprocess

import docx
import pytest

from cluster_intranet.documents.library import KINDS, default_template
from cluster_intranet.documents.pdf import soffice_path
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.documents.services import demo_context
from cluster_intranet.directory import demo as directory_demo
from cluster_intranet.media import demo as media_demo
from cluster_intranet.media.models import Channel, EventFormat, EventStatus

pytestmark = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed")


def _words(text: str) -> list[str]:
    """Words as a line may end them: a hyphenated word may break after its hyphen."""
    return re.findall(r"[^\s-]+-?|-", text)


def _media_plan() -> dict:
    """Every format, status and channel; the demo's event titles and every demo organisation
    as an organizer («общеобразовательная», «машиностроительная» are the longest words)."""
    context = demo_context("media_plan")
    model = context["events"][0]
    formats, statuses = list(EventFormat), list(EventStatus)
    titles = [event[0] for event in media_demo.EVENTS]
    organizers = [organization[0] for organization in directory_demo.ORGANIZATIONS]
    context["events"] = [
        {**model, "number": n + 1, "format": formats[n % len(formats)].label, "status": statuses[n % len(statuses)].label,
         "cancelled": False, "channels": ", ".join(c.label for c in Channel), "title": titles[n % len(titles)],
         "organizer": organizers[n % len(organizers)]}
        for n in range(max(len(formats), len(statuses), len(titles), len(organizers)))
    ]  # fmt: skip
    context["events"].append(
        {**model, "number": len(context["events"]) + 1, "cancelled": True, "cancel_reason": "Карантин"}
    )
    context["events"][0]["when"] = "25.05.2023, 12:00–16:00 (перенесено с 23.03.2023)"  # a postponed one
    return context


def _cell_words(data: bytes) -> set[str]:
    return {word for table in docx.Document(io.BytesIO(data)).tables for row in table.rows for cell in row.cells
            for word in _words(cell.text)}  # fmt: skip


def _broken(printed: list[str], words: set[str]) -> list[str]:
    """The words of ``words`` printed in two or three pieces in a row («Мероприят», «ие»)."""
    return sorted({
        "/".join(printed[i:i + n]) for n in (2, 3) for i in range(len(printed) - n + 1)
        if "".join(printed[i:i + n]) in words
    })  # fmt: skip


def test_no_word_of_a_table_cell_is_broken(demo_app, tmp_path):
    rendered = {}
    for kind in KINDS:
        context = _media_plan() if kind == "media_plan" else demo_context(kind)
        data = render_document(default_template(kind), context)
        if docx.Document(io.BytesIO(data)).tables:
            rendered[kind] = data
            (tmp_path / f"{kind}.docx").write_bytes(data)
    assert {"media_plan", "expert_checklist", "expert_conclusion"} <= set(rendered)
    subprocess.run(
        [soffice_path(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *(str(tmp_path / f"{kind}.docx") for kind in rendered)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    broken = {}
    for kind, data in rendered.items():
        text = subprocess.run(["pdftotext", "-raw", str(tmp_path / f"{kind}.pdf"), "-"], check=True, capture_output=True,
                              text=True).stdout  # fmt: skip
        broken[kind] = _broken(_words(text), _cell_words(data))
    assert broken == dict.fromkeys(rendered, []), "words broken across lines in a table cell"
