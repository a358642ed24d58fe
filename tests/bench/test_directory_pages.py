"""What the benchmark led to in the directory: the people list pages a list of ids read
from the index ix_people_name, then loads just that page's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from cluster_intranet.directory import services
from cluster_intranet.extensions import db
from tests import factories


def rows_in_order(body: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in body), key=body.index)


def test_a_deep_page_lists_the_right_people_in_order_with_their_organizations(app, viewer, ctx):
    org = factories.organization(short_name="ОГБПОУ «Томский индустриальный техникум»")
    surnames = [f"Сидоров{n:02}" for n in range(30)]
    for n, surname in enumerate(reversed(surnames)):  # inserted in the opposite order
        factories.person(surname=surname, organization=org if n % 2 else None)
    db.session.commit()

    second = viewer.get("/directory/people?page=2").get_data(as_text=True)
    assert rows_in_order(second, surnames) == surnames[25:]
    assert second.count("Томский индустриальный техникум") == 2  # Сидоров26 and Сидоров28 work there
    assert viewer.get("/directory/people?page=9").get_data(as_text=True).count('id="people-row-') == 0

    found = viewer.hx("get", "/directory/people?q=сидоров1").get_data(as_text=True)
    assert rows_in_order(found, surnames) == [f"Сидоров1{n}" for n in range(10)]


def test_people_by_ids_keeps_the_order_given(app, ctx):
    people = [factories.person(surname=s) for s in ("Бета", "Альфа", "Гамма")]
    ids = [people[2].id, people[0].id, people[1].id]
    assert [p.surname for p in services.people_by_ids(ids)] == ["Гамма", "Бета", "Альфа"]
    assert services.people_by_ids([]) == []


@pytest.mark.parametrize(("rows", "queries"), [(3, 3), (25, 4), (60, 4)])
def test_the_people_page_makes_the_same_queries_for_any_number_of_rows(app, viewer, ctx, rows, queries, count_queries):
    org = factories.organization()
    for n in range(rows):
        factories.person(organization=org if n % 2 else factories.organization())
    db.session.commit()
    with count_queries() as counter:
        assert viewer.get("/directory/people").status_code == 200
    # the user, a page of ids, those people with their organizations (one join), and the
    # count unless the list ended on the page
    assert counter.count == queries, counter.statements


def query_plan(stmt) -> str:
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_a_page_of_ids_is_read_from_an_index_on_sqlite(app, ctx):
    """The whole list: the name index alone, however deep the page; a search: surnames
    that begin with the text as a range of that index, then the trigram index."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL picks its plan from statistics")
    plan = query_plan(services.people_ids_query().limit(25).offset(9975))
    assert "COVERING INDEX ix_people_name" in plan and "TEMP B-TREE" not in plan, plan
    begins, others = services.people_list("кузнец")
    plan = query_plan(begins.limit(25))
    assert "COVERING INDEX ix_people_name (sort_name>? AND sort_name<?)" in plan and "TEMP B-TREE" not in plan, plan
    assert "people_search VIRTUAL TABLE" in query_plan(others)
