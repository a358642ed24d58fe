"""Feed tokens never reach a log: the app's, werkzeug's or gunicorn's.

A feed URL is a password (Outlook cannot log in, so the secret is in the path),
and access logs are read by more people than passwords are. Every record of
the loggers below passes through :class:`RedactFeedTokens`, which replaces
the token part of ``/calendar/feed/<token>/`` before anything is written.

gunicorn: ``deploy/gunicorn.conf.py`` sets ``logger_class`` to
:class:`GunicornLogger`, which adds the same filter to its access and error logs.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

FEED_PATH = re.compile(r"(/calendar/feed/)[^/\s?#\"']+")
REDACTED = r"\1[redacted]"
# Loggers that write request lines or paths: the dev server, gunicorn, and the
# app's own (``Exception on /calendar/feed/... [GET]``).
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return FEED_PATH.sub(REDACTED, text)


class RedactFeedTokens(logging.Filter):
    """Rewrites a record's message (and traceback text) with feed tokens hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to logging to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactFeedTokens()


def protect(logger: logging.Logger) -> None:
    """Adds the filter to ``logger`` and to its handlers (records of child loggers reach those)."""
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    for handler in logger.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


def install(app: Flask) -> None:
    for name in LOGGERS:
        protect(logging.getLogger(name))
    protect(app.logger)


try:  # gunicorn is a production dependency, but the app runs without it too
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with feed tokens hidden in the access and error logs."""

        def setup(self, cfg):
            super().setup(cfg)
            protect(self.access_log)
            protect(self.error_log)
