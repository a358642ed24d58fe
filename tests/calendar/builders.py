"""A small cluster for the feed tests: councils, meetings, decisions, media
events and three users, around «today» = 1 March 2025 (10:00 in Tomsk)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from cluster_intranet.auth import services as user_services
from cluster_intranet.auth.roles import Role
from cluster_intranet.calendar import services as calendar_services
from cluster_intranet.councils.models import Council
from cluster_intranet.decisions import builders as decisions
from cluster_intranet.decisions.models import Decision, DecisionStatus
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.media import builders as media
from cluster_intranet.media.models import EventStatus, MediaEvent
from cluster_intranet.meetings import builders as meetings
from cluster_intranet.meetings.models import AttendanceMode, Meeting, MeetingFormat, MeetingStatus
from tests import factories

NOW = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 in Tomsk
HOST = "intranet.test"  # from PUBLIC_BASE_URL in tests/conftest.py
PASSWORD = "test-password-1"
TRICKY = "Точка; запятая, обратная\\черта\nи новая строка"
SECRET_EMAIL = "anna.sokolova@private.test"
SECRET_PHONE = "+7 999 111-22-33"
INTERNAL_NOTE = "служебная заметка редактора"


def assert_read_as_14_to_15_30_in_tomsk(event: dict) -> None:
    """``event``, as ical.js reads it, is at 14:00–15:30 in Tomsk on 10 March 2025 (the
    «timed» meeting below; ``meeting()`` of test_ical.py): the local time in Asia/Tomsk,
    and UTC that ical.js computes from the feed's own VTIMEZONE, not from tzdata."""
    assert event["start"] == {
        "value": "2025-03-10T14:00:00",
        "tzid": "Asia/Tomsk",
        "utc": "2025-03-10T07:00:00Z",
        "isDate": False,
    }
    assert event["end"]["utc"] == "2025-03-10T08:30:00Z"


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
    org = factories.organization(short_name="ОГБПОУ «Томский индустриальный техникум»")
    p = w.people
    p["lead"] = factories.person(
        surname="Соколова",
        first_name="Анна",
        patronymic="Петровна",
        email=SECRET_EMAIL,
        phone=SECRET_PHONE,
        organization=org,
    )
    p["guest"] = factories.person(surname="Петров", first_name="Пётр", patronymic="Ильич")
    p["other"] = factories.person(surname="Орлова", first_name="Ольга", patronymic="Сергеевна")

    c = w.councils
    c["coord"] = factories.council([p["lead"]], name="Координационный совет", name_genitive="Координационного совета")
    c["expert"] = factories.council([p["other"]], name="Экспертный совет", name_genitive="Экспертного совета")

    m = w.meetings
    m["timed"] = meetings.meeting(
        c["coord"], date(2025, 3, 10), number=1, start_time=time(14, 0), end_time=time(15, 30), city="г. Томск",
        place="пр. Ленина, 30, ауд. 101", agenda=[TRICKY, "Разное"],
        attendees=[(p["guest"], AttendanceMode.IN_PERSON), (p["other"], AttendanceMode.ONLINE)],
    )  # fmt: skip
    m["all_day"] = meetings.meeting(
        c["expert"], date(2025, 3, 12), number=1, format=MeetingFormat.ONLINE.value,
        connection_link="https://meet.example/expert",
    )  # fmt: skip
    m["cancelled"] = meetings.meeting(
        c["coord"], date(2025, 4, 1), number=2, start_time=time(10, 0), status=MeetingStatus.CANCELLED.value
    )
    m["deleted"] = meetings.meeting(c["coord"], date(2025, 4, 2), number=3, start_time=time(10, 0), deleted_at=NOW)
    # 120 days back and 15 months ahead: outside the window
    m["too_old"] = meetings.meeting(c["coord"], date(2024, 11, 1), number=10, start_time=time(10, 0))
    m["too_far"] = meetings.meeting(c["coord"], date(2026, 6, 1), number=1, start_time=time(10, 0))
    m["attended"] = meetings.meeting(
        c["expert"],
        date(2025, 5, 5),
        number=2,
        start_time=time(9, 30),
        attendees=[(p["lead"], AttendanceMode.IN_PERSON)],
    )
    m["past"] = meetings.meeting(c["coord"], date(2025, 2, 20), number=4, start_time=time(10, 0))

    d = w.decisions
    d["lead"] = decisions.decision(
        m["past"], p["lead"], p["guest"], deadline=date(2025, 3, 20),
        text="Разработать медиаплан кластера; согласовать его с участниками, утвердить",
    )  # fmt: skip
    d["other"] = decisions.decision(
        m["past"], p["other"], text="Подготовить отчёт Экспертного совета", deadline=date(2025, 3, 25)
    )
    d["cancelled"] = decisions.decision(
        m["past"], p["lead"], text="Провести выездное заседание", deadline=date(2025, 3, 26),
        status=DecisionStatus.CANCELLED.value,
    )  # fmt: skip
    d["no_deadline"] = decisions.decision(m["past"], text="Принять к сведению")
    d["done"] = decisions.decision(
        m["past"], p["lead"], text="Направить письмо", deadline=date(2025, 2, 28), status=DecisionStatus.DONE.value
    )
    d["of_deleted"] = decisions.decision(
        m["deleted"], p["lead"], text="Решение удалённого заседания", deadline=date(2025, 3, 21)
    )

    plan = media.plan(title="Медиаплан 2025", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    e = w.events
    e["timed"] = media.event(
        plan, (), title="День открытых дверей", starts_on=date(2025, 3, 15), start_time=time(11, 0),
        end_time=time(13, 0), place="ТИТ, актовый зал", organizer=org,
    )  # fmt: skip
    e["multi"] = media.event(
        plan, (), title="Фестиваль профессий", starts_on=date(2025, 3, 17), ends_on=date(2025, 3, 19)
    )
    e["cancelled"] = media.event(
        plan, (), title="Рабочая встреча редакторов", starts_on=date(2025, 3, 21), status=EventStatus.CANCELLED.value,
        cancel_reason="перенос", is_public=False, internal_note=INTERNAL_NOTE,
    )  # fmt: skip

    for name, person_key in (("lead", "lead"), ("guest", "guest"), ("nobody", None)):
        user = user_services.create_user(
            f"{name}@cluster.test", PASSWORD, Role.VIEWER, p[person_key].id if person_key else None
        )
        w.users[name] = user.id
        w.tokens[name] = calendar_services.issue_token(user)
    db.session.commit()
    return w
