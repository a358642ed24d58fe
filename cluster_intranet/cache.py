"""The one cache of the app: Flask-Caching, a SimpleCache in each process by default,
a RedisCache shared by every app server when ``CACHE_REDIS_URL`` is set.

Key rules, for every entry (all go through :func:`remember`):

* A key is the **area** (which kind of value: ``"coverage"``), the **inputs** that
  choose the value (a plan, the filters, the page, the day) and the **fingerprint** of
  the data it is built from: the stamps of its sources in :mod:`cluster_intranet.changes`,
  read by one small query before anything else. Every committed change of what a source
  shows writes a new random stamp, so a key always names the same value.
* Nothing is invalidated: a change makes new keys, and the old entries age out
  (``CACHE_DEFAULT_TIMEOUT``; a SimpleCache also drops its oldest beyond ``CACHE_THRESHOLD``).
* A value is kept only if the stamps still hold once it is built (a change committed
  meanwhile may be in it); a transaction with unsaved changes of a source reads its own
  data and keeps nothing.
* Values are plain data (picklable, small: numbers, tuples, bytes), never ORM objects:
  with Redis they travel between processes.

A cache is worth its keys only where ``make bench`` shows a page needs it for its target.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Hashable
from typing import TypeVar

from flask import Flask
from flask_caching import Cache

from . import changes

T = TypeVar("T")
cache = Cache()


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("CACHE_TYPE", "RedisCache" if config.get("CACHE_REDIS_URL") else "SimpleCache")
    cache.init_app(app)


def key(area: str, inputs: Hashable, stamps: Hashable) -> str:
    """The key of ``area``'s value for ``inputs`` over the data of ``stamps`` (``repr`` of plain values)."""
    return area + ":" + hashlib.sha256(repr((inputs, stamps)).encode()).hexdigest()[:40]


def remember(
    area: str, inputs: Hashable, sources: Collection[str], build: Callable[[], T], *, stamps: Hashable = None
) -> tuple[T, bool]:
    """``build()``, or what it gave for the same area, inputs and stamps of ``sources``;
    and whether the value is that of ``stamps`` (False: the data changed while it was built).
    ``stamps``: the fingerprint the caller has already read (``changes.stamps(sources)``)."""
    if changes.unsaved(sources):
        return build(), False
    if stamps is None:
        stamps = changes.stamps(sources)
    name = key(area, inputs, stamps)
    value = cache.get(name)
    if value is not None:
        return value, True
    value = build()
    current = changes.stamps(sources) == stamps
    if current:
        cache.set(name, value)
    return value, current


def remembered(area: str, inputs: Hashable, sources: Collection[str], build: Callable[[], T]) -> T:
    """:func:`remember`'s value alone."""
    return remember(area, inputs, sources, build)[0]
