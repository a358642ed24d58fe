"""Builders of model objects for tests: flush, so ids exist; the test commits."""
from __future__ import annotations

import itertools

from cluster_intranet.councils.models import Council, CouncilMember
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db

_counter = itertools.count(1)


def organization(**fields) -> Organization:
    n = next(_counter)
    org = Organization(**{"short_name": f"ОГБПОУ «Колледж № {n}»", "city": "Томск", **fields})
    db.session.add(org)
    db.session.flush()
    return org


def person(**fields) -> Person:
    n = next(_counter)
    defaults = {"surname": f"Иванов{n}", "first_name": "Иван", "patronymic": "Иванович", "position": "директор"}
    p = Person(**{**defaults, **fields})
    db.session.add(p)
    db.session.flush()
    return p


def council(members: int = 0, **fields) -> Council:
    n = next(_counter)
    c = Council(**{"name": f"Совет {n}", "name_genitive": f"Совета {n}", **fields})
    c.members = [CouncilMember(person=person(), position=i) for i in range(members)]
    db.session.add(c)
    db.session.flush()
    return c
