"""Engine settings per database, and the SQL query counter used by the benchmarks."""
from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite as a server database: foreign keys on, WAL so readers do not block
    the writer, and a busy timeout so concurrent writers wait instead of failing."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _count_query(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1


def init_app(app: Flask) -> None:
    if not app.config["COUNT_QUERIES"]:
        return
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_query)

    @app.after_request
    def _report_query_count(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response
