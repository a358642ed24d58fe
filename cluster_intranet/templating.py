"""Jinja settings, globals and filters for the HTML pages."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import Flask, request, url_for
from jinja2 import StrictUndefined

from . import clock
from .auth import roles
from .auth.access import can
from .directory.services import picked_people, short_names
from .documents import grammar
from .model_mixins import votes_text


def _as_date(value):
    """Dates kept as ISO strings (approved protocol snapshots) read back as dates."""
    return date.fromisoformat(value) if isinstance(value, str) and value else value


def ru_date(value: date | datetime | str | None, pattern: str = "d MMMM y 'г.'") -> str:
    """«22 октября 2021 г.»"""
    value = _as_date(value)
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(clock.local_zone())
    return format_date(value, pattern, locale="ru")


def short_date(value: date | str | None) -> str:
    """«01.12.2021», as protocols write deadlines."""
    value = _as_date(value)
    return value.strftime("%d.%m.%Y") if value else ""


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(clock.local_zone()).strftime("%d.%m.%Y %H:%M")


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def is_web_link(value) -> bool:
    """``{% if x is web_link %}``: a stored link shown as a link only if it is http(s)
    (one saved before the forms checked it may be ``javascript:``)."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def init_app(app: Flask) -> None:
    if app.testing:
        app.jinja_env.undefined = StrictUndefined  # a typo in a template fails a test
    app.jinja_env.filters.update(
        ru_date=ru_date, short_date=short_date, local_datetime=local_datetime, votes_text=votes_text
    )
    app.jinja_env.filters.update(points=grammar.points, of_points=grammar.of_points)  # «25,25 балла», «из 21 балла»
    app.jinja_env.tests["web_link"] = is_web_link
    app.jinja_env.globals.update(can=can, roles=roles, url_with=url_with, short_names=short_names, picked_people=picked_people)
