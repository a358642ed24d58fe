"""Saving the .xlsx downloads (decisions control list, media plan).

Every value in them is data, never a formula: a text typed as ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0`` (a report, an event's title) would otherwise be written as a live
formula. Text that a spreadsheet would read as one (``= + - @``, a tab or a line break
first) is stored as text with Excel's quote prefix, so it stays text even when the cell
is edited.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def as_text(book: Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def save(book: Workbook) -> bytes:
    """The workbook's bytes, with no formula made of data."""
    as_text(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
