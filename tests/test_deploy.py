"""The nginx site and the systemd units of deploy/: nginx's own error pages are the app's, in Russian;
the systemd units: each timer starts a service of its own name,
each service runs a command the app has, each calendar expression is one systemd reads;
and the mail queue has a timer (what the background thread could not send goes out)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SYSTEMD = REPO / "deploy" / "systemd"
NGINX_SITE = REPO / "deploy" / "nginx" / "cluster-intranet.conf"
FLASK_COMMAND = re.compile(r"^ExecStart=\S*/flask --app wsgi ([\w-]+)", re.MULTILINE)


def settings(path: Path, key: str) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith(f"{key}=")]


def timers() -> list[Path]:
    return sorted(SYSTEMD.glob("*.timer"))


def test_each_timer_starts_a_service_that_runs_a_command_of_the_app(app):
    assert timers()
    for timer in timers():
        service = timer.with_suffix(".service")
        assert service.exists(), f"{timer.name} starts {service.name}, which is not shipped"
        [command] = FLASK_COMMAND.findall(service.read_text())
        assert command in app.cli.commands, f"{service.name} runs «flask {command}», which the app does not have"
        assert settings(service, "EnvironmentFile") == ["/etc/cluster-intranet/env"]


def test_the_mail_queue_is_sent_every_few_minutes():
    """Messages a request queued wait for the next run when the app could not send them
    (the SMTP server down, the worker restarted in the middle): a timer sends them."""
    [timer] = [t for t in timers() if FLASK_COMMAND.findall(t.with_suffix(".service").read_text()) == ["send-mail"]]
    assert settings(timer, "OnCalendar") == ["*:0/10"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze")
def test_systemd_reads_every_calendar_expression():
    for timer in timers():
        for expression in settings(timer, "OnCalendar"):
            done = subprocess.run(["systemd-analyze", "calendar", expression], capture_output=True, text=True)
            assert done.returncode == 0, f"{timer.name}: {expression}: {done.stderr}"


def test_nginx_answers_an_upload_over_its_limit_with_a_russian_page_of_the_app():
    """An upload over client_max_body_size never reaches the app: nginx answers 413 with the
    page it names, served from static/ (the /static/ location) with no outside resource."""
    site = NGINX_SITE.read_text()
    (page,) = re.findall(r"^\s*error_page\s+413\s+(\S+);", site, re.MULTILINE)
    assert page.startswith("/static/") and "location /static/" in site
    html = (REPO / page.lstrip("/")).read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and "Файл слишком большой" in html and "50 МБ" in html
    for resource in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert resource.startswith("/"), resource  # nothing from the internet
        assert (REPO / resource.lstrip("/")).exists() or resource == "/", resource
