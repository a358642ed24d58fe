"""Demo meetings: Protocol No. 2 of 22 October 2021 exactly as the seed file, the
Expert Council's Protocol No. 1 of 17 November 2021 (full form) exactly as
protocol-2021-11-17-expert-council.txt, and a few other meetings, past and planned,
so the lists are not empty."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from ..auth.models import User
from ..councils.models import Council
from ..decisions.models import Decision, DecisionResponsible, DecisionStatus
from ..directory.models import Person
from ..extensions import db
from .. import clock
from . import builders, services
from .models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingFormat, MeetingStatus

COORDINATION = "Координационный совет Промышленного образовательно-отраслевого кластера"
EXPERT = "Экспертный совет Промышленного образовательно-отраслевого кластера"

# As written in the protocol: name, position, organization (the seed's own spelling kept).
IN_PERSON = [
    ("Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
    ("Королева О.М.", "консультант", "Департамента промышленности и энергетики Администрации Томской области"),
    ("Бенсон Г.Ф.", "директор", "ОГБПОУ «Северский промышленный колледж»"),
    ("Елисеев В.А.", "директор", "ОГБПОУ «Томский индустриальный техникум»"),
    ("Криков А. Н.", "директор", "ОГБПОУ «Кожевниковский техникум агробизнеса»"),
    ("Криволапов И. Н.", "директор", "ОГБПОУ «Томский политехнический техникум»"),
    ("Матвеев Д..М.", "директор", "ОГБПОУ «Томский экономико-промышленный колледж»"),
]
ONLINE = [
    ("Кускова Е.В.", "директор", "ОГБПОУ «Томский аграрный колледж»"),
    ("Змеева Е. Е.", "директор", "ОГБПОУ «Томский промышленно-гуманитарный колледж»"),
    ("Дрожено О.Н.", "представитель", "ОГБПОУ «Колпашеский социально-промышленный колледж»"),
    (
        "Доронин Д.А.",
        "заместитель директора по безопасности",
        "МАОУ Средняя общеобразовательная школа «Интеграция» Томского района",
    ),
]
AGENDA = [
    "Процедурные вопросы согласования основных образовательных программ СПО со стороны предприятий-работодателей;",
    "Единообразии подходов участников кластера к освещению знаковых мероприятий и событий в рамках деятельности "
    "кластера, а также механизмы использования средств массовой информации для продвижения идей кластера для всех "
    "заинтересованных лиц.",
]
DECISIONS = [
    (
        "Поручить Экспертному совету Промышленного образовательно-отраслевого кластера разработку экспертных "
        "чек-листов с критериями оценки основных образовательных программ СПО. Согласование работодателями программ "
        "СПО осуществлять путем организации экспертных сессий на основании оформленных экспертных чек-листов.",
        "Пояркова О.Н.",
        date(2021, 12, 1),
        1,
    ),
    (
        "Применять принцип единообразия в подходах к освещению мероприятий и событий в рамках деятельности "
        "Промышленного образовательно-отраслевого кластера на официальных сайтах всех участников кластера.",
        None,
        None,
        2,
    ),
    (
        "Разработать медиаплан Промышленного образовательно-отраслевого кластера на 2021 - 2022 годы для "
        "рекламно-информационных целей о деятельности кластера.",
        "Кузнецова Н.В.",
        date(2021, 12, 1),
        2,
    ),
]


def _key(name: str) -> str:
    """«Криков А. Н.» and «Матвеев Д..М.» find «Криков А.Н.» and «Матвеев Д.М.»."""
    return name.replace(" ", "").replace("..", ".")


def seed(people: dict[str, Person], councils: dict[str, Council], secretaries: dict[str, User]) -> None:
    """The seed protocol and three more meetings; the held ones approved by their secretary
    on the day they were held (not on the day the demo is loaded)."""
    seed_expert_protocol(people, councils[EXPERT], secretaries)
    coordination, expert = councils[COORDINATION], councils[EXPERT]
    by_key = {_key(short): person for short, person in people.items()}
    if db.session.scalar(
        select(Meeting.id).where(Meeting.council_id == coordination.id, Meeting.year == 2021, Meeting.number == 2)
    ):
        return

    agenda = [AgendaItem(position=index, text=text) for index, text in enumerate(AGENDA, start=1)]
    protocol = builders.meeting(
        coordination,
        date(2021, 10, 22),
        number=2,
        start_time=time(14, 0),
        end_time=time(15, 30),
        city="г. Томск",
        place="пр. Кирова, 41, конференц-зал",
        format=MeetingFormat.MIXED.value,
        connection_link="https://meet.example.ru/cluster-council",
        status=MeetingStatus.DRAFT.value,
        secretary=by_key[_key("Жарких Е.В.")],
        attendances=[
            Attendance(
                person=by_key[_key(name)], mode=mode.value, position=index, name=name, job_title=job, organization=org
            )
            for mode, rows in ((AttendanceMode.IN_PERSON, IN_PERSON), (AttendanceMode.ONLINE, ONLINE))
            for index, (name, job, org) in enumerate(rows, start=1)
        ],
        agenda_items=agenda,
        decisions=[
            Decision(
                number=number,
                text=text,
                deadline=deadline,
                agenda_item=agenda[item - 1],
                status=DecisionStatus.OPEN.value,
                responsibles=[DecisionResponsible(person=by_key[_key(who)], position=0)] if who else [],
            )
            for number, (text, who, deadline, item) in enumerate(DECISIONS, start=1)
        ],
    )
    planned = builders.meeting(
        coordination,
        date(2027, 2, 18),
        number=1,
        start_time=time(15, 0),
        end_time=time(16, 30),
        city="г. Томск",
        place="пр. Кирова, 41, конференц-зал",
        format=MeetingFormat.MIXED.value,
        status=MeetingStatus.PLANNED.value,
        secretary=by_key[_key("Жарких Е.В.")],
        chair=by_key[_key("Беляев Е.В.")],
        agenda_items=[
            AgendaItem(position=1, text="О ходе исполнения решений Координационного совета", recurring=True),
            AgendaItem(position=2, text="О плане работы кластера на 2027 год"),
        ],
    )
    next_expert = builders.meeting(
        expert,
        date(2026, 12, 10),
        number=1,
        start_time=time(10, 0),
        end_time=time(12, 0),
        city="г. Томск",
        place="ОГБПОУ «Томский индустриальный техникум», ауд. 204",
        format=MeetingFormat.IN_PERSON.value,
        status=MeetingStatus.PLANNED.value,
        chair=by_key[_key("Пояркова О.Н.")],
        secretary=by_key[_key("Кузнецова Н.В.")],
        agenda=["Об итогах экспертных сессий 2026 года"],
    )
    for meeting in (protocol, planned, next_expert):
        services.renumber(meeting)
        meeting.refresh_search_text()
    db.session.flush()
    version = services.approve(protocol, secretaries[protocol.secretary.short_name])
    protocol.approved_at = version.approved_at = _on_the_day(protocol)


def _on_the_day(meeting: Meeting) -> datetime:
    """Approved on the day it was held, not on the day the demo is loaded."""
    return datetime.combine(meeting.date, time(17, 0), clock.local_zone())


# The Expert Council, 17.11.2021: the secretary's notes of
# ../shared/seed/protocol-2021-11-17-expert-council.md, as data.
EXPERT_IN_PERSON = ["Пояркова О.Н.", "Соколов А.В.", "Иванова М.С.", "Кузнецова Н.В.", "Елисеев В.А."]
EXPERT_ONLINE = ["Петренко О.И."]
EXPERT_INVITED = [
    ("Королева О.М.", "консультант", "Департамента промышленности и энергетики Администрации Томской области"),
    ("Мельникова-Гросс Ю.А.", "методист", "ОГБУ «Региональный центр развития профессионального образования»"),
]
# text, speaker, what the speaker reported, the discussion (a line each), the vote
EXPERT_AGENDA = [
    (
        "О структуре экспертного чек-листа оценки основных образовательных программ СПО.",
        "Пояркова О.Н.",
        "о проекте экспертного чек-листа из пяти разделов: цели и результаты программы, содержание и учебный "
        "план, практическая подготовка, материально-техническое обеспечение, кадровое обеспечение.",
        "Иванова М.С. – предложила оценивать практическую подготовку по шкале от 0 до 2 баллов.\n"
        "Петренко О.И. – о включении в чек-лист критерия участия работодателей в государственной итоговой аттестации.",
        {"votes_for": 6, "votes_against": 0, "votes_abstained": 0},
    ),
    (
        "О порядке проведения экспертных сессий с участием работодателей.",
        "Соколов А.В.",
        "о порядке проведения экспертных сессий: состав экспертов, сроки, оформление результатов.",
        "",
        {"votes_unanimous": True},
    ),
]
# item, text, responsible people, deadline, term in words
EXPERT_DECISIONS = [
    (
        1,
        "Одобрить структуру экспертного чек-листа с учётом высказанных предложений.",
        ["Пояркова О.Н."],
        date(2021, 11, 24),
        "",
    ),
    (
        1,
        "Подготовить методические рекомендации для экспертов по заполнению чек-листа.",
        ["Иванова М.С.", "Мельникова-Гросс Ю.А."],
        date(2021, 12, 1),
        "",
    ),
    (
        2,
        "Проводить экспертные сессии не реже одного раза в квартал с участием не менее трёх экспертов от "
        "работодателей.",
        ["Соколов А.В."],
        None,
        "постоянно",
    ),
    (
        2,
        "Информировать участников кластера о датах экспертных сессий через медиаплан кластера.",
        ["Кузнецова Н.В."],
        date(2021, 12, 15),
        "",
    ),
]


def seed_expert_protocol(people: dict[str, Person], expert: Council, secretaries: dict[str, User]) -> Meeting | None:
    """The Expert Council's Protocol No. 1 of 17.11.2021, approved on its day (None if the
    council already has a protocol No. 1 of 2021)."""
    if db.session.scalar(
        select(Meeting.id).where(Meeting.council_id == expert.id, Meeting.year == 2021, Meeting.number == 1)
    ):
        return None
    by_key = {_key(short): person for short, person in people.items()}

    def attendee(name: str, mode: AttendanceMode, position: int, job: str | None = None, org: str | None = None):
        person = by_key[_key(name)]
        return Attendance(
            person=person,
            mode=mode.value,
            position=position,
            name=person.short_name,
            job_title=person.position if job is None else job,
            organization=(person.organization.short_name if person.organization else "") if org is None else org,
        )

    agenda = [
        AgendaItem(
            position=n,
            text=text,
            speaker=by_key[_key(speaker)],
            speaker_name=speaker,
            speaker_summary=summary,
            discussion=discussion,
            **votes,
        )
        for n, (text, speaker, summary, discussion, votes) in enumerate(EXPERT_AGENDA, start=1)
    ]
    meeting = builders.meeting(
        expert,
        date(2021, 11, 17),
        number=1,
        start_time=time(14, 0),
        end_time=time(16, 0),
        place="ОГБПОУ «Томский индустриальный техникум», ауд. 210",
        format=MeetingFormat.MIXED.value,
        status=MeetingStatus.HELD.value,
        chair=by_key[_key("Пояркова О.Н.")],
        secretary=by_key[_key("Кузнецова Н.В.")],
        attendances=[
            *(attendee(name, AttendanceMode.IN_PERSON, n) for n, name in enumerate(EXPERT_IN_PERSON, start=1)),
            *(attendee(name, AttendanceMode.ONLINE, n) for n, name in enumerate(EXPERT_ONLINE, start=1)),
            *(
                attendee(name, AttendanceMode.INVITED, n, job, org)
                for n, (name, job, org) in enumerate(EXPERT_INVITED, start=1)
            ),
        ],
        agenda_items=agenda,
        decisions=[
            Decision(
                number=n,
                text=text,
                agenda_item=agenda[item - 1],
                deadline=deadline,
                term=term,
                status=DecisionStatus.OPEN.value,
                responsibles=[DecisionResponsible(person=by_key[_key(who)], position=p) for p, who in enumerate(names)],
            )
            for n, (item, text, names, deadline, term) in enumerate(EXPERT_DECISIONS, start=1)
        ],
    )
    services.renumber(meeting)
    meeting.refresh_search_text()
    version = services.approve(meeting, secretaries[meeting.secretary.short_name])
    meeting.approved_at = version.approved_at = _on_the_day(meeting)
    db.session.flush()
    return meeting
