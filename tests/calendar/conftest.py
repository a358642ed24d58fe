"""Fixtures for the iCalendar feed tests: two independent parsers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

REPO_ROOT = Path(__file__).resolve().parents[2]
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_parse.mjs")


@pytest.fixture
def parse_icalendar():
    """Parse feed bytes with the Python icalendar library."""

    def parse(data: bytes) -> Calendar:
        return Calendar.from_ical(data)

    return parse


def _node() -> str:
    """The node binary, or skip the test when ical.js cannot run here."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (REPO_ROOT / "node_modules" / "ical.js" / "package.json").is_file():
        pytest.skip("node_modules/ical.js is absent (run `npm ci`)")
    return node


@pytest.fixture
def parse_icaljs(tmp_path):
    """Parse feed bytes with ical.js, an independent JavaScript parser, via node.

    Skips at the first call, not at setup, so that the checks a test made
    before it (bytes, icalendar) still run on a machine without node.
    """
    counter = iter(range(1_000_000))

    def parse(data: bytes) -> dict:
        node = _node()
        path = tmp_path / f"feed-{next(counter)}.ics"
        path.write_bytes(data)
        result = subprocess.run(
            [node, str(ICALJS_SCRIPT), str(path)],
            cwd=REPO_ROOT,  # so that node_modules/ical.js resolves
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"ical.js failed:\n{result.stderr}"
        return json.loads(result.stdout)

    return parse


# --- the feed tests: a small cluster, a fixed «today», feeds fetched over HTTP ---------


@pytest.fixture
def fixed_clock(monkeypatch):
    from cluster_intranet import clock

    from tests.calendar.builders import NOW

    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def world(app, ctx, fixed_clock):
    from tests.calendar.builders import build_world

    return build_world()


@pytest.fixture
def fetch(client):
    """``fetch(token, "all")``: the feed's response, as a calendar client asks for it (no cookies)."""

    def get(token: str, slug: str, **headers):
        return client.get(f"/calendar/feed/{token}/{slug}.ics", headers=headers)

    return get
