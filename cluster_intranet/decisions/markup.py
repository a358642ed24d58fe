"""The pieces every decision row shows — status, deadline, responsible people — as HTML
written in Python rather than Jinja macros: a list calls them for every row, and a macro
call costs more than the rest of the row. One place for them, used by every template
(registered as template globals in routes.py).

Measured on 5 December 2026 (issue 18) with the same functions as macros of
decisions/_macros.html (url_for instead of row_url), the same bench data served by both
versions in turns. In-process CPU time per request, as a share of the bare route's:
decisions-control 0.155 -> 0.133, decisions-my 0.182 -> 0.140. Under load (wrk, 3 rounds,
medians): decisions-control 0.128 -> 0.083 (0.083, 0.155, 0.078), under the bench's target
of 0.1 with the macros only; decisions-my 0.096 -> 0.081 (a busy machine: under it either way).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import g, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..text import days
from .forms import FormState
from .models import Decision, DecisionStatus

SENTINEL = 918273645  # an id no URL holds by chance

COLOURS = {"open": "secondary", "in_progress": "primary", "done": "success", "cancelled": "dark"}
LABELS = {status.value: status.label for status in DecisionStatus}


def _day(value: date) -> str:
    return f"{value.day:02}.{value.month:02}.{value.year}"  # strftime is slower


def status_badge(decision: Decision) -> Markup:
    return Markup(f'<span class="badge text-bg-{COLOURS[decision.status]}">{LABELS[decision.status]}</span>')


def deadline(decision: Decision, today: date, inline: bool = False) -> Markup:
    """The deadline; overdue in red with the days late; a late execution noted. ``decision``:
    a Decision, or a row with its ``deadline``, ``term``, ``overdue_days`` and ``done_late_days``
    (queries.OverdueDecision)."""
    if decision.deadline is None:
        if decision.term:
            return Markup(
                f'<span class="badge text-bg-info">постоянный контроль</span>'
                f'<span class="small text-muted{"" if inline else " d-block"}">срок – {escape(decision.term)}</span>'
            )
        return Markup('<span class="text-muted">без срока</span>')
    late = decision.overdue_days(today)
    block = "" if inline else " d-block"
    parts = [f'<span class="text-nowrap{" overdue" if late else ""}">{_day(decision.deadline)}</span>']
    if late:
        parts.append(f' <span class="overdue small text-nowrap{block}">просрочено на {days(late)}</span>')
    if decision.done_late_days:
        parts.append(
            f' <span class="small text-warning-emphasis text-nowrap{block}">'
            f"исполнено с опозданием на {days(decision.done_late_days)}</span>"
        )
    return Markup("".join(parts))


def responsible(decision: Decision) -> Markup:
    """«Пояркова О.Н., Кузнецова Н.В.»; the lead in bold when there are several."""
    return names([person.short_name for person in decision.responsible_people])


def names(short_names: Sequence[str]) -> Markup:
    """The responsible people of a row kept in plain values (queries.OverdueDecision), as
    :func:`responsible` writes them."""
    if not short_names:
        return Markup('<span class="text-muted">не назначен</span>')
    lead = " fw-semibold" if len(short_names) > 1 else ""
    return Markup(", ").join(
        Markup(f'<span class="text-nowrap{lead if i == 0 else ""}">{escape(name)}</span>')
        for i, name in enumerate(short_names)
    )


def responsible_title(decisions) -> str:
    """The title of a column of responsible people: «Ответственные» when a row names several,
    «Ответственный» when none does (the protocol's «Ответственный исполнитель» /
    «Ответственные исполнители»). The page, the .xlsx and the .docx report say it alike."""
    return "Ответственные" if any(len(d.responsible_people) > 1 for d in decisions) else "Ответственный"


def meeting_link(decision: Decision) -> Markup:
    """«Протокол № 2 от 22.10.2021», a link to the meeting."""
    meeting = decision.meeting
    return Markup(f'<a href="{row_url("meetings.show", meeting_id=meeting.id)}">{escape(meeting.title)}</a>')


def form_hidden(state: FormState, view: str) -> Markup:
    """The hidden fields of a change form: CSRF, the version it was filled in on, where to answer."""
    return Markup(
        f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">\n'
        f'<input type="hidden" name="{escape(state.name("version"))}" value="{escape(state.version)}">\n'
        f'<input type="hidden" name="view" value="{escape(view)}">'
    )


def opener(decision: Decision, target: str, name: str, label: str, cls: str) -> Markup:
    """A button that fetches a row of a list again with one of its forms open (``name``);
    without JavaScript, the decision's page at that form."""
    page = row_url("decisions.show", decision_id=decision.id)
    row = row_url("decisions.row", decision_id=decision.id)
    return Markup(
        f'<a class="btn btn-sm {escape(cls)}" href="{page}#{escape(name)}-{decision.id}"\n'
        f'   hx-get="{row}?form={escape(name)}" hx-target="{escape(target)}" hx-swap="outerHTML">{escape(label)}</a>'
    )


def row_url(endpoint: str, **value: int) -> str:
    """``url_for(endpoint, decision_id=42)`` for the many rows of a list: url_for once per
    endpoint and request, then the id put in its place (url_for costs as much as the rest
    of a row). Endpoints with one integer argument only."""
    ((name, number),) = value.items()
    patterns = g.setdefault("row_url_patterns", {})
    if endpoint not in patterns:
        patterns[endpoint] = url_for(endpoint, **{name: SENTINEL})
    return patterns[endpoint].replace(str(SENTINEL), str(int(number)))
