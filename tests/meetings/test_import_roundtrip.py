"""The generator and the parser test each other: protocols drawn by hypothesis (odd
names, quotes, «ё», long texts, many items) are rendered by the intranet's own default
templates with docxtpl, read back with python-docx and parsed to the same data."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cluster_intranet.documents.contexts import complete_protocol
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.documents.rendering import sentence as as_sentence
from cluster_intranet.meetings.importing.names import normalise
from cluster_intranet.meetings.importing.parser import parse
from cluster_intranet.meetings.importing.reader import docx_lines
from cluster_intranet.meetings.importing.structure import protocol_data, settle_votes
from tests.documents.support import read_template

CAPITALS = "АБВГДЕЁЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
LIST_THRESHOLD = 10
COUNCILS = [
    (
        "Координационный совет Промышленного образовательно-отраслевого кластера",
        "Координационного совета Промышленного образовательно-отраслевого кластера",
        "Координационного совета",
    ),
    ("Экспертный совет кластера", "Экспертного совета кластера", "Экспертного совета"),
]
# Words of texts and positions: none is a heading or a keyword the parser reacts to.
WORDS = [
    "кластер",
    "программ",
    "ёлочных",
    "образовательных",
    "работодателей",
    "экспертных",
    "сессий",
    "мероприятий",
    "участников",
    "«Интеграция»",
    '"Ромашка"',
    "СПО",
    "2021",
    "R&D",
    "<b>",
    "чек-листов",
    "медиаплан",
    "ёмкость",
    "подготовки",
    "Томской",
    "области",
    "и",
    "в",
    "на",
    "о",
    "с",
    "15.02.08",
    "—",
    "–",
    "(включая",
    "практики)",
    "сайтах",
    "Ёлкин",
    "№",
    "5",
]
REAL_NAMES = [
    "Пояркова О.Н.",
    "Соколов А.В.",
    "Мельникова-Гросс Ю.А.",
    "Ёлкин А.Б.",
    "Жарких Е.В.",
    "Бенсон Г.Ф.",
    "Дрожено О.Н.",
    "Кузнецова Н.В.",
    "Королёва О.М.",
    "Достоевский Ф.М.",
    "Змеева Е.Е.",
]
POSITION_WORDS = [
    "директор",
    "заместитель",
    "директора",
    "по",
    "учебной",
    "работе",
    "главный",
    "инженер",
    "методист",
    "консультант",
    "пресс-службы",
    "ёлочного",
    "цеха",
]


surnames = st.builds(
    lambda first, rest, second: first + rest + (f"-{second[0].upper()}{second[1:]}" if second else ""),
    st.sampled_from(CAPITALS),
    st.text(LOWER, min_size=2, max_size=10),
    st.none() | st.text(LOWER, min_size=3, max_size=8),
)
letters = st.sampled_from(CAPITALS.replace("Ё", "").replace("Ы", ""))
clean_names = st.builds(lambda s, a, b: f"{s} {a}.{b}.", surnames, letters, letters)
written_names = st.builds(  # as secretaries type them: «Криков А. Н.», «Матвеев Д..М.»
    lambda s, a, b, form: form.format(s=s, a=a, b=b),
    surnames,
    letters,
    letters,
    st.sampled_from(["{s} {a}.{b}.", "{s} {a}. {b}.", "{s} {a}..{b}.", "{s} {a}.{b}."]),
)


def sentence(min_words=1, max_words=40, end="."):
    return st.builds(
        lambda first, words, stop: " ".join([first, *words]) + stop,
        st.sampled_from(["Разработать", "Ёмкость", "Провести", "Утвердить", "Информировать", "Об", "«Цифровой»"]),
        st.lists(st.sampled_from(WORDS), min_size=min_words - 1, max_size=max_words),
        st.sampled_from([end, ";", "", "!"]) if end == "." else st.just(end),
    )


organizations = st.builds(
    lambda kind, words: kind.format(" ".join(words)),
    st.sampled_from(["ОГБПОУ «Томский {} техникум»", 'ООО "{}"', "Департамента {} Томской области", "АО «Ёлка {}»"]),
    st.lists(st.sampled_from(["промышленный", "ёлочный", "аграрный", "энергетики"]), min_size=1, max_size=3),
)
attendees = st.builds(
    lambda name, position, organization: {"name": name, "position": position, "organization": organization},
    written_names,
    st.lists(st.sampled_from(POSITION_WORDS), min_size=1, max_size=4).map(" ".join),
    st.just("") | organizations,
)
votes = (
    st.none()
    | st.just({"for": 0, "against": 0, "abstained": 0, "unanimous": True})
    | st.builds(
        lambda f, a, b: {"for": f, "against": a, "abstained": b},
        st.integers(0, 30),
        st.integers(0, 5),
        st.integers(0, 5),
    )
)
# A deadline, a term in words instead («постоянно»), or neither.
TERMS = ["постоянно", "ежеквартально", "в течение учебного года", "по мере поступления заявок"]
decisions = st.builds(
    lambda text, responsible, when, vote: {
        "text": text,
        "responsible": [{"name": n} for n in responsible],
        "deadline": when if isinstance(when, dt.date) else None,
        "term": when if isinstance(when, str) else "",
        "votes": vote,
    },
    sentence(1, 60),
    st.lists(clean_names, max_size=2, unique=True),
    st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)) | st.sampled_from(TERMS),
    votes,
)
speeches = st.builds(
    lambda name, summary: {"name": name, "summary": summary},
    clean_names,
    st.just("") | sentence(1, 30).map(lambda s: s[0].lower() + s[1:]),
)
discussion = st.builds(
    lambda name, summary: {"name": name, "summary": summary}, st.just("") | clean_names, sentence(1, 30)
)
items = st.builds(
    lambda text, speakers, talk, item_decisions: {
        "text": text,
        "speakers": speakers,
        "discussion": talk,
        "decisions": item_decisions,
    },
    sentence(1, 50),
    st.lists(speeches, max_size=2),
    st.lists(discussion, max_size=2),
    st.lists(decisions, max_size=3),
)


@st.composite
def protocols(draw, items_count=(0, 6)) -> dict:
    council, genitive, short = draw(st.sampled_from(COUNCILS))
    start = draw(st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)))
    end = None
    if start is not None and start.hour < 23:
        end = draw(st.none() | st.just(start.replace(hour=start.hour + 1)))

    def role(name, title):
        return (
            None
            if name is None
            else {
                "short_name": name,
                "short_name_reversed": " ".join(reversed(name.split(" ", 1))),
                "position": f"{title} {short}",
            }
        )

    agenda = draw(st.lists(items, min_size=items_count[0], max_size=items_count[1]))
    for item in agenda:  # the item voted on once, some of its decisions separately, or both
        item["votes"] = draw(votes)
        if item["decisions"]:  # as protocol_data: the short form prints it after the item's last decision
            item["decisions"][-1]["item_votes"] = item["votes"]
    loose = draw(st.lists(decisions, max_size=2))
    ordered = [d for item in agenda for d in item["decisions"]] + loose
    for number, decision in enumerate(ordered, start=1):
        decision["number"] = number
    for number, item in enumerate(agenda, start=1):
        item["number"] = number
        for decision in item["decisions"]:
            decision["item_number"] = number
    for decision in loose:
        decision["item_number"] = None
    present = (
        draw(st.lists(attendees, max_size=8)),
        draw(st.lists(attendees, max_size=4)),
        draw(st.lists(attendees, max_size=3)),
    )
    # Who reports (СЛУШАЛИ, written in the accusative) is someone present, or a real surname.
    pool = [normalise(a["name"]) for group in present for a in group] + REAL_NAMES
    for item in agenda:
        for speech in item["speakers"]:
            speech["name"] = draw(st.sampled_from(pool))
    data = {
        "meeting": {
            "number": draw(st.integers(1, 999)),
            "date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))),
            "city": draw(st.sampled_from(["г. Томск", "с. Кожевниково", "г. Северск"])),
            "place": draw(st.just("") | st.sampled_from(["пр. Кирова, 41, конференц-зал", "ОГБПОУ «ТИТ», ауд. 204"])),
            "start_time": start,
            "end_time": end,
            "council": {"name": council, "name_genitive": genitive},
        },
        "chair": role(draw(st.none() | clean_names), "Председатель"),
        "secretary": role(draw(st.none() | clean_names), "Секретарь"),
        "attendees_in_person": present[0],
        "attendees_online": present[1],
        "invited": present[2],
        "agenda": agenda,
        "decisions": ordered,
        "decisions_without_item": loose,
        # The meeting's materials, which the full form names under «Приложения:».
        "appendices": [
            {"number": n, "title": title, "filename": "", "item_number": draw(st.none() | st.integers(1, len(agenda)))}
            if agenda
            else {"number": n, "title": title, "filename": "", "item_number": None}
            for n, title in enumerate(draw(st.lists(sentence(1, 12), max_size=3)), start=1)
        ],
    }
    return complete_protocol(data, list_threshold=LIST_THRESHOLD)


def _read_back(template: str, context: dict):
    """The protocol rendered from ``context`` and parsed again, every line of it placed:
    (what was parsed, its data)."""
    parsed = parse(docx_lines(render_document(read_template(template), context)))
    assert parsed.unrecognised == []
    return parsed, protocol_data(parsed)


def people_rows(rows):
    return [(r["name"], r["position"], r["organization"]) for r in rows]


def decision_read(d):
    """What a decision reads as, but for its vote (``settled_votes``)."""
    return d["text"], [r["name"] for r in d["responsible"]], d["deadline"], d.get("term", "")


def _vote(v):
    return None if v is None else {"unanimous": False, **v}


def settled_votes(data: dict, form: str):
    """The votes as the protocol's text tells them: per item its vote and its decisions'
    own, then the loose decisions' own. A decision's own vote printed where its item's
    would be (after the item's last decision, the item having none) reads as the item's;
    the short form prints no vote of an item without decisions."""
    items = []
    for item in data["agenda"]:
        own = [_vote(d["votes"]) for d in item["decisions"]]
        vote = _vote(item["votes"]) if item["decisions"] or form == "full" else None
        if vote is None and own and own[-1] is not None:
            vote, own[-1] = own[-1], None
        items.append((vote, own))
    return items, [_vote(d["votes"]) for d in data["decisions_without_item"]]


def parsed_votes(parsed, context: dict, form: str):
    """``settled_votes`` of what was read. The short form does not print the decisions'
    items: they are set as the context has them, as the secretary corrects the inferred
    ones on the review page, and the votes settled again."""
    if form == "short":
        for decision, theirs in zip(parsed.decisions, context["decisions"], strict=True):
            decision.item_number = theirs["item_number"]
        settle_votes(parsed)
    return settled_votes(protocol_data(parsed), form)


# Without shrinking: each example renders a .docx, and shrinking one took minutes.
ROUND_TRIP = settings(
    max_examples=25,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@ROUND_TRIP
@given(protocols())
def test_short_form_round_trip(context):
    parsed, got = _read_back("protocol_short.docx", context)
    for key in ("number", "date", "city"):
        assert got["meeting"][key] == context["meeting"][key]
    assert got["meeting"]["council"]["name_genitive"] == context["meeting"]["council"]["name_genitive"]
    assert got["secretary"] == context["secretary"]
    assert people_rows(got["attendees_in_person"]) == people_rows(context["attendees_in_person"])
    assert people_rows(got["attendees_online"]) == people_rows(context["attendees_online"])
    assert [item["text"] for item in got["agenda"]] == [item["text"] for item in context["agenda"]]
    assert [decision_read(d) for d in got["decisions"]] == [decision_read(d) for d in context["decisions"]]
    assert parsed_votes(parsed, context, "short") == settled_votes(context, "short")


def agenda_text(item: dict, form: str) -> str:
    """An item's wording as the protocol prints it: in the full form, before «Докладчик – …»,
    a sentence (its full stop added, or put for a «;»)."""
    return as_sentence(item["text"]) if form == "full" and item["speakers"] else item["text"]


@ROUND_TRIP
@given(protocols())
def test_full_form_round_trip(context):
    parsed, got = _read_back("protocol_full.docx", context)
    assert got["meeting"] == context["meeting"]
    assert (got["chair"], got["secretary"]) == (context["chair"], context["secretary"])
    assert got["attendees_total"] == context["attendees_total"]
    for key in ("attendees_in_person", "attendees_online", "invited"):
        assert people_rows(got[key]) == people_rows(context[key])
    assert len(got["agenda"]) == len(context["agenda"])
    for mine, theirs in zip(got["agenda"], context["agenda"]):
        assert (mine["number"], mine["text"]) == (theirs["number"], agenda_text(theirs, "full"))
        assert mine["speakers"] == theirs["speakers"]
        assert mine["discussion"] == theirs["discussion"]
        assert [decision_read(d) for d in mine["decisions"]] == [decision_read(d) for d in theirs["decisions"]]
    assert [decision_read(d) for d in got["decisions_without_item"]] == [
        decision_read(d) for d in context["decisions_without_item"]
    ]
    assert parsed_votes(parsed, context, "full") == settled_votes(context, "full")
    assert parsed.appendices == [
        a["title"] + (f" (к вопросу {a['item_number']})" if a["item_number"] else "") for a in context["appendices"]
    ]


MANY = settings(ROUND_TRIP, max_examples=3)


@pytest.mark.parametrize("form", ["short", "full"])
@MANY
@given(context=protocols(items_count=(25, 35)))
def test_a_long_protocol_round_trip(context, form):
    """Many items (25–35, up to three decisions each): nothing is lost or misplaced at length."""
    parsed, got = _read_back(f"protocol_{form}.docx", context)
    assert [item["text"] for item in got["agenda"]] == [agenda_text(item, form) for item in context["agenda"]]
    assert [decision_read(d) for d in got["decisions"]] == [decision_read(d) for d in context["decisions"]]
    assert people_rows(got["attendees_in_person"]) == people_rows(context["attendees_in_person"])
    if form == "full":
        assert [d["item_number"] for d in got["decisions"]] == [d["item_number"] for d in context["decisions"]]
    assert parsed_votes(parsed, context, form) == settled_votes(context, form)
