"""Jinja settings, globals and filters for the HTML pages."""
from __future__ import annotations

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


def is_web_link(value) -> bool:
    """``{% if x is web_link %}``: a stored link shown as a link only if it is http(s)
    (one saved before the forms checked it may be ``javascript:``)."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def init_app(app: Flask) -> None:
    if app.testing:
        app.jinja_env.undefined = StrictUndefined  # a typo in a template fails a test
    app.jinja_env.filters.update(
        ru_date=text.ru_date, short_date=text.short_date, local_datetime=text.local_datetime, days=text.days
    )
    app.jinja_env.filters["votes_text"] = votes_text
    app.jinja_env.filters.update(points=grammar.points, of_points=grammar.of_points)  # «25,25 балла», «из 21 балла»
    app.jinja_env.tests["web_link"] = is_web_link
    app.jinja_env.globals.update(can=can, roles=roles, url_with=url_with, short_names=short_names, picked_people=picked_people)
