"""Fixtures of the media tests; rows are built by ``cluster_intranet.media.builders`` (shared
with the demo and the benchmark)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cluster_intranet import clock

NOW = datetime(2022, 3, 10, 5, 0, tzinfo=UTC)  # 10 March 2022, noon in Tomsk


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The media plan is about 2021–2022: «today» is 10 March 2022."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    return NOW
