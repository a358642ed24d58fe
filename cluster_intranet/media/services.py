"""The media plan and its coverage: queries and changes.

Functions take the acting user and the data explicitly, flush and never commit;
the routes, the CLI, the feeds and the documents share them.
"""
from __future__ import annotations

import calendar as pycalendar
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import NamedTuple

from sqlalchemy import Select, and_, case, distinct, exists, func, or_, select
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from .. import clock
from ..auth.models import NO_PERSON_TO_SIGN, User
from ..auth.roles import EDIT_ALL_COVERAGE, EDIT_MEDIA
from ..concurrency import ensure_current
from ..directory.models import NAME_ORDER, Organization, Person
from ..extensions import db
from ..forms import db_int
from ..references import deletion_refusal
from ..text import date_range, short_date
from .models import (
    CORRECTIONS,
    ChangeKind,
    Channel,
    EventStatus,
    MediaEvent,
    MediaEventChange,
    MediaEventChannel,
    MediaParticipant,
    MediaPlan,
    PlanStatus,
    Publication,
    TRANSITIONS,
    short_label,
    when_text,
)

S = EventStatus
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

class MediaError(ValueError):
    """A change refused for a reason the user should read; ``field`` is where to show it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def percent(covered: int, total: int) -> int | None:
    """Coverage in whole percent, rounded down so that 100 % means complete; None if nothing is due."""
    if total <= 0:
        return None
    return covered * 100 // total


def month_bounds(month_start: date) -> tuple[date, date]:
    first = month_start.replace(day=1)
    return first, first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def parse_month(value: str | None) -> date | None:
    """«2021-11» → 1 November 2021; anything else → None."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def parse_day(value: str | None) -> date | None:
    """«2021-11-03» → 3 November 2021; anything else → None."""
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# --- plans -----------------------------------------------------------------------


def plans_overview() -> list[tuple[MediaPlan, int]]:
    """Every plan (newest period first) with the number of its events."""
    counts = (
        select(func.count(MediaEvent.id)).where(MediaEvent.plan_id == MediaPlan.id).correlate(MediaPlan).scalar_subquery()
    )
    stmt = select(MediaPlan, counts).options(selectinload(MediaPlan.responsible)).order_by(MediaPlan.period_start.desc())
    return [(plan, count) for plan, count in db.session.execute(stmt)]


def _check_person(data: dict) -> None:
    if data.get("responsible_id") and db.session.get(Person, data["responsible_id"]) is None:
        raise MediaError("Такого сотрудника нет в справочнике: выберите из подсказок.", "responsible_id")


def save_plan(plan: MediaPlan, data: dict, version: int | None = None) -> MediaPlan:
    ensure_current(plan, version, MediaError)
    _check_person(data)
    if data["period_end"] < data["period_start"]:
        raise MediaError("Конец периода раньше его начала.", "period_end")
    if plan.id is not None:
        outside = db.session.scalar(
            select(func.count(MediaEvent.id)).where(
                MediaEvent.plan_id == plan.id,
                or_(MediaEvent.starts_on < data["period_start"], MediaEvent.ends_on > data["period_end"]),
            )
        )
        if outside:
            raise MediaError(f"Мероприятий вне нового периода: {outside}. Сначала перенесите их.", "period_start")
    for name, value in data.items():
        setattr(plan, name, value)
    db.session.add(plan)
    db.session.flush()
    return plan


def approve_plan(plan: MediaPlan, user: User) -> None:
    if plan.is_approved:
        raise MediaError("Медиаплан уже утверждён.")
    if not db.session.scalar(select(exists().where(MediaEvent.plan_id == plan.id))):
        raise MediaError("В медиаплане нет ни одного мероприятия: утверждать нечего.")
    if user.person is None:  # «УТВЕРЖДАЮ» is signed with a name, never an e-mail
        raise MediaError(NO_PERSON_TO_SIGN)
    plan.status = PlanStatus.APPROVED.value
    plan.approved_at = clock.utcnow()
    plan.approved_by = user
    plan.approved_by_name = user.display_name
    db.session.flush()


def return_to_draft(plan: MediaPlan) -> None:
    if not plan.is_approved:
        raise MediaError("Медиаплан и так черновик.")
    plan.status = PlanStatus.DRAFT.value
    plan.approved_at = None
    plan.approved_by = None
    plan.approved_by_name = ""
    db.session.flush()


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _copy_event(event: MediaEvent, plan: MediaPlan, shift=lambda day: day, title: str | None = None) -> MediaEvent:
    """A fresh, planned copy of ``event`` in ``plan``: its wording, format, organizer,
    responsible and channels; no status history, publications or postponement."""
    copy = MediaEvent(
        plan=plan, title=title or event.title, starts_on=shift(event.starts_on), ends_on=shift(event.ends_on),
        status=S.PLANNED.value,
        **{name: getattr(event, name) for name in (
            "description", "place", "start_time", "end_time", "organizer_id", "format", "responsible_id",
            "is_public", "release_text", "internal_note")},
        channel_rows=[MediaEventChannel(channel=c) for c in event.channels],
    )  # fmt: skip
    db.session.add(copy)
    return copy


def copy_to_next_year(plan: MediaPlan) -> MediaPlan:
    """The plan a year on, as a draft: the period and every event not cancelled moved by a
    year, the years in its title too («… на 2023 год» → «… на 2024 год»)."""
    title = re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + 1), plan.title)
    if title == plan.title:
        title = f"{plan.title} (копия)"
    new = MediaPlan(
        title=title, period_start=_next_year(plan.period_start), period_end=_next_year(plan.period_end),
        responsible_id=plan.responsible_id,
    )  # fmt: skip
    db.session.add(new)
    for event in db.session.scalars(events_query(plan)):
        if not event.is_cancelled:
            _copy_event(event, new, _next_year)
    db.session.flush()
    return new


def duplicate_event(event: MediaEvent) -> MediaEvent:
    """A planned copy of the event in its plan, «(копия)» in its title, to be edited."""
    copy = _copy_event(event, event.plan, title=f"{event.title} (копия)"[:500])
    db.session.flush()
    return copy


def delete_plan(plan: MediaPlan) -> None:
    reason = deletion_refusal(plan, "медиаплан")
    if reason:
        raise MediaError(reason)
    db.session.delete(plan)
    db.session.flush()


# --- events ----------------------------------------------------------------------


@dataclass
class EventFilters:
    """The filters of the plan's table; unknown or malformed values are ignored."""

    month: date | None = None
    organizer_id: int | None = None
    status: str | None = None
    channel: str | None = None
    responsible_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> EventFilters:
        def number(name: str) -> int | None:
            try:
                return db_int(args.get(name, ""))
            except ValueError:
                return None

        status = args.get("status") or None
        channel = args.get("channel") or None
        return cls(
            month=parse_month(args.get("month")),
            organizer_id=number("organizer"),
            status=status if status in EventStatus.__members__.values() else None,
            channel=channel if channel in Channel.__members__.values() else None,
            responsible_id=number("responsible"),
        )

    def apply(self, stmt: Select) -> Select:
        if self.month:
            first, last = month_bounds(self.month)
            stmt = stmt.where(MediaEvent.starts_on <= last, MediaEvent.ends_on >= first)
        if self.organizer_id:
            stmt = stmt.where(MediaEvent.organizer_id == self.organizer_id)
        if self.status:
            stmt = stmt.where(MediaEvent.status == self.status)
        if self.channel:
            stmt = stmt.where(
                exists().where(MediaEventChannel.event_id == MediaEvent.id, MediaEventChannel.channel == self.channel)
            )
        if self.responsible_id:
            stmt = stmt.where(MediaEvent.responsible_id == self.responsible_id)
        return stmt

    def as_args(self) -> dict[str, str]:
        return {
            key: value
            for key, value in {
                "month": self.month.strftime("%Y-%m") if self.month else "",
                "organizer": str(self.organizer_id or ""),
                "status": self.status or "",
                "channel": self.channel or "",
                "responsible": str(self.responsible_id or ""),
            }.items()
            if value
        }

    @property
    def active(self) -> bool:
        return bool(self.as_args())


EVENT_LIST_OPTIONS = (
    joinedload(MediaEvent.organizer),  # many-to-one: in the same query
    joinedload(MediaEvent.responsible),
    selectinload(MediaEvent.channel_rows),
)


def events_query(plan: MediaPlan, filters: EventFilters | None = None) -> Select:
    stmt = (
        select(MediaEvent)
        .where(MediaEvent.plan_id == plan.id)
        .options(*EVENT_LIST_OPTIONS)
        .order_by(MediaEvent.starts_on, MediaEvent.start_time, MediaEvent.id)
    )
    return (filters or EventFilters()).apply(stmt)


def get_event(event_id: int) -> MediaEvent | None:
    return db.session.get(MediaEvent, event_id, options=[*EVENT_LIST_OPTIONS, selectinload(MediaEvent.plan)])


def plan_responsibles(plan: MediaPlan) -> list[tuple[int, str]]:
    """The people responsible for events of the plan (a filter's choices)."""
    people = db.session.execute(
        select(Person.id, Person.surname, Person.first_name, Person.patronymic)
        .where(Person.id.in_(select(MediaEvent.responsible_id).where(MediaEvent.plan_id == plan.id)))
        .order_by(*NAME_ORDER)
    )
    # Person.short_name read off plain rows: loading hundreds of Person objects costs more than the page.
    return [(row.id, Person.short_name.fget(row)) for row in people]


def plan_organizers(plan: MediaPlan | None) -> list[tuple[int, str]]:
    """The organizations that organize events of the plan, or of any plan (a filter's choices)."""
    organizers = select(MediaEvent.organizer_id)
    if plan is not None:
        organizers = organizers.where(MediaEvent.plan_id == plan.id)
    rows = db.session.execute(
        select(Organization.id, Organization.short_name)
        .where(Organization.id.in_(organizers))
        .order_by(Organization.short_name)
    )
    return [(row.id, row.short_name) for row in rows]


EVENT_FIELDS = (
    "title", "description", "place", "starts_on", "ends_on", "start_time", "end_time",
    "organizer_id", "format", "responsible_id", "is_public", "release_text", "internal_note",
)  # fmt: skip


def save_event(event: MediaEvent, plan: MediaPlan, data: dict, channels: list[str], version: int | None = None) -> MediaEvent:
    """Creates or changes an event of ``plan``; the form has checked each field alone;
    ``version`` is the one the form was built from: an older one is refused."""
    ensure_current(event, version, MediaError)
    _check_person(data)
    starts_on, ends_on = data["starts_on"], data.get("ends_on") or data["starts_on"]
    if starts_on < plan.period_start or ends_on > plan.period_end:
        period = date_range(plan.period_start, plan.period_end)
        raise MediaError(f"Дата вне периода медиаплана ({period}).", "starts_on")
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.ends_on = ends_on
    event.plan = plan
    set_channels(event, channels)
    db.session.add(event)
    db.session.flush()
    return event


def set_channels(event: MediaEvent, channels: list[str]) -> None:
    wanted = {Channel(c).value for c in channels}
    event.channel_rows = [row for row in event.channel_rows if row.channel in wanted] + [
        MediaEventChannel(channel=c) for c in sorted(wanted - {row.channel for row in event.channel_rows})
    ]


def _reason(reason: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise MediaError(missing, "reason")
    if len(reason) > 1000:
        raise MediaError("Причина — не длиннее 1000 символов.", "reason")
    return reason


def _record_change(event: MediaEvent, user: User | None, kind: ChangeKind, **values) -> None:
    event.changes.append(
        MediaEventChange(
            kind=kind.value, user_id=user.id if user else None, user_name=user.display_name if user else "", **values
        )
    )


def change_status(event: MediaEvent, new_status: str, reason: str = "", user: User | None = None) -> None:
    """Moves the event on (TRANSITIONS). Cancelling needs a reason; so does a correction
    (CORRECTIONS: taking back «Опубликовано»). Every change is kept in the event's history."""
    try:
        new = EventStatus(new_status)
    except ValueError:
        raise MediaError("Неизвестный статус мероприятия.", "status") from None
    current = EventStatus(event.status)
    if new not in TRANSITIONS[current]:
        raise MediaError(f"Нельзя перевести мероприятие из статуса «{current.label}» в «{new.label}».", "status")
    correction = (current, new) in CORRECTIONS
    if new == S.CANCELLED:
        reason = _reason(reason, "Укажите причину отмены.")
    elif correction:
        reason = _reason(reason, "Укажите причину исправления статуса: она останется в истории мероприятия.")
    else:
        reason = (reason or "").strip()[:1000]
    kind = ChangeKind.CORRECTION if correction else ChangeKind.STATUS
    _record_change(event, user, kind, from_status=current.value, to_status=new.value, reason=reason)
    event.status = new.value
    event.cancel_reason = reason if new == S.CANCELLED else ""
    db.session.flush()


def postpone_event(event: MediaEvent, user: User | None, data: dict) -> None:
    """«Перенести»: a new date (a several-day event keeps its length unless a new end is
    given), maybe new times, and a reason; the history keeps the old date, and the event
    says «перенесено с …» wherever its date is shown."""
    if event.is_cancelled:
        raise MediaError("Мероприятие отменено: верните его в план, чтобы перенести.")
    reason = _reason(data.get("reason", ""), "Укажите причину переноса.")
    starts_on = data["starts_on"]
    ends_on = data.get("ends_on") or starts_on + (event.ends_on - event.starts_on)
    if ends_on < starts_on:
        raise MediaError("Дата окончания раньше даты начала.", "ends_on")
    start_time = data.get("start_time", event.start_time)
    end_time = data.get("end_time", event.end_time) if start_time else None
    if (starts_on, ends_on, start_time, end_time) == (event.starts_on, event.ends_on, event.start_time, event.end_time):
        raise MediaError("Новая дата совпадает с прежней.", "starts_on")
    plan = event.plan
    if starts_on < plan.period_start or ends_on > plan.period_end:
        period = date_range(plan.period_start, plan.period_end)
        raise MediaError(f"Дата вне периода медиаплана ({period}).", "starts_on")
    old_when = when_text(event.starts_on, event.ends_on, event.start_time, event.end_time)
    new_when = when_text(starts_on, ends_on, start_time, end_time)
    _record_change(event, user, ChangeKind.POSTPONED, old_when=old_when, new_when=new_when, reason=reason)
    if starts_on != event.starts_on:
        event.postponed_from = event.starts_on
    event.starts_on, event.ends_on, event.start_time, event.end_time = starts_on, ends_on, start_time, end_time
    db.session.flush()


def delete_event(event: MediaEvent) -> None:
    """Deletes an event that nobody has published yet; a published one can only be cancelled."""
    reason = deletion_refusal(event, "мероприятие")
    if reason:
        raise MediaError(reason + " Отмените мероприятие вместо удаления.")
    db.session.delete(event)
    db.session.flush()


# --- coverage --------------------------------------------------------------------


def user_organization_id(user: User) -> int | None:
    return user.person.organization_id if user.person else None


def may_record(user: User, organization_id: int) -> bool:
    """A secretary records for anyone; an editor for the organization of the person the account is linked to."""
    if user.has_role(*EDIT_ALL_COVERAGE):
        return True
    return user.has_role(*EDIT_MEDIA) and organization_id is not None and user_organization_id(user) == organization_id


def participants_query() -> Select:
    """The participants that cover the cluster's events, by name."""
    return (
        select(Organization)
        .join(MediaParticipant, MediaParticipant.organization_id == Organization.id)
        .order_by(Organization.short_name)
    )


def is_participant(organization_id: int | None) -> bool:
    return bool(organization_id) and bool(
        db.session.scalar(select(exists().where(MediaParticipant.organization_id == organization_id)))
    )


def non_participant_choices() -> list[tuple[int, str]]:
    """Organizations of the directory that do not cover the events yet (the «add» form)."""
    taken = select(MediaParticipant.organization_id)
    rows = db.session.execute(
        select(Organization.id, Organization.short_name).where(Organization.id.not_in(taken)).order_by(Organization.short_name)
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
                Publication.id, Publication.event_id, Publication.organization_id,
                Publication.channel, Publication.url, Publication.published_on,
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


def coverage_state(plan_id: int) -> tuple:
    """A cheap fingerprint of everything a plan's coverage matrix shows, in one query:
    its events (count, row versions, latest change), the publications (count, newest,
    latest change), the participants (count, newest, which) and the organizations' names."""
    events = select(MediaEvent).where(MediaEvent.plan_id == plan_id).subquery()
    row = db.session.execute(
        select(
            select(func.count(events.c.id)).scalar_subquery(),
            select(func.sum(events.c.version)).scalar_subquery(),
            select(func.max(events.c.updated_at)).scalar_subquery(),
            select(func.count(Publication.id)).scalar_subquery(),
            select(func.max(Publication.id)).scalar_subquery(),
            select(func.max(Publication.updated_at)).scalar_subquery(),
            select(func.count(MediaParticipant.id)).scalar_subquery(),
            select(func.sum(MediaParticipant.organization_id)).scalar_subquery(),
            select(func.sum(Organization.version)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


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
        select(Publication.id, Publication.organization_id, Publication.channel, Publication.url, Publication.published_on)
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
        load_only(MediaEvent.id, MediaEvent.title, MediaEvent.starts_on, MediaEvent.ends_on, MediaEvent.start_time,
                  MediaEvent.end_time)
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
        .options(load_only(MediaEvent.id, MediaEvent.title, MediaEvent.status, MediaEvent.starts_on, MediaEvent.ends_on,
                           MediaEvent.start_time, MediaEvent.end_time))
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


# --- the month calendar ----------------------------------------------------------


@dataclass
class CalendarEntry:
    kind: str  # "media", "meeting" or "deadline"
    id: int
    title: str
    starts_on: date
    ends_on: date
    start_time: time | None
    status: str
    status_label: str
    endpoint: str | None  # the page it links to, with ``values``
    values: dict = field(default_factory=dict)

    def on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def calendar_entries(month_start: date, month_end: date, filters: EventFilters | None = None) -> list[CalendarEntry]:
    """Media events, council meetings and decision deadlines that touch the given days, in
    order; with ``filters`` (channel, organizer, status) only the media events they match."""
    media = select(MediaEvent).where(MediaEvent.starts_on <= month_end, MediaEvent.ends_on >= month_start)
    if filters is not None:
        media = filters.apply(media)
    entries = [
        CalendarEntry(
            "media", e.id, e.title, e.starts_on, e.ends_on, e.start_time, e.status, e.status_label,
            "media.event", {"event_id": e.id},
        )  # fmt: skip
        for e in db.session.scalars(media)
    ]
    if filters is None or not filters.active:  # meetings and deadlines have no channel, organizer or media status
        entries += _meeting_entries(month_start, month_end)
        entries += _deadline_entries(month_start, month_end)
    return sorted(entries, key=lambda e: (e.starts_on, e.start_time or time.min, e.kind, e.id))


def _meeting_entries(month_start: date, month_end: date) -> list[CalendarEntry]:
    from ..meetings.models import Meeting  # the meetings area is optional to this one

    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.date >= month_start, Meeting.date <= month_end, Meeting.deleted_at.is_(None))
        .options(selectinload(Meeting.council))
    )
    return [
        CalendarEntry(
            "meeting", m.id, f"Заседание {m.council.name_genitive}", m.date, m.date, m.start_time, m.status,
            m.status_enum.label, "meetings.show", {"meeting_id": m.id},
        )  # fmt: skip
        for m in meetings
    ]


def _deadline_entries(month_start: date, month_end: date) -> list[CalendarEntry]:
    """Decision deadlines of meetings not deleted, one day each (the calendar area's colour)."""
    from ..decisions.models import Decision, DecisionResponsible, DecisionStatus
    from ..meetings.models import Meeting

    decisions = db.session.scalars(
        select(Decision)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.deadline >= month_start, Decision.deadline <= month_end, Meeting.deleted_at.is_(None))
        .options(selectinload(Decision.responsibles).selectinload(DecisionResponsible.person))
    )
    entries = []
    for d in decisions:
        names = ", ".join(p.short_name for p in d.responsible_people)
        entries.append(CalendarEntry(
            "deadline", d.id, f"Срок: {d.text}" + (f" — {names}" if names else ""), d.deadline, d.deadline, None,
            d.status, DecisionStatus(d.status).label, "decisions.show", {"decision_id": d.id},
        ))  # fmt: skip
    return entries


def month_weeks(month_start: date) -> list[list[date]]:
    """The weeks (Monday first) that show a month, with days of the months around it."""
    first, last = month_bounds(month_start)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [days[i : i + 7] for i in range(0, len(days), 7)]


# --- the public feeds ------------------------------------------------------------


def public_clause(today: date, past_days: int):
    """What the public feeds may show of the public events of approved plans (and the
    published ones of any plan): a published event; an announced one until it ends (a
    past event never stays «announced»); a cancelled announced one, marked so, while it
    is within the calendars' window (``past_days`` back), as the .ics feeds keep it."""
    announced = MediaPlan.status == PlanStatus.APPROVED.value
    return and_(
        MediaEvent.is_public.is_(True),
        or_(
            MediaEvent.status == S.PUBLISHED.value,
            and_(announced, MediaEvent.status.in_([S.PLANNED.value, S.MATERIAL_READY.value]), MediaEvent.ends_on >= today),
            and_(announced, MediaEvent.status == S.CANCELLED.value, MediaEvent.ends_on >= today - timedelta(days=past_days)),
        ),
    )


def public_events(today: date, past_days: int, limit: int = 50, upcoming: bool = False) -> list[MediaEvent]:
    """The public events: the latest ``limit`` by date, or (``upcoming``) those from
    ``today`` on, soonest first; with their plan, organizer and publications."""
    stmt = (
        select(MediaEvent)
        .join(MediaPlan, MediaPlan.id == MediaEvent.plan_id)
        .where(public_clause(today, past_days))
        .options(selectinload(MediaEvent.organizer), contains_eager(MediaEvent.plan))
        .limit(limit)
    )
    if upcoming:
        stmt = stmt.where(MediaEvent.ends_on >= today).order_by(MediaEvent.starts_on, MediaEvent.start_time, MediaEvent.id)
    else:
        stmt = stmt.order_by(MediaEvent.starts_on.desc(), MediaEvent.start_time.desc(), MediaEvent.id.desc())
    return list(db.session.scalars(stmt))


def publications_of(events: list[MediaEvent]) -> dict[int, list[Publication]]:
    """The events' publications by event id, the earliest first."""
    found: dict[int, list[Publication]] = defaultdict(list)
    if events:
        for publication in db.session.scalars(
            select(Publication)
            .where(Publication.event_id.in_([e.id for e in events]))
            .order_by(Publication.published_on, Publication.id)
        ):
            found[publication.event_id].append(publication)
    return found
