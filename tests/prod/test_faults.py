"""Faults: a worker killed while saving a protocol leaves it as before or as after,
never half; while the database is down the app answers a 503 page in Russian, and
it recovers by itself when the database is back."""

from __future__ import annotations

import gc
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.server import free_port
from cluster_intranet import create_app
from cluster_intranet.auth.roles import Role
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import AgendaItem, Attendance
from tests import factories
from tests.conftest import Client, make_user
from tests.prod import workers
from tests.prod.conftest import draft_meeting


def _protocol_rows(meeting_id: int) -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model).where(model.meeting_id == meeting_id))
        for model in (AgendaItem, Decision, Attendance)
    )


@pytest.mark.slow
@pytest.mark.parametrize("commit", [False, True], ids=["killed-before-commit", "killed-after-commit"])
def test_a_worker_killed_while_saving_leaves_the_protocol_whole(app, database_url, spawn, ctx, commit):
    meeting = draft_meeting(factories.council(), 1)
    person = factories.person()
    db.session.commit()
    before = _protocol_rows(meeting.id)

    child = spawn.Process(target=workers.save_protocol_and_die, args=(database_url, meeting.id, person.id, commit))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL

    # Three writes in one transaction: none of them, or all of them.
    assert _protocol_rows(meeting.id) == ((1, 1, 1) if commit else before)
    # The protocol still takes changes: the dead writer left no lock behind.
    from cluster_intranet.meetings import queries, services

    services.save_decision(queries.load_meeting(meeting.id), None, {"text": "После сбоя"}, [])
    db.session.commit()
    assert _protocol_rows(meeting.id)[1] == (2 if commit else 1)


# --- a PostgreSQL of the test's own, stopped and started again -------------------------


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parents[1].name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PrivatePostgres:
    """A throwaway cluster in a temporary directory, on a free port of 127.0.0.1.
    PostgreSQL refuses to run as root: then it runs as the ``postgres`` user."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="prod-pg-"))
        self.data = self.root / "data"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            self.prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.prefix, str(self.bin_dir / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}\n{self.log()}")

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "postgres.log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        # "immediate": as if the server crashed or its machine went away.
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres():
    bin_dir = _postgres_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL cannot be started")
    server = PrivatePostgres(bin_dir)
    try:
        try:
            server.init()
        except (RuntimeError, KeyError, LookupError) as error:  # e.g. no postgres user to run as
            pytest.skip(f"cannot create a PostgreSQL cluster: {error}")
        server.start()
        yield server
    finally:
        server.remove()


@pytest.mark.slow
def test_database_outage_gives_503_and_the_app_recovers_by_itself(own_postgres):
    from flask_migrate import upgrade

    app = create_app(workers.app_config(own_postgres.url))
    app.test_client_class = Client
    with app.app_context():
        upgrade()
        make_user(Role.SECRETARY)
    client = app.test_client()
    assert client.login(f"{Role.SECRETARY.value}@cluster.test").status_code == 303
    anonymous = app.test_client()
    assert client.get("/meetings/").status_code == 200

    own_postgres.stop()
    # The signed-in user cannot even be loaded (the user loader runs before the view).
    page = client.get("/meetings/")
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "Сервис временно недоступен" in text and "База данных не отвечает" in text
    assert "psycopg" not in text and "OperationalError" not in text
    assert page.headers["Retry-After"]
    fragment = client.get("/meetings/", headers={"HX-Request": "true"})
    assert fragment.status_code == 503 and "База данных не отвечает" in fragment.get_data(as_text=True)
    # Refused for its missing CSRF token or for the database: either way a page, not a 500.
    assert client.post("/meetings/new", data={}, csrf=False).status_code in (400, 503)
    assert anonymous.get("/login").status_code == 200  # a page without the database still works

    own_postgres.start()
    # No restart of the app: the pool drops the dead connections (pool_pre_ping).
    assert client.get("/meetings/").status_code == 200
    assert client.get("/meetings/new").status_code == 200
    with app.app_context():
        db.engine.dispose()
    gc.collect()  # connections dropped while the server was down are collected in this test, not a later one
