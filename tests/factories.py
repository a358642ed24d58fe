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


def demo_without_the_second_protocol() -> None:
    """Take out of the demo its Expert Council protocol of 17.11.2021 and the person and
    organisation that protocol brought into the directory, so a test can enter them anew."""
    from sqlalchemy import delete, select, update

    from cluster_intranet.media.models import MediaEvent, MediaParticipant, Publication
    from cluster_intranet.meetings.models import Meeting

    second = db.session.scalar(select(Meeting).where(Meeting.number == 1, Meeting.year == 2021))
    db.session.delete(second)
    db.session.flush()
    db.session.delete(db.session.scalar(select(Person).where(Person.surname == "Мельникова-Гросс")))
    db.session.flush()
    org = db.session.scalar(select(Organization).where(Organization.short_name.startswith("ОГБУ «Региональный")))
    for table in (Publication, MediaParticipant):  # the media demo covers every organisation
        db.session.execute(delete(table).where(table.organization_id == org.id))
    db.session.execute(update(MediaEvent).where(MediaEvent.organizer_id == org.id).values(organizer_id=None))
    db.session.delete(org)
    db.session.flush()
