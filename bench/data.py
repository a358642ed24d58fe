"""Data fillers: plausible rows in bulk, fast enough for 100,000 rows in seconds.

A filler is ``fill(counts, rng) -> dict | None``: it runs in an application context,
inserts rows with :func:`bulk_insert` (never ORM objects one by one), and may return
values that scenario paths use (``"/directory/people?q={surname_part}"``). The
harness commits after all fillers have run.
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import insert, select

from cluster_intranet.councils.models import Council, CouncilMember, MemberRole
from cluster_intranet.directory.models import Organization, OrganizationKind, Person
from cluster_intranet.extensions import db
from cluster_intranet.model_mixins import SearchableMixin

CHUNK = 5000  # rows per executemany


def bulk_insert(model, rows: list[dict]) -> None:
    """INSERTs ``rows`` (plain dicts) with executemany.

    ``search_text`` (and a person's ``sort_name``, the name index's key) are filled by
    the model's own ``refresh_search_text`` on a transient instance, so the benchmark
    searches and sorts exactly what the app would store.
    """
    if issubclass(model, SearchableMixin):
        derived = [column for column in ("search_text", "sort_name") if hasattr(model, column)]
        for row in rows:
            entry = model(**row)  # transient: never added to the session
            entry.refresh_search_text()
            row.update({column: getattr(entry, column) for column in derived})
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def ids_of(model) -> list[int]:
    return list(db.session.scalars(select(model.id).order_by(model.id)))


# --- directory: organizations and people ------------------------------------

CITIES = [
    ("Томск", "Томский"),
    ("Северск", "Северский"),
    ("Асино", "Асиновский"),
    ("Колпашево", "Колпашевский"),
    ("Стрежевой", "Стрежевской"),
    ("Кожевниково", "Кожевниковский"),
    ("Мельниково", "Шегарский"),
    ("Каргасок", "Каргасокский"),
    ("Парабель", "Парабельский"),
    ("Бакчар", "Бакчарский"),
    ("Молчаново", "Молчановский"),
    ("Первомайское", "Первомайский"),
    ("Белый Яр", "Верхнекетский"),
]
KINDS = [  # kind, weight
    (OrganizationKind.EMPLOYER, 40),
    (OrganizationKind.SCHOOL, 25),
    (OrganizationKind.COLLEGE, 15),
    (OrganizationKind.TECHNICAL_SCHOOL, 10),
    (OrganizationKind.AUTHORITY, 5),
    (OrganizationKind.FUND, 5),
]
FIELDS = [
    "промышленный",
    "политехнический",
    "индустриальный",
    "аграрный",
    "строительный",
    "экономический",
    "медицинский",
    "транспортный",
]
COMPANY_ROOTS = ["Томск", "Сибирь", "Обь", "Кедр", "Нефте", "Энерго", "Агро", "Строй", "Электро", "Хим", "Лес", "Газ"]
COMPANY_ENDS = ["нефть", "энерго", "маш", "строй", "пром", "сервис", "транс", "прибор", "монтаж"]
COMPANY_FORMS = [
    ("ООО", "Общество с ограниченной ответственностью"),
    ("АО", "Акционерное общество"),
    ("ПАО", "Публичное акционерное общество"),
]

# Male forms; the female form is derived (Кузнецов -> Кузнецова, Ковальский -> Ковальская).
SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кудрявцев",
    "Беляев",
    "Матвеев",
    "Ковальский",
    "Елисеев",
    "Криволапов",
    "Пояркин",
]
MALE_NAMES = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Евгений",
    "Иван",
    "Михаил",
    "Олег",
    "Владимир",
    "Николай",
    "Павел",
    "Игорь",
]
FEMALE_NAMES = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Марина",
    "Анна",
    "Юлия",
    "Екатерина",
    "Галина",
    "Людмила",
    "Оксана",
]
FATHERS = [  # patronymic, male and female
    ("Александрович", "Александровна"),
    ("Сергеевич", "Сергеевна"),
    ("Викторович", "Викторовна"),
    ("Николаевич", "Николаевна"),
    ("Владимирович", "Владимировна"),
    ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"),
    ("Петрович", "Петровна"),
    ("Юрьевич", "Юрьевна"),
    ("Анатольевич", "Анатольевна"),
]
POSITIONS = [
    "директор",
    "заместитель директора по учебно-производственной работе",
    "заместитель директора по учебной работе",
    "главный инженер",
    "начальник отдела кадров",
    "специалист по персоналу",
    "методист",
    "преподаватель",
    "мастер производственного обучения",
    "руководитель пресс-службы",
    "главный специалист",
    "консультант",
    "начальник отдела подготовки персонала",
    "инженер-технолог",
]

# A surname part that live search and person pickers look for in the scenarios.
SEARCHED_SURNAME_PART = "кузнец"


def _female(surname: str) -> str:
    return surname[:-2] + "ая" if surname.endswith("ий") else surname + "а"


def _organization_row(n: int, rng: random.Random) -> dict:
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    city, adjective = rng.choice(CITIES)
    field = rng.choice(FIELDS)
    if kind == OrganizationKind.EMPLOYER:
        form, form_full = rng.choice(COMPANY_FORMS)
        name = f"{rng.choice(COMPANY_ROOTS)}{rng.choice(COMPANY_ENDS)}-{n}"
        short, full = f"{form} «{name}»", f"{form_full} «{name}»"
    elif kind == OrganizationKind.SCHOOL:
        short = f"МАОУ СОШ № {n} г. {city}"
        full = (
            f"Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № {n} г. {city}"
        )
    elif kind in (OrganizationKind.COLLEGE, OrganizationKind.TECHNICAL_SCHOOL):
        what = "колледж" if kind == OrganizationKind.COLLEGE else "техникум"
        short = f"ОГБПОУ «{adjective} {field} {what} № {n}»"
        full = f"Областное государственное бюджетное профессиональное образовательное учреждение «{adjective} {field} {what} № {n}»"
    elif kind == OrganizationKind.AUTHORITY:
        short = f"Отдел образования Администрации {adjective[:-2]}ого района № {n}"
        full = short
    else:
        short = f"Фонд развития {field[:-2]}ого образования № {n}"
        full = f"Некоммерческая организация «{short}»"
    return dict(short_name=short, full_name=full, kind=kind.value, website=f"https://org{n}.tomsk.example", city=city)


def _person_row(n: int, organization_ids: list[int], rng: random.Random) -> dict:
    male = rng.random() < 0.5
    # One in seven is a Кузнецов: the search's first page is full at both sizes (like for like).
    surname = "Кузнецов" if n % 7 == 0 else rng.choice(SURNAMES)
    fathers = rng.choice(FATHERS)
    return dict(
        surname=surname if male else _female(surname),
        first_name=rng.choice(MALE_NAMES if male else FEMALE_NAMES),
        patronymic=fathers[0] if male else fathers[1],
        # A few guests belong to no organization.
        organization_id=rng.choice(organization_ids) if organization_ids and rng.random() < 0.95 else None,
        position=rng.choice(POSITIONS),
        email=f"person{n}@cluster.example",
        phone=f"+7 (3822) {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
    )


def fill_directory(counts: dict[str, int], rng: random.Random) -> dict:
    bulk_insert(Organization, [_organization_row(n, rng) for n in range(1, counts["organizations"] + 1)])
    organization_ids = ids_of(Organization)
    bulk_insert(Person, [_person_row(n, organization_ids, rng) for n in range(1, counts["people"] + 1)])
    pages = -(-counts["people"] // current_app.config["PER_PAGE"])
    return {"surname_part": SEARCHED_SURNAME_PART, "middle_page": max(1, pages // 2)}


# --- councils: a few councils with members from the directory ------------------


def fill_councils(counts: dict[str, int], rng: random.Random) -> None:
    people = ids_of(Person)
    for n in range(1, counts["councils"] + 1):
        name = f"Совет кластера № {n}"
        council_id = db.session.execute(
            insert(Council).returning(Council.id), [dict(name=name, name_genitive=f"Совета кластера № {n}")]
        ).scalar_one()
        members = rng.sample(people, min(counts["members"], len(people)))
        roles = [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.SECRETARY]
        bulk_insert(
            CouncilMember,
            [
                dict(
                    council_id=council_id,
                    person_id=person_id,
                    position=i,
                    role=(roles[i] if i < len(roles) else MemberRole.MEMBER).value,
                )
                for i, person_id in enumerate(members)
            ],
        )
