"""The buttons of a protocol's rows (↑ ↓ ✎ ×), written in Python: the meeting page has a
row for every attendee, agenda item and decision, and a macro call and an url_for per
button cost more than the rest of a row (the same reason as decisions/markup.py)."""

from __future__ import annotations

from flask import g, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

SENTINEL = 918273645  # an id no URL holds by chance

# kind -> (the section it is in: the URL's and the element's, its edit endpoint and id argument, the row's id)
ROWS = {
    "attendee": ("attendees", "meetings.edit_attendee", "attendance_id", "attendee-"),
    "agenda": ("agenda", "meetings.edit_agenda_item", "item_id", "agenda-item-"),
    "decision": ("decisions", "meetings.edit_decision", "decision_id", "decision-row-"),
}


def _patterns(kind: str) -> tuple[str, str, str, str]:
    """The four URLs of a kind of row, with SENTINEL for the id: url_for once per request."""
    patterns = g.setdefault("meeting_row_patterns", {})
    if kind not in patterns:
        section, edit, argument, _ = ROWS[kind]
        patterns[kind] = (
            url_for("meetings.move_row", section=section, row_id=SENTINEL, direction="up"),
            url_for("meetings.move_row", section=section, row_id=SENTINEL, direction="down"),
            url_for(edit, **{argument: SENTINEL}),
            url_for("meetings.remove_row", section=section, row_id=SENTINEL),
        )
    return patterns[kind]


def _csrf() -> str:
    token = g.get("meeting_row_csrf")
    if token is None:
        token = g.meeting_row_csrf = generate_csrf()
    return token


# What the symbols say to a screen reader (as _macros.html's SYMBOL_NAMES).
SYMBOL_NAMES = {"↑": "Переместить выше", "↓": "Переместить ниже", "×": "Удалить"}


def _post(action: str, text: str, cls: str, target: str, confirm: str | None = None) -> str:
    """The POST button of _macros.html's post_button: its own form, works without JavaScript."""
    ask = f' hx-confirm="{confirm}" data-confirm="{confirm}"' if confirm else ""
    label = SYMBOL_NAMES[text]
    return (
        f'<form method="post" action="{action}" class="d-inline" hx-post="{action}" hx-target="{target}" '
        f'hx-swap="outerHTML"{ask}><input type="hidden" name="csrf_token" value="{_csrf()}">'
        f'<button type="submit" class="{cls} btn-icon" aria-label="{label}" title="{label}">{text}</button></form>'
    )


def row_buttons(kind: str, row_id: int, confirm: str) -> Markup:
    """↑ ↓ (move in the section), ✎ (the row's form in place), × (delete, asking ``confirm``)."""
    section, _, _, row = ROWS[kind]
    target = f"#{section}"
    up, down, edit, delete = (p.replace(str(SENTINEL), str(int(row_id))) for p in _patterns(kind))
    move = "btn btn-sm btn-outline-secondary"
    return Markup(
        '<span class="btn-group btn-group-sm text-nowrap align-self-start">'
        + _post(up, "↑", move, target)
        + _post(down, "↓", move, target)
        + f'<a class="btn btn-sm btn-outline-secondary btn-icon" href="#" hx-get="{edit}" hx-target="#{row}{int(row_id)}" '
        f'hx-swap="outerHTML" title="Изменить" aria-label="Изменить">✎</a>'
        + _post(delete, "×", "btn btn-sm btn-outline-danger", target, escape(confirm))
        + "</span>"
    )
