import pytest
from sqlalchemy import select

from cluster_intranet.demo import seed
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting


@pytest.fixture
def demo(app, ctx):
    """The demo data; returns the seed protocol (Coordination Council, No. 2 of 2021)."""
    seed()
    db.session.commit()
    return db.session.scalar(select(Meeting).where(Meeting.number == 2, Meeting.year == 2021))


@pytest.fixture
def demo_before_the_second_protocol(demo):
    """The demo without its Expert Council protocol of 17.11.2021 and the person and
    organisation that protocol brought into the directory."""
    from sqlalchemy import delete, update

    from cluster_intranet.directory.models import Organization, Person
    from cluster_intranet.media.models import MediaEvent, MediaParticipant, Publication

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
    db.session.commit()
    return demo


@pytest.fixture
def draft(demo):
    """A meeting whose protocol may be edited: the planned one of 2027."""
    return db.session.scalar(select(Meeting).where(Meeting.year == 2027))
