import pytest
from sqlalchemy import select

from cluster_intranet.demo import seed
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting
from tests.factories import demo_without_the_second_protocol


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
    demo_without_the_second_protocol()
    db.session.commit()
    return demo


@pytest.fixture
def draft(demo):
    """A meeting whose protocol may be edited: the planned one of 2027."""
    return db.session.scalar(select(Meeting).where(Meeting.year == 2027))
