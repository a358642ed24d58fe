"""What the feeds contain: meetings, media events and decision deadlines as
:class:`~.ical.CalendarItem`, and the cheap state an ETag is computed from.

Everything here takes its inputs explicitly (a :class:`~.scopes.Scope`: which feed, for whom) and reads the
database with plain column queries: a feed of 5,000 events must build in a
fraction of a second, and a conditional request must be answered from one
small query without building anything.

A full download builds the whole feed each time, nothing kept between requests: the
5,000-event feed of ``python -m bench.calendar`` meets its target (at most 1.5 times
icalendar's time for the same events) that way, and calendar apps mostly ask with
their ETag, answered 304 from the state alone (cache.py: a cache only where a target
needs one).

Who sees what: a feed shows what its owner may see in the intranet. Every
active account, whatever its role, reads all meetings, decisions and media
events (see tests/test_access.py), so :func:`.scopes.visible_sources` grants all three;
a role that should see less gets fewer sources there and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import false, or_, select

from .. import changes
from ..councils.models import Council, CouncilMember
from ..decisions.models import Decision, DecisionResponsible, DecisionStatus
from ..directory.models import Organization, Person
from ..extensions import db
from ..media.models import EventFormat, EventStatus, MediaEvent
from ..meetings.models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingFormat, MeetingStatus
from ..text import date_range, days, ru_date, short_date, short_name, shorten
from .ical import CalendarItem, build_calendar, etag_for
from .scopes import ALL, DEADLINES, MEDIA, MEETINGS, Scope, scope_for
from .services import ALL_DAY_ALARM_MINUTES

# Bump when the same data gives other bytes (wording of descriptions etc.).
CONTENT_VERSION = "feeds-2"
SUMMARY_TEXT_LENGTH = 80  # characters of a decision's text in a deadline's title

ZONE_NAMES = {"Asia/Tomsk": "томское время"}
FORMAT_LABELS = {f.value: f.label for f in MeetingFormat}
MEETING_STATUS_LABELS = {s.value: s.label for s in MeetingStatus}
DECISION_STATUS_LABELS = {s.value: s.label for s in DecisionStatus}


# --- filters ---------------------------------------------------------------------


def _not_deleted(meeting_id) -> object:
    """Of a meeting not deleted: an anti-join with the few deleted ones, so that the
    planner walks the date index (to SQLite ``deleted_at IS NULL`` looks selective; it is not)."""
    return meeting_id.not_in(select(Meeting.id).where(Meeting.deleted_at.is_not(None)))


def _meeting_filter(scope: Scope, *, with_deleted: bool = False) -> list:
    conditions = [Meeting.date >= scope.first_day, Meeting.date <= scope.last_day]
    if not with_deleted:
        conditions.append(_not_deleted(Meeting.id))
    if scope.feed.council_id is not None:
        conditions.append(Meeting.council_id == scope.feed.council_id)
    if scope.feed.mine:
        if scope.person_id is None:
            conditions.append(false())
        else:
            conditions.append(
                or_(
                    Meeting.council_id.in_(
                        select(CouncilMember.council_id).where(CouncilMember.person_id == scope.person_id)
                    ),
                    Meeting.id.in_(select(Attendance.meeting_id).where(Attendance.person_id == scope.person_id)),
                )
            )
    return conditions


def _decision_filter(scope: Scope) -> list:
    """Decisions with a deadline in the window, of meetings not deleted."""
    conditions = [
        Decision.deadline >= scope.first_day,
        Decision.deadline <= scope.last_day,
        _not_deleted(Decision.meeting_id),
    ]
    if scope.feed.mine:
        if scope.person_id is None:
            conditions.append(false())
        else:
            conditions.append(
                Decision.id.in_(
                    select(DecisionResponsible.decision_id).where(DecisionResponsible.person_id == scope.person_id)
                )
            )
    return conditions


def _media_filter(scope: Scope) -> list:
    return [MediaEvent.starts_on <= scope.last_day, MediaEvent.ends_on >= scope.first_day]


# --- the cheap state: the stamps of the sources (changes.py) ------------------------


@dataclass(frozen=True)
class State:
    stamps: tuple[tuple[str, int], ...]  # (source, stamp of its last change) for each source shown
    last_modified: datetime  # the last change of a source shown, or the window's last move

    def stamp(self, source: str) -> int | None:
        return dict(self.stamps).get(source)


def feed_state(scope: Scope) -> State:
    """One small query for what the ETag and Last-Modified need: the stamps of the feed's
    sources. Every committed change of what a source shows writes a new one (changes.py),
    so an unchanged stamp means unchanged rows. The body also changes when the window moves
    at midnight: Last-Modified is never before that midnight."""
    found = changes.state(scope.sources)
    midnight = datetime.combine(scope.today, time(0), scope.zone).astimezone(UTC)
    moments = [changed for _, changed in found.values()] + [midnight]
    return State(tuple((source, stamp) for source, (stamp, _) in found.items()), max(moments))


def etag(scope: Scope, state: State) -> str:
    extras = (
        CONTENT_VERSION, scope.feed.slug, ",".join(sorted(scope.sources)), scope.first_day.isoformat(),
        scope.last_day.isoformat(), scope.base_url, scope.tz, str(scope.person_id), str(scope.event_alarm),
        str(scope.deadline_alarm), repr(state.stamps),
    )  # fmt: skip
    return etag_for(state.last_modified, 0, *extras)


def _aware(value: datetime) -> datetime:
    """Columns read through the Core bypass UTCDateTime: SQLite gives naive UTC (or even text), PostgreSQL naive UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- building -----------------------------------------------------------------------


def build_feed(scope: Scope) -> bytes:
    """The feed's bytes."""
    return build_calendar(feed_items(scope), name=scope.feed.name, tz=scope.tz)


def feed_items(scope: Scope) -> list[CalendarItem]:
    links = Links(scope.base_url)
    sources = [source for source in (MEETINGS, DEADLINES, MEDIA) if scope.shows(source)]
    return [item for source in sources for item in source_items(scope, source, links)]


def source_items(scope: Scope, source: str, links: Links) -> list[CalendarItem]:
    if source == MEETINGS:
        return meeting_items(scope, _meeting_filter(scope), links)
    if source == DEADLINES:
        return deadline_items(scope, _decision_filter(scope), links)
    if source == MEDIA:
        return media_items(scope, _media_filter(scope), links)
    raise ValueError(source)


def _rows(statement) -> list:
    """The rows of a column query, read through the Core: the ORM's row layer costs
    three times as much for a plain column query of thousands of rows."""
    return db.session.connection().execute(statement).all()


class Links:
    """Links back to the intranet's pages: url_for once per kind, then string formatting."""

    MARK = 987654321

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.templates: dict[str, str] = {}

    def __call__(self, endpoint: str, argument: str, value: int, anchor: str = "") -> str:
        template = self.templates.get(endpoint)
        if template is None:
            path = url_for(endpoint, **{argument: self.MARK})
            template = self.templates[endpoint] = self.base_url + path.replace(str(self.MARK), "{}")
        return template.format(value) + anchor


def _chunks(ids: list[int], size: int = 10_000):
    """The ids of the rows just read, for the queries of their details: one query for any
    realistic feed, and under the bound-parameter limits (SQLite 32,766, PostgreSQL 65,535)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Meetings ---------------------------------------------------------------------------


def meeting_items(scope: Scope, conditions: list, links: Links) -> list[CalendarItem]:
    rows, agenda, attendees = _meeting_rows(conditions)
    zone = scope.zone
    return [_meeting_item(row, agenda[row.id], attendees[row.id], scope, zone, links) for row in rows]


def _meeting_rows(conditions: list) -> tuple[list, dict, dict]:
    """The meetings' rows, and their agenda texts and attendee names by meeting id."""
    rows = _rows(
        select(
            Meeting.id, Meeting.number, Meeting.date, Meeting.start_time, Meeting.end_time, Meeting.city,
            Meeting.place, Meeting.format, Meeting.connection_link, Meeting.status, Meeting.version,
            Meeting.updated_at, Council.name.label("council_name"), Council.name_genitive,
            Council.updated_at.label("council_updated_at"),
        )
        .join(Council, Council.id == Meeting.council_id)
        .where(*conditions)
    )  # fmt: skip
    agenda = defaultdict(list)
    attendees = defaultdict(lambda: defaultdict(list))
    for ids in _chunks([row.id for row in rows]):
        for meeting_id, text in _rows(
            select(AgendaItem.meeting_id, AgendaItem.text)
            .where(AgendaItem.meeting_id.in_(ids))
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
        ):
            agenda[meeting_id].append(text)
        for meeting_id, mode, name in _rows(
            select(Attendance.meeting_id, Attendance.mode, Attendance.name)
            .where(Attendance.meeting_id.in_(ids))
            .order_by(Attendance.meeting_id, Attendance.mode, Attendance.position, Attendance.id)
        ):
            attendees[meeting_id][mode].append(name)
    return rows, agenda, attendees


def _meeting_item(row, agenda: list[str], attendees: dict, scope: Scope, zone: ZoneInfo, links: Links) -> CalendarItem:
    council = row.name_genitive or row.council_name
    summary = f"Заседание {council}"
    cancelled = row.status == MeetingStatus.CANCELLED
    url = links("meetings.show", "meeting_id", row.id)
    if row.start_time:
        start = datetime.combine(row.date, row.start_time, zone)
        end = datetime.combine(row.date, row.end_time, zone) if row.end_time and row.end_time > row.start_time else None
        alarm = scope.event_alarm
    else:
        start, end, alarm = row.date, None, ALL_DAY_ALARM_MINUTES if scope.event_alarm is not None else None

    place = ", ".join(part for part in (row.city, row.place) if part)
    if row.format == MeetingFormat.ONLINE:
        location = "Онлайн"
    elif row.format == MeetingFormat.MIXED:
        location = f"{place} и онлайн" if place else "Онлайн"
    else:
        location = place

    lines = [summary]
    if cancelled:
        lines.append("Заседание отменено.")
    lines.append("Когда: " + when_text(row.date, row.start_time, row.end_time, scope, zone))
    if place and row.format != MeetingFormat.ONLINE:
        lines.append(f"Где: {place}")
    lines.append(f"Формат: {FORMAT_LABELS.get(row.format, row.format)}")
    if row.connection_link:
        lines.append(f"Подключение: {row.connection_link}")
    lines.append(f"Протокол № {row.number}. Статус: {MEETING_STATUS_LABELS.get(row.status, row.status)}")
    if agenda:
        lines += ["", "Повестка:"] + [f"{n}. {text}" for n, text in enumerate(agenda, 1)]
    people = [
        (AttendanceMode.IN_PERSON, "Участники (очно)"),
        (AttendanceMode.ONLINE, "Участники (онлайн)"),
        (AttendanceMode.INVITED, "Приглашённые"),
    ]
    listed = [f"{label}: {', '.join(attendees[mode.value])}" for mode, label in people if attendees.get(mode.value)]
    if listed:
        lines += ["", *listed]
    lines += ["", f"Страница заседания: {url}"]

    return CalendarItem(
        uid=f"meeting-{row.id}@{scope.host}",
        summary=summary,
        start=start,
        end=end,
        last_modified=max(_aware(row.updated_at), _aware(row.council_updated_at)),
        sequence=row.version,
        location=location,
        description="\n".join(lines),
        url=url,
        categories=("Заседание совета",),
        cancelled=cancelled,
        alarm_minutes=alarm,
    )


# Deadlines --------------------------------------------------------------------------


def deadline_items(scope: Scope, conditions: list, links: Links) -> list[CalendarItem]:
    rows = _rows(
        select(
            Decision.id, Decision.number, Decision.label, Decision.text, Decision.deadline, Decision.status, Decision.version,
            Decision.updated_at, Meeting.id.label("meeting_id"), Meeting.number.label("protocol_number"),
            Meeting.date.label("meeting_date"), Meeting.updated_at.label("meeting_updated_at"),
            Council.name.label("council_name"), Council.name_genitive, Council.updated_at.label("council_updated_at"),
        )
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(Council, Council.id == Meeting.council_id)
        .where(*conditions)
    )  # fmt: skip
    responsibles = defaultdict(list)
    for ids in _chunks([row.id for row in rows]):
        for decision_id, surname, first_name, patronymic, updated_at in _rows(
            select(
                DecisionResponsible.decision_id, Person.surname, Person.first_name, Person.patronymic, Person.updated_at
            )
            .join(Person, Person.id == DecisionResponsible.person_id)
            .where(DecisionResponsible.decision_id.in_(ids))
            .order_by(DecisionResponsible.decision_id, DecisionResponsible.position, DecisionResponsible.id)
        ):
            responsibles[decision_id].append((short_name(surname, first_name, patronymic), updated_at))
    return [_deadline_item(row, responsibles[row.id], scope, links) for row in rows]


def _deadline_item(row, responsibles: list[tuple[str, datetime]], scope: Scope, links: Links) -> CalendarItem:
    names = [name for name, _ in responsibles]
    text = " ".join(row.text.split())
    summary = f"Срок: {shorten(text, SUMMARY_TEXT_LENGTH)}"
    if names:
        summary += " — " + ", ".join(names)
    if row.status == DecisionStatus.DONE:
        summary += " (исполнено)"
    url = links("decisions.show", "decision_id", row.id)
    council = row.name_genitive or row.council_name
    lines = [
        f"Поручение: {row.text}",
        f"Срок: {short_date(row.deadline)}",
        "Ответственные: " + (", ".join(names) if names else "не назначены"),
        f"Статус: {DECISION_STATUS_LABELS.get(row.status, row.status)}",
        f"Решение № {row.label or row.number} заседания {council} (протокол № {row.protocol_number} от {short_date(row.meeting_date)})",
        "",
        f"Страница поручения: {url}",
    ]
    changes = [_aware(row.updated_at), _aware(row.meeting_updated_at), _aware(row.council_updated_at)]
    changes += [_aware(updated_at) for _, updated_at in responsibles]
    return CalendarItem(
        uid=f"decision-{row.id}@{scope.host}",
        summary=summary,
        start=row.deadline,
        end=None,
        last_modified=max(changes),
        sequence=row.version,
        description="\n".join(lines),
        url=url,
        categories=("Срок поручения",),
        cancelled=row.status == DecisionStatus.CANCELLED,
        transparent=True,  # a deadline does not make anyone busy
        alarm_minutes=scope.deadline_alarm,
    )


# Media events -----------------------------------------------------------------------


def media_items(scope: Scope, conditions: list, links: Links) -> list[CalendarItem]:
    """Media plan events (cluster_intranet.media): internal ones too, as in the intranet."""
    rows = _rows(
        select(
            MediaEvent.id, MediaEvent.title, MediaEvent.description, MediaEvent.place, MediaEvent.starts_on,
            MediaEvent.ends_on, MediaEvent.start_time, MediaEvent.end_time, MediaEvent.format, MediaEvent.status,
            MediaEvent.cancel_reason, MediaEvent.postponed_from, MediaEvent.version, MediaEvent.updated_at,
            Organization.short_name.label("organizer"), Organization.updated_at.label("organizer_updated_at"),
        )
        .outerjoin(Organization, Organization.id == MediaEvent.organizer_id)
        .where(*conditions)
    )  # fmt: skip
    zone = scope.zone
    items = []
    for row in rows:
        url = links("media.event", "event_id", row.id)
        several_days = row.ends_on > row.starts_on
        if row.start_time and not several_days:
            start = datetime.combine(row.starts_on, row.start_time, zone)
            end = (
                datetime.combine(row.starts_on, row.end_time, zone)
                if row.end_time and row.end_time > row.start_time
                else None
            )
            alarm = scope.event_alarm
        else:
            start, end = row.starts_on, row.ends_on
            alarm = ALL_DAY_ALARM_MINUTES if scope.event_alarm is not None else None
        format_label = EventFormat(row.format).label
        cancelled = row.status == EventStatus.CANCELLED
        lines = [row.title]
        if cancelled:
            lines.append("Мероприятие отменено." + (f" Причина: {row.cancel_reason}" if row.cancel_reason else ""))
        if several_days:
            lines.append(f"Когда: {date_range(row.starts_on, row.ends_on)}")
        else:
            lines.append("Когда: " + when_text(row.starts_on, row.start_time, row.end_time, scope, zone))
        if row.postponed_from and row.postponed_from != row.starts_on:  # as the pages and documents say it
            lines.append(f"Перенесено с {ru_date(row.postponed_from)}")
        if row.place:
            lines.append(f"Где: {row.place}")
        lines.append(f"Формат: {format_label}")
        if row.organizer:
            lines.append(f"Организатор: {row.organizer}")
        lines.append(f"Статус: {EventStatus(row.status).label}")
        if row.description:
            lines += ["", row.description]
        lines += ["", f"Страница мероприятия: {url}"]
        changes = [_aware(row.updated_at)] + ([_aware(row.organizer_updated_at)] if row.organizer_updated_at else [])
        items.append(
            CalendarItem(
                uid=f"media-event-{row.id}@{scope.host}",
                summary=" ".join(row.title.split()),  # one line: a calendar shows a title, not a text
                start=start,
                end=end,
                last_modified=max(changes),
                sequence=row.version,
                location=row.place,
                description="\n".join(lines),
                url=url,
                categories=("Медиаплан", format_label),
                cancelled=cancelled,
                # A day (or days) of a media event is marked, not blocked: a forum over three
                # days, a news item of a day; an event with a time is someone's busy time.
                transparent=not isinstance(start, datetime),
                alarm_minutes=alarm,
            )
        )
    return items


# --- text helpers -------------------------------------------------------------------------


def window_text() -> str:
    """What the feeds hold, for the «Календари» page: «за последние 60 дней и на 365 дней
    вперёд (сейчас — с 31 декабря 2024 г. по 1 марта 2026 г.)»."""
    scope = scope_for(ALL, None)
    config = current_app.config
    return (
        f"за последние {days(config['CALENDAR_WINDOW_PAST_DAYS'])} и на {days(config['CALENDAR_WINDOW_FUTURE_DAYS'])} "
        f"вперёд (сейчас — с {ru_date(scope.first_day)} по {ru_date(scope.last_day)})"
    )


def when_text(day: date, start: time | None, end: time | None, scope: Scope, zone: ZoneInfo) -> str:
    """«22 октября 2021 г., 14:00–16:00 (томское время, UTC+7)»: the time as the cluster reads it."""
    text = ru_date(day)
    if not start:
        return text + ", весь день"
    text += f", {start:%H:%M}" + (f"–{end:%H:%M}" if end else "")
    offset = datetime.combine(day, start, zone).utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
    utc = f"UTC{'+' if offset >= timedelta(0) else '-'}{abs(hours)}" + (f":{rest:02d}" if rest else "")
    return f"{text} ({ZONE_NAMES.get(scope.tz, scope.tz)}, {utc})"


def single_items(kind: str, object_id: int, scope: Scope) -> Iterable[CalendarItem]:
    """The one event «Добавить в календарь» downloads (none if it does not exist or is deleted)."""
    links = Links(scope.base_url)
    if kind == MEETINGS:
        return meeting_items(scope, [Meeting.id == object_id, Meeting.deleted_at.is_(None)], links)
    if kind == MEDIA:
        return media_items(scope, [MediaEvent.id == object_id], links)
    if kind == DEADLINES:
        return deadline_items(
            scope, [Decision.id == object_id, Decision.deadline.is_not(None), Meeting.deleted_at.is_(None)], links
        )
    raise ValueError(kind)
