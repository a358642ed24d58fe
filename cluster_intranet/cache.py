"""The one cache of the app: Flask-Caching, a SimpleCache in each process by default,
a RedisCache shared by every app server when ``CACHE_REDIS_URL`` is set.

Key rules, for every entry (all go through :func:`remembered`, or :func:`remembered_together` for
several values of the same data under one read of the stamps):

* A key is the **area** (which kind of value: ``"media.coverage"``), the **inputs** that
  choose the value (a plan, the filters, the page, the day) and the **fingerprint** of
  the data it is built from: the stamps of its sources in :mod:`cluster_intranet.changes`,
  read by one small query before anything else. Every committed change of what a source
  shows writes a new random stamp, never met again, so a key always names one state of
  the data.
* The prefix holds a digest of the code, so that a release never reads another's entries.
* Nothing is invalidated: a change makes new keys, and the old entries age out
  (``CACHE_DEFAULT_TIMEOUT``; a SimpleCache also drops its oldest beyond ``CACHE_THRESHOLD``).
  A value built while a change committed may hold part of it: it goes under the older
  stamps, which only requests already under way still read.
* A transaction with unsaved changes of a source reads its own data and keeps nothing.
* Values are plain data (picklable, small: numbers, tuples, dataclasses of them), never
  ORM objects: with Redis they travel between processes. A Redis that does not answer
  costs the cache, not the page: the value is built as if nothing were kept.

A cache only where ``make bench`` shows a page needs one for its target (README, «One cache»).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Collection, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from flask_caching import Cache
from redis.exceptions import RedisError

from . import changes

T = TypeVar("T")
cache = Cache()
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    config = app.config
    # Another release may build other values for the same key: in a shared Redis, during a
    # rolling restart or after an upgrade, each release reads only its own entries.
    config["CACHE_KEY_PREFIX"] = config.get("CACHE_KEY_PREFIX", "") + _code_version() + ":"
    if config.get("CACHE_REDIS_URL"):
        config.setdefault("CACHE_TYPE", "RedisCache")
        # A Redis that is down or stuck delays a page by a second at most (then it is built).
        config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)


@functools.cache
def _code_version() -> str:
    """A digest of the package's Python source (some 300 files, read once per process)."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def key(area: str, inputs: Hashable, stamps: Hashable) -> str:
    """The key of ``area``'s value for ``inputs`` over the data of ``stamps`` (``repr`` of plain values)."""
    return area + ":" + hashlib.sha256(repr((inputs, stamps)).encode()).hexdigest()[:40]


def remembered(area: str, inputs: Hashable, sources: Collection[str], build: Callable[[], T]) -> T:
    """``build()``, or what it gave for the same ``area`` and ``inputs`` while the stamps of
    ``sources`` are those read now."""
    (value,) = remembered_together(sources, [(area, inputs, build)])
    return value


def remembered_together(sources: Collection[str], wanted: Sequence[tuple[str, Hashable, Callable[[], Any]]]) -> list:
    """The value of each ``(area, inputs, build)`` of ``wanted``, as :func:`remembered` gives
    it, over the same ``sources``: their stamps read once, the entries fetched together (one
    round trip to Redis). Each value keeps its own key, so a page that wants several values of
    the same data pays one small query for them all and still shares each entry with the pages
    that want only that one."""
    if changes.unsaved(sources):
        return [build() for _, _, build in wanted]  # this transaction's own changes are in no kept value
    stamps = changes.stamps(sources)
    names = [key(area, inputs, stamps) for area, inputs, _ in wanted]
    areas = ", ".join(area for area, _, _ in wanted)
    try:
        values = cache.get_many(*names)
    except RedisError as error:
        log.warning("cache unreachable, %s built anew: %s", areas, error)
        return [build() for _, _, build in wanted]
    built = {}
    for index, (name, (_, _, build)) in enumerate(zip(names, wanted, strict=True)):
        if values[index] is None:
            values[index] = built[name] = build()
    if built:
        try:
            cache.set_many(built)
        except RedisError as error:
            log.warning("cache unreachable, %s not kept: %s", areas, error)
    return values
