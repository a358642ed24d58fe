"""``flask backup`` and ``flask restore``: a consistent copy while the app writes;
a restore that checks the file first and keeps the database it replaces."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing

import pytest
from sqlalchemy import func, select

from cluster_intranet import create_app
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from tests import factories
from tests.prod import workers
from tests.prod.conftest import draft_meeting, sqlite_app


@pytest.fixture
def live(tmp_path):
    """An app on its own SQLite file with one draft meeting; returns (app, path, meeting id)."""
    path = tmp_path / "live.sqlite"
    app = sqlite_app(path)
    with app.app_context():
        meeting_id = draft_meeting(factories.council(), 1).id
        db.session.commit()
    yield app, path, meeting_id
    with app.app_context():
        db.engine.dispose()


def _read(path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _decision_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(Decision.id)))
        db.session.remove()
        return count


@pytest.mark.slow
def test_backups_taken_while_the_app_writes_are_consistent(live, tmp_path, spawn):
    app, path, meeting_id = live
    ready, stop, results = spawn.Event(), spawn.Event(), spawn.Queue()
    writer = spawn.Process(
        target=workers.write_until_stopped, args=(f"sqlite:///{path}", meeting_id, ready, stop, results)
    )
    writer.start()
    try:
        assert ready.wait(timeout=120), "the writer never committed"
        runner = app.test_cli_runner()
        copies = []
        for n in range(5):
            copies.append(tmp_path / f"copy-{n}.sqlite")
            result = runner.invoke(args=["backup", str(copies[-1])])
            assert result.exit_code == 0, result.output
            time.sleep(0.3)
    finally:
        stop.set()
        written = results.get(timeout=120)
        writer.join(timeout=30)

    counts = []
    for copy in copies:
        assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
        assert _read(copy, "PRAGMA journal_mode") == [("delete",)]  # one file, nothing beside it
        assert not copy.with_name(copy.name + "-wal").exists()
        ((agenda,),) = _read(copy, f"SELECT count(*) FROM agenda_items WHERE meeting_id = {meeting_id}")
        numbers = [
            n for (n,) in _read(copy, f"SELECT number FROM decisions WHERE meeting_id = {meeting_id} ORDER BY number")
        ]
        # Whole transactions only: each wrote one item and one decision, numbered in turn.
        assert numbers == list(range(1, agenda + 1))
        counts.append(agenda)
    assert counts == sorted(counts) and counts[-1] > counts[0], "the copies were not taken while writing"
    assert counts[-1] <= written


def test_restore_puts_the_copy_back_and_keeps_the_old_database(live, tmp_path):
    app, path, meeting_id = live
    runner = app.test_cli_runner()
    copy = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    with app.app_context():
        from cluster_intranet.meetings import queries, services

        services.save_decision(queries.load_meeting(meeting_id), None, {"text": "После копии"}, [])
        db.session.commit()
    assert _decision_count(app) == 1
    # A connection open across the restore, as a running worker's is.
    worker = sqlite3.connect(path)
    assert worker.execute("SELECT count(*) FROM decisions").fetchone() == (1,)

    result = runner.invoke(args=["restore", str(copy)], input="y\n")
    assert result.exit_code == 0, result.output
    assert worker.execute("SELECT count(*) FROM decisions").fetchone() == (0,)
    worker.close()
    assert _decision_count(app) == 0
    kept = list(tmp_path.glob("live.sqlite.*.bak"))
    assert len(kept) == 1 and _read(kept[0], "SELECT text FROM decisions") == [("После копии",)]
    assert _read(path, "PRAGMA journal_mode") == [("wal",)]


def test_restore_asks_before_replacing(live, tmp_path):
    app, path, _ = live
    runner = app.test_cli_runner()
    copy = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    result = runner.invoke(args=["restore", str(copy)], input="n\n")
    assert result.exit_code == 1
    assert not list(tmp_path.glob("*.bak"))


def _corrupt(path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):  # every third page past the schema
        data[start + 16 : start + 600] = bytes(range(256)) * 2 + bytes(584 - 512)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("Протокол № 2 от 22.10.2021\n", encoding="utf-8"), "не файл базы данных SQLite"),
        (lambda p: p.write_bytes(b""), "не файл базы данных SQLite"),
        (None, "не найден"),  # no file at all
        ("corrupt", "повреждён"),
        ("foreign", "нет таблицы alembic_version"),
        ("unknown-revision", "неизвестна"),
    ],
    ids=["text-file", "empty-file", "missing-file", "corrupt", "another-database", "unknown-revision"],
)
def test_restore_refuses_what_is_not_a_good_copy(live, tmp_path, make, message):
    app, path, meeting_id = live
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.sqlite"
    if make == "corrupt":
        with app.app_context():
            from cluster_intranet.meetings import queries, services

            for n in range(60):  # enough rows for pages past the schema
                services.save_agenda_item(
                    queries.load_meeting(meeting_id), None, {"text": f"Вопрос {n} " + "текст " * 100}
                )
            db.session.commit()
        assert runner.invoke(args=["backup", str(bad)]).exit_code == 0
        _corrupt(bad)
    elif make == "foreign":
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
    elif make == "unknown-revision":
        assert runner.invoke(args=["backup", str(bad)]).exit_code == 0
        with closing(sqlite3.connect(bad)) as conn, conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    elif make is not None:
        make(bad)
    before = _read(path, "SELECT id, version FROM meetings") + _read(path, "SELECT count(*) FROM agenda_items")

    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 1
    assert "Восстановление отменено, база данных не изменена" in result.output and message in result.output
    assert _read(path, "SELECT id, version FROM meetings") + _read(path, "SELECT count(*) FROM agenda_items") == before
    assert not list(tmp_path.glob("*.bak"))


def test_postgresql_is_pointed_to_pg_dump():
    app = create_app(workers.app_config("postgresql+psycopg://cluster@127.0.0.1:1/cluster"))
    runner = app.test_cli_runner()
    for args in (["backup", "/tmp/never-written.sqlite"], ["restore", "/tmp/never-read.sqlite", "--yes"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "pg_restore" in result.output
    # With MATERIALS_DIR: its files are copied with the dump, under the lock a sweep takes.
    app.config["MATERIALS_DIR"] = "/srv/materials"
    result = runner.invoke(args=["backup", "/tmp/never-written.sqlite"])
    assert (
        "flock /srv/materials/.lock sh -c 'pg_dump" in result.output
        and "rsync -a --exclude=.lock /srv/materials/" in result.output
    )
