"""Benchmark data of the media plan: one approved plan of many events, a few dozen
participants of the coverage (out of the directory's organizations) and their
publications, about two thirds of what is due."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.media import builders, demo
from cluster_intranet.media.models import (
    Channel,
    EventFormat,
    EventStatus,
    MediaEvent,
    MediaEventChannel,
    MediaParticipant,
    PlanStatus,
    Publication,
)

from .data import bulk_insert, ids_of

PLAN_START, PLAN_END = date(2021, 11, 1), date(2022, 12, 31)
STATUSES = [  # status, weight: most events are due, so the matrix is full
    (EventStatus.PUBLISHED, 45),
    (EventStatus.MATERIAL_READY, 25),
    (EventStatus.PLANNED, 25),
    (EventStatus.CANCELLED, 5),
]
WHAT = ["Региональный чемпионат «Профессионалы»", "День открытых дверей", "Ярмарка вакансий", "Экскурсия на производство",
        "Заседание Координационного совета", "Экспертная сессия по программам СПО", "Мастер-класс работодателя",
        "Профориентационная акция для школьников", "Конкурс профессионального мастерства", "Интервью директора"]  # fmt: skip
WHERE = ["в Томском индустриальном техникуме", "в Северском промышленном колледже", "на предприятии кластера",
         "в Томском политехническом техникуме", "в Департаменте промышленности", "в Колпашевском колледже"]  # fmt: skip


def fill_media(counts: dict[str, int], rng: random.Random) -> dict:
    organization_ids = ids_of(Organization)
    person_ids = ids_of(Person)
    participants = rng.sample(organization_ids, min(counts["media_participants"], len(organization_ids)))
    press_officers = rng.sample(person_ids, 15)  # a plan's events fall to a handful of people
    bulk_insert(
        MediaParticipant,
        [dict(organization_id=org, added_at=datetime(2021, 10, 22, tzinfo=UTC)) for org in participants],
    )

    now = datetime(2022, 1, 10, tzinfo=UTC)
    plan_id = builders.plan(
        title=demo.PLAN_TITLE, period_start=PLAN_START, period_end=PLAN_END, responsible_id=press_officers[0],
        status=PlanStatus.APPROVED.value, approved_at=now, approved_by_name="Беляев Е.В.",
        created_at=now, updated_at=now,
    ).id  # fmt: skip

    span = (PLAN_END - PLAN_START).days
    statuses, weights = zip(*STATUSES)
    events = []
    for n in range(counts["media_events"]):
        starts = PLAN_START + timedelta(days=rng.randrange(span - 3))
        status = rng.choices(statuses, weights)[0]
        timed = rng.random() < 0.5
        events.append(dict(
            plan_id=plan_id, title=f"{rng.choice(WHAT)} {rng.choice(WHERE)} № {n + 1}",
            description="Мероприятие кластера для студентов, школьников и работодателей.", place="г. Томск",
            starts_on=starts, ends_on=starts + timedelta(days=rng.choice([0, 0, 0, 1, 2])),
            start_time=time(rng.randrange(9, 16)) if timed else None, end_time=None,
            organizer_id=rng.choice(participants), format=rng.choice(list(EventFormat)).value,
            responsible_id=rng.choice(press_officers), status=status.value,
            cancel_reason="Перенесено организатором" if status == EventStatus.CANCELLED else "",
            is_public=rng.random() > 0.05, release_text="", internal_note="",
            version=1, created_at=now, updated_at=now,
        ))  # fmt: skip
    bulk_insert(MediaEvent, events)
    event_rows = list(zip(ids_of(MediaEvent), events))
    bulk_insert(MediaEventChannel, [
        dict(event_id=event_id, channel=channel.value)
        for event_id, _ in event_rows for channel in rng.sample(list(Channel), rng.randint(1, 3))
    ])  # fmt: skip

    due = [(event_id, row) for event_id, row in event_rows
           if row["is_public"] and row["status"] in (EventStatus.PUBLISHED, EventStatus.MATERIAL_READY)]  # fmt: skip
    publications = []
    for event_id, row in due:
        for org in participants:
            if rng.random() < 0.65:
                day = row["starts_on"] + timedelta(days=rng.randrange(4))
                publications.append(dict(
                    event_id=event_id, organization_id=org, channel=Channel.WEBSITES.value,
                    url=f"https://org{org}.tomsk.example/news/{event_id}", published_on=day, created_at=now, updated_at=now,
                ))  # fmt: skip
    bulk_insert(Publication, publications)
    middle = event_rows[len(event_rows) // 2][1]["starts_on"]
    return {"media_plan_id": plan_id, "media_month": middle.strftime("%Y-%m"), "media_event_id": event_rows[0][0]}
