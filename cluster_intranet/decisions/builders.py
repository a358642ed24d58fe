"""Builders of decisions for the demo seed and the tests; they flush (the ids exist), the
caller commits. The benchmark inserts its 100,000 decisions in bulk (bench/decisions.py)."""

from __future__ import annotations

import itertools

from ..directory.models import Person
from ..extensions import db
from ..meetings.models import Meeting
from .models import Decision, DecisionResponsible

_numbers = itertools.count(1)


def decision(of: Meeting, *responsible: Person, **fields) -> Decision:
    """The meeting's next decision (open, no deadline by default); ``responsible``: its
    responsible people, the first one leading."""
    made = Decision(
        **{"meeting": of, "number": len(of.decisions) + 1, "text": f"Поручение {next(_numbers)}", **fields},
        responsibles=[DecisionResponsible(person=p, position=n) for n, p in enumerate(responsible)],
    )
    db.session.add(made)
    db.session.flush()
    return made
