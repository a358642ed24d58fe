"""Fixtures of the media tests; the builders are in builders.py."""

from __future__ import annotations

import pytest

from cluster_intranet import clock
from cluster_intranet.media import coverage_routes, feeds
from tests.media.builders import NOW


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The media plan is about 2021–2022: «today» is 10 March 2022."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    return NOW


@pytest.fixture(autouse=True)
def _fresh_caches():
    """With the clock frozen and ids reused, two tests' data can share a fingerprint: start each with empty caches."""
    feeds.bodies.clear()
    coverage_routes.matrices.clear()
