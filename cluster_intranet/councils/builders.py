"""Builders of councils for the demo seed and the tests: defaults, keyword overrides;
they flush (the ids exist), the caller commits."""

from __future__ import annotations

import itertools

from ..directory import builders as directory
from ..extensions import db
from .models import Council, CouncilMember

_numbers = itertools.count(1)


def council(members: int | list = 0, **fields) -> Council:
    """``members``: how many new people, or the members themselves (``CouncilMember`` rows)."""
    n = next(_numbers)
    c = Council(**{"name": f"Совет {n}", "name_genitive": f"Совета {n}", **fields})
    c.members = (
        members
        if isinstance(members, list)
        else [CouncilMember(person=directory.person(), position=i) for i in range(members)]
    )
    db.session.add(c)
    db.session.flush()
    return c
