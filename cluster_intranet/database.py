"""Engine settings per database, and the SQL query counter used by the benchmarks."""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from .extensions import db


# How long a SQLite writer waits for another to finish before "database is locked"
# (which the app answers with a 503 page asking to retry).
SQLITE_BUSY_TIMEOUT_MS = 30000
# Pages each connection keeps in memory, in KiB. SQLite's default of 2 MiB holds little
# of a database with years of protocols: a search re-read its index from the file on
# every request. Memory is taken only as pages are read.
SQLITE_CACHE_KIB = 32768


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite as a server database: foreign keys on, WAL so readers do not block
    the writer, a busy timeout so concurrent writers wait instead of failing, and a
    page cache that holds the indexes the lists read."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_CACHE_KIB)}")
    cursor.close()


def lock_for_update(obj) -> None:
    """Makes the current transaction the only writer of ``obj`` until it ends, and
    reloads ``obj``: call it before reading what a change is computed from (the next
    decision number, the next position in a list) and before changing ``obj``.

    PostgreSQL locks the row (SELECT ... FOR UPDATE): a second writer waits for the
    first to commit, then reads its rows. SQLite has one writer per database:
    BEGIN IMMEDIATE takes the write lock now, waiting up to the busy timeout, instead
    of at the first INSERT (pysqlite reads in autocommit until then, so two writers
    could both compute the same max + 1). Columns reload at once, under the lock;
    relationships reload when next used, so rows other writers added are seen, while
    already loaded related objects keep their state (and their own version checks).
    """
    session = db.session
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    session.expire(obj)
    columns = [attr.key for attr in inspect(obj).mapper.column_attrs]
    session.refresh(obj, columns, with_for_update=True)


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
