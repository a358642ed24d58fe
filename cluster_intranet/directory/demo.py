"""Demo participants and people: exactly as the protocol of 22 October 2021 names them."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Organization, OrganizationKind, Person

K = OrganizationKind
ORGANIZATIONS = [
    # short name, full name, kind, website
    ("ООО «Гарантийный фонд Томской области»", "Общество с ограниченной ответственностью «Гарантийный фонд Томской области»", K.FUND, "https://gf.tomsk.ru"),
    ("Департамент промышленности и энергетики Администрации Томской области", "Департамент промышленности и энергетики Администрации Томской области", K.AUTHORITY, "https://dpe.tomsk.gov.ru"),
    ("ОГБПОУ «Северский промышленный колледж»", "Областное государственное бюджетное профессиональное образовательное учреждение «Северский промышленный колледж»", K.COLLEGE, "https://spk.tomsk.ru"),
    ("ОГБПОУ «Томский индустриальный техникум»", "Областное государственное бюджетное профессиональное образовательное учреждение «Томский индустриальный техникум»", K.TECHNICAL_SCHOOL, "https://tit.tomsk.ru"),
    ("ОГБПОУ «Кожевниковский техникум агробизнеса»", "Областное государственное бюджетное профессиональное образовательное учреждение «Кожевниковский техникум агробизнеса»", K.TECHNICAL_SCHOOL, "https://kta.tomsk.ru"),
    ("ОГБПОУ «Томский политехнический техникум»", "Областное государственное бюджетное профессиональное образовательное учреждение «Томский политехнический техникум»", K.TECHNICAL_SCHOOL, "https://tpt.tomsk.ru"),
    ("ОГБПОУ «Томский экономико-промышленный колледж»", "Областное государственное бюджетное профессиональное образовательное учреждение «Томский экономико-промышленный колледж»", K.COLLEGE, "https://tepk.tomsk.ru"),
    ("ОГБПОУ «Томский аграрный колледж»", "Областное государственное бюджетное профессиональное образовательное учреждение «Томский аграрный колледж»", K.COLLEGE, "https://tak.tomsk.ru"),
    ("ОГБПОУ «Томский промышленно-гуманитарный колледж»", "Областное государственное бюджетное профессиональное образовательное учреждение «Томский промышленно-гуманитарный колледж»", K.COLLEGE, "https://tpgk.tomsk.ru"),
    ("ОГБПОУ «Колпашеский социально-промышленный колледж»", "Областное государственное бюджетное профессиональное образовательное учреждение «Колпашевский социально-промышленный колледж»", K.COLLEGE, "https://kspk.tomsk.ru"),
    ("МАОУ Средняя общеобразовательная школа «Интеграция» Томского района", "Муниципальное автономное общеобразовательное учреждение Средняя общеобразовательная школа «Интеграция» Томского района", K.SCHOOL, "https://integraciya.tomsk.ru"),
    ("ООО «Томскнефтехим»", "Общество с ограниченной ответственностью «Томскнефтехим»", K.EMPLOYER, "https://tnh.example.ru"),
    ("АО «Томский электромеханический завод»", "Акционерное общество «Томский электромеханический завод им. В.В. Вахрушева»", K.EMPLOYER, "https://temz.example.ru"),
    ("ООО «Сибирская машиностроительная компания»", "Общество с ограниченной ответственностью «Сибирская машиностроительная компания»", K.EMPLOYER, "https://sibmash.example.ru"),
    # invited to the Expert Council of 17.11.2021
    ("ОГБУ «Региональный центр развития профессионального образования»", "Областное государственное бюджетное учреждение «Региональный центр развития профессионального образования»", K.AUTHORITY, ""),
]

# surname, first name, patronymic (initials where the protocol gives only those), organization, position
PEOPLE = [
    ("Беляев", "Е.", "В.", 0, "директор"),
    ("Королева", "О.", "М.", 1, "консультант"),
    ("Бенсон", "Г.", "Ф.", 2, "директор"),
    ("Елисеев", "В.", "А.", 3, "директор"),
    ("Криков", "А.", "Н.", 4, "директор"),
    ("Криволапов", "И.", "Н.", 5, "директор"),
    ("Матвеев", "Д.", "М.", 6, "директор"),
    ("Кускова", "Е.", "В.", 7, "директор"),
    ("Змеева", "Е.", "Е.", 8, "директор"),
    ("Дрожено", "О.", "Н.", 9, "представитель"),
    ("Доронин", "Д.", "А.", 10, "заместитель директора по безопасности"),
    ("Пояркова", "О.", "Н.", 3, "заместитель директора по учебно-производственной работе"),
    ("Кузнецова", "Н.", "В.", 6, "руководитель пресс-службы"),
    ("Жарких", "Е.", "В.", 1, "главный специалист"),
    ("Соколов", "Андрей", "Викторович", 11, "начальник отдела подготовки персонала"),
    ("Иванова", "Марина", "Сергеевна", 12, "заместитель генерального директора по персоналу"),
    ("Петренко", "Олег", "Игоревич", 13, "главный инженер"),
    ("Мельникова-Гросс", "Юлия", "Андреевна", 14, "методист"),
]


def seed() -> dict[str, Person]:
    """Creates what is missing; returns people by short name for the other seeders."""
    orgs = []
    for short_name, full_name, kind, website in ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.short_name == short_name))
        if org is None:
            org = Organization(short_name=short_name, full_name=full_name, kind=kind.value, website=website, city="Томск")
            db.session.add(org)
        orgs.append(org)
    db.session.flush()

    people = {}
    for surname, first_name, patronymic, org_index, position in PEOPLE:
        person = db.session.scalar(
            select(Person).where(
                Person.surname == surname, Person.first_name == first_name, Person.patronymic == patronymic
            )
        )
        if person is None:
            person = Person(
                surname=surname,
                first_name=first_name,
                patronymic=patronymic,
                organization=orgs[org_index],
                position=position,
            )
            db.session.add(person)
        people[person.short_name] = person
    db.session.flush()
    return people
