"""The client side: a signed-in session, single timed requests, and the load generator.

The load generator runs in a process of its own (``python -m bench.client``, or
``wrk`` when it is installed) so that it does not share the interpreter with the
harness. It is bounded both in time and in the number of requests.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# How long a request under load may take before it counts as failed, for either loader
# (wrk's own default is 2 s).
LOAD_TIMEOUT_S = 30


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def query_count(self) -> int | None:
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None


class Session:
    """One keep-alive connection with a cookie jar: what a browser tab does."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            raw = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the connection while it sat idle (gunicorn keeps one alive for
            # 2 s): reconnect and send again, as browsers do.
            self.conn.close()
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            raw = self.conn.getresponse()
        content = raw.read()
        seconds = time.perf_counter() - started
        for value in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return Response(
            raw.status, {k.lower(): v for k, v in raw.getheaders()}, content.decode("utf-8", "replace"), seconds
        )

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def csrf_token(self, path: str = "/") -> str:
        """The CSRF token of a form on the page at ``path``, as a browser would post it back
        (signed in, every page has one: the sign-out form)."""
        page = self.get(path)
        token = CSRF_FIELD.search(page.body)
        if page.status != 200 or token is None:
            raise RuntimeError(f"no form with a CSRF token at {path} (HTTP {page.status})")
        return token.group(1)

    def login(self, email: str, password: str) -> None:
        form = urllib.parse.urlencode({"csrf_token": self.csrf_token("/login"), "email": email, "password": password})
        answer = self.request("POST", "/login", form, FORM)
        if answer.status != 303:
            errors = re.findall(r'class="invalid-feedback">([^<]*)', answer.body)
            raise RuntimeError(f"login as {email} failed: HTTP {answer.status} {' '.join(errors)}")

    def close(self) -> None:
        self.conn.close()


@dataclass
class LoadResult:
    requests: int
    errors: int  # answers other than 200, and failed connections
    seconds: float
    error_kinds: str = ""  # what the errors were, e.g. "HTTP 503: 1", for the report

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def load(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    seconds: float,
    connections: int,
    max_requests: int,
    loader: str = "python",
    method: str = "GET",
    body: str | None = None,
) -> LoadResult:
    """Requests per second of ``path`` from a second process on 127.0.0.1 (``body``: sent
    with every request, e.g. a POST's form)."""
    url = f"http://127.0.0.1:{port}{path}"
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    if loader == "wrk":
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(wrk_script(method, body))
            script.flush()
            command = [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={LOAD_TIMEOUT_S}s",
                "-s",
                script.name,
                *header_args,
                url,
            ]
            return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    command = [
        sys.executable,
        "-m",
        "bench.client",
        url,
        "--seconds",
        str(seconds),
        "--connections",
        str(connections),
        "--max-requests",
        str(max_requests),
        "--method",
        method,
        *header_args,
    ]
    if body is not None:
        command += ["--data", body]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return LoadResult(**json.loads(output))


def wrk_script(method: str, body: str | None) -> str:
    """wrk's Lua set-up for the request's method and body (headers go on its command line)."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    return "\n".join(lines) + "\n"


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def choose_loader(wanted: str) -> str:
    if wanted == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return wanted


def parse_wrk(output: str) -> LoadResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not done:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[done.group(3)]
    kinds = {"non-2xx": sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))}
    socket_errors = re.search(r"Socket errors:(.*)", output)  # "connect 0, read 0, write 0, timeout 1"
    if socket_errors:
        kinds |= {kind: int(n) for kind, n in re.findall(r"(\w+) (\d+)", socket_errors.group(1))}
    return LoadResult(int(done.group(1)), sum(kinds.values()), float(done.group(2)) * scale, _describe(kinds))


def _describe(kinds: dict[str, int]) -> str:
    return ", ".join(f"{kind}: {n}" for kind, n in kinds.items() if n)


# --- the pure-Python load generator (its own process) ----------------------------


def _worker(
    host: str,
    port: int,
    method: str,
    path: str,
    body: str | None,
    headers: dict,
    deadline: float,
    tickets,
    results: list,
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=LOAD_TIMEOUT_S)
    done, errors = 0, collections.Counter()
    while time.perf_counter() < deadline and next(tickets, None) is not None:
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors[f"HTTP {response.status}"] += 1
        except (OSError, http.client.HTTPException) as error:
            errors[type(error).__name__] += 1
            conn.close()  # reconnects on the next request
        done += 1
    conn.close()
    results.append((done, errors))


def run_python_load(
    url: str,
    headers: dict,
    seconds: float,
    connections: int,
    max_requests: int,
    method: str = "GET",
    body: str | None = None,
) -> LoadResult:
    """``connections`` keep-alive connections in threads, for ``seconds`` or ``max_requests``."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tickets = iter(range(max_requests))  # shared: next() on it is atomic under the GIL
    results: list[tuple[int, collections.Counter]] = []
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=_worker,
            args=(parts.hostname, parts.port, method, path, body, headers, started + seconds, tickets, results),
        )
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    errors = sum((r[1] for r in results), collections.Counter())
    return LoadResult(sum(r[0] for r in results), sum(errors.values()), elapsed, _describe(errors))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.client", description="One URL under load; prints JSON.")
    parser.add_argument("url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--data", help="the body of every request (e.g. a POST's url-encoded form)")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("-H", "--header", action="append", default=[], help='"Name: value"')
    args = parser.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in args.header)
    result = run_python_load(
        args.url, headers, args.seconds, args.connections, args.max_requests, args.method, args.data
    )
    json.dump(result.__dict__, sys.stdout)


if __name__ == "__main__":
    main()
