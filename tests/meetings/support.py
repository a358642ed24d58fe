"""Helpers of the meetings tests."""

from __future__ import annotations

from datetime import date

from flask import current_app

from cluster_intranet.calendar import feeds, scopes
from cluster_intranet.calendar.ical import CalendarItem
from cluster_intranet.decisions.models import Decision


def deadline_events(*conditions) -> list[CalendarItem]:
    """The calendar's deadline events, by the feeds' own query, of the decisions with a
    deadline in this century that match ``conditions``."""
    with current_app.test_request_context():
        scope = scopes.Scope(
            feed=scopes.ALL,
            sources=frozenset({scopes.DEADLINES}),
            first_day=date(2000, 1, 1),
            last_day=date(2100, 1, 1),
            person_id=None,
            base_url="http://x",
            tz="Asia/Tomsk",
        )
        window = [Decision.deadline >= scope.first_day, Decision.deadline <= scope.last_day]
        return feeds.deadline_items(scope, [*window, *conditions], feeds.Links("http://x"))
