"""Downloads of the filtered control list: a spreadsheet (.xlsx) and the execution
report (.docx) of the documents area. Pure functions: decisions in, bytes out."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..councils.models import Council
from ..spreadsheets import save
from ..documents.services import decisions_report_document
from ..extensions import db
from ..text import short_date
from ..web import download_name
from . import markup, queries
from .models import Decision

EXPORT_LIMIT = 20_000  # more is not a report anyone reads: narrow the filter
OVERDUE_FONT = Font(color="C00000", bold=True)


def decisions_for_export(filters: queries.Filters) -> list[Decision] | None:
    """Every decision of the filtered list (no pages); None if there are too many."""
    decisions = list(db.session.scalars(queries.control_query(filters).limit(EXPORT_LIMIT + 1)))
    return None if len(decisions) > EXPORT_LIMIT else decisions


def filename(filters: queries.Filters, extension: str) -> str:
    return download_name(None, f"Контроль поручений {short_date(filters.today)}", extension)


COLUMNS = [  # title, width
    ("Заседание", 24),
    ("№", 5),
    ("Решение (поручение)", 60),
    (None, 28),  # «Ответственный» or «Ответственные»: markup.responsible_title
    ("Срок", 12),
    ("Первоначальный срок", 14),
    ("Статус", 14),
    ("Просрочено, дней", 11),
    ("Дата исполнения", 12),
    ("Исполнено с опозданием, дней", 14),
    ("Отчёт об исполнении / причина отмены", 50),
    ("Ссылка", 30),
]


def to_xlsx(decisions: list[Decision], today: date) -> io.BytesIO:
    """One row per decision; overdue ones in red, dates as real dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Поручения"
    sheet.append([title or markup.responsible_title(decisions) for title, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    first_deadlines = queries.original_deadlines([d.id for d in decisions])
    for decision in decisions:
        overdue = decision.overdue_days(today)
        sheet.append(
            [
                decision.meeting.title,
                decision.numbered,
                decision.text,
                # As the page says them: an empty cell reads as a value left out.
                ", ".join(p.short_name for p in decision.responsible_people) or "не назначен",
                # A standing decision has its term in words («постоянно»), as on the page.
                decision.deadline or decision.term or "без срока",
                first_deadlines.get(decision.id, decision.deadline),
                decision.status_enum.label,
                overdue or None,
                decision.report_date if decision.status == "done" else None,
                decision.done_late_days or None,
                decision.report_text if decision.status != "cancelled" else decision.cancel_reason,
                decision.report_link or None,
            ]
        )
        row = sheet.max_row
        for column in (5, 6, 9):
            sheet.cell(row, column).number_format = "DD.MM.YYYY"
        for column in (3, 11):
            sheet.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
        if overdue:
            for column in (5, 7, 8):
                sheet.cell(row, column).font = OVERDUE_FONT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, 1)}"
    return io.BytesIO(save(book))


def to_docx(decisions: list[Decision], filters: queries.Filters) -> io.BytesIO:
    """«Отчёт об исполнении решений» of the documents area over the filtered list.

    The period is the deadline range of the filter, else the span of the meetings."""
    council = db.session.get(Council, filters.council_id) if filters.council_id else None
    meeting_dates = [d.meeting.date for d in decisions]
    start = filters.deadline_from or (min(meeting_dates) if meeting_dates else filters.today)
    end = filters.deadline_to or filters.today
    document = decisions_report_document(council, start, end, decisions, today=filters.today)
    return io.BytesIO(document.content)
