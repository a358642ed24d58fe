"""Coverage of the media plan: the participants, their publications and the matrix of
who published what (the official websites count; other channels are shown beside).

Functions take the acting user and the data explicitly, flush and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import NamedTuple

from sqlalchemy import Select, and_, case, distinct, exists, func, select
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import load_only, selectinload

from .. import clock
from ..auth.models import User
from ..auth.roles import EDIT_ALL_COVERAGE, EDIT_MEDIA
from ..directory.models import Organization
from ..extensions import db
from ..text import short_date
from .models import (
    Channel,
    EventStatus,
    MediaEvent,
    MediaParticipant,
    MediaPlan,
    Publication,
    short_label,
    when_text,
)
from .services import EventFilters, MediaError

S = EventStatus


def percent(covered: int, total: int) -> int | None:
    """Coverage in whole percent, rounded down so that 100 % means complete; None if nothing is due."""
    if total <= 0:
        return None
    return covered * 100 // total


# Events every participant is expected to publish: their material is ready.
DUE_STATUSES = (S.MATERIAL_READY.value, S.PUBLISHED.value)
MATRIX_PAGE_SIZE = 20  # events per page of the matrix: x 30 participants, 600 cells
MATRIX_EVENT_COLUMNS = (
    MediaEvent.id, MediaEvent.title, MediaEvent.starts_on, MediaEvent.ends_on, MediaEvent.start_time, MediaEvent.end_time,
    MediaEvent.postponed_from,
)  # fmt: skip
# The matrix and its percentages count the participants' official websites (decision 2 of
# the seed protocol); publications on other channels are shown beside, not counted.
COUNTED_CHANNEL = Channel.WEBSITES.value
# A publication dated earlier than this before the event is taken for a typo in the year.
EARLIEST_PUBLICATION = timedelta(days=31)


def user_organization_id(user: User) -> int | None:
    return user.person.organization_id if user.person else None


@dataclass
class Rights:
    """What a user may record: for every participant (a secretary), or for the organization
    of the person the account is linked to (an editor), or nothing."""

    all: bool
    organization_id: int | None

    @classmethod
    def of(cls, user: User) -> Rights:
        if not user.is_authenticated or not user.has_role(*EDIT_MEDIA):
            return cls(False, None)
        return cls(user.has_role(*EDIT_ALL_COVERAGE), user_organization_id(user))

    def may(self, organization_id: int | None) -> bool:
        return self.all or (organization_id is not None and self.organization_id == organization_id)


def may_record(user: User, organization_id: int | None) -> bool:
    return Rights.of(user).may(organization_id)


def participants_query() -> Select:
    """The participants that cover the cluster's events, by name."""
    return (
        select(Organization)
        .join(MediaParticipant, MediaParticipant.organization_id == Organization.id)
        .order_by(Organization.short_name)
    )


def participants() -> list[Organization]:
    return list(db.session.scalars(participants_query()))


def participant_records() -> dict[int, MediaParticipant]:
    """Each participant's record (its website, since when), by its organization's id."""
    return {p.organization_id: p for p in db.session.scalars(select(MediaParticipant))}


def is_participant(organization_id: int | None) -> bool:
    return bool(organization_id) and bool(
        db.session.scalar(select(exists().where(MediaParticipant.organization_id == organization_id)))
    )


def non_participant_choices() -> list[tuple[int, str]]:
    """Organizations of the directory that do not cover the events yet (the «add» form)."""
    taken = select(MediaParticipant.organization_id)
    rows = db.session.execute(
        select(Organization.id, Organization.short_name)
        .where(Organization.id.not_in(taken))
        .order_by(Organization.short_name)
    )
    return [(row.id, row.short_name) for row in rows]


def add_participant(organization_id: int) -> MediaParticipant:
    if db.session.get(Organization, organization_id) is None:
        raise MediaError("Такой организации нет в справочнике.", "organization_id")
    if is_participant(organization_id):
        raise MediaError("Организация уже участвует в освещении.", "organization_id")
    participant = MediaParticipant(organization_id=organization_id)
    db.session.add(participant)
    db.session.flush()
    return participant


def remove_participant(participant: MediaParticipant) -> None:
    """The organization leaves the matrix; its publications stay recorded."""
    db.session.delete(participant)
    db.session.flush()


def participant_choices(only: int | None = None) -> list[tuple[int, str]]:
    stmt = participants_query().with_only_columns(Organization.id, Organization.short_name)
    if only is not None:
        stmt = stmt.where(Organization.id == only)
    return [(row.id, row.short_name) for row in db.session.execute(stmt)]


def recordable_organizations(user: User) -> list[tuple[int, str]]:
    """The participants ``user`` may record publications for (choices of a form)."""
    if user.has_role(*EDIT_ALL_COVERAGE):
        return participant_choices()
    return participant_choices(only=user_organization_id(user) or 0)


def record_publication(event: MediaEvent, user: User, data: dict) -> Publication:
    """Records (or corrects) how one participant published the event on one channel.

    Raises PermissionError when ``user`` may not speak for that participant.
    """
    organization_id = data["organization_id"]
    if not may_record(user, organization_id):
        raise PermissionError("not this user's organization")
    if event.is_cancelled:
        raise MediaError("Мероприятие отменено: публиковать нечего.")
    if not event.is_public:
        raise MediaError("Это внутреннее мероприятие: его не публикуют.")
    channel = Channel(data["channel"]).value
    url = (data.get("url") or "").strip()
    if channel in (Channel.WEBSITES, Channel.VK, Channel.TELEGRAM) and not url:
        raise MediaError("Укажите адрес публикации.", "url")
    if event.status == S.PLANNED:
        raise MediaError(
            "Мероприятие ещё в плане: публикации отмечают, когда материал готов. Сначала смените статус на «Материал готов»."
        )
    if data["published_on"] > clock.local_today():
        raise MediaError("Дата публикации ещё не наступила.", "published_on")
    if data["published_on"] < event.starts_on - EARLIEST_PUBLICATION:
        raise MediaError(
            f"Дата публикации больше чем за месяц до мероприятия ({short_date(event.starts_on)}): проверьте год и месяц.",
            "published_on",
        )
    if not is_participant(organization_id):
        raise MediaError("Эта организация не участвует в освещении мероприятий кластера.", "organization_id")
    publication = db.session.scalar(
        select(Publication).where(
            Publication.event_id == event.id,
            Publication.organization_id == organization_id,
            Publication.channel == channel,
        )
    ) or Publication(event_id=event.id, organization_id=organization_id, channel=channel)
    publication.url = url
    publication.published_on = data["published_on"]
    publication.recorded_by_id = user.id
    db.session.add(publication)
    db.session.flush()
    return publication


def delete_publication(publication: Publication, user: User) -> None:
    if not may_record(user, publication.organization_id):
        raise PermissionError("not this user's organization")
    db.session.delete(publication)
    db.session.flush()


def due_clause():
    """Events every participant should have published: public, material ready or published."""
    return and_(MediaEvent.is_public.is_(True), MediaEvent.status.in_(DUE_STATUSES))


@dataclass
class Participant:
    id: int
    short_name: str
    covered: int  # due events it has published
    percent: int | None

    @property
    def label(self) -> str:
        return short_label(self.short_name)


def counts(publications) -> bool:
    """Whether a participant's publications of an event cover it: one on its official website."""
    return any(pub[1] == COUNTED_CHANNEL for pub in publications)


@dataclass
class Cell:
    organization_id: int
    publications: list[tuple[int, str, str, date]]  # (id, channel, url, published_on)

    @property
    def covered(self) -> bool:
        return counts(self.publications)


class MatrixEvent(NamedTuple):
    """What a row of the matrix shows of its event (a plain row: no ORM object to build)."""

    id: int
    title: str
    starts_on: date
    ends_on: date
    start_time: time | None
    end_time: time | None
    postponed_from: date | None

    @property
    def when(self) -> str:
        return when_text(self.starts_on, self.ends_on, self.start_time, self.end_time, self.postponed_from)


class KnownPage(Pagination):
    """A page of the matrix whose items and total one query has already given
    (Flask-SQLAlchemy's documented way: a subclass supplies the items and the count)."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self._known = (items, total)
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        return self._known[0]

    def _query_count(self) -> int:
        return self._known[1]


@dataclass
class CoverageRow:
    event: MatrixEvent
    # One entry per participant, in the participants' order: its publications of the event
    # as (id, channel, url, published_on) tuples; an empty tuple is a gap. Plain tuples, not
    # objects: a page has 1,500 cells, and allocating an object for each wakes the collector.
    cells: list[tuple]
    covered: int
    percent: int | None


@dataclass
class CoverageMatrix:
    participants: list[Participant]
    rows: list[CoverageRow]
    page: object  # the pagination of the events (None when not paginated)
    total_events: int
    percent: int | None
    gaps: int = field(default=0)


def coverage_matrix(
    plan: MediaPlan, filters: EventFilters | None = None, page: int = 1, per_page: int | None = MATRIX_PAGE_SIZE
) -> CoverageMatrix:
    """Due events x every participant (those that joined later too), in a fixed number of queries.

    Per participant: the due events it covered, over all of the plan's (not just this
    page), counted in SQL in one pass; per event: from the publications of the page's
    events. ``per_page=None`` gives every event on one page.
    """
    filters = filters or EventFilters()
    covered_by = (
        filters.apply(
            select(Publication.organization_id, func.count(distinct(Publication.event_id)).label("covered"))
            .join(MediaEvent, MediaEvent.id == Publication.event_id)
            .where(MediaEvent.plan_id == plan.id, due_clause(), Publication.channel == COUNTED_CHANNEL)
        )
        .group_by(Publication.organization_id)
        .subquery()
    )
    org_rows = db.session.execute(
        participants_query()
        .outerjoin(covered_by, covered_by.c.organization_id == Organization.id)
        .with_only_columns(Organization.id, Organization.short_name, func.coalesce(covered_by.c.covered, 0))
    ).all()

    # The page's events as plain rows, with the total of all in the same query.
    events = (
        filters.apply(select(*MATRIX_EVENT_COLUMNS, func.count().over().label("total")))
        .where(MediaEvent.plan_id == plan.id, due_clause())
        .order_by(MediaEvent.starts_on, MediaEvent.start_time, MediaEvent.id)
    )
    if per_page:
        page = max(page, 1)
        found_rows = db.session.execute(events.limit(per_page).offset((page - 1) * per_page)).all()
        if found_rows:
            total = found_rows[0].total
        else:  # past the last page: count on its own
            total = db.session.scalar(select(func.count()).select_from(events.order_by(None).subquery()))
        items = [MatrixEvent(*row[:-1]) for row in found_rows]
        pagination = KnownPage(items, total, page, per_page)
    else:  # everything, for the spreadsheet
        items = [MatrixEvent(*row[:-1]) for row in db.session.execute(events)]
        pagination, total = None, len(items)
    participants = [Participant(row.id, row.short_name, row[2], percent(row[2], total)) for row in org_rows]

    found: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))  # event -> participant -> publications
    ids = [event.id for event in items]
    if ids:
        pubs = db.session.execute(
            select(
                Publication.id,
                Publication.event_id,
                Publication.organization_id,
                Publication.channel,
                Publication.url,
                Publication.published_on,
            )  # fmt: skip
            .where(Publication.event_id.in_(ids))
            .order_by(Publication.published_on, Publication.id)
        )
        for pub_id, event_id, organization_id, channel, url, published_on in pubs.tuples():
            found[event_id][organization_id].append((pub_id, channel, url, published_on))

    rows = []
    participant_ids = [p.id for p in participants]
    nothing: dict[int, list] = {}
    for event in items:
        published = found.get(event.id, nothing)
        cells = [published.get(pid, ()) for pid in participant_ids]
        covered = sum(1 for cell in cells if counts(cell))
        rows.append(CoverageRow(event, cells, covered, percent(covered, len(participants))))
    covered_total = sum(p.covered for p in participants)
    return CoverageMatrix(
        participants=participants,
        rows=rows,
        page=pagination,
        total_events=total,
        percent=percent(covered_total, total * len(participants)),
        gaps=total * len(participants) - covered_total,
    )


def matrix_cell(event: MediaEvent, organization_id: int) -> Cell:
    pubs = db.session.execute(
        select(Publication.id, Publication.channel, Publication.url, Publication.published_on)
        .where(Publication.event_id == event.id, Publication.organization_id == organization_id)
        .order_by(Publication.published_on, Publication.id)
    )
    return Cell(organization_id, [tuple(row) for row in pubs])


def event_coverage(event: MediaEvent) -> list[tuple[Organization, Cell]]:
    """Every participant with its publications of ``event`` (an empty cell is a gap)."""
    found: dict[int, list] = defaultdict(list)
    pubs = db.session.execute(
        select(
            Publication.id, Publication.organization_id, Publication.channel, Publication.url, Publication.published_on
        )
        .where(Publication.event_id == event.id)
        .order_by(Publication.published_on, Publication.id)
    )
    for pub in pubs:
        found[pub.organization_id].append((pub.id, pub.channel, pub.url, pub.published_on))
    orgs = db.session.scalars(participants_query())
    return [(org, Cell(org.id, found.get(org.id, []))) for org in orgs]


def is_due(event: MediaEvent) -> bool:
    return event.is_public and event.status in DUE_STATUSES


def _still_to_publish_statement(organization_id: int, plan_id: int | None = None) -> Select:
    published = exists().where(
        Publication.event_id == MediaEvent.id,
        Publication.organization_id == organization_id,
        Publication.channel == COUNTED_CHANNEL,
    )
    today = clock.local_today()
    current = case((and_(MediaPlan.period_start <= today, MediaPlan.period_end >= today), 0), else_=1)
    stmt = (
        select(MediaEvent)
        .join(MediaPlan, MediaPlan.id == MediaEvent.plan_id)
        .where(due_clause(), ~published)
        .order_by(current, MediaPlan.period_start.desc(), MediaPlan.id, MediaEvent.starts_on, MediaEvent.id)
    )
    if plan_id:
        stmt = stmt.where(MediaEvent.plan_id == plan_id)
    return stmt


def still_to_publish(organization_id: int, plan_id: int | None = None) -> list[MediaEvent]:
    """Due events the organization has not published on its website yet: those of the
    current plan (its period holds today) first, then the newer plans', each plan's
    oldest first; only ``plan_id``'s when given."""
    stmt = _still_to_publish_statement(organization_id, plan_id).options(
        selectinload(MediaEvent.organizer), selectinload(MediaEvent.plan)
    )
    return list(db.session.scalars(stmt))


def coverage_gaps(user: User) -> list[MediaEvent] | None:
    """The home page's «not yet on our site»: the due events the organization of the user
    has not published, for those who record its publications (None: not this user's
    concern — no organization, not a participant, or no right to record)."""
    organization_id = user_organization_id(user)
    if not organization_id or not user.has_role(*EDIT_MEDIA) or not is_participant(organization_id):
        return None
    stmt = _still_to_publish_statement(organization_id).options(
        load_only(
            MediaEvent.id,
            MediaEvent.title,
            MediaEvent.starts_on,
            MediaEvent.ends_on,
            MediaEvent.start_time,
            MediaEvent.end_time,
        )
    )
    return list(db.session.scalars(stmt))


def my_events(person_id: int | None) -> list[MediaEvent]:
    """Events of the media plan the person is responsible for and that are not out yet
    (planned or material ready), in date order."""
    if person_id is None:
        return []
    stmt = (
        select(MediaEvent)
        .where(MediaEvent.responsible_id == person_id, MediaEvent.status.in_((S.PLANNED.value, S.MATERIAL_READY.value)))
        .options(
            load_only(
                MediaEvent.id,
                MediaEvent.title,
                MediaEvent.status,
                MediaEvent.starts_on,
                MediaEvent.ends_on,
                MediaEvent.start_time,
                MediaEvent.end_time,
            )
        )
        .order_by(MediaEvent.starts_on, MediaEvent.id)
    )
    return list(db.session.scalars(stmt))


def recent_publications(organization_id: int, limit: int = 10) -> list[Publication]:
    stmt = (
        select(Publication)
        .where(Publication.organization_id == organization_id)
        .options(selectinload(Publication.event))
        .order_by(Publication.published_on.desc(), Publication.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
