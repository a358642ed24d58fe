"""The cells of the coverage matrix as HTML, written in Python rather than Jinja: a page
holds 50 events x 30 participants = 1,500 cells, and the bench's media-coverage target
(>= 0.1 of the bare route's rate) is not met reliably with them in the template.

Measured on 5 December 2026 (issue 18), the same bench data served by both versions in turns:
the cells as a Jinja loop in media/_matrix.html (an empty cell written without its inner loop)
took the page from 0.155 to 0.126 of the bare route in CPU time per request in-process, and
under load (wrk, 3 rounds) from a median of 0.109 to 0.096 (0.134, 0.096, 0.068): below the
target. The fragment of page 2 went from 0.184 to 0.171.

A cell is ``<td class="done|gap[ may]">`` (done: published on the participant's
website; publications on other channels show in a gap too, they do not count) with its publications as links. It carries no
ids or URLs: the column's organization is on its header (``th[data-org]``), the row's
URL on the row (``tr[data-slot-url]``), and static/js/app.js puts them together when
a cell the user may fill (``may``) is clicked.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .models import CHANNEL_SHORT
from .coverage import CoverageRow, counts


def _publication(channel: str, url: str, day) -> str:
    label, title = CHANNEL_SHORT[channel], f"{day.day:02}.{day.month:02}.{day.year}"  # strftime is slower
    if url:
        return f'<a class="pub" href="{escape(url)}" rel="noopener" target="_blank" title="{title}">{label}</a>'
    return f'<span class="pub" title="{title}">{label}</span>'


def matrix_cells(row: CoverageRow, may: list[bool]) -> Markup:
    """The row's cells, one per participant; ``may[i]``: the user may record for participant i."""
    parts = []
    for publications, may_here in zip(row.cells, may):
        # Only the official website covers; other channels show beside, in a gap's colour.
        state = "done" if counts(publications) else "gap"
        links = "".join(_publication(channel, url, day) for _, channel, url, day in publications)
        parts.append(f'<td class="{state}{" may" if may_here else ""}">{links}</td>')
    return Markup("".join(parts))
