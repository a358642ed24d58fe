"""Word documents: rendering, the template library, downloads."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documents")
