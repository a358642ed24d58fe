"""Filler for the control of decisions: meetings of the councils and their decisions,
with responsible persons, deadlines around today, statuses and execution reports."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from cluster_intranet import clock
from cluster_intranet.councils.models import Council
from cluster_intranet.decisions.models import (
    Decision,
    DecisionEvent,
    DecisionEventKind,
    DecisionResponsible,
    DecisionStatus,
)
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting, MeetingStatus

from .data import bulk_insert, ids_of

VERBS = [
    "Разработать",
    "Подготовить",
    "Согласовать",
    "Направить",
    "Организовать",
    "Провести",
    "Обеспечить",
    "Представить",
]
OBJECTS = [
    "медиаплан кластера",
    "экспертный чек-лист оценки ООП СПО",
    "отчёт о трудоустройстве выпускников",
    "предложения по целевому обучению",
    "график экспертных сессий",
    "программу стажировок преподавателей",
    "перечень базовых предприятий",
    "план профориентационных мероприятий",
]


def fill_decisions(counts: dict[str, int], rng: random.Random) -> dict:
    today = clock.local_today()
    councils = ids_of(Council)
    people = ids_of(Person)
    # Meetings over the last five years and a month ahead; numbered per council and year
    # after the meetings other fillers made.
    first_meeting = max(ids_of(Meeting), default=0) + 1
    numbers: dict[tuple[int, int], int] = {}
    meetings = []
    for n in range(counts["meetings"]):
        council_id = councils[n % len(councils)]
        on = today - timedelta(days=rng.randint(-30, 5 * 365))
        key = (council_id, on.year)
        if key not in numbers:
            numbers[key] = (
                db.session.scalar(
                    select(func.max(Meeting.number)).where(Meeting.council_id == council_id, Meeting.year == on.year)
                )
                or 0
            )
        numbers[key] = number = numbers[key] + 1
        meetings.append(
            dict(
                council_id=council_id,
                number=number,
                year=on.year,
                date=on,
                city="г. Томск",
                place="пр. Кирова, 41",
                status=(MeetingStatus.APPROVED if on < today else MeetingStatus.PLANNED).value,
            )
        )
    bulk_insert(Meeting, meetings)
    meeting_rows = [(mid, m["date"]) for mid, m in zip([i for i in ids_of(Meeting) if i >= first_meeting], meetings)]

    # The person the «my assignments» scenario shows: a busy one, responsible for 100
    # decisions at either size (some 35 unfinished).
    busy = people[len(people) // 3]
    decisions = []
    per_meeting = max(1, counts["decisions"] // len(meeting_rows))
    for n in range(counts["decisions"]):
        meeting_id, held = meeting_rows[n // per_meeting % len(meeting_rows)]
        number = n % per_meeting + 1 + (n // (per_meeting * len(meeting_rows))) * per_meeting
        deadline = held + timedelta(days=rng.randint(14, 180)) if rng.random() < 0.85 else None
        status = _status(deadline, today, rng)
        done = status == DecisionStatus.DONE
        report_date = (
            min(today, deadline + timedelta(days=rng.randint(-30, 20)))
            if done and deadline
            else (held + timedelta(days=30) if done else None)
        )
        decisions.append(
            dict(
                meeting_id=meeting_id,
                number=number,
                deadline=deadline,
                status=status.value,
                text=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (поручение {n + 1}).",
                report_text="Исполнено, материалы направлены участникам кластера." if done else "",
                report_date=max(report_date, held) if report_date else None,
                cancel_reason="Утратило актуальность." if status == DecisionStatus.CANCELLED else "",
            )
        )
    first_decision = max(ids_of(Decision), default=0) + 1
    bulk_insert(Decision, decisions)
    responsibles = []
    for index, decision_id in enumerate(i for i in ids_of(Decision) if i >= first_decision):
        chosen = rng.sample(people, rng.choice((1, 1, 1, 2, 3)))
        if index % max(1, counts["decisions"] // 100) == 0 and busy not in chosen:
            chosen[-1] = busy
        responsibles += [dict(decision_id=decision_id, person_id=p, position=i) for i, p in enumerate(chosen)]
    bulk_insert(DecisionResponsible, responsibles)
    # Some history: every tenth decision had its deadline moved once.
    now = clock.utcnow()
    bulk_insert(DecisionEvent, [
        dict(decision_id=first_decision + n, kind=DecisionEventKind.DEADLINE.value, created_at=now,
             old_deadline=row["deadline"] - timedelta(days=30), new_deadline=row["deadline"], comment="Перенос по просьбе исполнителя.")
        for n, row in enumerate(decisions) if n % 10 == 0 and row["deadline"]
    ])  # fmt: skip
    return {"busy_person_id": busy, "decision_id": first_decision + counts["decisions"] // 2}


def _status(deadline: date | None, today: date, rng: random.Random) -> DecisionStatus:
    if rng.random() < 0.05:
        return DecisionStatus.CANCELLED
    # Most old decisions are done; recent ones are still open or in work.
    past = deadline is not None and deadline < today
    if rng.random() < (0.8 if past else 0.3):
        return DecisionStatus.DONE
    return rng.choice((DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS))
