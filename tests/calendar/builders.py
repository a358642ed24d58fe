"""A small cluster for the feed tests: councils, meetings, decisions, media
events and three users, around «today» = 1 March 2025 (10:00 in Tomsk)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from cluster_intranet.auth import services as user_services
from cluster_intranet.auth.roles import Role
from cluster_intranet.calendar import services as calendar_services
from cluster_intranet.councils.models import Council, CouncilMember
from cluster_intranet.decisions.models import Decision, DecisionResponsible, DecisionStatus
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.media.models import EventStatus, MediaEvent, MediaPlan
from cluster_intranet.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceMode,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)

NOW = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 in Tomsk
HOST = "intranet.test"  # from PUBLIC_BASE_URL in tests/conftest.py
PASSWORD = "test-password-1"
TRICKY = "Точка; запятая, обратная\\черта\nи новая строка"
SECRET_EMAIL = "anna.sokolova@private.test"
SECRET_PHONE = "+7 999 111-22-33"
INTERNAL_NOTE = "служебная заметка редактора"


def person(surname: str, first_name: str, patronymic: str, **fields) -> Person:
    p = Person(surname=surname, first_name=first_name, patronymic=patronymic, **fields)
    db.session.add(p)
    db.session.flush()
    return p


def council(name: str, genitive: str, members: list[Person]) -> Council:
    c = Council(
        name=name, name_genitive=genitive, members=[CouncilMember(person=p, position=i) for i, p in enumerate(members)]
    )
    db.session.add(c)
    db.session.flush()
    return c


def meeting(council: Council, number: int, day: date, start: time | None = None, end: time | None = None, *,
            agenda=(), attendees=(), **fields) -> Meeting:  # fmt: skip
    m = Meeting(council_id=council.id, number=number, year=day.year, date=day, start_time=start, end_time=end, **fields)
    m.agenda_items = [AgendaItem(position=i, text=text) for i, text in enumerate(agenda, 1)]
    m.attendances = [
        Attendance(person_id=p.id, name=p.short_name, mode=mode.value, position=i)
        for i, (p, mode) in enumerate(attendees, 1)
    ]
    db.session.add(m)
    db.session.flush()
    return m


def decision(meeting: Meeting, number: int, text: str, deadline: date | None, responsibles=(), **fields) -> Decision:
    d = Decision(meeting_id=meeting.id, number=number, text=text, deadline=deadline, **fields)
    d.responsibles = [DecisionResponsible(person_id=p.id, position=i) for i, p in enumerate(responsibles)]
    db.session.add(d)
    db.session.flush()
    return d


def media_event(plan: MediaPlan, title: str, starts_on: date, ends_on: date | None = None, **fields) -> MediaEvent:
    e = MediaEvent(plan_id=plan.id, title=title, starts_on=starts_on, ends_on=ends_on or starts_on, **fields)
    db.session.add(e)
    db.session.flush()
    return e


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    events: dict[str, MediaEvent] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # name -> user id
    tokens: dict[str, str] = field(default_factory=dict)  # name -> feed token

    def uid(self, kind: str, name: str) -> str:
        obj = {"meeting": self.meetings, "decision": self.decisions, "media-event": self.events}[kind][name]
        return f"{kind}-{obj.id}@{HOST}"


def build_world() -> World:
    w = World()
    org = Organization(short_name="ОГБПОУ «Томский индустриальный техникум»", city="Томск")
    db.session.add(org)
    db.session.flush()
    p = w.people
    p["lead"] = person("Соколова", "Анна", "Петровна", email=SECRET_EMAIL, phone=SECRET_PHONE, organization_id=org.id)
    p["guest"] = person("Петров", "Пётр", "Ильич")
    p["other"] = person("Орлова", "Ольга", "Сергеевна")

    c = w.councils
    c["coord"] = council("Координационный совет", "Координационного совета", [p["lead"]])
    c["expert"] = council("Экспертный совет", "Экспертного совета", [p["other"]])

    m = w.meetings
    m["timed"] = meeting(
        c["coord"], 1, date(2025, 3, 10), time(14, 0), time(15, 30), city="г. Томск", place="пр. Ленина, 30, ауд. 101",
        agenda=[TRICKY, "Разное"],
        attendees=[(p["guest"], AttendanceMode.IN_PERSON), (p["other"], AttendanceMode.ONLINE)],
    )  # fmt: skip
    m["all_day"] = meeting(
        c["expert"],
        1,
        date(2025, 3, 12),
        format=MeetingFormat.ONLINE.value,
        connection_link="https://meet.example/expert",
    )
    m["cancelled"] = meeting(c["coord"], 2, date(2025, 4, 1), time(10, 0), status=MeetingStatus.CANCELLED.value)
    m["deleted"] = meeting(c["coord"], 3, date(2025, 4, 2), time(10, 0), deleted_at=NOW)
    m["too_old"] = meeting(c["coord"], 10, date(2024, 11, 1), time(10, 0))  # 120 days back: outside the window
    m["too_far"] = meeting(c["coord"], 1, date(2026, 6, 1), time(10, 0))  # 15 months ahead: outside
    m["attended"] = meeting(
        c["expert"], 2, date(2025, 5, 5), time(9, 30), attendees=[(p["lead"], AttendanceMode.IN_PERSON)]
    )
    m["past"] = meeting(c["coord"], 4, date(2025, 2, 20), time(10, 0))

    d = w.decisions
    d["lead"] = decision(
        m["past"], 1, "Разработать медиаплан кластера; согласовать его с участниками, утвердить", date(2025, 3, 20),
        [p["lead"], p["guest"]],
    )  # fmt: skip
    d["other"] = decision(m["past"], 2, "Подготовить отчёт Экспертного совета", date(2025, 3, 25), [p["other"]])
    d["cancelled"] = decision(
        m["past"],
        3,
        "Провести выездное заседание",
        date(2025, 3, 26),
        [p["lead"]],
        status=DecisionStatus.CANCELLED.value,
    )
    d["no_deadline"] = decision(m["past"], 4, "Принять к сведению", None)
    d["done"] = decision(
        m["past"], 5, "Направить письмо", date(2025, 2, 28), [p["lead"]], status=DecisionStatus.DONE.value
    )
    d["of_deleted"] = decision(m["deleted"], 1, "Решение удалённого заседания", date(2025, 3, 21), [p["lead"]])

    plan = MediaPlan(title="Медиаплан 2025", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    db.session.add(plan)
    db.session.flush()
    e = w.events
    e["timed"] = media_event(plan, "День открытых дверей", date(2025, 3, 15), start_time=time(11, 0), end_time=time(13, 0),
                             place="ТИТ, актовый зал", organizer_id=org.id)  # fmt: skip
    e["multi"] = media_event(plan, "Фестиваль профессий", date(2025, 3, 17), date(2025, 3, 19))
    e["cancelled"] = media_event(plan, "Рабочая встреча редакторов", date(2025, 3, 21), status=EventStatus.CANCELLED.value,
                                 cancel_reason="перенос", is_public=False, internal_note=INTERNAL_NOTE)  # fmt: skip

    for name, person_key in (("lead", "lead"), ("guest", "guest"), ("nobody", None)):
        user = user_services.create_user(
            f"{name}@cluster.test", PASSWORD, Role.VIEWER, p[person_key].id if person_key else None
        )
        w.users[name] = user.id
        w.tokens[name] = calendar_services.issue_token(user)
    db.session.commit()
    return w
