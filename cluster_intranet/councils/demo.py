"""The cluster's two councils with plausible members."""

from __future__ import annotations

from sqlalchemy import select

from ..directory.models import Person
from ..extensions import db
from . import builders
from .models import Council, CouncilMember, MemberRole

COUNCILS = [
    (
        "Координационный совет Промышленного образовательно-отраслевого кластера",
        "Координационного совета Промышленного образовательно-отраслевого кластера",
        "Координационного совета",
        "short",
        [
            ("Беляев Е.В.", MemberRole.CHAIR),
            ("Королева О.М.", MemberRole.DEPUTY),
            ("Жарких Е.В.", MemberRole.SECRETARY),
            ("Бенсон Г.Ф.", MemberRole.MEMBER),
            ("Елисеев В.А.", MemberRole.MEMBER),
            ("Криков А.Н.", MemberRole.MEMBER),
            ("Криволапов И.Н.", MemberRole.MEMBER),
            ("Матвеев Д.М.", MemberRole.MEMBER),
            ("Кускова Е.В.", MemberRole.MEMBER),
            ("Змеева Е.Е.", MemberRole.MEMBER),
            ("Дрожено О.Н.", MemberRole.MEMBER),
            ("Доронин Д.А.", MemberRole.MEMBER),
        ],
    ),
    (
        "Экспертный совет Промышленного образовательно-отраслевого кластера",
        "Экспертного совета Промышленного образовательно-отраслевого кластера",
        "Экспертного совета",
        "full",
        [
            ("Пояркова О.Н.", MemberRole.CHAIR),
            ("Соколов А.В.", MemberRole.DEPUTY),
            ("Кузнецова Н.В.", MemberRole.SECRETARY),
            ("Иванова М.С.", MemberRole.MEMBER),
            ("Петренко О.И.", MemberRole.MEMBER),
            ("Елисеев В.А.", MemberRole.MEMBER),
        ],
    ),
]


def seed(people: dict[str, Person]) -> dict[str, Council]:
    councils = {}
    for name, genitive, short_genitive, form, members in COUNCILS:
        council = db.session.scalar(select(Council).where(Council.name == name))
        if council is None:
            council = builders.council(
                [
                    CouncilMember(person=people[short], role=role.value, position=index)
                    for index, (short, role) in enumerate(members, start=1)
                ],
                name=name,
                name_genitive=genitive,
                short_genitive=short_genitive,
                protocol_form=form,
            )
        councils[name] = council
    db.session.flush()
    return councils
