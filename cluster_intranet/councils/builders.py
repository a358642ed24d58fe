"""Builders of councils for the demo seed and the tests: defaults, keyword overrides;
they flush (the ids exist), the caller commits."""

from __future__ import annotations

import itertools

from ..directory import builders as directory
from ..directory.models import Person
from ..extensions import db
from .models import Council, CouncilMember

_numbers = itertools.count(1)


def council(members: int | list[Person | CouncilMember] = 0, **fields) -> Council:
    """``members``: how many new people, or the members (people, or ``CouncilMember`` rows
    with their roles) in their order."""
    n = next(_numbers)
    c = Council(**{"name": f"Совет {n}", "name_genitive": f"Совета {n}", **fields})
    people = [directory.person() for _ in range(members)] if isinstance(members, int) else members
    c.members = [
        m if isinstance(m, CouncilMember) else CouncilMember(person=m, position=i) for i, m in enumerate(people)
    ]
    db.session.add(c)
    db.session.flush()
    return c
