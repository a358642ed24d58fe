"""What an answer says in the page's message area (web.notice, web.message)."""

from __future__ import annotations

import html
import json
import re

_OUT_OF_BAND = re.compile(
    r'<div id="messages" hx-swap-oob="innerHTML">\s*<div class="alert alert-(\w+) [^"]*" role="alert">\s*(.*?)\s*<button',
    re.S,
)


def said(response) -> dict:
    """The notice of an in-place change: its text and category, swapped into the message area
    out of band (the end of the body), and the id the focus goes to (the noticeShown event)."""
    body = response.get_data(as_text=True)
    found = _OUT_OF_BAND.search(body)
    assert found, f"no message out of band in {body[-300:]!r}"
    focus = json.loads(response.headers["HX-Trigger"])["noticeShown"]["focus"]
    return {"text": html.unescape(found.group(2)), "category": found.group(1), "focus": focus}


def without_message(response) -> str:
    """The body without the message sent out of band: the fragment itself."""
    return re.sub(
        r'<div id="messages" hx-swap-oob="innerHTML">.*?</div>\s*</div>',
        "",
        response.get_data(as_text=True),
        flags=re.S,
    )
