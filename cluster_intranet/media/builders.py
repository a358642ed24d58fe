"""Builders of media-plan rows for the demo seed, the benchmark and the tests: plans, events,
participants of the coverage, publications. Sensible defaults, keyword overrides; they flush
(the ids exist), the caller commits."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from .. import clock
from ..directory.models import Organization
from ..extensions import db
from .models import (
    Channel,
    EventStatus,
    MediaEvent,
    MediaEventChannel,
    MediaParticipant,
    MediaPlan,
    PlanStatus,
    Publication,
)

_numbers = itertools.count(1)


def plan(**fields) -> MediaPlan:
    """A draft plan of the period 2021–2022."""
    defaults = dict(title=f"Медиаплан {next(_numbers)}", period_start=date(2021, 11, 1), period_end=date(2022, 12, 31))
    made = MediaPlan(**{**defaults, **fields})
    db.session.add(made)
    db.session.flush()
    return made


def approved_plan(**fields) -> MediaPlan:
    """A plan approved now by the chair of the Coordination Council."""
    defaults = dict(status=PlanStatus.APPROVED.value, approved_at=clock.utcnow(), approved_by_name="Беляев Е.В.")
    return plan(**{**defaults, **fields})


def event(of: MediaPlan, channels: Iterable[Channel | str] = (Channel.WEBSITES,), **fields) -> MediaEvent:
    """A planned one-day event of ``of`` on ``channels``."""
    values = {"title": f"Мероприятие {next(_numbers)}", "starts_on": date(2022, 3, 1), **fields}
    values.setdefault("status", EventStatus.PLANNED.value)
    values.setdefault("ends_on", values["starts_on"])
    made = MediaEvent(plan=of, **values, channel_rows=[MediaEventChannel(channel=Channel(c).value) for c in channels])
    db.session.add(made)
    db.session.flush()
    return made


def due(of: MediaPlan, **fields) -> MediaEvent:
    """An event every participant should publish: public, material ready."""
    return event(of, status=EventStatus.MATERIAL_READY.value, **fields)


def participant(organization: Organization, **fields) -> Organization:
    """Makes the organization a participant of the coverage; returns the organization."""
    db.session.add(MediaParticipant(organization_id=organization.id, **fields))
    db.session.flush()
    return organization


def publication(
    of: MediaEvent, organization: Organization, channel: Channel | str = Channel.WEBSITES, **fields
) -> Publication:
    """``organization``'s publication of the event on ``channel``, on the event's first day."""
    defaults = dict(url=f"https://example.ru/news/{next(_numbers)}", published_on=of.starts_on)
    made = Publication(
        event_id=of.id, organization_id=organization.id, channel=Channel(channel).value, **{**defaults, **fields}
    )
    db.session.add(made)
    db.session.flush()
    return made
