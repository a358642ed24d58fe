from flask import Blueprint

bp = Blueprint("councils", __name__, url_prefix="/councils")

from . import routes  # noqa: E402,F401
