"""PDF quickly: a long-lived LibreOffice behind unoserver, the cold ``soffice`` run of
pdf.py when it cannot be had.

A cold ``soffice --convert-to`` starts LibreOffice for each document (2.5–4 s); a warm
one converts the same document in a fraction of that. unoserver's server needs
LibreOffice's Python ``uno`` module, which Debian ships for the system Python
(``python3-uno``), not for the app's virtualenv: the server runs as a child process under
the interpreter that has ``uno`` (/usr/bin/python3 by default) and the app talks to it
over XML-RPC, which needs nothing but the standard library.

Each app process has one ``WarmConverter``, started as a gunicorn worker starts (in a
thread: ``warm_up_in_background``) or else on first use (after a gunicorn fork, never
inherited), restarted when it has died, doing one conversion at a time; a
conversion longer than the timeout kills it (the next one starts a new one) and answers
pdf.py's error. When the server cannot be started (no ``uno``, no unoserver, LibreOffice
missing) the conversion runs cold, and the warm start is tried again a minute later.
"""

from __future__ import annotations

import atexit
import http.client
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

from . import pdf
from .pdf import ConversionError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60  # unoserver waits ~7 s by itself, then LibreOffice loads
RETRY_START_AFTER_S = 60  # after a failed start, cold conversions for this long
PYTHON_CANDIDATES = ("/usr/bin/python3", "python3")
# What the warm-up converts: a protocol's template, with the fonts and tables of real ones.
WARM_UP_DOCUMENT = Path(__file__).with_name("default_templates") / "protocol_full.docx"


# Runs unoserver's server under the interpreter with ``uno``, watching the app process
# that started it: if that one dies without stopping it (SIGKILL, SIGTERM to a process
# that does not run its exit handlers), the server and its LibreOffice go too.
LAUNCHER = """
import os, runpy, signal, sys, threading, time
owner = int(sys.argv.pop(1))
def watch():
    while True:
        time.sleep(1)
        if os.getppid() != owner:
            os.killpg(0, signal.SIGKILL)
threading.Thread(target=watch, daemon=True).start()
sys.argv[0] = "unoserver"
runpy.run_module("unoserver.server", run_name="__main__", alter_sys=True)
"""


class ServerUnavailable(RuntimeError):
    """The warm server cannot be started here: convert cold instead."""


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_with_uno(configured: str | None) -> str | None:
    """An interpreter that can import ``uno``: the configured one, or the system's."""
    candidates = (configured,) if configured else PYTHON_CANDIDATES
    for candidate in candidates:
        try:
            done = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    return None


def _unoserver_path(shim: Path) -> Path:
    """A folder holding only the unoserver package (and its metadata, which it reads
    for its version), to put on the server interpreter's path: the whole virtualenv
    would shadow that interpreter's own modules."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        raise ServerUnavailable("unoserver is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    shim.mkdir(exist_ok=True)
    for entry in [package, *package.parent.glob("unoserver-*.dist-info")]:
        link = shim / entry.name
        if not link.exists():
            link.symlink_to(entry, target_is_directory=True)
    return shim


class WarmConverter:
    """One unoserver (and its LibreOffice) owned by this process."""

    def __init__(self, soffice_setting: str | None = None, python_setting: str | None = None):
        self.soffice_setting = soffice_setting
        self.python_setting = python_setting
        self.lock = threading.Lock()  # one conversion at a time
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.workdir: tempfile.TemporaryDirectory | None = None
        self.unavailable_until = 0.0
        self.starts = 0  # how many servers this converter has started (tests, logs)

    # -- the server's life ---------------------------------------------------------------

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _start(self) -> None:
        soffice = pdf.soffice_path(self.soffice_setting)
        if soffice is None:
            raise ServerUnavailable("LibreOffice is not installed")
        python = python_with_uno(self.python_setting)
        if python is None:
            raise ServerUnavailable("no Python with LibreOffice's uno module (Debian: python3-uno)")
        self.workdir = tempfile.TemporaryDirectory(prefix="unoserver-", ignore_cleanup_errors=True)
        work = Path(self.workdir.name)
        shim = _unoserver_path(work / "lib")
        self.port, uno_port = _free_port(), _free_port()
        command = [
            python, "-c", LAUNCHER, str(os.getpid()),
            "--interface", "127.0.0.1", "--port", str(self.port), "--uno-port", str(uno_port),
            "--executable", soffice, "--user-installation", str(work / "profile"), "--quiet",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(shim), "PYTHONNOUSERSITE": "1"}
        env.pop("PYTHONHOME", None)
        # A session of its own: a timeout kills the server and its LibreOffice together.
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.alive():
                self.stop()
                raise ServerUnavailable("unoserver exited while starting")
            try:
                self._proxy(5).info()
                log.info("unoserver started on port %s (pid %s)", self.port, self.process.pid)
                return
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                time.sleep(0.25)
        self.stop()
        raise ServerUnavailable(f"unoserver did not answer within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        """Kills the server and its LibreOffice (the whole process group)."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_TimeoutTransport(timeout), allow_none=True
        )

    def _ensure_started(self) -> None:
        """A server running (the caller holds the lock); ServerUnavailable when none can be
        had now: then none is tried again for RETRY_START_AFTER_S."""
        if self.alive():
            return
        if time.monotonic() < self.unavailable_until:
            raise ServerUnavailable("the last start failed")
        self.stop()
        try:
            self._start()
        except ServerUnavailable as error:
            self.unavailable_until = time.monotonic() + RETRY_START_AFTER_S
            log.warning("PDF conversions run cold: %s", error)
            raise

    def warm_up(self) -> None:
        """Starts the server before any PDF is asked (an app process's start, in a thread)
        and has it convert a document of its own: LibreOffice loads Writer, the fonts and
        the PDF export on its first document (0.5–1 s), which the first user's PDF then
        does not. A PDF asked meanwhile waits for this, one asked after it does not."""
        with self.lock:
            try:
                self._ensure_started()
                self._convert(WARM_UP_DOCUMENT.read_bytes(), START_TIMEOUT_S)
            except (ServerUnavailable, ConversionError) as error:
                log.warning("LibreOffice's warm-up failed: %s", error)  # the PDFs start it again or run cold

    # -- conversions ---------------------------------------------------------------------

    def convert_to_pdf(self, docx_bytes: bytes, timeout: float) -> bytes:
        """The .docx as PDF bytes; ServerUnavailable when there is no warm server to be had."""
        started = time.monotonic()
        if not self.lock.acquire(timeout=timeout):
            raise ConversionError(f"LibreOffice не успел преобразовать документ за {timeout:g} с.")
        try:
            self._ensure_started()
            return self._convert(docx_bytes, timeout, left=max(timeout - (time.monotonic() - started), 0.01))
        finally:
            self.lock.release()

    def _convert(self, docx_bytes: bytes, timeout: float, left: float | None = None) -> bytes:
        """One conversion by the running server (the caller holds the lock), given ``left``
        of its ``timeout`` seconds."""
        try:
            result = self._proxy(timeout if left is None else left).convert(
                None, xmlrpc.client.Binary(docx_bytes), None, "pdf", "writer_pdf_Export"
            )
        except TimeoutError:
            self.stop()  # stuck on this document: the next conversion starts afresh
            raise ConversionError(f"LibreOffice не успел преобразовать документ за {timeout:g} с.") from None
        except (OSError, http.client.HTTPException) as error:
            self.stop()  # died under the conversion
            raise ServerUnavailable(f"unoserver failed: {error}") from error
        except xmlrpc.client.Fault as error:
            raise ConversionError(f"LibreOffice не смог преобразовать документ: {error.faultString[-500:]}") from None
        return result.data


_converters: dict[tuple, WarmConverter] = {}
_converters_lock = threading.Lock()
_owner_pid = os.getpid()


def converter(soffice_setting: str | None = None, python_setting: str | None = None) -> WarmConverter:
    """This process's converter for these settings (a forked worker gets its own)."""
    global _owner_pid
    with _converters_lock:
        if os.getpid() != _owner_pid:  # forked: the parent's servers are not ours
            _converters.clear()
            _owner_pid = os.getpid()
        key = (soffice_setting, python_setting)
        if key not in _converters:
            _converters[key] = WarmConverter(soffice_setting, python_setting)
        return _converters[key]


def warm_up_in_background(config) -> threading.Thread | None:
    """At an app process's start (gunicorn's post_worker_init): starts this process's
    server in a thread, so that the first PDF after a (re)start is as quick as the next
    ones, when PDFs go through it (DOCUMENTS_PDF_SERVER, DOCUMENTS_PDF_WARM_START,
    LibreOffice installed) — never in tests (TESTING). The thread, or None."""
    if config.get("TESTING") or not (config.get("DOCUMENTS_PDF_SERVER") and config.get("DOCUMENTS_PDF_WARM_START")):
        return None
    if pdf.soffice_path(config.get("SOFFICE_PATH")) is None:
        return None
    warm = converter(config.get("SOFFICE_PATH"), config.get("DOCUMENTS_PDF_PYTHON"))
    thread = threading.Thread(target=warm.warm_up, name="pdf-warm-up", daemon=True)
    thread.start()
    return thread


@atexit.register
def stop_all() -> None:
    """Stops this process's servers and forgets them: the next conversion starts anew."""
    with _converters_lock:
        if os.getpid() == _owner_pid:
            for warm in _converters.values():
                warm.stop()
        _converters.clear()


def convert_to_pdf(
    docx_bytes: bytes,
    timeout: float = 60,
    soffice: str | None = None,
    python: str | None = None,
    warm: bool = True,
) -> bytes:
    """The .docx as PDF bytes: through this process's warm LibreOffice, or, when it
    cannot be had, a cold ``soffice`` run (pdf.convert_to_pdf). Raises ConversionError."""
    if warm:
        started = time.monotonic()
        try:
            return converter(soffice, python).convert_to_pdf(docx_bytes, timeout)
        except ServerUnavailable:
            timeout = max(timeout - (time.monotonic() - started), 1)
    return pdf.convert_to_pdf(docx_bytes, timeout=timeout, soffice=soffice)
