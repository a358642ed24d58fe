"""Feed tokens never reach a log: the dev server's, the app's, gunicorn's."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from cluster_intranet.calendar.redaction import RedactFeedTokens, redact

REPO_ROOT = Path(__file__).resolve().parents[2]
BOOT_SECONDS = 120  # a loaded machine may take long to import the app; an idle one takes a second or two


def test_redact():
    token = "AbC-_123" * 5 + "xyz"
    assert redact(f"GET /calendar/feed/{token}/all.ics HTTP/1.1") == "GET /calendar/feed/[redacted]/all.ics HTTP/1.1"
    assert redact(f"webcal://host/calendar/feed/{token}/mine.ics") == "webcal://host/calendar/feed/[redacted]/mine.ics"
    assert redact("GET /calendar/ HTTP/1.1") == "GET /calendar/ HTTP/1.1"
    assert token not in redact(f"/calendar/feed/{token}")


def test_filter_rewrites_arguments_and_tracebacks():
    token = "t" * 43
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"%s" %s', (f"GET /calendar/feed/{token}/all.ics", 200), None
    )
    try:
        raise RuntimeError(f"failed on /calendar/feed/{token}/all.ics")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactFeedTokens().filter(record)
    text = logging.Formatter().format(record)
    assert token not in text
    assert '"GET /calendar/feed/[redacted]/all.ics" 200' in text
    assert "RuntimeError: failed on /calendar/feed/[redacted]/all.ics" in text


def test_dev_server_and_app_logs(world, app, caplog, monkeypatch):
    """A real request through werkzeug's server, and the app's own error log."""
    # Alembic's logging setup (the app fixture migrates) disables the loggers that
    # existed then; a served app has them on.
    for logger in (logging.getLogger("werkzeug"), app.logger):
        monkeypatch.setattr(logger, "disabled", False)
    token = world.tokens["lead"]
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    caplog.set_level(logging.INFO)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/calendar/feed/{token}/all.ics"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/calendar/feed/{token}/nothing.ics")
    finally:
        server.shutdown()
        thread.join()
    app.logger.error("Exception on /calendar/feed/%s/all.ics [GET]", token)

    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "/calendar/feed/[redacted]/all.ics" in text  # the requests were logged...
    assert "/calendar/feed/[redacted]/nothing.ics" in text
    assert token not in text  # ...without the token


@pytest.mark.slow
def test_gunicorn_access_log(world, app, tmp_path):
    """gunicorn started as deploy/gunicorn.conf.py says, with its access log in a file.

    Robust on a busy machine: the test binds the listening socket itself and hands it to
    gunicorn (``fd://``), so no other process can take the port between choosing and
    binding it, and the request simply waits in the socket's backlog while gunicorn
    boots, however long that takes (no polling with short timeouts). gunicorn writes an
    access line after the response has gone out: the test waits for the line before
    stopping the server.
    """
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed")
    token = world.tokens["lead"]
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    expected = '"GET /calendar/feed/[redacted]/all.ics HTTP/1.1" 200'
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "test-secret",
        "PUBLIC_BASE_URL": "http://intranet.test",
        "INSTANCE_PATH": str(tmp_path),
        "DOCUMENTS_PDF_WARM_START": "0",  # no LibreOffice started for this log's sake
    }
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/calendar/feed/{token}/all.ics"
        process = subprocess.Popen(
            [gunicorn, "-c", "deploy/gunicorn.conf.py", "--bind", f"fd://{listener.fileno()}", "--workers", "1",
             "--access-logfile", str(access), "--error-logfile", str(errors), "--no-control-socket", "wsgi:app"],
            cwd=REPO_ROOT, env=env, pass_fds=[listener.fileno()],
        )  # fmt: skip
        try:
            try:
                with urllib.request.urlopen(url, timeout=BOOT_SECONDS) as response:
                    assert response.status == 200
                    assert response.read().startswith(b"BEGIN:VCALENDAR")
            except OSError as error:  # URLError, a timeout, a reset: say what gunicorn said
                raise AssertionError(f"gunicorn did not answer ({error!r}):\n{_read(errors)}") from error
            deadline = time.monotonic() + BOOT_SECONDS
            while expected not in _read(access) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)  # above the graceful timeout of deploy/gunicorn.conf.py (30 s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    log = _read(access)
    assert expected in log
    assert token not in log
    assert token not in _read(errors)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""
