"""E-mail reminders: each responsible person gets one digest a day of their overdue
assignments and those due within N days, with links to them.

``pending_digests`` finds who is due a digest today; ``build_message`` writes it
(a pure function); ``record_digest`` marks it due no more and queues it in the outgoing
mail (mail.py), in one transaction. The CLI command (cli.py) then sends the queue: each
message is claimed and marked sent in transactions of their own, so a failure halfway
never makes anyone get the same digest twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, mail
from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting
from ..text import days, short_date
from .models import ACTIVE_STATUSES, Decision, DecisionResponsible, ReminderDigest


@dataclass
class Digest:
    person: Person
    overdue: list[Decision]
    due_soon: list[Decision]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon)


def pending_digests(today: date, within_days: int) -> tuple[list[Digest], list[Person]]:
    """The digests due today: people with overdue assignments or deadlines within
    ``within_days`` days who have not had one today. Also returns the people who would
    get one but have no e-mail address in the directory."""
    until = today + timedelta(days=within_days)
    already = select(ReminderDigest.person_id).where(ReminderDigest.sent_on == today)
    rows = db.session.execute(
        select(DecisionResponsible.person_id, Decision)
        .join(Decision, Decision.id == DecisionResponsible.decision_id)
        .join(Decision.meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Decision.status.in_(ACTIVE_STATUSES),
            Decision.deadline <= until,
            DecisionResponsible.person_id.not_in(already),
        )
        .options(joinedload(Decision.meeting), selectinload(Decision.responsibles))
        .order_by(DecisionResponsible.person_id, Decision.deadline, Decision.id)
    ).all()
    by_person: dict[int, list[Decision]] = {}
    for person_id, decision in rows:
        by_person.setdefault(person_id, []).append(decision)
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(by_person)))}
    digests, without_email = [], []
    for person_id, decisions in by_person.items():
        person = people[person_id]
        if not person.email.strip():
            without_email.append(person)
            continue
        digests.append(
            Digest(
                person=person,
                overdue=[d for d in decisions if d.deadline < today],
                due_soon=[d for d in decisions if d.deadline >= today],
            )
        )
    return digests, without_email


def build_message(digest: Digest, today: date, within_days: int, link: Callable[[str, dict], str]) -> EmailMessage:
    """The digest as an e-mail in Russian (UTF-8); ``link(endpoint, values)`` gives an absolute URL."""
    person = digest.person
    parts = []
    if digest.overdue:
        parts.append(f"просрочено: {len(digest.overdue)}")
    if digest.due_soon:
        parts.append(f"срок в ближайшие {days(within_days)}: {len(digest.due_soon)}")
    greeting = " ".join(p for p in (person.first_name, person.patronymic) if p) or person.short_name
    lines = [
        f"Здравствуйте, {greeting}!",
        "",
        f"Напоминание интранета кластера о ваших поручениях на {short_date(today)}.",
    ]

    def section(title: str, decisions: list[Decision]) -> None:
        if not decisions:
            return
        lines.extend(["", f"{title} ({len(decisions)}):"])
        for number, decision in enumerate(decisions, start=1):
            late = decision.overdue_days(today)
            when = (
                f"просрочено на {days(late)}"
                if late
                else (
                    "срок сегодня"
                    if decision.deadline == today
                    else f"осталось {days((decision.deadline - today).days)}"
                )
            )
            lines.extend(
                [
                    f"{number}. {decision.text}",
                    f"   {decision.meeting.title}, решение № {decision.numbered}. "
                    f"Срок: {short_date(decision.deadline)} — {when}. Статус: {decision.status_enum.label}.",
                    f"   {link('decisions.show', {'decision_id': decision.id})}",
                ]
            )

    section("Просрочены", digest.overdue)
    section(f"Срок в ближайшие {days(within_days)}", digest.due_soon)
    lines.extend(
        [
            "",
            "Отметить исполнение и написать отчёт можно на странице поручения или в разделе «Мои поручения»:",
            link("decisions.my", {}),
            "",
            "Письмо отправлено автоматически, отвечать на него не нужно.",
        ]
    )

    message = mail.new_message()
    message["Subject"] = "Поручения: " + ", ".join(parts)
    message["From"] = current_app.config["MAIL_SENDER"]
    # The short name fits one encoded word: a folded display name reads badly in some clients.
    message["To"] = mail.address(person.short_name, person.email)
    message["Date"] = format_datetime(clock.utcnow())
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content("\n".join(lines))
    return message


def record_digest(digest: Digest, today: date, message: EmailMessage) -> mail.OutgoingMessage | None:
    """Marks today's digest of the person due no more (the unique (person, day) refuses a
    second) and queues its message; flushes, the caller commits both together."""
    db.session.add(
        ReminderDigest(
            person_id=digest.person.id,
            sent_on=today,
            sent_at=clock.utcnow(),
            email=digest.person.email.strip(),
            decision_count=digest.count,
        )
    )
    db.session.flush()
    return mail.queue(message, key=f"digest:{digest.person.id}:{today.isoformat()}", kind="digest",
                      person_id=digest.person.id)  # fmt: skip


def forget_digest(person_id: int, today: date) -> None:
    """The digest's address was refused: the person is due one again (once the directory
    has a working address)."""
    db.session.execute(
        delete(ReminderDigest).where(ReminderDigest.person_id == person_id, ReminderDigest.sent_on == today)
    )
    db.session.flush()
