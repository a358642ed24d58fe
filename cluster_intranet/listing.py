"""Lists read in pages, from one statement or from several read in turn.

A list in several parts (a search showing the best matches first: the people whose
surname begins with the text, then the others) is not one ``UNION ALL ... ORDER BY``:
the database would read and sort every part to find the first page. Read in turn,
each part is read in its own index order and only as far as the page needs.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from .extensions import db


def where_chosen(stmt: Select, chosen: dict) -> Select:
    """``stmt`` narrowed by a list's filters, ``{column: value}``: each one chosen (a value
    that is not empty) keeps the rows with that value."""
    for column, value in chosen.items():
        if value:
            stmt = stmt.where(column == value)
    return stmt


def count_rows(stmt: Select, limit: int | None = None) -> int:
    """How many rows ``stmt`` gives, counted no further than ``limit``."""
    counted = stmt.options(lazyload("*")).order_by(None).limit(limit).subquery()
    return db.session.scalar(select(func.count()).select_from(counted))


def rows_in_turn(parts: list[Select], offset: int, limit: int, sizes: dict[int, int] | None = None) -> list:
    """Rows ``offset`` to ``offset + limit`` of ``parts`` read one after another.

    The size of each part this had to find out (one that ended before the page or on
    it) is put into ``sizes`` by the part's position, for a count to reuse.
    """
    sizes = {} if sizes is None else sizes
    rows: list = []
    for position, part in enumerate(parts):
        found = list(db.session.execute(part.limit(limit - len(rows)).offset(offset)).unique().scalars())
        rows += found
        if len(rows) == limit:
            break
        # The part ended on this page, or before it: then it has at most ``offset`` rows.
        sizes[position] = offset + len(found) if found or not offset else count_rows(part, offset)
        offset = max(offset - sizes[position], 0)
    return rows


class ListPagination(Pagination):
    """Flask-SQLAlchemy's page (``items``, ``total``, ``pages``, ``iter_pages()``…) of a
    list in ``parts``; with ``count_limit`` the rows are counted only that far and
    ``more`` says there are more, so a search that finds half the table does not count it.
    """

    def _query_items(self) -> list:
        self._sizes: dict[int, int] = {}
        return rows_in_turn(self._query_args["parts"], self._query_offset, self.per_page, self._sizes)

    def _query_count(self) -> int:
        limit = self._query_args["count_limit"]
        total = 0
        for position, part in enumerate(self._query_args["parts"]):
            if position in self._sizes:
                total += self._sizes[position]
            else:
                total += count_rows(part, None if limit is None else limit + 1 - total)
            if limit is not None and total > limit:
                break
        self.more = limit is not None and total > limit
        return total if limit is None else min(total, limit)
