"""The demo media plan 2021–2022 (decision 3 of 22.10.2021) with the cluster's events
and some participants' publications, so that the coverage matrix shows gaps."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..directory.models import Organization, Person
from ..extensions import db
from ..text import short_date
from . import builders
from .models import (
    Channel,
    EventFormat,
    EventStatus,
    MediaPlan,
    PlanStatus,
)

PLAN_TITLE = "Медиаплан Промышленного образовательно-отраслевого кластера на 2021–2022 годы"

F, S, C = EventFormat, EventStatus, Channel
SITES_VK = (C.WEBSITES, C.VK)
# title, starts, ends, start time, end time, format, organizer (start of its short name), responsible,
# channels, status, public, place, description
EVENTS = [
    ("Заседание Экспертного совета: экспертные чек-листы для согласования программ СПО", date(2021, 11, 17), None,
     time(14, 0), time(16, 0), F.NEWS, "ОГБПОУ «Томский индустриальный техникум»", "Пояркова О.Н.", (C.WEBSITES,),
     S.PUBLISHED, False, "ОГБПОУ «Томский индустриальный техникум», ауд. 210",
     "Рабочее заседание по поручению Координационного совета (решение № 1 от 22.10.2021)."),
    ("Круглый стол «Работодатели и колледжи: согласование образовательных программ»", date(2021, 11, 25), None,
     time(10, 0), time(13, 0), F.EVENT, "Департамент промышленности", "Жарких Е.В.", (C.WEBSITES, C.VK, C.PRESS),
     S.PUBLISHED, True, "г. Томск, пр. Ленина, 111",
     "Представители предприятий и колледжей кластера обсудили, как работодатели участвуют в разработке программ СПО."),
    ("Утверждён медиаплан кластера на 2021–2022 годы", date(2021, 12, 1), None, None, None, F.NEWS,
     "ОГБПОУ «Томский экономико-промышленный колледж»", "Кузнецова Н.В.", SITES_VK, S.PUBLISHED, True, "",
     "Кластер будет единообразно освещать свои мероприятия на официальных сайтах всех участников."),
    ("Экспертные сессии по согласованию ОПОП СПО с работодателями", date(2021, 12, 8), date(2021, 12, 10),
     None, None, F.EVENT, "ОГБПОУ «Томский индустриальный техникум»", "Пояркова О.Н.", SITES_VK, S.PUBLISHED, True,
     "Колледжи и техникумы кластера", "Эксперты предприятий оценивают программы по чек-листам Экспертного совета."),
    ("Рабочая встреча пресс-служб участников кластера", date(2021, 12, 15), None, time(15, 0), time(16, 30),
     F.EVENT, "ОГБПОУ «Томский экономико-промышленный колледж»", "Кузнецова Н.В.", (), S.MATERIAL_READY, False,
     "Онлайн", "Договорённости о единых правилах публикаций."),
    ("День открытых дверей в Северском промышленном колледже", date(2022, 1, 27), None, time(11, 0), None,
     F.ANNOUNCEMENT, "ОГБПОУ «Северский промышленный колледж»", "Бенсон Г.Ф.", SITES_VK, S.PUBLISHED, True,
     "г. Северск, ул. Курчатова, 16", "Школьники и родители знакомятся с профессиями и специальностями колледжа."),
    ("Интервью директора Томского индустриального техникума о подготовке кадров для промышленности",
     date(2022, 2, 16), None, None, None, F.INTERVIEW, "ОГБПОУ «Томский индустриальный техникум»", "Елисеев В.А.",
     (C.TV, C.RADIO, C.WEBSITES), S.PUBLISHED, True, "", "О целевом обучении и практике на предприятиях кластера."),
    ("Региональный чемпионат «Молодые профессионалы»: компетенция «Сварочные технологии»", date(2022, 3, 1),
     date(2022, 3, 3), None, None, F.EVENT, "ОГБПОУ «Томский индустриальный техникум»", "Пояркова О.Н.",
     (C.WEBSITES, C.VK, C.TELEGRAM), S.MATERIAL_READY, True, "г. Томск, ул. Смирнова, 42",
     "Студенты колледжей кластера соревнуются под оценкой экспертов предприятий."),
    ("Ярмарка вакансий предприятий — участников кластера", date(2022, 3, 23), None, time(12, 0), time(16, 0),
     F.EVENT, "ОГБПОУ «Томский политехнический техникум»", "Криволапов И.Н.", SITES_VK, S.PUBLISHED, True,
     "ОГБПОУ «Томский политехнический техникум», актовый зал", "Вакансии и стажировки для выпускников 2022 года."),
    ("Экскурсия студентов на производство «Томскнефтехима»", date(2022, 4, 14), None, time(9, 30), None,
     F.REPORT, "ООО «Томскнефтехим»", "Соколов А.В.", SITES_VK, S.MATERIAL_READY, True, "г. Томск, Кузовлевский тракт, 2",
     "Студенты химических специальностей увидели производство полимеров."),
    ("Заседание Координационного совета кластера", date(2022, 4, 20), None, time(10, 0), time(12, 0), F.NEWS,
     "Департамент промышленности", "Жарких Е.В.", (C.WEBSITES, C.TELEGRAM), S.PUBLISHED, True, "г. Томск",
     "Итоги экспертных сессий и исполнение решений заседания от 22.10.2021."),
    ("Профориентационная акция «Неделя без турникетов» для школьников", date(2022, 5, 18), date(2022, 5, 20),
     None, None, F.EVENT, "ООО «Сибирская машиностроительная компания»", "Петренко О.И.", SITES_VK, S.CANCELLED, True,
     "Предприятия кластера", "Школьники знакомятся с работой предприятий."),
    ("Выпуск-2022: трудоустройство выпускников колледжей кластера", date(2022, 6, 9), None, None, None,
     F.PRESS_RELEASE, "ОГБПОУ «Томский экономико-промышленный колледж»", "Кузнецова Н.В.", (C.WEBSITES, C.PRESS),
     S.MATERIAL_READY, True, "", "Сколько выпускников кластера пришли работать на предприятия-участники."),
    ("Программы Гарантийного фонда для предприятий — участников кластера", date(2022, 6, 29), None, None, None,
     F.NEWS, "ООО «Гарантийный фонд Томской области»", "Беляев Е.В.", (C.WEBSITES,), S.PLANNED, True, "",
     "Поручительства фонда для малых производственных предприятий, принимающих студентов на практику."),
    ("День знаний: первокурсники целевого обучения", date(2022, 9, 1), None, time(10, 0), None, F.NEWS,
     "ОГБПОУ «Томский аграрный колледж»", "Кускова Е.В.", SITES_VK, S.PLANNED, True, "Колледжи и техникумы кластера",
     "Первокурсники, поступившие по договорам о целевом обучении с предприятиями кластера."),
    ("«Неделя без турникетов»: школьники на предприятиях кластера", date(2022, 10, 19), date(2022, 10, 21),
     None, None, F.EVENT, "ООО «Сибирская машиностроительная компания»", "Петренко О.И.", SITES_VK, S.PLANNED, True,
     "Предприятия кластера", "Перенесённая весенняя акция: экскурсии и мастер-классы для школьников."),
    ("Заседание Координационного совета кластера: итоги года", date(2022, 10, 26), None, time(10, 0), time(12, 0),
     F.NEWS, "Департамент промышленности", "Жарких Е.В.", (C.WEBSITES, C.TELEGRAM), S.PLANNED, True, "г. Томск", ""),
    ("Пресс-конференция «Итоги работы кластера в 2022 году»", date(2022, 12, 14), None, time(11, 0), time(12, 0),
     F.PRESS_RELEASE, "Департамент промышленности", "Королева О.М.", (C.WEBSITES, C.PRESS, C.TV, C.RADIO), S.PLANNED,
     True, "г. Томск, пр. Ленина, 111", ""),
]  # fmt: skip

RELEASE = (
    "{day} {title_lc}. Мероприятие проходит в рамках медиаплана Промышленного образовательно-отраслевого "
    "кластера Томской области. Участники кластера — колледжи, техникумы, предприятия и органы власти — "
    "вместе готовят кадры для промышленности региона."
)
CANCEL_REASON = "Перенесено организатором на октябрь 2022 г."


def seed(people: dict[str, Person], approver: User | None = None) -> MediaPlan:
    """Creates the plan once; a second run finds it and changes nothing."""
    plan = db.session.scalar(select(MediaPlan).where(MediaPlan.title == PLAN_TITLE))
    if plan is not None:
        return plan
    plan = builders.plan(
        title=PLAN_TITLE,
        period_start=date(2021, 11, 1),
        period_end=date(2022, 12, 31),
        responsible=people.get("Кузнецова Н.В."),
        status=PlanStatus.APPROVED.value,
        approved_at=datetime(2021, 12, 1, 4, 0, tzinfo=UTC),
        approved_by=approver,
        approved_by_name="Беляев Е.В.",  # the chair of the Coordination Council signs it
        approved_by_position="Председатель Координационного совета",
    )
    orgs = list(db.session.scalars(select(Organization).order_by(Organization.id)))

    def organization(prefix: str) -> Organization | None:
        return next((o for o in orgs if o.short_name.startswith(prefix)), None)

    # Every participant of the protocol covers the events; the machine-building company joined later.
    for org in orgs:
        joined = date(2022, 2, 1) if org.short_name.startswith("ООО «Сибирская") else date(2021, 10, 22)
        builders.participant(org, added_at=datetime.combine(joined, time(3), UTC))

    events = []
    for (title, starts, ends, start_time, end_time, fmt, organizer, responsible, channels, status, public, place,
         description) in EVENTS:  # fmt: skip
        events.append(builders.event(
            plan, channels, title=title, description=description, place=place, starts_on=starts, ends_on=ends or starts,
            start_time=start_time, end_time=end_time, organizer=organization(organizer), format=fmt.value,
            responsible=people.get(responsible), status=status.value, is_public=public,
            cancel_reason=CANCEL_REASON if status == S.CANCELLED else "",
            release_text=RELEASE.format(day=short_date(starts), title_lc=title) if status != S.PLANNED else "",
        ))  # fmt: skip

    # Partial coverage, the same on every run: organizers always publish, colleges
    # usually, employers and the authority now and then.
    rng = random.Random(20211022)
    for event in events:
        if not event.is_public or event.status not in (S.MATERIAL_READY, S.PUBLISHED):
            continue
        for org in orgs:
            likely = (
                1.0 if org.id == event.organizer_id else (0.75 if org.kind in ("college", "technical_school") else 0.3)
            )
            if event.status == S.MATERIAL_READY:
                likely /= 2  # the material is fresh: fewer have published yet
            if rng.random() >= likely:
                continue
            published_on = event.starts_on + timedelta(days=rng.randint(0, 4))
            site = org.website or "https://example.ru"
            builders.publication(
                event, org, published_on=published_on, url=f"{site}/news/{published_on:%Y/%m}/cluster-{event.id}"
            )
            if rng.random() < 0.3:
                url = f"https://vk.com/wall-{100000 + org.id}_{event.id}"
                builders.publication(event, org, C.VK, published_on=published_on, url=url)
    return plan
