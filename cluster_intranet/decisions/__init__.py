"""Decisions of meetings and the control of their execution."""

from flask import Blueprint

# cli_group=None: `flask remind`, not `flask decisions remind`.
bp = Blueprint("decisions", __name__, url_prefix="/decisions", cli_group=None)
