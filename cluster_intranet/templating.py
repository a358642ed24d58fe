"""Jinja settings, globals and filters for the HTML pages."""

from __future__ import annotations

from datetime import date

from flask import Flask, request, url_for
from jinja2 import StrictUndefined

from . import text
from .auth import roles
from .auth.access import can
from .directory.services import picked_people, short_names
from .documents import grammar
from .model_mixins import votes_text


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def url_without(*names: str) -> str:
    """The current URL without some query arguments (a filter's «×»), from the first page."""
    args = {k: v for k, v in request.args.items() if k not in names and k != "page"}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def filter_chips(spec: dict) -> list[tuple[str, str]]:
    """The active filters of a list as chips: (label, the URL without that filter).
    ``spec`` maps a query argument to (its title, its choices) or (title, choices, default):
    choices are (value, label) pairs or a dict of them, objects with ``value`` and ``label``
    (enums), "date" (an ISO date, shown «01.12.2021»), "month" («2021-12», shown «декабрь
    2021 г.»), "text" (a search, shown «in quotes») or None (shown as typed). An argument that is empty, equal
    to its default, or not one of its choices (the list ignores it too) makes no chip."""
    chips = []
    for name, (title, choices, *default) in spec.items():
        value = request.args.get(name, "").strip()
        if not value or default and value == default[0]:
            continue
        if choices in ("date", "month"):
            try:
                day = date.fromisoformat(value if choices == "date" else f"{value}-01")
            except ValueError:
                continue
            value = text.short_date(day) if choices == "date" else text.ru_date(day, "LLLL y 'г.'")
        elif choices == "text":
            value = f"«{value}»"
        elif choices is not None:
            pairs = (
                choices.items()
                if isinstance(choices, dict)
                else ((c.value, c.label) if hasattr(c, "label") else c for c in choices)
            )
            labels = {str(choice): label for choice, label in pairs}
            if value not in labels:
                continue
            value = labels[value]
        chips.append((f"{title}: {value}" if title else value, url_without(name)))
    return chips


def is_web_link(value) -> bool:
    """``{% if x is web_link %}``: a stored link shown as a link only if it is http(s)
    (one saved before the forms checked it may be ``javascript:``)."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def init_app(app: Flask) -> None:
    if app.testing:
        app.jinja_env.undefined = StrictUndefined  # a typo in a template fails a test
    app.jinja_env.filters.update(
        ru_date=text.ru_date, short_date=text.short_date, local_datetime=text.local_datetime, days=text.days,
        file_size=text.file_size,
    )  # fmt: skip
    app.jinja_env.filters["votes_text"] = votes_text
    app.jinja_env.filters.update(points=grammar.points, of_points=grammar.of_points)  # «25,25 балла», «из 21 балла»
    app.jinja_env.filters["accusative"] = grammar.accusative  # «за эксперта Иванову М.С.»
    app.jinja_env.filters["gender"] = grammar.gender_of  # «ей» or «ему»: "femn", "masc"
    app.jinja_env.tests["web_link"] = is_web_link
    app.jinja_env.globals.update(
        can=can,
        roles=roles,
        url_with=url_with,
        url_without=url_without,
        filter_chips=filter_chips,
        short_names=short_names,
        picked_people=picked_people,
    )
