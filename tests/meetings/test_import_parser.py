"""The protocol parser: the seed protocols, the variants secretaries type, and round
trips through the intranet's own generator (the generator and the parser test each other)."""

from __future__ import annotations

import datetime as dt

import pytest

from cluster_intranet.meetings.importing import names
from cluster_intranet.meetings.importing.parser import parse, parse_text
from cluster_intranet.meetings.importing.phrases import split_position
from cluster_intranet.meetings.importing.structure import Votes, protocol_data, settle_votes
from cluster_intranet.meetings.protocol import protocol_data as meeting_data


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
        "Пояркова О.Н.",
        "Соколов А.В.",
        "Иванова М.С.",
        "Кузнецова Н.В.",
        "Елисеев В.А.",
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
        ("Пояркова О.Н.", "Пояркову О.Н."),
        ("Соколов А.В.", "Соколова А.В."),
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
        (1, "О плане работы на 2022 год", "Беляев Е.В."),
        (2, "Разное", ""),  # the wording as written
    ]
    assert parsed.agenda[0].heard[0].name == "Беляев Е.В."
    first, second = parsed.decisions
    assert (first.item_number, first.responsible, first.deadline) == (
        1,
        ["Кускова Е.В.", "Жарких Е.В."],
        dt.date(2022, 4, 1),
    )
    assert parsed.agenda[0].votes == Votes(9, 1, 2)
    assert (second.item_number, second.text, second.responsible, second.term) == (
        2,
        "Провести следующее заседание в мае.",
        ["Жарких Е.В."],
        "ежеквартально",
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
        "заместитель директора по безопасности",
        "МАОУ Средняя школа",
    )
    assert split_position("консультант Департамента промышленности") == ("консультант", "Департамента промышленности")
    assert split_position("методист") == ("методист", "")


# The seed protocol's decisions as a secretary records the votes in the short form: the
# first item voted once (after its only decision), decision 2 voted on separately, and
# decision 3 voted on separately too before the vote on its item, the second.
SHORT_VOTES = {
    "1. Поручить Экспертному совету": "Голосовали: «за» – 11, «против» – 0, «воздержались» – 0.",
    "2. Применять принцип единообразия": "Голосовали: «за» – 9, «против» – 1, «воздержались» – 1.",
    "Ответственный исполнитель – Кузнецова Н.В.": "Голосовали: «за» – 10, «против» – 0, «воздержались» – 1.\n"
    "Голосовали: единогласно.",
}


def _with_votes(text: str, votes: dict[str, str]) -> str:
    lines = []
    for line in text.splitlines():
        lines.append(line)
        lines += [vote for start, vote in votes.items() if line.startswith(start)]
    return "\n".join(lines)


def test_short_form_vote_after_an_items_last_decision_is_the_items(seed_text):
    parsed = parse_text(_with_votes(seed_text, SHORT_VOTES))
    assert parsed.unrecognised == [] and parsed.form == "short"
    assert [d.item_number for d in parsed.decisions] == [1, 2, 2]
    first, second = parsed.agenda
    assert first.votes == Votes(11, 0, 0)  # not decision 1's own: the item's, printed after its last decision
    assert second.votes == Votes(unanimous=True)
    assert [d.votes for d in parsed.decisions] == [None, Votes(9, 1, 1), Votes(10, 0, 1)]
    data = protocol_data(parsed)
    assert [d["item_votes"] for d in data["decisions"]] == [
        {"for": 11, "against": 0, "abstained": 0, "unanimous": False},
        None,
        {"for": 0, "against": 0, "abstained": 0, "unanimous": True},
    ]


def test_short_form_votes_follow_the_items_as_corrected(seed_text):
    """The review page corrects an inferred item: the vote after decision 2 is then the
    last of item 1's decisions, so it is item 1's vote, and decision 1 has none of its own."""
    parsed = parse_text(_with_votes(seed_text, SHORT_VOTES))
    parsed.decisions[1].item_number = 1
    settle_votes(parsed)
    assert [item.votes for item in parsed.agenda] == [Votes(9, 1, 1), Votes(unanimous=True)]
    assert [d.votes for d in parsed.decisions] == [Votes(11, 0, 0), None, Votes(10, 0, 1)]


def test_short_form_decision_with_two_votes_ends_its_item():
    """Wording alone would put both decisions on item 1; the two votes under the first
    (its own, then its item's) say it is item 1's last."""
    parsed = parse_text("""ПРОТОКОЛ № 4
заседания
Координационного совета Промышленного образовательно-отраслевого кластера
3 марта 2022 г.
г. Томск
Обсуждаемые вопросы:
1. О плане работы кластера на 2022 год.
2. О медиаплане.
По результатам заседания были приняты решения:
1. Утвердить план работы кластера на 2022 год.
Голосовали: «за» – 7, «против» – 1, «воздержались» – 0.
Голосовали: единогласно.
2. Дополнить план работы кластера публикациями.
Голосовали: «за» – 8, «против» – 0, «воздержались» – 0.
""")
    assert [d.item_number for d in parsed.decisions] == [1, 2]
    assert [item.votes for item in parsed.agenda] == [Votes(unanimous=True), Votes(8, 0, 0)]
    assert [d.votes for d in parsed.decisions] == [Votes(7, 1, 0), None]


def test_full_form_votes_under_a_decision_are_its_own(full_text):
    """The 17.11.2021 protocol with decision 1.1 voted on separately, and 2.2 too, its own
    vote printed before item 2's."""
    text = full_text.replace(
        "Ответственный исполнитель – Пояркова О.Н., срок до 24.11.2021.\n",
        "Ответственный исполнитель – Пояркова О.Н., срок до 24.11.2021.\n"
        "Голосовали: «за» – 5, «против» – 1, «воздержались» – 0.\n",
    ).replace(
        "Ответственный исполнитель – Кузнецова Н.В., срок до 15.12.2021.\n",
        "Ответственный исполнитель – Кузнецова Н.В., срок до 15.12.2021.\n"
        "Голосовали: «за» – 4, «против» – 0, «воздержались» – 2.\n",
    )
    assert text.count("Голосовали") == 4
    parsed = parse_text(text)
    assert parsed.unrecognised == [] and parsed.form == "full"
    assert [item.votes for item in parsed.agenda] == [Votes(6, 0, 0), Votes(unanimous=True)]
    assert [d.votes for d in parsed.decisions] == [Votes(5, 1, 0), None, None, Votes(4, 0, 2)]
    # The full form says which item a decision answers: nothing is inferred.
    assert not any(d.item_guessed for d in parsed.decisions)


def test_full_form_one_vote_after_an_items_only_decision_is_the_items():
    parsed = parse_text("""ПРОТОКОЛ
заседания Экспертного совета Промышленного образовательно-отраслевого кластера
1 декабря 2021 г.\t№ 2
г. Томск
Председатель – О.Н. Пояркова
ПОВЕСТКА ДНЯ:
1. О чек-листе.
1. СЛУШАЛИ:
О чек-листе.
РЕШИЛИ:
1.1. Утвердить чек-лист.
Голосовали: единогласно.
""")
    assert parsed.unrecognised == []
    assert parsed.agenda[0].votes == Votes(unanimous=True) and parsed.decisions[0].votes is None


def test_city_and_date_on_one_line_and_a_speaker_abbreviated():
    """«г. Томск<tabs>15.03.2023» (the city at the left margin, the date at the right) and
    «Докл.: Беляев Е.В.» as secretaries type them."""
    parsed = parse_text(
        "ПРОТОКОЛ № 5\n"
        "заседания Координационного совета Промышленного образовательно-отраслевого кластера\n"
        "г. Томск\t\t\t\t\t15.03.2023\n"
        "ПОВЕСТКА ДНЯ:\n"
        "1. О плане работы на 2023 год. Докл.: Беляев Е.В.\n"
        "2. О медиаплане (докл. Кузнецова Н.В.)\n"
    )
    assert (parsed.number, parsed.date, parsed.city) == (5, dt.date(2023, 3, 15), "г. Томск")
    assert [(i.text, i.speaker) for i in parsed.agenda] == [
        ("О плане работы на 2023 год.", "Беляев Е.В."),
        ("О медиаплане", "Кузнецова Н.В."),
    ]
    assert parsed.unrecognised == []
    assert parse_text("ПРОТОКОЛ\nс. Кожевниково 1 марта 2022 г. № 3").date == dt.date(2022, 3, 1)


def test_attendees_with_a_dash_or_brackets_and_responsibles_abbreviated():
    parsed = parse_text(
        "ПРОТОКОЛ № 6\n"
        "Присутствовали:\n"
        "1. Беляев Е.В. – директор ООО «Гарантийный фонд Томской области»;\n"
        "2. Иванов И.И. (ООО «Ромашка»)\n"
        "3. Петров П.П. (главный инженер АО «Ёлка»)\n"
        "Приглашенные:\n"
        "Сидоров С.С. - представитель АО «Ёлка»\n"
        "РЕШИЛИ:\n"
        "1. Принять к сведению.\n"
        "Отв. – Беляев Е.В.\n"
        "Срок – до 31 декабря 2023 года.\n"
        "2. Утвердить план. Отв.: Иванов И.И., срок – постоянно\n"
    )
    assert [(a.name, a.position, a.organization) for a in parsed.attendees] == [
        ("Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
        ("Иванов И.И.", "", "ООО «Ромашка»"),
        ("Петров П.П.", "главный инженер", "АО «Ёлка»"),
        ("Сидоров С.С.", "представитель", "АО «Ёлка»"),
    ]
    assert [(d.text, d.responsible, d.deadline, d.term) for d in parsed.decisions] == [
        ("Принять к сведению.", ["Беляев Е.В."], dt.date(2023, 12, 31), ""),
        ("Утвердить план.", ["Иванов И.И."], None, "постоянно"),
    ]
    assert parsed.unrecognised == []


def test_items_named_in_words_and_the_date_after_from():
    """«от 12.04.2023» under the title; «По первому вопросу слушали», «По второму вопросу
    повестки дня слушали: …» instead of «1. СЛУШАЛИ»."""
    parsed = parse_text(
        "ПРОТОКОЛ № 7\n"
        "от 12.04.2023\n"
        "Повестка дня:\n"
        "1. О плане работы.\n"
        "2. О медиаплане.\n"
        "По первому вопросу слушали:\n"
        "Беляева Е.В. – о плане работы.\n"
        "Решили:\n"
        "1. Утвердить план работы.\n"
        "По второму вопросу повестки дня слушали: Кузнецову Н.В. – о медиаплане.\n"
        "Постановили:\n"
        "Принять медиаплан к сведению.\n"
    )
    assert (parsed.number, parsed.date) == (7, dt.date(2023, 4, 12))
    assert [(i.text, [(s.name, s.summary) for s in i.heard]) for i in parsed.agenda] == [
        ("О плане работы.", [("Беляев Е.В.", "о плане работы.")]),
        ("О медиаплане.", [("Кузнецова Н.В.", "о медиаплане.")]),
    ]
    assert [(d.item_number, d.text) for d in parsed.decisions] == [
        (1, "Утвердить план работы."),
        (2, "Принять медиаплан к сведению."),
    ]
    assert parsed.unrecognised == []
    assert parse_text("ПРОТОКОЛ\nот «5» марта 2022 г. № 4").date == dt.date(2022, 3, 5)


def test_a_heading_and_its_contents_on_one_line():
    """«Присутствовали: …», «Приглашены: …», «Повестка дня: …» with the people or the item
    after the colon: read, not lost («Приглашены: Жарких Е.В.» matched the heading's start
    and the name after it was dropped without a trace)."""
    parsed = parse_text(
        "ПРОТОКОЛ № 9\n"
        "Присутствовали: Беляев Е.В., Кускова Е.В.\n"
        "Онлайн подключение: Змеева Е.Е. – директор ОГБПОУ «ТПГК»; Доронин Д.А. – заместитель директора МАОУ «Интеграция».\n"
        "Приглашены: Жарких Е.В.\n"
        "Повестка дня: О плане работы.\n"
        "РЕШИЛИ: Утвердить план.\n"
    )
    assert [a.name for a in parsed.attendees_in_person] == ["Беляев Е.В.", "Кускова Е.В."]
    assert [(a.name, a.position, a.organization) for a in parsed.attendees_online] == [
        ("Змеева Е.Е.", "директор", "ОГБПОУ «ТПГК»"),
        ("Доронин Д.А.", "заместитель директора", "МАОУ «Интеграция»"),
    ]
    assert [a.name for a in parsed.invited] == ["Жарких Е.В."]
    assert [i.text for i in parsed.agenda] == ["О плане работы."]
    assert [d.text for d in parsed.decisions] == ["Утвердить план."]
    assert parsed.unrecognised == []


def test_the_full_forms_appendices_are_listed_not_taken_for_decisions():
    """«Приложения:» and its numbered list (the meeting's materials) after the decisions: kept
    as the protocol's appendices (the review page lists them), not read as decisions 3 and 4."""
    parsed = parse_text(
        "ПРОТОКОЛ № 2\n"
        "ПОВЕСТКА ДНЯ:\n"
        "1. О чек-листе.\n"
        "1. СЛУШАЛИ:\n"
        "О чек-листе.\n"
        "РЕШИЛИ:\n"
        "1.1. Утвердить чек-лист.\n"
        "1.2. Разослать чек-лист экспертам.\n"
        "Приложения:\n"
        "1. Презентация проекта чек-листа (к вопросу 1).\n"
        "2. Проект медиаплана.\n"
        "Председатель Экспертного совета\tО.Н. Пояркова\n"
    )
    assert [d.text for d in parsed.decisions] == ["Утвердить чек-лист.", "Разослать чек-лист экспертам."]
    assert parsed.appendices == ["Презентация проекта чек-листа (к вопросу 1)", "Проект медиаплана"]
    assert parsed.chair == "Пояркова О.Н." and parsed.unrecognised == []


def test_a_surname_holding_a_keyword_is_not_cut_at_it():
    """«Гсрок С.Ц.» (hypothesis drew it): «срок» only as a word starts a term or a deadline."""
    parsed = parse_text(
        "РЕШИЛИ:\n1. Разработать план.\nОтветственный исполнитель – Гсрок С.Ц.\n2. Утвердить план.\nОтветственный – Насрок А.Б., срок до 01.12.2021"
    )
    assert [(d.responsible, d.deadline, d.term) for d in parsed.decisions] == [
        (["Гсрок С.Ц."], None, ""),
        (["Насрок А.Б."], dt.date(2021, 12, 1), ""),
    ]


@pytest.mark.parametrize(
    ("written", "wording"),
    [
        ("Направить заключения в колледжи в срок до 01.12.2021.", "Направить заключения в колледжи."),
        ("Направить заключения в колледжи, срок – до 01.12.2021", "Направить заключения в колледжи."),
        ("Направить заключения в колледжи до 1 декабря 2021 г.", "Направить заключения в колледжи."),
        ("Направить заключения в колледжи в срок до «1» декабря 2021 года.", "Направить заключения в колледжи."),
    ],
)
def test_a_term_written_into_a_decision_is_read_out_of_its_wording(written, wording):
    """The protocol prints the deadline after the wording («Срок до 01.12.2021»): left in
    it too, the imported decision would say its term twice."""
    parsed = parse_text(f"ПРОТОКОЛ № 5\nРЕШИЛИ:\n1. {written}\n2. Принять к сведению.")
    first, second = parsed.decisions
    assert (first.text, first.deadline) == (wording, dt.date(2021, 12, 1))
    assert (second.text, second.deadline) == ("Принять к сведению.", None)


@pytest.mark.parametrize(
    "written",
    [
        "До 1 декабря 2021 г. направить в департамент предложения по программам.",
        "Направить до 01.12.2021 в департамент предложения по программам.",
        "Направить в департамент предложения\nпо программам в срок до 01.12.2021.",
        "Направить в департамент предложения по программам до 01.12.2021. Ответственный – Беляев Е.В.",
    ],
)
def test_a_deadline_anywhere_in_a_decision_is_read(written):
    """Only a term at the end of a decision's first line was read: one in the middle of the
    sentence, or on its next line, was left for the secretary to find; a decision starting
    «До 1 декабря …» was taken for the term of the one above. In the middle the sentence
    stays whole and the review page asks to check the date."""
    parsed = parse_text(f"ПРОТОКОЛ № 5\nРЕШИЛИ:\n1. Принять к сведению.\n2. {written}\n3. Утвердить план.")
    first, second, third = parsed.decisions
    assert [d.deadline for d in parsed.decisions] == [None, dt.date(2021, 12, 1), None]
    assert "предложения" in second.text and "Принять к сведению." == first.text and third.text == "Утвердить план."
    in_the_middle = "2021" in second.text  # the sentence kept whole
    assert in_the_middle == written.startswith(("До", "Направить до"))
    assert any("Срок решения 2 прочитан из середины" in note for note in parsed.uncertain) == in_the_middle
    assert (second.deadline_guessed, first.deadline_guessed) == (in_the_middle, False)


def test_two_dates_in_one_decision_leave_the_deadline_to_the_secretary():
    parsed = parse_text(
        "РЕШИЛИ:\n1. Провести с 01.11.2021 до 15.11.2021 опрос, итоги представить до 01.12.2021 совету."
    )
    assert parsed.decisions[0].deadline is None
