"""The one clock of the app, so tests can set the time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Aware UTC now. Tests monkeypatch this function."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_now() -> datetime:
    return utcnow().astimezone(local_zone())


def local_today() -> date:
    """Today in the cluster's time zone (Asia/Tomsk by default), not the server's."""
    return local_now().date()
