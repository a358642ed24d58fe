"""The protocol parser: the seed protocols, the variants secretaries type, and round
trips through the intranet's own generator (the generator and the parser test each other)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cluster_intranet.meetings.importing import names
from cluster_intranet.meetings.importing.parser import parse, parse_text, split_position
from cluster_intranet.meetings.importing.structure import Votes, protocol_data
from cluster_intranet.meetings.services import protocol_data as meeting_data

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
FULL_TEXT = SEED / "protocol-2021-11-17-expert-council.txt"


@pytest.fixture(scope="module")
def full_text() -> str:
    if not FULL_TEXT.exists():
        pytest.skip(f"the second seed protocol is not beside the repository ({FULL_TEXT})")
    return FULL_TEXT.read_text(encoding="utf-8")


def test_seed_text_parses_to_the_demo_protocol(demo, seed_text):
    parsed = parse_text(seed_text)
    expected = meeting_data(demo)
    # What the short form does not print: the place, the time, the council's own name.
    for key in ("place", "start_time", "end_time"):
        expected["meeting"][key] = parsed_value = protocol_data(parsed)["meeting"][key]
        assert parsed_value in ("", None)
    expected["meeting"]["council"]["name"] = ""
    assert protocol_data(parsed) == expected
    assert parsed.unrecognised == [] and parsed.form == "short"
    # The decisions' items are inferred from the wording and marked for review.
    assert all(d.item_guessed for d in parsed.decisions)
    assert [a.name for a in parsed.attendees_in_person][4:] == ["Криков А. Н.", "Криволапов И. Н.", "Матвеев Д..М."]


def test_full_form_parses_fully(full_text):
    parsed = parse_text(full_text)
    assert parsed.unrecognised == [] and parsed.uncertain == []
    assert parsed.form == "full" and parsed.kind == "protocol"
    assert parsed.council == "Экспертный совет Промышленного образовательно-отраслевого кластера"
    assert parsed.council_genitive == "Экспертного совета Промышленного образовательно-отраслевого кластера"
    assert (parsed.number, parsed.date, parsed.city) == (1, dt.date(2021, 11, 17), "г. Томск")
    assert parsed.place == "ОГБПОУ «Томский индустриальный техникум», ауд. 210"
    assert (parsed.start_time, parsed.end_time) == (dt.time(14, 0), dt.time(16, 0))
    assert (parsed.chair, parsed.secretary) == ("Пояркова О.Н.", "Кузнецова Н.В.")
    assert parsed.chair_title == "Председатель Экспертного совета"
    assert [a.name for a in parsed.attendees_in_person] == [
        "Пояркова О.Н.", "Соколов А.В.", "Иванова М.С.", "Кузнецова Н.В.", "Елисеев В.А."
    ]
    assert [(a.name, a.position, a.organization) for a in parsed.attendees_online] == [
        ("Петренко О.И.", "главный инженер", "ООО «Сибирская машиностроительная компания»")
    ]
    assert [(a.name, a.position, a.organization) for a in parsed.invited] == [
        ("Королева О.М.", "консультант", "Департамента промышленности и энергетики Администрации Томской области"),
        ("Мельникова-Гросс Ю.А.", "методист", "ОГБУ «Региональный центр развития профессионального образования»"),
    ]
    first, second = parsed.agenda
    assert first.text == "О структуре экспертного чек-листа оценки основных образовательных программ СПО."
    assert (first.speaker, second.speaker) == ("Пояркова О.Н.", "Соколов А.В.")
    # СЛУШАЛИ writes the speaker in the accusative: «Соколова А.В.» is Соколов.
    assert [(s.name, s.written) for s in first.heard + second.heard] == [
        ("Пояркова О.Н.", "Пояркову О.Н."), ("Соколов А.В.", "Соколова А.В.")
    ]
    assert first.heard[0].summary.startswith("о проекте экспертного чек-листа из пяти разделов")
    assert [s.name for s in first.spoke] == ["Иванова М.С.", "Петренко О.И."]
    assert first.votes == Votes(6, 0, 0) and second.votes == Votes(unanimous=True)
    rows = [(d.number, d.item_number, d.responsible, d.deadline, d.term, d.votes) for d in parsed.decisions]
    assert rows == [
        ("1.1", 1, ["Пояркова О.Н."], dt.date(2021, 11, 24), "", None),
        ("1.2", 1, ["Иванова М.С.", "Мельникова-Гросс Ю.А."], dt.date(2021, 12, 1), "", None),
        ("2.1", 2, ["Соколов А.В."], None, "постоянно", None),
        ("2.2", 2, ["Кузнецова Н.В."], dt.date(2021, 12, 15), "", None),
    ]


VARIANTS = """\
Протокол заседания Координационного совета № 7
«5» марта 2022 г.
г. Северск
Председатель: Беляев Е.В.
Секретарь: Жарких Е.В.
Присутствовали:
Беляев Е.В., директор ООО «Гарантийный фонд Томской области»
Кускова Е.В., директор ОГБПОУ «Томский аграрный колледж»
Повестка дня:
1) О плане работы на 2022 год (докладчик – Беляев Е.В.)
2) Разное
СЛУШАЛИ:
Беляева Е.В. – о плане работы.
ПОСТАНОВИЛИ:
1. Утвердить план работы.
Ответственные – Кускова Е.В., Жарких Е.В.; срок: до 1 апреля 2022 г.
Голосовали: за – 9, против – 1, воздержались – 2.
СЛУШАЛИ:
Разное
РЕШИЛИ:
1. Провести следующее заседание в мае. Ответственный – Жарких Е.В., срок – ежеквартально
Это строка, которую никто не поймёт
Председатель\t\tЕ.В. Беляев
"""


def test_variants_secretaries_type():
    parsed = parse_text(VARIANTS)
    assert (parsed.number, parsed.date, parsed.city) == (7, dt.date(2022, 3, 5), "г. Северск")
    assert (parsed.chair, parsed.secretary) == ("Беляев Е.В.", "Жарких Е.В.")
    assert [a.name for a in parsed.attendees_in_person] == ["Беляев Е.В.", "Кускова Е.В."]
    assert [(i.number, i.text, i.speaker) for i in parsed.agenda] == [
        (1, "О плане работы на 2022 год", "Беляев Е.В."), (2, "Разное", "")  # the wording as written
    ]
    assert parsed.agenda[0].heard[0].name == "Беляев Е.В."
    first, second = parsed.decisions
    assert (first.item_number, first.responsible, first.deadline) == (1, ["Кускова Е.В.", "Жарких Е.В."], dt.date(2022, 4, 1))
    assert parsed.agenda[0].votes == Votes(9, 1, 2)
    assert (second.item_number, second.text, second.responsible, second.term) == (
        2, "Провести следующее заседание в мае.", ["Жарких Е.В."], "ежеквартально"
    )
    assert parsed.unrecognised == ["Это строка, которую никто не поймёт"]


def test_not_a_protocol_is_all_unrecognised():
    parsed = parse(["Список покупок", "молоко, хлеб", "Позвонить маме"])
    assert parsed.is_empty
    assert parsed.unrecognised == ["Список покупок", "молоко, хлеб", "Позвонить маме"]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Пояркову О.Н.", "Пояркова О.Н."),
        ("Соколова А.В.", "Соколов А.В."),
        ("Мельникову-Гросс Ю.А.", "Мельникова-Гросс Ю.А."),
        ("Жарких Е.В.", "Жарких Е.В."),
        ("Бенсона Г.Ф.", "Бенсон Г.Ф."),
        ("Иванову Марину Сергеевну", "Иванова Марина Сергеевна"),
        ("Змееву Е. Е.", "Змеева Е. Е."),
    ],
)
def test_accusative_back_to_nominative(written, expected):
    assert names.nominative(written) == expected


def test_known_names_decide_the_nominative():
    # «Соколова» may be Соколов in the accusative or Соколова herself, written carelessly.
    assert names.nominative("Соколова А.В.", ["Соколова А.В."]) == "Соколова А.В."
    assert names.nominative("Соколову А.В.", ["Соколова А.В."]) == "Соколова А.В."


def test_names_normalised():
    assert names.normalise("Криков А. Н.") == "Криков А.Н."
    assert names.normalise("Матвеев Д..М.") == "Матвеев Д.М."
    assert names.normalise("Е.В. Жарких") == "Жарких Е.В."
    assert names.key("Ёлкин А.Б.") == names.key("Елкин А. Б.")
    assert not names.looks_like_name("директор ООО")


def test_split_position():
    assert split_position("заместитель директора по безопасности МАОУ Средняя школа") == (
        "заместитель директора по безопасности", "МАОУ Средняя школа"
    )
    assert split_position("консультант Департамента промышленности") == ("консультант", "Департамента промышленности")
    assert split_position("методист") == ("методист", "")
