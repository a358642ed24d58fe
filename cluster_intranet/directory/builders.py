"""Builders of directory rows for the demo seed, the benchmark and the tests: sensible
defaults, keyword overrides; they flush (the ids exist), the caller commits."""

from __future__ import annotations

import itertools

from ..extensions import db
from .models import Organization, Person

_numbers = itertools.count(1)


def organization(**fields) -> Organization:
    n = next(_numbers)
    org = Organization(**{"short_name": f"ОГБПОУ «Колледж № {n}»", "city": "Томск", **fields})
    db.session.add(org)
    db.session.flush()
    return org


def person(**fields) -> Person:
    n = next(_numbers)
    defaults = {"surname": f"Иванов{n}", "first_name": "Иван", "patronymic": "Иванович", "position": "директор"}
    p = Person(**{**defaults, **fields})
    db.session.add(p)
    db.session.flush()
    return p
