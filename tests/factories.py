"""The builders the tests use: those of the areas (``cluster_intranet/<area>/builders.py``,
shared with the demo seed and the benchmark), and what only tests do to the demo."""

from __future__ import annotations

from cluster_intranet.councils.builders import council
from cluster_intranet.directory.builders import organization, person
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db

__all__ = ["council", "demo_without_the_second_protocol", "organization", "person"]


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
