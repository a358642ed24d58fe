"""Control of execution [контроль исполнения поручений]: every change of a decision's
status, report or deadline goes through here, and is kept in its history.

The wording, responsible persons and deadline of a decision are written in the
protocol (meetings.services); what happens afterwards is written here, also after
the protocol is approved. Functions take the acting user explicitly, flush and never
commit: the route or the CLI commits once. What the pages read (one decision, the
lists, the control list's counts and summary) is in ``queries``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..auth.models import User
from ..auth.roles import EDIT_DECISIONS, Role
from ..extensions import db
from ..text import short_date
from .models import (
    Decision,
    DecisionEvent,
    DecisionEventKind,
    DecisionStatus,
)

OPEN, IN_PROGRESS, DONE, CANCELLED = DecisionStatus

# Which status may follow which. The executor takes a decision into work and reports
# it done — or reports at once what was done without being taken into work first (a
# decision done at the meeting itself, a report entered afterwards); cancelling and
# reopening are control decisions, a secretary's.
TRANSITIONS: dict[DecisionStatus, tuple[DecisionStatus, ...]] = {
    OPEN: (IN_PROGRESS, DONE, CANCELLED),
    IN_PROGRESS: (DONE, CANCELLED),
    DONE: (IN_PROGRESS,),
    CANCELLED: (OPEN,),
}
MANAGER_ONLY = {CANCELLED, (DONE, IN_PROGRESS), (CANCELLED, OPEN)}
# A change back needs a word of explanation in the history.
NEEDS_COMMENT = {(DONE, IN_PROGRESS), (CANCELLED, OPEN)}


class DecisionError(ValueError):
    """A change refused for a reason the user should read; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DecisionForbidden(DecisionError):
    def __init__(self, message: str = "Изменять это поручение могут его ответственные исполнители и секретарь."):
        super().__init__(message)


class StaleDecision(DecisionError):
    """The form was filled in on an older version of the decision."""


# Permissions ---------------------------------------------------------------------------


def can_manage(user: User) -> bool:
    """Secretaries and admins control every decision: cancel, reopen, move deadlines."""
    return user.is_authenticated and user.has_role(*EDIT_DECISIONS)


def is_responsible(user: User, decision: Decision) -> bool:
    return bool(user.person_id) and any(r.person_id == user.person_id for r in decision.responsibles)


def can_control(user: User, decision: Decision) -> bool:
    """May change the status and report: a responsible person (lead or co-executor)
    of their own decisions, a secretary of any; a viewer of none."""
    if not user.is_authenticated or user.role == Role.VIEWER:
        return False
    return can_manage(user) or is_responsible(user, decision)


def next_statuses(user: User, decision: Decision) -> list[DecisionStatus]:
    """The statuses ``user`` may move ``decision`` to (the buttons to show)."""
    if not can_control(user, decision):
        return []
    current = decision.status_enum
    return [
        status
        for status in TRANSITIONS[current]
        if can_manage(user) or not ({status, (current, status)} & MANAGER_ONLY)
    ]


def _ensure_may(user: User, decision: Decision, manager_only: bool = False) -> None:
    if not can_control(user, decision):
        raise DecisionForbidden()
    if manager_only and not can_manage(user):
        raise DecisionForbidden("Это может сделать только секретарь.")


def ensure_version(decision: Decision, version: int | None) -> None:
    """Refuses a form filled in on an older version of the decision."""
    if version is not None and version != decision.version:
        raise StaleDecision(stale_message(decision))


def stale_message(decision: Decision) -> str:
    """«Изменено пользователем X в HH:MM, обновите страницу»: who changed it last, if we know."""
    last = db.session.scalar(
        select(DecisionEvent)
        .where(DecisionEvent.decision_id == decision.id)
        .options(joinedload(DecisionEvent.user).joinedload(User.person))
        .order_by(DecisionEvent.created_at.desc(), DecisionEvent.id.desc())
        .limit(1)
    )
    changed_at = decision.updated_at
    # The last event is that change if it was written with it (a protocol edit writes none).
    if last is not None and last.user is not None and abs((last.created_at - changed_at).total_seconds()) < 5:
        who = f"пользователем {last.user.display_name}"
    else:
        who = "другим пользователем"
    return f"Изменено {who} в {changed_at.astimezone(clock.local_zone()):%H:%M}, обновите страницу."


# Changes -------------------------------------------------------------------------------


def _record(decision: Decision, user: User, kind: DecisionEventKind, **values) -> DecisionEvent:
    event = DecisionEvent(user=user, kind=kind.value, created_at=clock.utcnow(), **values)
    decision.events.append(event)
    return event


def change_status(
    decision: Decision,
    user: User,
    new_status: DecisionStatus | str,
    *,
    version: int | None = None,
    report_text: str = "",
    report_date: date | None = None,
    report_link: str = "",
    comment: str = "",
) -> DecisionEvent:
    """Moves ``decision`` to ``new_status`` by the rules above and keeps the change.

    Done needs an execution report (text and date, a link optionally); cancelled a
    reason; a return from done or cancelled a comment. Marking a done decision done
    again corrects its report.
    """
    try:
        new = DecisionStatus(new_status)
    except ValueError:
        raise DecisionError("Неизвестный статус.") from None
    current = decision.status_enum
    _ensure_may(user, decision)
    ensure_version(decision, version)
    report_text, report_link, comment = report_text.strip(), report_link.strip(), comment.strip()

    if current == DONE and new == DONE:
        _check_report(decision, report_text, report_date, report_link)
        event = _record(
            decision,
            user,
            DecisionEventKind.REPORT,
            from_status=DONE.value,
            to_status=DONE.value,
            comment=_report_summary(report_text, report_date, report_link),
        )
        _set_report(decision, report_text, report_date, report_link)
        db.session.flush()
        return event
    if new not in TRANSITIONS[current]:
        # No field: the decision's state refuses it, not the select (read in the message area).
        raise DecisionError(f"Из статуса «{current.label}» нельзя перейти в «{new.label}».")
    _ensure_may(user, decision, manager_only=bool({new, (current, new)} & MANAGER_ONLY))

    if new == DONE:
        _check_report(decision, report_text, report_date, report_link)
        _set_report(decision, report_text, report_date, report_link)
        comment = _report_summary(report_text, report_date, report_link)
    elif new == CANCELLED:
        if not comment:
            raise DecisionError("Укажите причину отмены.", "comment")
        decision.cancel_reason = comment
    elif (current, new) in NEEDS_COMMENT:
        if not comment:
            raise DecisionError("Объясните, почему поручение возвращается.", "comment")
        if current == CANCELLED:
            decision.cancel_reason = ""
    event = _record(
        decision, user, DecisionEventKind.STATUS, from_status=current.value, to_status=new.value, comment=comment
    )
    decision.status = new.value
    db.session.flush()
    return event


def _check_report(decision: Decision, text: str, on: date | None, link: str) -> None:
    if not text:
        raise DecisionError("Напишите отчёт об исполнении: что сделано.", "report_text")
    if on is None:
        raise DecisionError("Укажите дату исполнения.", "report_date")
    if on > clock.local_today():
        raise DecisionError("Дата исполнения не может быть в будущем.", "report_date")
    if on < decision.meeting.date:
        raise DecisionError(f"Дата исполнения раньше заседания ({short_date(decision.meeting.date)}).", "report_date")
    if link and not link.startswith(("http://", "https://")):
        raise DecisionError("Ссылка должна начинаться с http:// или https://.", "report_link")


def _set_report(decision: Decision, text: str, on: date | None, link: str) -> None:
    decision.report_text, decision.report_date, decision.report_link = text, on, link


def _report_summary(text: str, on: date | None, link: str) -> str:
    parts = [text, f"Дата исполнения: {short_date(on)}." if on else "", link]
    return "\n".join(part for part in parts if part)


def move_deadline(
    decision: Decision, user: User, new_deadline: date | None, reason: str, *, version: int | None = None
) -> DecisionEvent:
    """Moves the deadline of an unfinished decision; only with a reason, kept in the history
    (the first move keeps the deadline the protocol set)."""
    _ensure_may(user, decision, manager_only=True)
    ensure_version(decision, version)
    reason = reason.strip()
    if not decision.is_active:
        raise DecisionError(f"Поручение в статусе «{decision.status_enum.label}»: срок переносить незачем.", "deadline")
    if new_deadline is None:
        raise DecisionError("Укажите новый срок.", "deadline")
    if new_deadline == decision.deadline:
        raise DecisionError("Новый срок совпадает с нынешним.", "deadline")
    if new_deadline < decision.meeting.date:
        raise DecisionError(f"Срок раньше даты заседания ({short_date(decision.meeting.date)}).", "deadline")
    if not reason:
        raise DecisionError("Укажите причину переноса срока.", "reason")
    event = _record(
        decision,
        user,
        DecisionEventKind.DEADLINE,
        old_deadline=decision.deadline,
        new_deadline=new_deadline,
        comment=reason,
    )
    decision.deadline = new_deadline
    db.session.flush()
    return event
