"""Demo history of execution control on the seed protocol (No. 2 of 22 October 2021):
decision 1 reported done on time; decision 3 taken into work, its deadline moved with a
reason, and still not done — overdue, as the control pages show it in red."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..meetings.models import Meeting
from . import services
from .models import DecisionEvent, DecisionStatus


def seed(admin: User) -> None:
    protocol = db.session.scalar(
        select(Meeting).where(Meeting.year == 2021, Meeting.number == 2, Meeting.deleted_at.is_(None))
    )
    if protocol is None:
        return
    decisions = {d.number: d for d in protocol.decisions}
    if not {1, 3} <= decisions.keys() or db.session.scalar(
        select(DecisionEvent.id).where(DecisionEvent.decision_id.in_([d.id for d in decisions.values()])).limit(1)
    ):
        return  # already seeded, or the protocol was edited

    first, third = decisions[1], decisions[3]
    if first.status == DecisionStatus.OPEN:
        _at(services.change_status(first, admin, DecisionStatus.IN_PROGRESS), 2021, 10, 25)
        _at(
            services.change_status(
                first,
                admin,
                DecisionStatus.DONE,
                report_text="Экспертный чек-лист оценки ООП СПО разработан и утверждён Экспертным советом "
                "(протокол № 1 от 17.11.2021); экспертные сессии проводятся по нему.",
                report_date=date(2021, 11, 17),
            ),
            2021,
            11,
            18,
        )
    if third.status == DecisionStatus.OPEN and third.deadline == date(2021, 12, 1):
        _at(services.change_status(third, admin, DecisionStatus.IN_PROGRESS), 2021, 10, 27)
        _at(
            services.move_deadline(
                third, admin, date(2022, 2, 28), "Проект медиаплана согласуется с участниками кластера."
            ),
            2021,
            11,
            29,
        )


def _at(event: DecisionEvent, year: int, month: int, day: int) -> None:
    """Demo history happened in 2021, not on the day the demo was loaded."""
    event.created_at = datetime(year, month, day, 4, 0, tzinfo=UTC)  # 11:00 in Tomsk
