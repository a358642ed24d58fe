"""Text search through the trigram indexes (FTS5 on SQLite, pg_trgm on PostgreSQL):
the same answers as a substring search of ``search_text``, kept current as rows change."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, text

from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting
from cluster_intranet.meetings.queries import meetings_query
from cluster_intranet.search import MANY, contains_text, fold, include_name

from cluster_intranet.demo import seed

from . import factories


def found(query: str) -> list[str]:
    stmt = select(Person.surname).where(contains_text(Person, query)).order_by(Person.surname)
    return list(db.session.scalars(stmt))


@pytest.fixture
def people(ctx):
    for surname in ("Кузнецова", "Кузнецов", "Пояркова", "Ёлкин", "Ковалёв", 'Дом "Кедр"', "Сто_процентов 100%"):
        factories.person(surname=surname)
    db.session.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("узнец", ["Кузнецов", "Кузнецова"]),  # inside a word
        ("КУЗНЕЦОВА", ["Кузнецова"]),  # case folded in Cyrillic
        ("кузнецов иван", ["Кузнецов"]),  # across words: the text as typed, as one phrase
        ("ёлк", ["Ёлкин"]),
        ("ковалев", ["Ковалёв"]),  # «ё» and «е» are one letter to search
        ("ЕЛКИН", ["Ёлкин"]),
        ("по", ["Пояркова"]),  # under three characters: no trigram, a scan
        ('"кедр"', ['Дом "Кедр"']),  # quotes are text, not query syntax
        ("о_п", ["Сто_процентов 100%"]),  # LIKE wildcards match themselves
        ("0%", ["Сто_процентов 100%"]),
        ("ов_", []),
        ("петров", []),
    ],
)
def test_finds_what_a_substring_search_finds(people, query, expected):
    assert found(query) == expected
    everyone = db.session.execute(select(Person.surname, Person.search_text)).all()
    assert expected == sorted(surname for surname, words in everyone if fold(query) in words)


def test_the_index_follows_changes_and_deletions(ctx):
    person = factories.person(surname="Криволапов")
    db.session.commit()
    assert found("волап") == ["Криволапов"]
    person.surname = "Беляев"
    db.session.commit()
    assert found("волап") == [] and found("беляе") == ["Беляев"]
    db.session.delete(person)
    db.session.commit()
    assert found("беляе") == []


def test_a_meeting_is_found_by_an_agenda_item_added_on_its_page(app, secretary, ctx):
    seed()
    db.session.commit()
    draft = db.session.scalar(select(Meeting).where(Meeting.year == 2027))
    wanted = "/meetings/%d" % draft.id
    assert wanted not in secretary.hx("get", "/meetings/?q=гидропоник").get_data(as_text=True)
    added = secretary.hx("post", f"{wanted}/agenda", data={"text": "О стажировках на предприятиях гидропоники"})
    assert added.status_code == 200
    assert wanted in secretary.hx("get", "/meetings/?q=гидропоник").get_data(as_text=True)


def test_the_models_comparison_skips_exactly_the_search_indexes(app, ctx):
    if db.engine.dialect.name == "sqlite":
        kind, query = "table", "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%search%'"
    else:
        kind, query = "index", "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%search%'"
    names = db.session.scalars(text(query)).all()
    assert {"people_search", "ix_people_search_trgm"} & set(names)
    assert [name for name in names if include_name(name, kind, {})] == []
    assert include_name("people", "table", {}) and include_name("ix_meetings_list", "index", {})


def test_a_common_word_is_counted_only_so_far(app, viewer, ctx):
    db.session.add_all(Person(surname="Кузнецов", first_name="Иван", patronymic=f"№{n}") for n in range(MANY + 5))
    db.session.add(Person(surname="Пояркова", first_name="Ольга"))
    db.session.commit()
    common = viewer.hx("get", "/directory/people?q=кузнец").get_data(as_text=True)
    assert f"Найдено более {MANY}: уточните запрос" in common
    assert common.count('id="people-row-') == app.config["PER_PAGE"]
    assert f"page={MANY // app.config['PER_PAGE']}" in common  # the last page of those counted
    rare = viewer.hx("get", "/directory/people?q=пояр").get_data(as_text=True)
    assert "Всего: 1" in rare and "Найдено более" not in rare
    assert f"Всего: {MANY + 6}" in viewer.get("/directory/people").get_data(as_text=True)  # the list is counted in full


def test_a_common_word_in_long_texts_is_looked_for_as_the_list_is_read(app, ctx):
    """Meetings: the trigram index for a rare word; a word in more than MANY of them is
    found sooner by reading the list in its index order, which stops at the page."""
    council = factories.council()
    rows = [
        dict(
            council_id=council.id,
            number=n,
            year=2026,
            date=date(2026, 1, 1) + timedelta(days=n % 300),
            search_text=f"{n} о медиаплане кластера" + (" и гидропонике" if n % 50 == 0 else ""),
            version=1,
        )
        for n in range(1, MANY + 1)
    ]
    db.session.execute(insert(Meeting), rows)
    db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"

    def plan(word: str) -> str:
        stmt = meetings_query(text=word).limit(25)
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
        return " ".join(str(row[-1]) for row in db.session.execute(text(f"{explain} {sql}")))

    def numbers(word: str) -> list[int]:
        return [meeting.number for meeting in db.session.scalars(meetings_query(text=word))]

    assert sorted(numbers("гидропоник")) == [50, 100, 150, 200]
    assert sorted(numbers("медиаплан")) == list(range(1, MANY + 1))
    common = plan("медиаплан")
    if sqlite:
        assert "meetings_search VIRTUAL TABLE" in plan("гидропоник")
        assert "ix_meetings_list" in common and "VIRTUAL TABLE" not in common and "TEMP B-TREE" not in common, common
    else:  # PostgreSQL's choice for the rare word depends on its statistics; the common one cannot take the index
        assert "ix_meetings_search_trgm" not in common and "strpos" in common, common
