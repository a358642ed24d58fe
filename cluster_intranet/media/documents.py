"""The media area's documents: the contexts of the press release and the media plan
(.docx through the template library) and the media plan as a spreadsheet.

Contexts are plain dicts, dates are ``datetime.date``; the variables are listed in
document_templates.py, next to the default templates that use them.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .. import clock, spreadsheets
from ..directory.models import Organization, Person
from ..documents.library import active_template
from ..documents.rendering import render_document
from ..extensions import db
from ..templating import is_web_link
from ..text import date_range, sentence, short_date
from . import coverage, services
from .models import PUBLICATION_CHANNEL_LABELS, MediaEvent, MediaPlan

CLUSTER = "Промышленный образовательно-отраслевой кластер"


def _person(person: Person | None) -> dict | None:
    if person is None:
        return None
    return {
        "name": person.short_name,
        "full_name": person.full_name,
        "position": person.position,
        "organization": person.organization.short_name if person.organization else "",
        # «главный специалист Департамента …»: the organization after a position
        "organization_genitive": person.organization.genitive if person.organization else "",
        "email": person.email,
        "phone": person.phone,
    }


def _organization(org: Organization | None) -> dict | None:
    if org is None:
        return None
    return {"short_name": org.short_name, "full_name": org.full_name or org.short_name, "website": org.website}


def paragraphs(text: str) -> list[str]:
    """A text typed in a textarea, as the paragraphs of a document."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def event_context(event: MediaEvent) -> dict:
    return {
        "title": event.title,
        "description": event.description,
        "release_text": event.release_text,
        "description_paragraphs": paragraphs(event.description),
        "release_paragraphs": paragraphs(event.release_text),
        "place": event.place,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "start_time": event.start_time,
        "end_time": event.end_time,
        "several_days": event.several_days,
        "when": event.when,
        "format": event.format_label,
        "organizer": _organization(event.organizer),
        "channels": event.channel_labels,
        "status": event.status_label,
        "cancelled": event.is_cancelled,
        "cancel_reason": event.cancel_reason,
        "postponed_from": event.postponed_from,
    }


def _plan_reference(title: str) -> str:
    """«по медиаплану кластера на 2023 год» for «Медиаплан кластера на 2023 год» (the word
    once), «по медиаплану «План работы»» for another title."""
    head, _, rest = title.strip().partition(" ")
    if head.lower() == "медиаплан" and rest:
        return f"медиаплану {rest}"
    return f"медиаплану «{title.strip()}»"


def press_release_context(event: MediaEvent, on: date | None = None) -> dict:
    """The same text for every participant to publish: the uniform wording, dated ``on``
    (today by default)."""
    return {
        "cluster": CLUSTER,
        "event": event_context(event),
        "plan": {"title": event.plan.title, "reference": _plan_reference(event.plan.title)},
        "contact": _person(event.responsible),
        "today": on or clock.local_today(),
    }


def media_plan_context(plan: MediaPlan) -> dict:
    """The plan as approved: its events in order, cancelled ones marked as such."""
    events = list(db.session.scalars(services.events_query(plan)))
    return {
        "cluster": CLUSTER,
        "plan": {
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "status": plan.status_label,
            "approved": plan.is_approved,
            "approved_on": plan.approved_at.astimezone(clock.local_zone()).date() if plan.approved_at else None,
            "approved_by": plan.approved_by_name,
            "approved_position": plan.approved_by_position,
            "responsible": _person(plan.responsible),
        },
        "events": [
            {
                "number": number,
                "title": e.title,
                "when": e.when,
                "starts_on": e.starts_on,
                "ends_on": e.ends_on,
                "format": e.format_label,
                "organizer": e.organizer.short_name if e.organizer else "",
                "channels": ", ".join(e.channel_labels),
                "responsible": e.responsible.short_name if e.responsible else "",
                "status": e.status_label,
                "cancelled": e.is_cancelled,
                "cancel_reason": e.cancel_reason,
            }
            for number, e in enumerate(events, start=1)
        ],
        "today": clock.local_today(),
    }


def press_release_docx(event: MediaEvent, on: date | None = None) -> bytes:
    return render_document(active_template("press_release"), press_release_context(event, on))


def media_plan_docx(plan: MediaPlan) -> bytes:
    return render_document(active_template("media_plan"), media_plan_context(plan))


# --- demo contexts: every variable with a plausible value (template checks, the help page)


def _demo_person() -> dict:
    """The press officer, as ``_person`` gives a person (a fresh dict for every context)."""
    return {
        "name": "Кузнецова Н.В.",
        "full_name": "Кузнецова Н. В.",
        "position": "руководитель пресс-службы",
        "organization": "ОГБПОУ «Томский экономико-промышленный колледж»",
        "organization_genitive": "ОГБПОУ «Томский экономико-промышленный колледж»",
        "email": "press@tepk.tomsk.ru",
        "phone": "+7 3822 00-00-00",
    }


def demo_press_release_context() -> dict:
    return {
        "cluster": CLUSTER,
        "event": {
            "title": "Региональный чемпионат «Профессионалы» по компетенции «Сварочные технологии»",
            "description": "Открытие чемпионата на площадке Томского индустриального техникума.",
            "release_text": "1 марта 2022 г. в Томском индустриальном техникуме открылся региональный чемпионат.",
            "description_paragraphs": ["Открытие чемпионата на площадке Томского индустриального техникума."],
            "release_paragraphs": [
                "1 марта 2022 г. в Томском индустриальном техникуме открылся региональный чемпионат."
            ],
            "place": "г. Томск, ул. Смирнова, 42",
            "starts_on": date(2022, 3, 1),
            "ends_on": date(2022, 3, 3),
            "start_time": None,
            "end_time": None,
            "several_days": True,
            "when": "01.03.2022 – 03.03.2022",
            "format": "Мероприятие",
            "organizer": {
                "short_name": "ОГБПОУ «Томский индустриальный техникум»",
                "full_name": "Областное государственное бюджетное профессиональное образовательное учреждение «Томский индустриальный техникум»",
                "website": "https://tit.tomsk.ru",
            },
            "channels": ["Официальные сайты", "ВКонтакте"],
            "status": "Материал готов",
            "cancelled": False,
            "cancel_reason": "",
            "postponed_from": date(2022, 2, 15),
        },
        "plan": {
            "title": "Медиаплан Промышленного образовательно-отраслевого кластера на 2021–2022 годы",
            "reference": "медиаплану Промышленного образовательно-отраслевого кластера на 2021–2022 годы",
        },
        "contact": _demo_person(),
        "today": date(2022, 2, 25),
    }


def demo_media_plan_context() -> dict:
    return {
        "cluster": CLUSTER,
        "plan": {
            "title": "Медиаплан Промышленного образовательно-отраслевого кластера на 2021–2022 годы",
            "period_start": date(2021, 11, 1),
            "period_end": date(2022, 12, 31),
            "status": "Утверждён",
            "approved": True,
            "approved_on": date(2021, 12, 1),
            "approved_by": "Беляев Е.В.",
            "approved_position": "Председатель Координационного совета",
            "responsible": _demo_person(),
        },
        "events": [
            {
                "number": 1,
                "title": "Заседание Координационного совета кластера",
                "when": "22.10.2021, 10:00–12:00",
                "starts_on": date(2021, 10, 22),
                "ends_on": date(2021, 10, 22),
                "format": "Новость",
                "organizer": "Департамент промышленности и энергетики Администрации Томской области",
                "channels": "Официальные сайты, Telegram",
                "responsible": "Жарких Е.В.",
                "status": "Опубликовано",
                "cancelled": False,
                "cancel_reason": "",
            }
        ],
        "today": date(2021, 12, 1),
    }


DEMO_CONTEXTS = {"press_release": demo_press_release_context, "media_plan": demo_media_plan_context}


# --- the spreadsheet -------------------------------------------------------------

_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_GAP_FILL = PatternFill("solid", fgColor="F8D7DA")
_DONE_FILL = PatternFill("solid", fgColor="D1E7DD")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
PLAN_COLUMNS = [
    ("№", 5), ("Мероприятие", 50), ("Начало", 12), ("Окончание", 12), ("Время", 12), ("Формат", 14),
    ("Организатор", 36), ("Каналы", 28), ("Ответственный", 18), ("Статус", 16), ("Причина отмены", 24),
    ("Публичное", 11), ("Охват, %", 10), ("Перенесено с", 12),
]  # fmt: skip


def media_plan_xlsx(plan: MediaPlan) -> bytes:
    """The plan (every event, cancelled ones too, with coverage) and the coverage matrix, as .xlsx."""
    matrix = coverage.coverage_matrix(plan, per_page=None)
    percent_by_event = {row.event.id: row.percent for row in matrix.rows}
    events = list(db.session.scalars(services.events_query(plan)))

    book = Workbook()
    sheet = book.active
    sheet.title = "Медиаплан"
    sheet["A1"] = plan.title
    sheet["A1"].font = Font(bold=True, size=14)
    status = plan.status_label
    if plan.is_approved and plan.approved_at:
        status += f" {short_date(plan.approved_at)}"
        if plan.approved_by_name:
            status += f", {plan.approved_by_name}"
    sheet["A2"] = (
        f"Период: {date_range(plan.period_start, plan.period_end)}. Статус: {sentence(status)}"  # «Е.В.» ends it
    )
    _header(sheet, 4, PLAN_COLUMNS)
    for number, e in enumerate(events, start=1):
        time_text = (
            e.start_time.strftime("%H:%M") + (e.end_time.strftime("–%H:%M") if e.end_time else "")
            if e.start_time
            else ""
        )
        values = [
            number, e.title, e.starts_on, e.ends_on, time_text, e.format_label,
            e.organizer.short_name if e.organizer else "", ", ".join(e.channel_labels),
            e.responsible.short_name if e.responsible else "", e.status_label, e.cancel_reason,
            "да" if e.is_public else "нет", percent_by_event.get(e.id), e.postponed_from,
        ]  # fmt: skip
        _row(sheet, 4 + number, values)
    sheet.freeze_panes = "C5"
    sheet.auto_filter.ref = f"A4:{get_column_letter(len(PLAN_COLUMNS))}{4 + max(len(events), 1)}"
    _print_setup(sheet, header_row=4)

    grid = book.create_sheet("Охват")
    grid["A1"] = f"Охват мероприятий на сайтах участников: {_percent_text(matrix.percent)}"
    grid["A1"].font = Font(bold=True, size=14)
    grid["A2"] = "Считаются публикации на официальных сайтах; другие каналы указаны рядом и в охват не входят."
    columns = (
        [("Мероприятие", 50), ("Дата", 12)] + [(p.short_name, 24) for p in matrix.participants] + [("Охват, %", 10)]
    )
    _header(grid, 3, columns)
    grid.row_dimensions[3].height = 90
    for index, row in enumerate(matrix.rows, start=4):
        _row(grid, index, [row.event.title, row.event.starts_on])
        for column, publications in enumerate(row.cells, start=3):
            target = grid.cell(index, column, _publications_text(publications))
            target.fill = _DONE_FILL if coverage.counts(publications) else _GAP_FILL
            target.border = _BOX
            target.alignment = _WRAP
            # http(s) only: one stored before the form checked it may be «javascript:» or «file:».
            site = next(
                (url for _, c, url, _ in publications if c == coverage.COUNTED_CHANNEL and is_web_link(url)), None
            )
            if site:
                target.hyperlink = site
        _row(grid, index, [row.percent], first_column=len(columns))
    totals = 4 + len(matrix.rows)
    grid.cell(totals, 1, "Охват участника, %").font = _HEADER
    for column, participant in enumerate(matrix.participants, start=3):
        grid.cell(totals, column, participant.percent).font = _HEADER
    overall = grid.cell(totals, len(columns), matrix.percent)  # the plan's overall coverage
    overall.font = _HEADER
    grid.cell(totals + 1, 1, f"Итого: мероприятий {matrix.total_events}, участников {len(matrix.participants)}, "
                             f"пробелов {matrix.gaps}, общий охват {_percent_text(matrix.percent)}").font = _HEADER  # fmt: skip
    grid.freeze_panes = "C4"
    _print_setup(grid, header_row=3)

    return spreadsheets.save(book)


def _publications_text(publications) -> str:
    """«Официальный сайт, 02.03.2022: https://…» per line; «—» for none."""
    lines = []
    for _, channel, url, day in publications:
        line = f"{PUBLICATION_CHANNEL_LABELS[channel]}, {short_date(day)}"
        lines.append(f"{line}: {url}" if url else line)
    return "\n".join(lines) or "—"


def _print_setup(sheet, header_row: int) -> None:
    """A4 landscape, as wide as one page, the header repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5


def _percent_text(value: int | None) -> str:
    return "—" if value is None else f"{value} %"


def _header(sheet, row: int, columns: list[tuple[str, int]]) -> None:
    for column, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(row, column, title)
        cell.font, cell.fill, cell.border = _HEADER, _HEADER_FILL, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width


def _row(sheet, row: int, values: list, first_column: int = 1) -> None:
    for column, value in enumerate(values, start=first_column):
        cell = sheet.cell(row, column, value)
        cell.border, cell.alignment = _BOX, _WRAP
        if isinstance(value, date):
            cell.number_format = "DD.MM.YYYY"
