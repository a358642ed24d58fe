"""``flask --app wsgi backup PATH`` and ``restore PATH``: copies of the SQLite database.

Both go through SQLite's online backup API, never a plain file copy: a backup is
one consistent snapshot even while the app is writing (WAL), and a restore writes
through SQLite's locks, so running workers read the restored data on their next
transaction instead of a file deleted under them. PostgreSQL has pg_dump and
pg_restore for this; the commands say so.

Materials of meetings are in the database unless MATERIALS_DIR is set; then their files
(named by their SHA-256, never changed) are copied into ``PATH.materials/`` beside the
copy (hard links where the file system allows: a nightly copy costs only the new files),
and a restore puts back those missing from MATERIALS_DIR. Both hold the directory's lock
from the database's snapshot to the last file, so no sweep of unreferenced files
(materials.services.sweep_files) removes one in between.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import AbstractContextManager, closing, nullcontext
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import clock
from .extensions import db
from .materials.services import directory_lock

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30  # how long a copy waits for a writer to finish


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(restore)


def _sqlite_path() -> Path:
    """The live database file; a PostgreSQL database gets the pg_dump explanation."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "База данных — PostgreSQL: эти команды только для SQLite. Резервная копия PostgreSQL:\n"
            f"  pg_dump --format=custom --file=cluster.dump {url.database}\n"
            "восстановление (в пустую базу, приложение остановлено):\n"
            f"  pg_restore --clean --if-exists --dbname={url.database} cluster.dump"
            + (
                _pg_materials_hint(current_app.config["MATERIALS_DIR"])
                if current_app.config.get("MATERIALS_DIR")
                else ""
            )
        )
    if not url.database or url.database == ":memory:":
        raise click.ClickException("База данных SQLite в памяти: копировать нечего.")
    return Path(url.database).resolve()


def _pg_materials_hint(directory: str) -> str:
    """How to copy MATERIALS_DIR with a PostgreSQL dump: under the directory's lock (flock(1)
    takes the lock directory_lock takes), so no file the dump refers to is swept in between."""
    return (f"\nФайлы материалов ({directory}) копируйте вместе с базой, под их блокировкой:\n"
            f"  flock {directory}/.lock sh -c 'pg_dump --format=custom --file=cluster.dump cluster && "
            f"rsync -a --exclude=.lock {directory}/ cluster.materials/'")  # fmt: skip


def _copy(source: Path, target: Path, standalone: bool = True) -> None:
    """One consistent snapshot of ``source`` written over ``target``'s content;
    ``standalone``: ``target`` is a copy to keep, one file without a -wal beside it."""
    with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)) as src:
        with closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)) as dst:
            src.backup(dst)  # all pages in one step: one read transaction, one snapshot
            if standalone:
                dst.execute("PRAGMA journal_mode = DELETE")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=True, path_type=Path))
def backup(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (a file, or a folder
    for a dated file name); safe while the intranet runs."""
    live = _sqlite_path()
    if path.is_dir():
        path = path / f"{live.stem}-{clock.utcnow():%Y%m%d-%H%M%S}.sqlite"
    if path.resolve() == live:
        raise click.ClickException("Копия не может заменить саму базу данных: укажите другой файл.")
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    materials = _materials_dir()
    with _materials_locked(materials):
        _copy(live, partial)
        problem = check_backup(partial)
        if problem:
            partial.unlink(missing_ok=True)
            raise click.ClickException(f"Копия не прошла проверку: {problem}")
        partial.replace(path)  # the file at PATH is always a whole copy
        click.echo(f"Резервная копия записана: {path} ({path.stat().st_size // 1024} КБ).")
        if materials is not None:
            target = path.with_name(path.name + ".materials")
            copied = copy_files(materials, target)
            click.echo(f"Файлы материалов скопированы: {target} (новых: {copied}).")


def _materials_dir() -> Path | None:
    directory = current_app.config.get("MATERIALS_DIR")
    return Path(directory) if directory else None


def _materials_locked(materials: Path | None) -> AbstractContextManager:
    """MATERIALS_DIR's lock, while a copy is taken or put back."""
    if materials is None:
        return nullcontext()
    materials.mkdir(parents=True, exist_ok=True)
    return directory_lock(materials)


def copy_files(source: Path, target: Path) -> int:
    """Copies the files of ``source`` missing from ``target`` (a hard link where it can);
    the number copied. Half-written uploads (``.upload-*``) are left out."""
    copied = 0
    for file in sorted(source.rglob("*")):
        if not file.is_file() or file.name.startswith("."):
            continue
        destination = target / file.relative_to(source)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file, destination)
        except OSError:
            shutil.copy2(file, destination)
        copied += 1
    return copied


def check_backup(path: Path) -> str | None:
    """Why ``path`` is not a copy of this intranet's database that can be restored, or None."""
    if not path.is_file():
        return f"файл {path} не найден."
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return "это не файл базы данных SQLite."
    try:
        # Read-only: checking a file never changes it.
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                return "файл повреждён (PRAGMA integrity_check: " + "; ".join(integrity[:3]) + ")."
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                return "в файле нет таблицы alembic_version: это не база данных интранета."
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as error:
        return f"файл повреждён ({error})."
    scripts = _migration_scripts()
    known = {script.revision for script in scripts.walk_revisions()}
    if len(revisions) != 1 or revisions[0] not in known:
        return f"версия схемы {', '.join(revisions) or '(пусто)'} неизвестна этой версии интранета."
    return None


def _migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
def restore(path: Path, yes: bool) -> None:
    """Replace the SQLite database by the copy in PATH, after checking the copy;
    the current database is kept beside it as *.bak."""
    live = _sqlite_path()
    problem = check_backup(path)
    if problem:
        raise click.ClickException(f"Восстановление отменено, база данных не изменена: {problem}")
    if not yes:
        click.confirm(f"Заменить базу данных {live} копией {path}?", abort=True)
    if live.exists():
        kept = live.with_name(f"{live.name}.{clock.utcnow():%Y%m%d-%H%M%S}.bak")
        _copy(live, kept)
        click.echo(f"Прежняя база данных сохранена: {kept}")
    db.engine.dispose()  # this process's own connections must not outlive the old content
    materials, files = _materials_dir(), path.with_name(path.name + ".materials")
    with _materials_locked(materials if files.is_dir() else None):
        _copy(path, live, standalone=False)  # the live database stays in WAL mode
        click.echo(f"База данных восстановлена из {path}.")
        if materials is not None and files.is_dir():
            click.echo(f"Файлы материалов восстановлены: {copy_files(files, materials)}.")
    with closing(sqlite3.connect(live)) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if revision != _migration_scripts().get_current_head():
        click.echo("Копия сделана более старой версией интранета: выполните  flask --app wsgi db upgrade")
