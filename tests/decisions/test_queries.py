"""A fixed number of SQL queries per page, whatever the number of decisions."""

from __future__ import annotations

from datetime import date, timedelta

from cluster_intranet.decisions import services
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from tests import factories
from tests.decisions import support

PAGES = [
    "/decisions/",
    "/decisions/?status=all&sort=meeting",
    "/decisions/?status=all&sort=-deadline&overdue=1&page=2",
    "/decisions/?status=all&person={lead}&meeting={meeting}",
    "/decisions/summary",
    "/decisions/my",
    "/decisions/{decision}",
    "/",
]
MAX_QUERIES = 8


def grow(world, n: int) -> None:
    """``n`` more decisions over several meetings, people and states, with history."""
    people = [world.lead, world.co] + [factories.person() for _ in range(3)]
    for i in range(n):
        m = world.meeting if i % 3 else support.meeting(world.council, on=date(2021, 10, 1) + timedelta(days=i % 30))
        d = support.decision(
            m,
            people[i % 5],
            people[(i + 1) % 5],
            deadline=date(2021, 11, 1) + timedelta(days=i % 40),
            status=("open", "in_progress", "done", "cancelled")[i % 4],
            report_text="x",
            report_date=date(2021, 11, 1),
        )
        if i % 5 == 0 and d.is_active:
            services.move_deadline(d, world.secretary, d.deadline + timedelta(days=10), "перенос")
    db.session.commit()


def queries_per_page(world, client, count_queries) -> dict[str, int]:
    first = db.session.scalar(db.select(Decision.id).order_by(Decision.id))
    counts = {}
    for page in PAGES:
        url = page.format(lead=world.lead.id, meeting=world.meeting.id, decision=first)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = counter.count
    return counts


def test_queries_do_not_grow_with_the_data(world, signed_in, count_queries):
    grow(world, 6)
    client = signed_in(world.lead_user)
    few = queries_per_page(world, client, count_queries)
    grow(world, 60)
    many = queries_per_page(world, client, count_queries)
    assert many == few
    assert max(many.values()) <= MAX_QUERIES, many
