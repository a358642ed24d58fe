"""`flask --app wsgi remind`: the daily e-mail digest of assignments (cron or a systemd timer)."""

from __future__ import annotations

import click
from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from .. import clock, mail
from ..extensions import db
from . import bp, reminders


@bp.cli.command("remind")
@click.option(
    "--days",
    "within_days",
    default=7,
    show_default=True,
    type=click.IntRange(0, 365),
    help="Напоминать о сроках, до которых осталось не больше стольких дней.",
)
@click.option("--dry-run", is_flag=True, help="Только показать, кому ушли бы письма.")
def remind(within_days: int, dry_run: bool) -> None:
    """Разослать ответственным исполнителям письма о просроченных и близких сроках (не чаще раза в день)."""
    today = clock.local_today()
    digests, without_email = reminders.pending_digests(today, within_days)
    for person in without_email:
        click.echo(f"Нет e-mail в справочнике: {person.short_name}", err=True)
    if dry_run or not digests:
        for digest in digests:
            click.echo(f"{digest.person.short_name} <{digest.person.email}>: {digest.count}")
        click.echo(f"Писем к отправке: {len(digests)}." if dry_run else "Сегодня напоминать некому.")
        return

    # Links point where users reach the intranet, whatever host runs this command.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):

        def link(endpoint: str, values: dict) -> str:
            return url_for(endpoint, _external=True, **values)

        queued = {}
        for digest in digests:
            message = reminders.build_message(digest, today, within_days, link)
            try:
                # Recorded and queued together: a digest is queued once a day, and the
                # queue sends each message once (mail.py).
                row = reminders.record_digest(digest, today, message)
                db.session.commit()
            except IntegrityError:  # another run queued it meanwhile
                db.session.rollback()
            else:
                if row is not None:
                    queued[row.id] = digest.person
    report = mail.send_queued(list(queued))
    for message_id in report.refused:
        person = queued[message_id]
        reminders.forget_digest(person.id, today)
        db.session.commit()
        click.echo(f"Адрес отклонён сервером: {person.short_name} <{person.email}>", err=True)
    for message_id in report.failed:
        person = queued[message_id]
        click.echo(f"Не удалось отправить: {person.short_name} <{person.email}> (повторит flask send-mail)", err=True)
    click.echo(f"Отправлено писем: {len(report.sent)}.")
