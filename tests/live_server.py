"""A real server for browser tests: a fresh SQLite database prepared by the test,
served by `flask run` in a subprocess on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TEST_OUTPUT = REPO / "test-output"
SETTINGS = {"SECRET_KEY": "browser-test", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
# A module of browser tests: ``pytestmark = BROWSER_TESTS``.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
SECRETARY = ("secretary@cluster.local", "browser-password-1")  # e-mail, password


def signed_in_fixtures(prepare, account=SECRETARY, role="secretary"):
    """A module's fixtures ``live`` (its server, once per module, with the data of
    ``prepare()`` and the ``account`` of that ``role``) and ``page`` (a browser signed in
    with it): ``live, page = signed_in_fixtures(_prepare)``."""

    def prepared():
        from cluster_intranet.auth.services import create_user

        data = prepare()
        create_user(*account, role)
        return data

    @pytest.fixture(scope="module")
    def live(tmp_path_factory):
        with serve(tmp_path_factory.mktemp("live"), prepared) as served:
            yield served

    # Signed in once per server (a module's): more than ten sign-ins of one account a minute
    # meet the login limit (LOGIN_RATE_LIMIT), a 429 instead of the home page.
    cookies: dict[str, dict] = {}

    @pytest.fixture
    def page(live, request):
        if live[0] not in cookies:
            cookies[live[0]] = signed_in_state(live[0], *account)
        with browser_page(request, storage_state=cookies[live[0]]) as page:
            yield page

    return live, page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(folder: Path, prepare):
    """Builds the database with ``prepare()`` (in an app context, migrations applied,
    committed afterwards), serves it, yields (base URL, database URL, what prepare returned)."""
    from flask_migrate import upgrade

    from cluster_intranet import create_app
    from cluster_intranet.extensions import db

    database = f"sqlite:///{folder / 'browser.sqlite'}"
    app = create_app({**SETTINGS, "DATABASE_URL": database})
    with app.app_context():
        upgrade()
        prepared = prepare()
        db.session.commit()
        db.engine.dispose()

    port = free_port()
    env = {**os.environ, **SETTINGS, "DATABASE_URL": database, "INSTANCE_PATH": str(folder)}
    # The server's log (a line per request) goes to a file: a pipe nobody reads fills up
    # after some hundreds of requests and the server stops, blocked on writing its log.
    log = open(folder / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a loaded CI machine starts it slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(
                "the server did not start: " + (folder / "server.log").read_text(errors="replace")[-4000:]
            )
        yield base, database, prepared
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@contextlib.contextmanager
def browser_page(request, signed_in: tuple[str, str, str] | None = None, storage_state: dict | None = None):
    """A headless Debian chromium page, signed in when given (base url, e-mail, password), or
    with the cookies of a session signed in before (``storage_state``); a screenshot in
    test-output/ if the test fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(
            viewport={"width": 1366, "height": 900}, accept_downloads=True, storage_state=storage_state
        )
        try:
            if signed_in:
                sign_in(page, *signed_in)
            yield page
        finally:
            report = getattr(request.node, "rep_call", None)
            if report is None or report.failed:
                TEST_OUTPUT.mkdir(exist_ok=True)
                page.screenshot(path=str(TEST_OUTPUT / f"{request.node.name}.png"), full_page=True)
            browser.close()


def signed_in_state(base: str, email: str, password: str) -> dict:
    """The cookies of a session signed in once, for pages of several tests (Playwright's
    storage state)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            sign_in(page, base, email, password)
            return page.context.storage_state()
        finally:
            browser.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


# The words of the page's elements matched by a selector that the browser printed on two
# lines («Опублик/овано», «1./1»); a hyphenated word may break after its hyphen.
BROKEN_WORDS = """selector => {
    const broken = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/[^\\s\\-–—]+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(word[0]);
            }
        }
    }
    return broken;
}"""


def broken_words(page, selector: str) -> list[str]:
    """The words in ``selector``'s elements broken across lines, at phone and desktop widths."""
    broken = []
    size = page.viewport_size
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        broken += page.evaluate(BROKEN_WORDS, selector)
    page.set_viewport_size(size)
    return broken
