"""The media plan and its coverage: queries and changes.

Functions take the acting user and the data explicitly, flush and never commit;
the routes, the CLI, the feeds and the documents share them.
"""

from __future__ import annotations

import calendar as pycalendar
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import clock
from ..auth.models import NO_PERSON_TO_SIGN, User
from ..concurrency import ensure_current
from ..directory.models import NAME_ORDER, Organization, Person
from ..extensions import db
from ..forms import db_int
from ..model_mixins import copied
from ..references import delete_unreferenced
from ..text import date_range
from .models import (
    CORRECTIONS,
    ChangeKind,
    Channel,
    EventStatus,
    MediaEvent,
    MediaEventChange,
    MediaEventChannel,
    MediaPlan,
    PlanStatus,
    Publication,
    TRANSITIONS,
    when_text,
)

S = EventStatus


class MediaError(ValueError):
    """A change refused for a reason the user should read; ``field`` is where to show it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
        select(func.count(MediaEvent.id))
        .where(MediaEvent.plan_id == MediaPlan.id)
        .correlate(MediaPlan)
        .scalar_subquery()
    )
    stmt = (
        select(MediaPlan, counts).options(selectinload(MediaPlan.responsible)).order_by(MediaPlan.period_start.desc())
    )
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
    plan.approved_by_position = user.person.position
    db.session.flush()


def return_to_draft(plan: MediaPlan) -> None:
    if not plan.is_approved:
        raise MediaError("Медиаплан и так черновик.")
    plan.status = PlanStatus.DRAFT.value
    plan.approved_at = None
    plan.approved_by = None
    plan.approved_by_name = plan.approved_by_position = ""
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
        **copied(event, "description", "place", "start_time", "end_time", "organizer_id", "format",
                 "responsible_id", "is_public", "release_text", "internal_note"),
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
    delete_unreferenced(plan, "медиаплан", MediaError)


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


def save_event(
    event: MediaEvent, plan: MediaPlan, data: dict, channels: list[str], version: int | None = None
) -> MediaEvent:
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
    delete_unreferenced(event, "мероприятие", MediaError, "Отмените мероприятие вместо удаления.")


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
            and_(
                announced, MediaEvent.status.in_([S.PLANNED.value, S.MATERIAL_READY.value]), MediaEvent.ends_on >= today
            ),
            and_(
                announced,
                MediaEvent.status == S.CANCELLED.value,
                MediaEvent.ends_on >= today - timedelta(days=past_days),
            ),
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
        stmt = stmt.where(MediaEvent.ends_on >= today).order_by(
            MediaEvent.starts_on, MediaEvent.start_time, MediaEvent.id
        )
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
