"""The audit log: who changed what and when, written by the session itself.

A package of its own, free of routes, so any area may import it without an import cycle.
"""

from . import listeners  # noqa: F401  (registers the session listeners)
