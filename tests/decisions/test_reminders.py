"""`flask remind`: one e-mail digest per responsible person and day, through a real
SMTP server (aiosmtpd on a free port), read back."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from cluster_intranet import clock
from cluster_intranet.decisions.models import ReminderDigest
from cluster_intranet.extensions import db
from cluster_intranet.mail import OutgoingMessage
from tests import factories
from tests.decisions import support


@pytest.fixture
def assignments(world):
    """Today is 20.11.2021 in Tomsk."""
    made = {
        "overdue": support.decision(
            world.meeting,
            world.lead,
            deadline=date(2021, 11, 15),
            status="in_progress",
            text="Разработать экспертный чек-лист.",
        ),
        "soon": support.decision(
            world.meeting, world.lead, world.co, deadline=date(2021, 11, 25), text="Согласовать медиаплан."
        ),
        "later": support.decision(world.meeting, world.other, deadline=date(2021, 12, 20)),
        "done": support.done(world.meeting, world.other, deadline=date(2021, 11, 1), on=date(2021, 11, 1)),
        "no_email": support.decision(
            world.meeting, factories.person(surname="Безадресный", email=""), deadline=date(2021, 11, 1)
        ),
    }
    db.session.commit()
    return {name: d.id for name, d in made.items()}


def run(runner, *args):
    result = runner.invoke(args=["remind", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def by_recipient(mailbox) -> dict[str, email.message.EmailMessage]:
    return {message["To"].addresses[0].addr_spec: message for message in mailbox.messages}


def test_one_digest_per_person_with_links(world, assignments, mailbox, runner):
    result = run(runner)
    assert "Отправлено писем: 2." in result.output
    assert "Нет e-mail в справочнике: Безадресный И.И." in result.output
    mail = by_recipient(mailbox)
    assert set(mail) == {"poyarkova@cluster.test", "kuznetsova@cluster.test"}  # Беляев: nothing due yet, or done

    lead = mail["poyarkova@cluster.test"]
    assert lead["Subject"] == "Поручения: просрочено: 1, срок в ближайшие 7 дней: 1"
    assert lead["To"].addresses[0].display_name == "Пояркова О.Н."
    assert lead["From"] == "intranet@cluster.test"
    assert lead.get_content_type() == "text/plain" and lead.get_content_charset() == "utf-8"
    body = lead.get_content()
    assert body.startswith("Здравствуйте, Ольга Николаевна!")
    overdue_part, soon_part = body.split("Срок в ближайшие 7 дней (1):")
    assert "Просрочены (1):\n1. Разработать экспертный чек-лист." in overdue_part
    assert "Срок: 15.11.2021 — просрочено на 5 дней. Статус: В работе." in overdue_part
    assert f"http://intranet.test/decisions/{assignments['overdue']}\n" in overdue_part
    assert "1. Согласовать медиаплан." in soon_part and "осталось 5 дней" in soon_part
    assert f"http://intranet.test/decisions/{assignments['soon']}\n" in soon_part
    assert "http://intranet.test/decisions/my" in body

    co = mail["kuznetsova@cluster.test"]
    assert co["Subject"] == "Поручения: срок в ближайшие 7 дней: 1"
    assert "Просрочены" not in co.get_content()
    # 7-bit, so a relay without 8BITMIME passes it unchanged.
    assert all(content.isascii() for content in db.session.scalars(select(OutgoingMessage.content)))


def test_never_twice_the_same_day(world, assignments, mailbox, runner, monkeypatch):
    run(runner)
    assert len(mailbox.messages) == 2
    result = run(runner)
    assert "Сегодня напоминать некому." in result.output
    assert len(mailbox.messages) == 2
    assert db.session.scalar(select(func.count()).select_from(ReminderDigest)) == 2
    # Late in the evening in Tomsk it is still the same day…
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2021, 11, 20, 16, 59, tzinfo=UTC))
    run(runner)
    assert len(mailbox.messages) == 2
    # …and after midnight there it is the next one.
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2021, 11, 20, 17, 0, tzinfo=UTC))
    run(runner)
    assert len(mailbox.messages) == 4


def test_the_days_ahead_are_an_option(world, assignments, mailbox, runner):
    run(runner, "--days", "3")
    mail = by_recipient(mailbox)
    assert set(mail) == {"poyarkova@cluster.test"}  # the 25th is 5 days away
    assert mail["poyarkova@cluster.test"]["Subject"] == "Поручения: просрочено: 1"


def test_a_dry_run_sends_nothing(world, assignments, mailbox, runner):
    result = run(runner, "--dry-run")
    assert "Пояркова О.Н. <poyarkova@cluster.test>: 2" in result.output and "Писем к отправке: 2." in result.output
    assert mailbox.messages == []
    assert db.session.scalar(select(func.count()).select_from(ReminderDigest)) == 0


def test_a_refused_address_is_tried_again_next_time(world, assignments, mailbox, runner):
    world.co.email = "bounce@cluster.test"
    db.session.commit()
    result = run(runner)
    assert "Адрес отклонён сервером: Кузнецова Н.В." in result.output
    assert set(by_recipient(mailbox)) == {"poyarkova@cluster.test"}
    recorded = db.session.scalars(select(ReminderDigest.email)).all()
    assert recorded == ["poyarkova@cluster.test"]  # not the refused one: it is due again


def test_a_name_stored_with_a_line_break_still_gets_its_digest(world, assignments, mailbox, runner):
    """A header cannot hold a line break: the digest's To is one line (the run stopped on it)."""
    world.lead.surname = "Пояркова\u2028Bcc: evil@evil.example"
    db.session.commit()
    assert "Отправлено писем: 2." in run(runner).output
    message = by_recipient(mailbox)["poyarkova@cluster.test"]
    assert message["To"].addresses[0].display_name.startswith("Пояркова Bcc: evil@evil.example ")
    assert message["Bcc"] is None
