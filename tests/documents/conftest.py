"""Fixtures for the document tests (helpers live in support.py)."""

from __future__ import annotations

import pytest

from .support import seed_context_copy


@pytest.fixture
def seed_context() -> dict:
    """A fresh copy of the seed protocol context (tests may change it)."""
    return seed_context_copy()
