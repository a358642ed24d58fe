"""Jinja settings, globals and filters for the HTML pages."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import Flask, request, url_for
from jinja2 import StrictUndefined

from . import clock
from .auth import roles
from .auth.access import can


def ru_date(value: date | datetime | None, pattern: str = "d MMMM y 'г.'") -> str:
    """«22 октября 2021 г.»"""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(clock.local_zone())
    return format_date(value, pattern, locale="ru")


def short_date(value: date | None) -> str:
    """«01.12.2021», as protocols write deadlines."""
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


def init_app(app: Flask) -> None:
    if app.testing:
        app.jinja_env.undefined = StrictUndefined  # a typo in a template fails a test
    app.jinja_env.filters.update(ru_date=ru_date, short_date=short_date, local_datetime=local_datetime)
    app.jinja_env.globals.update(can=can, roles=roles, url_with=url_with)
