"""The warm LibreOffice (office.py): converts, restarts when killed, stops at the
timeout, and falls back to the cold soffice run."""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from cluster_intranet.documents import office, pdf
from cluster_intranet.documents.rendering import render_document

from .support import full_context, read_template, requires_soffice

requires_uno = pytest.mark.skipif(
    office.python_with_uno(None) is None, reason="no Python with LibreOffice's uno (Debian: python3-uno)"
)


@pytest.fixture(scope="module")
def full_protocol() -> bytes:
    return render_document(read_template("protocol_full.docx"), full_context())


@pytest.fixture(scope="module")
def warm():
    converter = office.WarmConverter()
    yield converter
    converter.stop()


@pytest.fixture
def cold_runs(monkeypatch) -> list[bytes]:
    """Counts the cold conversions (pdf.convert_to_pdf), which still run."""
    runs: list[bytes] = []
    cold = pdf.convert_to_pdf

    def counted(docx_bytes, **kwargs):
        runs.append(docx_bytes)
        return cold(docx_bytes, **kwargs)

    monkeypatch.setattr(pdf, "convert_to_pdf", counted)
    return runs


def worker_start(config: dict) -> None:
    """A gunicorn worker of deploy/gunicorn.conf.py starting with this app config."""
    hooks = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
    app = SimpleNamespace(config={"RATELIMIT_ENABLED": False, **config})
    hooks["post_worker_init"](SimpleNamespace(wsgi=app, cfg=SimpleNamespace(workers=1), log=None))


WARM_START = {"DOCUMENTS_PDF_SERVER": True, "DOCUMENTS_PDF_WARM_START": True}


def assert_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-1024:]
    assert len(data) > 5000


@requires_soffice
@requires_uno
def test_warm_server_converts_and_stays(warm, full_protocol):
    assert_pdf(warm.convert_to_pdf(full_protocol, timeout=60))
    assert warm.alive() and warm.starts == 1
    server_pid = warm.process.pid
    assert_pdf(warm.convert_to_pdf(full_protocol, timeout=60))
    assert warm.starts == 1 and warm.process.pid == server_pid  # the same LibreOffice


@requires_soffice
@requires_uno
def test_killed_server_is_restarted(warm, full_protocol):
    warm.convert_to_pdf(full_protocol, timeout=60)
    starts = warm.starts
    os.killpg(warm.process.pid, signal.SIGKILL)  # the server and its LibreOffice
    warm.process.wait()
    assert not warm.alive()
    assert_pdf(warm.convert_to_pdf(full_protocol, timeout=60))
    assert warm.starts == starts + 1 and warm.alive()


@requires_soffice
@requires_uno
def test_timeout_answers_the_error_and_kills_the_server(warm, full_protocol):
    warm.convert_to_pdf(full_protocol, timeout=60)  # started: the timeout is the conversion's
    with pytest.raises(pdf.ConversionError, match="LibreOffice не успел преобразовать документ за 0.01 с"):
        warm.convert_to_pdf(full_protocol, timeout=0.01)
    assert not warm.alive()
    assert_pdf(warm.convert_to_pdf(full_protocol, timeout=60))  # a new one


@requires_soffice
@requires_uno
def test_office_convert_uses_the_warm_server(monkeypatch, full_protocol, cold_runs):
    office.stop_all()  # a converter of its own, started by this test
    try:
        assert_pdf(office.convert_to_pdf(full_protocol))
        assert cold_runs == []
        assert office.converter().alive()
    finally:
        office.converter().stop()


@requires_soffice
def test_no_python_with_uno_falls_back_to_the_cold_run(monkeypatch, full_protocol, cold_runs):
    office.stop_all()  # a converter of its own, started by this test
    # The app's own interpreter (a virtualenv) has no uno: the server cannot start.
    assert_pdf(office.convert_to_pdf(full_protocol, python=sys.executable))
    assert cold_runs == [full_protocol]
    warm = office.converter(None, sys.executable)
    assert warm.process is None and warm.unavailable_until > 0
    # Within the retry pause the next PDF goes cold at once, without trying to start.
    office.convert_to_pdf(full_protocol, python=sys.executable)
    assert len(cold_runs) == 2 and warm.starts == 0


def test_warm_off_converts_cold(monkeypatch, full_protocol):
    calls = []
    monkeypatch.setattr(pdf, "convert_to_pdf", lambda body, **kwargs: calls.append(kwargs) or b"%PDF-cold")
    monkeypatch.setattr(office, "converter", lambda *a: pytest.fail("the warm server was asked"))
    assert office.convert_to_pdf(full_protocol, timeout=5, soffice="soffice", warm=False) == b"%PDF-cold"
    assert calls == [{"timeout": 5, "soffice": "soffice"}]


def test_missing_libreoffice_is_a_clear_error_through_the_warm_path(monkeypatch, full_protocol):
    office.stop_all()  # a converter of its own, started by this test
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: None)
    with pytest.raises(pdf.ConversionError, match="не установлен LibreOffice"):
        office.convert_to_pdf(full_protocol)


ORPHAN_SCRIPT = """
import os, sys
from cluster_intranet.documents import office
from cluster_intranet.documents.rendering import render_document
from tests.documents.support import full_context, read_template
warm = office.WarmConverter()
warm.convert_to_pdf(render_document(read_template("protocol_full.docx"), full_context()), timeout=120)
print(warm.process.pid, flush=True)
os._exit(0)  # dies without its exit handlers, as a killed worker does
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.split() == ["State:", "Z", "(zombie)"] for line in status)
    except FileNotFoundError:
        return True


@requires_soffice
@requires_uno
def test_the_server_does_not_outlive_its_app_process():
    import subprocess
    import time

    done = subprocess.run([sys.executable, "-c", ORPHAN_SCRIPT], capture_output=True, text=True, check=True,
                          cwd=office.Path(__file__).resolve().parents[2], timeout=180)  # fmt: skip
    server = int(done.stdout.split()[-1])
    for _ in range(60):  # the watcher looks every second
        if _gone(server):
            break
        time.sleep(0.5)
    assert _gone(server)


def test_one_conversion_at_a_time(monkeypatch, full_protocol):
    """While a conversion holds the server, another waits for it (up to its timeout) and
    never reaches the server meanwhile."""
    converter = office.WarmConverter()
    reached = []
    monkeypatch.setattr(converter, "_proxy", lambda timeout: reached.append(timeout))
    monkeypatch.setattr(converter, "_start", lambda: reached.append("start"))
    with converter.lock:  # a conversion under way
        with pytest.raises(pdf.ConversionError, match="не успел преобразовать документ за 0.2 с"):
            converter.convert_to_pdf(full_protocol, timeout=0.2)
    assert reached == []


def test_a_workers_start_starts_the_server_without_waiting_for_it(monkeypatch):
    """The first PDF after a restart should not wait for LibreOffice: a gunicorn worker
    starts it as it starts, in a thread — the worker goes on at once."""
    office.stop_all()
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: "/usr/bin/soffice")
    starting, release = threading.Event(), threading.Event()
    starts = []

    def start(converter):  # a LibreOffice that takes its time to start
        starts.append(converter)
        starting.set()
        release.wait(60)

    monkeypatch.setattr(office.WarmConverter, "_start", start)
    try:
        worker_start(WARM_START)
        assert starting.wait(60)
        assert not release.is_set()  # the hook has returned while the server is still starting
        release.set()
        with office.converter().lock:  # the start done
            assert starts == [office.converter()]
    finally:
        release.set()
        office.stop_all()


@pytest.mark.parametrize(
    "config", [{**WARM_START, "TESTING": True}, {**WARM_START, "DOCUMENTS_PDF_WARM_START": False},
               {**WARM_START, "DOCUMENTS_PDF_SERVER": False}],
    ids=["tests", "warm-start-off", "server-off"],
)  # fmt: skip
def test_no_start_at_the_workers_start_in_tests_or_when_turned_off(monkeypatch, config):
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: "/usr/bin/soffice")
    monkeypatch.setattr(office.WarmConverter, "_start", lambda converter: pytest.fail("started"))
    assert office.warm_up_in_background(config) is None
    worker_start(config)


def test_no_start_at_the_workers_start_without_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda configured=None: None)
    monkeypatch.setattr(office.WarmConverter, "_start", lambda converter: pytest.fail("started"))
    assert office.warm_up_in_background(WARM_START) is None


@requires_soffice
@requires_uno
def test_the_first_pdf_after_a_workers_start_finds_the_server_running(full_protocol, cold_runs):
    office.stop_all()
    try:
        office.warm_up_in_background(WARM_START).join(120)
        warm = office.converter()
        assert warm.alive() and warm.starts == 1
        assert_pdf(office.convert_to_pdf(full_protocol))
        assert warm.starts == 1 and cold_runs == []  # the server started at the worker's start
    finally:
        office.stop_all()


@requires_soffice
def test_a_failed_start_at_the_workers_start_leaves_the_cold_run(monkeypatch, full_protocol, cold_runs):
    """No uno: the warm-up gives up quietly, and the first PDF runs cold at once."""
    office.stop_all()
    monkeypatch.setattr(office, "python_with_uno", lambda configured: None)
    try:
        office.warm_up_in_background({**WARM_START, "DOCUMENTS_PDF_PYTHON": "no-uno"}).join(60)
        warm = office.converter(None, "no-uno")
        assert warm.unavailable_until > 0 and warm.starts == 0
        assert_pdf(office.convert_to_pdf(full_protocol, python="no-uno"))
        assert cold_runs == [full_protocol] and warm.starts == 0
    finally:
        office.stop_all()
