"""Security headers on every response.

The CSP allows scripts from this site only: no inline scripts, no eval (htmx
runs with allowEval off, see base.html). A view marked ``@embeddable`` — the
public media snippet — is the one place that may be framed or fetched from
other sites.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style attributes (progress bars); never scripts
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EMBEDDABLE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"


def embeddable(view):
    """Marks a public view that other sites may frame or fetch (CORS)."""
    view.is_embeddable = True
    return view


def _is_embeddable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "is_embeddable", False)


def _set_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if _is_embeddable():
        headers["Content-Security-Policy"] = EMBEDDABLE_CSP
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
    return response


def refuse_nul() -> None:
    """A NUL byte is no text of this site (PostgreSQL cannot even compare one): a path
    with one is no page (404), a query with one is refused (400), before a lookup could
    take it for an outage. Forms strip it with the other control characters (forms.Form)."""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
    app.after_request(_set_headers)
