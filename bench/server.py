"""The app served by gunicorn on 127.0.0.1, as in production, with the benchmark switches on."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_control_socket() -> list[str]:
    """Recent gunicorn listens on one control socket per user (~/.gunicorn/gunicorn.ctl):
    a command meant for another gunicorn on the machine could stop the benchmark's."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


class Server:
    """``with Server(database_url, ...) as server:`` serves the app at ``server.port``."""

    def __init__(
        self,
        database_url: str,
        *,
        secret_key: str,
        instance_path: Path,
        log_path: Path,
        workers: int = 1,
        threads: int = 4,
        keep_alive: int = 2,
    ):
        self.database_url = database_url
        self.secret_key = secret_key
        self.instance_path = instance_path
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.keep_alive = keep_alive  # seconds an idle connection stays open (gunicorn's default)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
            "INSTANCE_PATH": str(self.instance_path),
            "BENCH_ROUTES": "1",
            "COUNT_QUERIES": "1",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            # gthread keeps connections alive, as a proxy in front of it would.
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            str(self.keep_alive),
            "--error-logfile",
            str(self.log_path),
            *_no_control_socket(),
            "wsgi:app",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {self.process.returncode}:\n{self.log_tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
