"""Builders of media objects for tests: flush, so ids exist; the test commits."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime


from cluster_intranet.extensions import db
from cluster_intranet.media.models import (
    Channel,
    EventStatus,
    MediaEvent,
    MediaEventChannel,
    MediaParticipant,
    MediaPlan,
    PlanStatus,
    Publication,
)

_counter = itertools.count(1)
NOW = datetime(2022, 3, 10, 5, 0, tzinfo=UTC)  # 10 March 2022, noon in Tomsk


def make_plan(**fields) -> MediaPlan:
    n = next(_counter)
    defaults = dict(title=f"Медиаплан {n}", period_start=date(2021, 11, 1), period_end=date(2022, 12, 31))
    plan = MediaPlan(**{**defaults, **fields})
    db.session.add(plan)
    db.session.flush()
    return plan


def make_event(plan: MediaPlan, channels=(Channel.WEBSITES,), **fields) -> MediaEvent:
    n = next(_counter)
    defaults = dict(title=f"Мероприятие {n}", starts_on=date(2022, 3, 1), status=EventStatus.PLANNED.value)
    values = {**defaults, **fields}
    values.setdefault("ends_on", values["starts_on"])
    event = MediaEvent(
        plan=plan, **values, channel_rows=[MediaEventChannel(channel=Channel(c).value) for c in channels]
    )
    db.session.add(event)
    db.session.flush()
    return event


def participant(organization):
    """Makes the organization a participant of the coverage; returns the organization."""
    db.session.add(MediaParticipant(organization_id=organization.id))
    db.session.flush()
    return organization


def make_publication(event: MediaEvent, organization, channel=Channel.WEBSITES, **fields) -> Publication:
    defaults = dict(url=f"https://example.ru/news/{next(_counter)}", published_on=event.starts_on)
    pub = Publication(
        event_id=event.id, organization_id=organization.id, channel=Channel(channel).value, **{**defaults, **fields}
    )
    db.session.add(pub)
    db.session.flush()
    return pub


def due(plan, **fields) -> MediaEvent:
    """An event every participant should publish: public, material ready."""
    return make_event(plan, status=EventStatus.MATERIAL_READY.value, **fields)


def approved_plan(**fields) -> MediaPlan:
    return make_plan(status=PlanStatus.APPROVED.value, approved_at=NOW, approved_by_name="Беляев Е.В.", **fields)
