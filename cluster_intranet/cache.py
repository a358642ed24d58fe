"""A small per-process cache of values keyed by a fingerprint of the data they were
built from. The fingerprint comes from one cheap query (counts, latest changes, sums of
row versions): when the data changes, the key changes, and the old entry simply ages out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class FingerprintCache:
    """The last ``size`` values by key; building happens outside the lock."""

    instances: weakref.WeakSet[FingerprintCache] = weakref.WeakSet()

    def __init__(self, size: int = 64):
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        FingerprintCache.instances.add(self)

    @classmethod
    def clear_all(cls) -> None:
        """Empties every cache of the process: tests do, between databases built anew
        (equal counts and times under a fixed clock could give an old fingerprint)."""
        for cache in list(cls.instances):
            cache.clear()

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = build()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
