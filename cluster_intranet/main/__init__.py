from flask import Blueprint

bp = Blueprint("main", __name__)

from . import errors, routes  # noqa: E402,F401
