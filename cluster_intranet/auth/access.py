"""Access control in one place: every view needs a signed-in user unless
marked ``@public``; changes are guarded by ``@role_required``."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from htmx_flask import make_response

from .roles import Role


def public(view):
    """Marks a view reachable without signing in (login page, token feeds)."""
    view.is_public = True
    return view


def role_required(*roles: Role):
    """403 unless the current user has one of ``roles`` (an admin always has)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def can(*roles: Role) -> bool:
    """For templates: show a control only to those who may use it."""
    return current_user.is_authenticated and current_user.has_role(*roles)


def require_login():
    """``before_request`` guard: anonymous users go to the login page."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.htmx:
        # A fragment cannot show the login page: send the whole window there.
        return make_response("", 401, redirect=login_url)
    return redirect(login_url)
