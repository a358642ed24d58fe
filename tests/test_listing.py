"""Lists read in pages from parts read in turn (cluster_intranet.listing)."""

import pytest
from sqlalchemy import select

from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.listing import ListPagination, rows_in_turn

from . import factories


def parts_of(*sizes: int) -> tuple[list, list[int]]:
    """One part per size: the people of a surname of its own, by id; and every id in
    the order the parts give them."""
    parts, expected = [], []
    for number, size in enumerate(sizes):
        surname = f"Часть{number}"
        expected += [factories.person(surname=surname).id for _ in range(size)]
        parts.append(select(Person.id).where(Person.surname == surname).order_by(Person.id))
    db.session.commit()
    return parts, expected


@pytest.mark.parametrize("sizes", [(0,), (7,), (0, 5), (5, 0), (3, 4), (6, 1), (0, 0, 9), (4, 0, 4), (2, 2, 2)])
@pytest.mark.parametrize("per_page", [1, 2, 3, 5])
def test_the_pages_of_parts_are_the_parts_one_after_another(ctx, sizes, per_page):
    parts, expected = parts_of(*sizes)
    last_page = max(1, -(-len(expected) // per_page))
    for number in range(1, last_page + 2):
        page = ListPagination(page=number, per_page=per_page, error_out=False, parts=parts, count_limit=None)
        assert page.items == expected[(number - 1) * per_page : number * per_page], number
        assert (page.total, page.pages, page.more) == (len(expected), last_page if expected else 0, False)


@pytest.mark.parametrize(
    ("sizes", "total", "more"), [((3, 4), 7, False), ((3, 5), 8, False), ((3, 6), 8, True), ((12, 0), 8, True)]
)
def test_a_count_limit_counts_the_parts_so_far(ctx, sizes, total, more):
    parts, expected = parts_of(*sizes)
    page = ListPagination(page=2, per_page=4, error_out=False, parts=parts, count_limit=8)
    assert page.items == expected[4:8]
    assert (page.total, page.more) == (total, more)


def test_rows_in_turn_read_a_part_only_as_far_as_needed(ctx, count_queries):
    parts, expected = parts_of(30, 30)
    with count_queries() as counter:
        assert rows_in_turn(parts, 0, 10) == expected[:10]
    assert counter.count == 1  # the second part is not asked
    sizes: dict[int, int] = {}
    assert rows_in_turn(parts, 35, 10, sizes) == expected[35:45]
    assert sizes == {0: 30}  # counted, so the page knows where the second part begins
