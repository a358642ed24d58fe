"""Text search in lists: does a row's ``search_text`` contain what the user typed?

``search_text`` holds the folded words of a row (``SearchableMixin``). A plain
``LIKE '%…%'`` reads every row, so each searchable table also has a trigram index,
made by the migrations alone (0012) because it differs per database:

- PostgreSQL: a pg_trgm GIN index on ``search_text``; the planner uses it for the
  same ``LIKE`` by itself.
- SQLite: an FTS5 table ``<table>_search`` with the trigram tokenizer over the
  table's ``search_text``, kept current by triggers; it is asked directly (MATCH
  of the typed text as one phrase, which is a substring match).

For short texts (people, organizations, programmes) the index is always the faster
way. For long ones (meetings: their agenda and decisions) it pays only when the word
is rare: a word in every other meeting is found sooner by reading the list in its own
order, which stops once a page is full. So for those the index is first asked whether
it finds ``MANY`` rows (a cheap probe: it stops there), and a word found so often is
looked for in the rows as the list reads them. Either way a searched list counts its
rows only up to ``MANY`` («Найдено более 200»), so no search costs in proportion to the
table. Fewer than three characters make no trigram: such a query reads the list.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table

from .extensions import db

MIN_INDEXED_LENGTH = 3  # characters: a trigram index knows nothing shorter
MANY = 200  # rows: a searched list counts this far; a long text found more often is read in list order
SEARCH_TABLE_SUFFIX = "_search"
# An FTS5 table and the shadow tables SQLite keeps beside it; the PostgreSQL index.
_FTS_TABLE = re.compile(r".+_search(_(data|idx|docsize|config|content))?")
_TRIGRAM_INDEX = re.compile(r"ix_.+_search_trgm")


def fold(text: str) -> str:
    """Text as search compares it: case folded, «ё» as «е» (both are typed for one letter)."""
    return text.casefold().replace("ё", "е")


def search_pattern(query: str, prefix: bool = False) -> str:
    """A LIKE pattern for ``search_text`` containing ``query`` (or, with ``prefix``,
    beginning with it); wildcards typed by the user match themselves."""
    escaped = fold(query.strip()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


def contains_text(model, query: str) -> ColumnElement[bool]:
    """The rows of ``model`` whose search text contains ``query``, in the way the
    database's trigram index answers fastest."""
    text = fold(query.strip())
    scan = model.search_text.like(search_pattern(text), escape="\\")
    if len(text) < MIN_INDEXED_LENGTH:
        return scan
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    # The ids the index finds, and the test of a row that has it answered.
    if sqlite:
        matching = _fts_ids(model, text)
        indexed = model.id.in_(matching)
    else:  # PostgreSQL's planner takes the trigram index for the LIKE by itself
        matching, indexed = select(model.id).where(scan), scan
    if model.search_text_is_short or not _at_least_many(matching):
        return indexed
    if sqlite:
        return scan  # no index on the text: the list is read in its order
    # PostgreSQL keeps no statistics of texts over 1 kB, so it takes the LIKE for a rare
    # one and sorts every match. The same test as strpos() it cannot answer from the
    # trigram index and guesses true of a third of the rows: it reads the list's index
    # in order and stops at the page.
    return func.strpos(model.search_text, text) > 0


def _fts_ids(model, text: str) -> Select:
    """SQLite: the ids of the rows whose FTS5 trigram table matches ``text`` as one phrase."""
    index = table(model.__tablename__ + SEARCH_TABLE_SUFFIX, column("rowid"))
    phrase = '"' + text.replace('"', '""') + '"'  # FTS5 string syntax: the whole text, quotes doubled
    return select(index.c.rowid).where(literal_column(index.name).op("MATCH")(phrase))


def _at_least_many(ids: Select) -> bool:
    """A cheap probe of the index: does it find ``MANY`` ids? (It stops there.)"""
    found = ids.limit(MANY).subquery()
    return db.session.scalar(select(func.count()).select_from(found)) >= MANY


def search_count_limit(query: str) -> int | None:
    """How far a list counts its rows: to ``MANY`` when searched, else all of them."""
    return MANY if query.strip() else None


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name`` hook: everything but the search indexes (the SQLite
    FTS5 tables with their shadow tables, the PostgreSQL trigram indexes), which a
    migration makes per database, not the models."""
    pattern = {"table": _FTS_TABLE, "index": _TRIGRAM_INDEX}.get(type_)
    return not (name and pattern and pattern.fullmatch(name))
