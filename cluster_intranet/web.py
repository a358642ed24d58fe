"""Response helpers shared by the routes of every area."""
from __future__ import annotations

from flask import current_app, render_template, request
from htmx_flask import make_response
from sqlalchemy import Select

from .listing import ListPagination


def wants_fragment() -> bool:
    """An HTMX request for part of a page (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_fragment(page_template: str, fragment_template: str, /, status: int = 200, **context):
    """One route, two outputs: the full page, or its fragment for HTMX."""
    template = fragment_template if wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def fragment(template: str, /, status: int = 200, *, trigger=None, retarget=None, reswap=None, **context):
    response = make_response(render_template(template, **context), status, trigger=trigger, retarget=retarget)
    if reswap:
        # Set directly: htmx-flask's own check rejects valid values by a typo.
        response.headers["HX-Reswap"] = reswap
    return response


def notice(text: str, category: str = "success") -> dict:
    """An HX-Trigger event that shows ``text`` in the page's message area (static/js/app.js):
    a change made in place says it was done."""
    return {"showMessage": {"text": text, "category": category}}


def message(text: str, status: int = 422, category: str = "danger"):
    """A refusal shown in the page's message area, whatever element asked."""
    return fragment("_message.html", status, retarget="#messages", reswap="innerHTML", text=text, category=category)


def page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def paginate(*parts: Select, per_page: int | None = None, count_limit: int | None = None) -> ListPagination:
    """The asked-for page of a list: of one statement, or of several read in turn
    (``listing``); with ``count_limit`` the rows are counted only that far."""
    return ListPagination(
        page=max(page_number(), 1),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
        parts=list(parts),
        count_limit=count_limit,
    )
