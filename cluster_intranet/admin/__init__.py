from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit, routes  # noqa: E402,F401  (audit: the session listeners)
