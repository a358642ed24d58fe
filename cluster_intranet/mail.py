"""All outgoing mail: reminder digests and meeting invitations go through here.

A message is first *queued*: built whole (headers, body, attachments), stored as bytes
in ``outgoing_messages`` under a key that says what it is (the same key twice is the
same message: queued once), and committed with whatever made it due. Sending is
separate and runs outside any request (``flask --app wsgi send-mail``, the reminder
command, or a thread started after the request that queued them, ``init_app``):

- a message is *claimed* before it is sent (status ``sending``, committed), and marked
  ``sent`` right after the SMTP server accepted it (committed again): a crash between
  two recipients leaves the sent ones sent and the others queued, so a later run sends
  nobody twice. A crash in the instant between the server's acceptance and the second
  commit leaves the message ``sending``; it is never sent again by itself (the page
  shows it as «не известно»), since a duplicate is what this module exists to prevent;
- a failed send (a 4xx answer, a connection lost under it) is tried again, a few times
  at once and then on each later run, up to MAIL_MAX_ATTEMPTS; a server that cannot be
  reached at all (refused, timed out, TLS or login failed) stops the run and costs the
  messages none of their attempts: an outage of any length loses nothing, each later
  run (``flask send-mail``, every 10 minutes by deploy/systemd's timer) tries again;
- an address the server refuses (5xx) is ``refused``: not tried again, and its key is
  freed, so the same message may be queued again once the address is corrected.
"""

from __future__ import annotations

import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.headerregistry import Address
from email.policy import SMTP, EmailPolicy

import click
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import clock
from .directory.models import Person
from .extensions import db
from .model_mixins import UTCDateTime


class OutgoingMessage(db.Model):
    __tablename__ = "outgoing_messages"
    __table_args__ = {"info": {"label": "исходящие письма"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # what the message is: one of each
    kind: Mapped[str] = mapped_column(String(30), index=True)  # "digest", "invitation"
    recipient: Mapped[str] = mapped_column(String(320))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the sender's own facts (an invitation's method…)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the whole message, as sent
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person | None] = relationship()


QUEUED, SENDING, SENT, FAILED, REFUSED, UNKNOWN = "queued", "sending", "sent", "failed", "refused", "unknown"
INVITATION = "invitation"  # the kind of a meeting's invitations (invitations/services.py)
DUE = (QUEUED, FAILED)
STATUS_LABELS = {
    QUEUED: "в очереди",
    SENDING: "отправляется",
    SENT: "отправлено",
    FAILED: "не удалось отправить",
    REFUSED: "адрес отклонён сервером",
    UNKNOWN: "сбой во время отправки: не известно, дошло ли письмо",
}
STALE_SENDING = timedelta(minutes=10)  # a send takes seconds: still «sending» after this, its sender died


def status_of(message: OutgoingMessage) -> str:
    """The message's status as a reader should see it: a send whose process died is UNKNOWN."""
    if message.status == SENDING and message.claimed_at and clock.utcnow() - message.claimed_at > STALE_SENDING:
        return UNKNOWN
    return message.status


RETRY_PAUSE_S = (1, 3)  # pauses between the attempts of one run
# Headers unfolded up to RFC 5322's 998: Python 3.11 folds a long Russian subject into
# encoded words with the space between two words outside them, where readers drop it
# («заседаниеСовета»).
WIRE = SMTP.clone(max_line_length=998)
# Bodies are encoded 7-bit (base64 or quoted-printable, never raw UTF-8): a relay without
# 8BITMIME passes the message unchanged, the iMIP part included.


def one_line(text: str) -> str:
    """``text`` for a header (or a calendar parameter): its lines joined by spaces. A header
    cannot hold a line break — Python refuses one (any Unicode line break: \\n, U+2028, NEL),
    so a council's or a person's name stored with one would stop every message naming it."""
    return " ".join(text.split())


class _OneLineHeaders(EmailPolicy):
    """The default policy, with every header given as text made one line."""

    def header_store_parse(self, name, value):
        return super().header_store_parse(name, one_line(value) if isinstance(value, str) else value)


SEVEN_BIT = _OneLineHeaders(cte_type="7bit")


def new_message() -> EmailMessage:
    """An empty message for ``queue``: every body part added to it is encoded 7-bit, every
    header one line."""
    return EmailMessage(policy=SEVEN_BIT)


def address(name: str, email: str) -> Address:
    """A mailbox for From, To or Reply-To: the name one line (an Address refuses a line break)."""
    return Address(display_name=one_line(name), addr_spec=email.strip())


def init_app(app: Flask) -> None:
    app.cli.add_command(send_mail_command)

    @app.after_request
    def send_what_the_request_queued(response):
        """What a request queued, committed with its change, goes out from a thread after
        it; a refused change (4xx, 5xx) was rolled back with its messages."""
        queued = g.pop("queued_mail", None)
        if queued and response.status_code < 400:
            send_in_background(app, queued)
        return response


def queue(message: EmailMessage, *, key: str, kind: str, person_id: int | None = None,
          meeting_id: int | None = None, details: dict | None = None) -> OutgoingMessage | None:  # fmt: skip
    """Stores ``message`` to be sent (flushes; the caller commits); None if a message
    with this key is already queued or sent."""
    if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
        return None
    to = message["To"]
    row = OutgoingMessage(
        key=key, kind=kind, recipient=to.addresses[0].addr_spec if hasattr(to, "addresses") else str(to),
        person_id=person_id, meeting_id=meeting_id, subject=str(message["Subject"])[:500], details=details or {},
        content=message.as_bytes(policy=WIRE), status=QUEUED,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    send_after_request([row.id])
    return row


def send_after_request(message_ids: list[int]) -> None:
    """In a request: ``message_ids`` go out from a thread once it succeeded (init_app)."""
    if has_request_context():
        g.setdefault("queued_mail", []).extend(message_ids)


def smtp_connection() -> smtplib.SMTP:
    """A connection to the configured SMTP server (MAIL_* settings)."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)


def _claim(message_id: int) -> bool:
    """Marks a due message as being sent, committed; False if another sender has it."""
    claimed = db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id == message_id, OutgoingMessage.status.in_(DUE))
        .values(status=SENDING, attempts=OutgoingMessage.attempts + 1, claimed_at=clock.utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def _finish(message_id: int, **values) -> None:
    db.session.execute(update(OutgoingMessage).where(OutgoingMessage.id == message_id).values(**values))
    db.session.commit()


class Unreachable(Exception):
    """No connection to the SMTP server (refused, timed out, TLS or login failed): no
    fault of the message being sent."""


class Connection:
    """One SMTP connection for a run, opened when first needed and again after a failure."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def send(self, sender: str, recipient: str, content: bytes) -> None:
        if self.smtp is None:
            try:
                self.smtp = smtp_connection()
            except (smtplib.SMTPException, OSError) as failure:
                raise Unreachable(f"{type(failure).__name__}: {failure}") from failure
        try:
            self.smtp.sendmail(sender, [recipient], content)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def send_queued(message_ids: list[int] | None = None, *, progress=None) -> Report:
    """Sends the due messages (of ``message_ids``, or all), oldest first; commits after
    each one. ``progress(done, total)`` is called as they go."""
    config = current_app.config
    query = (
        select(OutgoingMessage.id)
        .where(OutgoingMessage.status.in_(DUE), OutgoingMessage.attempts < config["MAIL_MAX_ATTEMPTS"])
        .order_by(OutgoingMessage.id)
    )
    if message_ids is not None:
        query = query.where(OutgoingMessage.id.in_(message_ids))
    ids = list(db.session.scalars(query))
    db.session.commit()  # end the read: each message is claimed in a transaction of its own
    report, connection = Report(), Connection()
    try:
        for done, message_id in enumerate(ids, start=1):
            unreachable = _send_one(message_id, connection, report, config)
            if progress is not None:
                progress(done, len(ids))
            if unreachable:
                # The server is down: the others wait for the next run instead of each
                # taking its own retries now.
                rest = ids[done:]
                db.session.execute(
                    update(OutgoingMessage).where(OutgoingMessage.id.in_(rest), OutgoingMessage.status.in_(DUE))
                    .values(status=FAILED, error=unreachable)
                )  # fmt: skip
                db.session.commit()
                report.failed.extend(rest)
                break
    finally:
        connection.close()
    return report


def _send_one(message_id: int, connection: Connection, report: Report, config) -> str:
    """Sends one message, retrying a failure; the error if the server could not be
    reached at all (the run stops there), else ""."""
    if not _claim(message_id):
        return ""
    row = db.session.get(OutgoingMessage, message_id)
    sender, recipient, content, attempts = config["MAIL_SENDER"], row.recipient, row.content, row.attempts
    earlier_attempts = attempts - 1  # before the claim counted this run's first
    db.session.commit()
    error, unreachable, no_server = "", False, False
    for pause in (*RETRY_PAUSE_S, None):
        try:
            connection.send(sender, recipient, content)
        except Unreachable as failure:
            error, unreachable, no_server = str(failure), True, True
        except smtplib.SMTPRecipientsRefused as refusal:
            code, text = next(iter(refusal.recipients.values()), (550, b""))
            if 400 <= code < 500:  # a temporary refusal: greylisting, a full mailbox
                error, unreachable, no_server = f"{code} {text.decode('utf-8', 'replace')}", False, False
            else:
                # The key is freed: once the address is corrected the message may be queued again.
                _finish(message_id, status=REFUSED, error=f"{code} {text.decode('utf-8', 'replace')}"[:2000],
                        key=f"{row.key}#refused-{message_id}"[:300])  # fmt: skip
                report.refused.append(message_id)
                return ""
        except (smtplib.SMTPException, OSError) as failure:
            error, no_server = f"{type(failure).__name__}: {failure}", False
            # The server's answer to this message (a 4xx or 5xx to its MAIL FROM or DATA) is
            # this message's failure: the run goes on. A connection lost, or any other OSError
            # (every SMTPException is one), is the server's: the run stops.
            answered = isinstance(failure, smtplib.SMTPResponseException)
            unreachable = isinstance(failure, smtplib.SMTPConnectError) or not answered
        else:
            _finish(message_id, status=SENT, sent_at=clock.utcnow(), error="")
            report.sent.append(message_id)
            return ""
        if pause is None or attempts >= config["MAIL_MAX_ATTEMPTS"]:
            break
        time.sleep(pause * config["MAIL_RETRY_PAUSE_SCALE"])
        attempts += 1
        db.session.execute(update(OutgoingMessage).where(OutgoingMessage.id == message_id).values(attempts=attempts))
        db.session.commit()
    # No server to send to: this run's tries are not the message's (it keeps its attempts).
    _finish(message_id, status=FAILED, error=error[:2000], **({"attempts": earlier_attempts} if no_server else {}))
    report.failed.append(message_id)
    return error[:2000] if unreachable else ""


# In the background: after a request queued messages ------------------------------------------

_threads: list[threading.Thread] = []


def send_in_background(app: Flask, message_ids: list[int]) -> threading.Thread | None:
    """Sends ``message_ids`` from a thread of this process, outside the request that
    queued them (committed before); MAIL_SEND_IN_BACKGROUND off: the CLI sends them."""
    if not message_ids or not app.config["MAIL_SEND_IN_BACKGROUND"]:
        return None

    def run():
        with app.app_context():
            try:
                send_queued(message_ids)
            except Exception:  # noqa: BLE001  (a thread has nobody to raise to)
                app.logger.exception("sending mail in the background failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name="send-mail", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()
    return thread


def wait_for_background(timeout: float = 60) -> None:
    """Waits for the background senders of this process (tests, a clean shutdown)."""
    for thread in list(_threads):
        thread.join(timeout)


@click.command("send-mail")
def send_mail_command() -> None:
    """Отправить письма из очереди (приглашения, напоминания), в том числе не отправленные из-за сбоя."""
    report = send_queued(progress=lambda done, total: click.echo(f"{done}/{total}", err=True))
    click.echo(f"Отправлено писем: {len(report.sent)}; не удалось: {len(report.failed)}; "
               f"адрес отклонён: {len(report.refused)}.")  # fmt: skip
