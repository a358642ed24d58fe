"""Demo data of the expertise area: the Expert Council's checklist, programmes of the
demo colleges, a completed expert session and one in progress.

The experts are the employers' people of directory/demo.py; their user accounts get
generated passwords (an administrator resets them to hand them out). Idempotent:
what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from ..auth import services as users
from ..auth.models import User
from ..auth.roles import Role
from ..directory.models import Organization, Person
from ..extensions import db
from . import builders, documents, scoring
from .models import (
    Assessment,
    ChecklistVersion,
    Criterion,
    ExpertSession,
    Programme,
    Scale,
    Verdict,
)

EXPERTS = {
    # short name -> login
    "Соколов А.В.": "sokolov@cluster.local",
    "Иванова М.С.": "ivanova@cluster.local",
    "Петренко О.И.": "petrenko@cluster.local",
}

CHECKLIST_TITLE = "Экспертный чек-лист оценки основной профессиональной образовательной программы СПО"
PROTOCOL = "Протокол заседания Экспертного совета № 1 от 17.11.2021"

Y, P2, N, C = Scale.YES_NO, Scale.POINTS_2, Scale.POINTS_N, Scale.CONFORMITY
# section -> [(wording, scale, max points for 0–N, weight, required[, hint])], as builders.checklist reads it
CHECKLIST = [
    (
        "Соответствие ФГОС СПО",
        [
            (
                "Структура и объём программы соответствуют требованиям ФГОС СПО по специальности",
                C,
                None,
                1.5,
                True,
                "Учебный план, календарный учебный график, объём обязательной части и вариативной части.",
            ),
            (
                "Результаты освоения программы (общие и профессиональные компетенции) соответствуют ФГОС СПО",
                C,
                None,
                1.5,
                True,
            ),
            (
                "Рабочие программы дисциплин и профессиональных модулей разработаны по всем элементам учебного плана",
                Y,
                None,
                1,
                True,
            ),
            (
                "Вариативная часть программы использована для углубления подготовки по запросам работодателей",
                P2,
                None,
                1,
                True,
                "Укажите, какие дисциплины и модули введены за счёт вариативной части.",
            ),
        ],
    ),
    (
        "Учёт профессиональных стандартов и требований работодателей",
        [
            (
                "Программа учитывает профессиональные стандарты, соответствующие профессиональной деятельности выпускников",
                C,
                None,
                1.5,
                True,
                "Перечень профессиональных стандартов приведён в программе.",
            ),
            ("Трудовые функции профессиональных стандартов отражены в профессиональных модулях", P2, None, 1.5, True),
            (
                "Требования работодателей кластера к квалификации выпускников учтены в результатах обучения",
                N,
                5,
                1,
                True,
                "Согласованные с предприятиями требования, результаты анкетирования работодателей.",
            ),
            ("Программа согласована с работодателями при разработке", Y, None, 1, True),
        ],
    ),
    (
        "Практическая подготовка и базы практик",
        [
            ("Объём практической подготовки составляет не менее установленного ФГОС СПО", Y, None, 1, True),
            ("Договоры о практической подготовке заключены с предприятиями — участниками кластера", P2, None, 1, True),
            ("Содержание практик соответствует видам деятельности, к которым готовится выпускник", C, None, 1, True),
            ("Предусмотрены элементы дуального обучения (обучение на рабочем месте)", P2, None, 1, False),
        ],
    ),
    (
        "Оценочные материалы",
        [
            ("Фонды оценочных средств разработаны по всем дисциплинам и модулям", Y, None, 1, True),
            ("Задания демонстрационного экзамена соответствуют оценочной документации", C, None, 1.5, True),
            ("Представители работодателей участвуют в государственной итоговой аттестации", P2, None, 1, True),
        ],
    ),
    (
        "Материально-техническое обеспечение",
        [
            ("Лаборатории и мастерские оснащены в соответствии с ФГОС СПО", C, None, 1, True),
            (
                "Оборудование соответствует современным технологиям отрасли",
                N,
                5,
                1,
                True,
                "Оцените от 0 до 5: 5 — оборудование уровня передовых предприятий.",
            ),
            ("Используются ресурсы предприятий-партнёров (оборудование, полигоны, учебные центры)", P2, None, 1, False),
        ],
    ),
    (
        "Кадровое обеспечение",
        [
            (
                "Преподаватели профессионального цикла проходили стажировку на предприятиях за последние 3 года",
                P2,
                None,
                1,
                True,
            ),
            ("К реализации программы привлечены специалисты предприятий", P2, None, 1, True),
            (
                "Квалификация педагогических работников соответствует профессиональному стандарту педагога",
                Y,
                None,
                1,
                True,
            ),
        ],
    ),
    (
        "Трудоустройство выпускников",
        [
            (
                "Доля выпускников, трудоустроенных по специальности в течение года после выпуска",
                N,
                3,
                1.5,
                True,
                "0 — менее 40 %, 1 — 40–60 %, 2 — 60–80 %, 3 — более 80 %.",
            ),
            ("Заключены договоры о целевом обучении с предприятиями кластера", P2, None, 1, True),
            ("Ведётся мониторинг удовлетворённости работодателей качеством подготовки выпускников", Y, None, 1, False),
        ],
    ),
]

# code, name, qualification, college short name, intake year
PROGRAMMES = [
    ("15.02.08", "Технология машиностроения", "Техник", "ОГБПОУ «Томский индустриальный техникум»", 2021),
    (
        "13.02.11",
        "Техническая эксплуатация и обслуживание электрического и электромеханического оборудования (по отраслям)",
        "Техник",
        "ОГБПОУ «Северский промышленный колледж»",
        2021,
    ),
    (
        "08.02.09",
        "Монтаж, наладка и эксплуатация электрооборудования промышленных и гражданских зданий",
        "Техник",
        "ОГБПОУ «Томский политехнический техникум»",
        2021,
    ),
    (
        "15.02.12",
        "Монтаж, техническое обслуживание и ремонт промышленного оборудования (по отраслям)",
        "Техник-механик",
        "ОГБПОУ «Томский экономико-промышленный колледж»",
        2021,
    ),
    (
        "18.02.09",
        "Переработка нефти и газа",
        "Техник-технолог",
        "ОГБПОУ «Томский промышленно-гуманитарный колледж»",
        2022,
    ),
    (
        "35.02.16",
        "Эксплуатация и ремонт сельскохозяйственной техники и оборудования",
        "Техник-механик",
        "ОГБПОУ «Кожевниковский техникум агробизнеса»",
        2021,
    ),
]

COMMENTS = [
    "Рекомендуем расширить перечень предприятий — баз практики.",
    "В рабочих программах не отражено современное оборудование с ЧПУ.",
    "Требуется актуализация с учётом профессионального стандарта.",
    "Частично: не по всем модулям приведены подтверждающие документы.",
]


def seed(people: dict[str, Person], admin: User | None = None, secretary: User | None = None) -> None:
    """``secretary``: the Expert Council's secretary, who confirmed the demo's conclusion (its
    documents are signed with a name; the administrator's account has no person)."""
    _expert_users(people)
    version = _checklist(admin)
    programmes = _programmes()
    if db.session.scalar(select(ExpertSession.id).limit(1)) is None:
        _sessions(version, programmes, [people[name] for name in EXPERTS], secretary or admin)
    db.session.flush()


def _expert_users(people: dict[str, Person]) -> list[User]:
    accounts = []
    for short_name, email in EXPERTS.items():
        user = users.find_user(email)
        if user is None:
            user = users.create_user(email, users.generate_password(), Role.EXPERT, people[short_name].id)
        accounts.append(user)
    return accounts


def _checklist(admin: User | None) -> ChecklistVersion:
    version = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.title == CHECKLIST_TITLE))
    if version is not None:
        return version
    return builders.checklist(
        CHECKLIST,
        title=CHECKLIST_TITLE,
        protocol_ref=PROTOCOL,
        published_at=dt.datetime(2021, 11, 17, 9, 0, tzinfo=dt.UTC),
        published_by=admin,
    )


def _programmes() -> dict[str, Programme]:
    found = {}
    for code, name, qualification, college_name, year in PROGRAMMES:
        college = db.session.scalar(select(Organization).where(Organization.short_name == college_name))
        programme = db.session.scalar(
            select(Programme).where(
                Programme.code == code, Programme.college_id == college.id, Programme.intake_year == year
            )
        )
        if programme is None:
            programme = builders.programme(college, code=code, name=name, qualification=qualification, intake_year=year)
        found[code] = programme
    return found


def _answer_all(
    assessment: Assessment,
    criteria: list[Criterion],
    rng: random.Random,
    saved_at: dt.datetime,
) -> None:
    """Plausible answers: mostly the maximum, sometimes one step below with a comment."""
    builders.answer_all(
        assessment,
        criteria,
        value=lambda c: c.max_value if rng.random() < 0.7 else max(c.max_value - 1, 0),
        comment=lambda c, value: rng.choice(COMMENTS) if value < c.max_value else "",
        saved_at=saved_at,
    )


def _sessions(
    version: ChecklistVersion, programmes: dict[str, Programme], people: list[Person], confirmed_by: User | None
) -> None:
    rng = random.Random(20211022)  # the same demo every time
    criteria = version.criteria

    # A completed session: every expert submitted, the secretary confirmed the conclusion.
    done = builders.session(
        programmes["15.02.08"],
        version,
        [person.id for person in people],
        deadline=dt.date(2021, 12, 3),  # the checklists are sent by the meeting
        place="ОГБПОУ «Томский индустриальный техникум», ауд. 210",
    )
    for assessment, verdict in zip(done.assessments, (Verdict.RECOMMEND, Verdict.RECOMMEND, Verdict.REVISE)):
        _answer_all(assessment, criteria, rng, dt.datetime(2021, 12, 3, 5, 0, tzinfo=dt.UTC))
        assessment.verdict = verdict.value
        assessment.remarks = (
            "Программа соответствует требованиям предприятий; рекомендуется расширить практику на производстве."
        )
        assessment.submitted_at = assessment.expert_submitted_at = dt.datetime(2021, 12, 3, 8, 30, tzinfo=dt.UTC)
    db.session.flush()
    data = scoring.load_session(done.id)
    proposal = scoring.results(data).proposal or Verdict.RECOMMEND
    documents.confirm_conclusion(
        data,
        proposal.value,
        "Программа рекомендована к согласованию работодателями — участниками кластера.",
        confirmed_by,
    )
    done.concluded_on = done.programme.decided_on = dt.date(2021, 12, 3)  # a record of the past
    done.documents_snapshot = documents.freeze(data)  # its documents dated so too, not the day of loading

    # A session in progress: one expert submitted, one halfway, one has not started.
    current = builders.session(
        programmes["13.02.11"],
        version,
        [person.id for person in people],
        held_on=dt.date(2021, 12, 10),
        deadline=dt.date(2021, 12, 10),
        place="ОГБПОУ «Северский промышленный колледж», конференц-зал",
    )
    first, second, _third = current.assessments
    _answer_all(first, criteria, rng, dt.datetime(2021, 12, 10, 5, 40, tzinfo=dt.UTC))
    first.verdict = Verdict.RECOMMEND.value
    first.submitted_at = first.expert_submitted_at = dt.datetime(2021, 12, 10, 6, 0, tzinfo=dt.UTC)
    _answer_all(second, criteria[: len(criteria) // 2], rng, dt.datetime(2021, 12, 10, 6, 30, tzinfo=dt.UTC))
    second.last_answer_at = dt.datetime(2021, 12, 10, 6, 30, tzinfo=dt.UTC)
    db.session.flush()
