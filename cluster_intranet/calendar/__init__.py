"""Calendars: iCalendar feeds that Outlook, Google and Apple subscribe to,
«Добавить в календарь» downloads, and the page that hands out the links."""

from flask import Blueprint

from . import redaction

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.record_once
def _hide_tokens_in_logs(state):
    redaction.install(state.app)
