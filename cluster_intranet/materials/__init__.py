"""Materials of meetings: the papers of a meeting and of its agenda items, in versions."""

from flask import Blueprint

bp = Blueprint("materials", __name__, url_prefix="/materials")
