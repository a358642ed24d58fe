"""The phrases of a protocol the parser knows: the patterns of its headings, dates,
terms, responsible people and votes, and the readers of one phrase (a date, a vote, a
position and its organisation). Pure: no Flask, no database; parser.py reads a protocol's
lines with them."""

from __future__ import annotations

import re
from datetime import date

from .structure import Votes

MONTHS = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
DASH = r"\s*[–—-]\s*"
DASH_SPLIT = re.compile(r"\s+[–—-]\s+|\s*[–—]\s*")  # «Имя – текст»: a dash with spaces (or a long one)
NUMBER = re.compile(r"^(?P<label>\d{1,3}(?:\.\d{1,3})*)(?:[.)]\s*|\s+)(?=\S)(?P<text>.*)$")
RU_DATE = re.compile(r"«?(\d{1,2})»?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\s*(?:г\.?|года)?", re.IGNORECASE)
NUM_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
DATE_LINE = re.compile(
    r"^(?:(?:дата(?: проведения)?|от)\s*:?\s*)?(?P<date>«?\d{1,2}»?\s+\w+\s+\d{4}\s*(?:г\.?|года)?|\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.)?)"
    r"(?:\s*№\s*(?P<number>\d+))?(?:\s+(?P<city>(?:г|с|п|пгт|рп|д)\.\s*[А-ЯЁ].{1,60}))?$",
    re.IGNORECASE,
)
# «г. Томск<tabs>15.03.2023»: the city at the left margin, the date at the right, on one line.
CITY_DATE_LINE = re.compile(
    r"^(?P<city>(?:г|с|п|пгт|рп|д)\.\s*[А-ЯЁ][А-Яа-яЁё-]+(?:\s[А-ЯЁ][А-Яа-яЁё-]+)?)\s+"
    r"(?P<date>«?\d{1,2}»?\s+\w+\s+\d{4}\s*(?:г\.?|года)?|\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.)?)"
    r"(?:\s*№\s*(?P<number>\d+))?$",
    re.IGNORECASE,
)
TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
CITY = re.compile(r"^(?:г|гор|с|п|пос|пгт|рп|д|дер|ст)\.\s*[А-ЯЁ][\w\- ]{1,60}$")
TITLE = re.compile(r"^(?P<extract>выписка\s+из\s+)?протокол(?:а)?\b(?:\s+заседания\b)?\s*(?P<rest>.*)$", re.IGNORECASE)
RESPONSIBLE = re.compile(
    r"^(?:ответственн\w*(?:\s+(?:исполнител|лиц)\w*)?|исполнител\w*|отв\.)\s*(?:[–—:-]\s*)?(?P<rest>.+)$",
    re.IGNORECASE,
)
INLINE_RESPONSIBLE = re.compile(r"\s+(?=(?:Ответственн\w*(?:\s+(?:исполнител|лиц)\w*)?|Исполнител\w*|Отв\.)\s*[–—:-])")
RESPONSIBLE_START = ("ответствен", "исполнител", "отв.")
DEADLINE = re.compile(
    r"(?:,|;)?\s*(?:\bсрок(?:\s+исполнения)?\s*(?:[–—:-]\s*)?)?(?:\bдо\s+)?(?P<date>«?\d{1,2}»?\s+(?:"
    + "|".join(MONTHS)
    + r")\s+\d{4}\s*(?:г\.?|года)?|\d{1,2}\.\d{1,2}\.\d{4}(?:\s*г\.)?)\s*\.?$",
    re.IGNORECASE,
)
INLINE_DEADLINE = re.compile(
    r"\b(?:срок\w*\s*[–—:-]?\s*)?до\s+(?P<date>«?\d{1,2}»?\s+(?:" + "|".join(MONTHS) + r")\s+\d{4}\s*(?:г\.?|года)?"
    r"|\d{1,2}\.\d{1,2}\.\d{4}(?:\s*г\.)?)\s*[.;]?$",
    re.IGNORECASE,
)
# «до 1 декабря 2021 г.» anywhere in a sentence (a date alone is no deadline: «заседание 17.11.2021»).
MID_DEADLINE = re.compile(
    r"\bдо\s+(?P<date>«?\d{1,2}»?\s+(?:" + "|".join(MONTHS) + r")\s+\d{4}(?:\s*г\.|\s*года)?|\d{1,2}\.\d{1,2}\.\d{4})",
    re.IGNORECASE,
)
TERM_BEFORE = re.compile(r"(?:[\s,;:–—-]+|\bв)*$")


def without_term(text: str, found: re.Match) -> str:
    """A decision's wording without the term at its end (``found``: «в срок до 01.12.2021.»),
    ending as a sentence; the wording as it was when nothing else is left of it."""
    rest = (
        TERM_BEFORE.sub("", text[: found.start()])
        if found.group(0).lower().startswith("срок")
        else text[: found.start()]
    )
    rest = rest.rstrip(" ,;:–—-")
    if not rest:
        return text
    return rest if rest.endswith((".", "!", "?", "…")) else f"{rest}."


TERM = re.compile(r"(?:,|;)?\s*\bсрок(?:\s+исполнения)?\s*(?:[–—:-]\s*)?(?P<term>[^,;]+?)\s*\.?$", re.IGNORECASE)
VOTE_COUNT = {
    "for_": re.compile(r"«?\bза»?\s*[–—:-]?\s*(\d+)", re.IGNORECASE),
    "against": re.compile(r"«?\bпротив»?\s*[–—:-]?\s*(\d+)", re.IGNORECASE),
    "abstained": re.compile(r"«?\bвоздерж\w*»?\s*[–—:-]?\s*(\d+)", re.IGNORECASE),
}

# Section headings: (pattern of the whole line, section). Checked in order.
SECTIONS = [
    (r"присутствовали\s*:?\s*(?P<count>\d+)\s*(?:чел\.?|человек).*", "count"),
    (r"(?:присутствовали(?:\s+на\s+заседании)?\s+)?очно\s*:?", "in_person"),
    (r"присутствовали(?:\s+на\s+заседании)?(?:\s+члены\s+совета)?\s*:?", "in_person"),
    (
        r"(?:онлайн[\s-]*подключени[ея]|присутствовали\s+(?:онлайн|дистанционно)|дистанционно|онлайн|"
        r"в\s+режиме\s+(?:видео-?конференц(?:ии|связи)|онлайн)|подключились\s+онлайн)\s*:?",
        "online",
    ),
    (r"(?:приглаш[её]нн?ые(?:\s+лица)?|приглашены|присутствовали\s+приглаш[её]нные)\s*:?", "invited"),
    (r"(?:обсуждаемые\s+вопросы|повестка(?:\s+дня|\s+заседания)?|вопросы\s+повестки(?:\s+дня)?)\s*:?", "agenda"),
    (
        r"(?:по\s+результатам\s+заседания\s+(?:были\s+)?приняты\s+решения|по\s+итогам\s+заседания\s+(?:решили|постановили)|"
        r"приняты\s+решения|решения\s+заседания)\s*:?",
        "general",
    ),
    (r"приложени[ея]\s*:", "appendices"),  # «Приложения:» and its list, before the signatures
    (r"список\s+присутствовавших|приложение|к\s+протоколу|от\s+\d{1,2}\.\d{1,2}\.\d{4}\s*№\s*\d+", "appendix"),
]
# «Присутствовали: Беляев Е.В., Кускова Е.В.», «Повестка дня: О плане работы.»: the heading
# and its contents on one line (the colon required).
INLINE_SECTIONS = [
    (re.compile(r"^(?:" + pattern + r")(?<=:)\s*(?P<rest>\S.*)$", re.IGNORECASE), name)
    for pattern, name in SECTIONS
    if name in ("in_person", "online", "invited", "agenda")
]
SECTIONS = [(re.compile(pattern + r"$", re.IGNORECASE), name) for pattern, name in SECTIONS]
ORDINALS = {
    "первому": 1, "второму": 2, "третьему": 3, "четвертому": 4, "четвёртому": 4, "пятому": 5,
    "шестому": 6, "седьмому": 7, "восьмому": 8, "девятому": 9, "десятому": 10,
}  # fmt: skip
# The item a СЛУШАЛИ or РЕШИЛИ is of: «2. СЛУШАЛИ», «По второму вопросу (повестки дня) слушали».
ON_ITEM = (
    r"(?:(?P<number>\d{1,3})[.)]?\s*)?(?:по\s+(?:(?P<ordinal>"
    + "|".join(ORDINALS)
    + r")|(?P<digits>\d{1,3})-?(?:му|ому)?)"
    r"\s+вопросу(?:\s+повестки(?:\s+дня)?)?[\s,:]*)?"
)
HEARD = re.compile(r"^" + ON_ITEM + r"слушали\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
SPOKE = re.compile(r"^выступил[аи]?\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
DECIDED = re.compile(r"^" + ON_ITEM + r"(?:решили|постановили|решение|решения)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)


def item_number(match: re.Match) -> int | None:
    if match.group("number") or match.group("digits"):
        return int(match.group("number") or match.group("digits"))
    return ORDINALS[match.group("ordinal").lower()] if match.group("ordinal") else None


VOTED = re.compile(r"^(?:голосовали|итоги\s+голосования|результаты\s+голосования)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
ROLE_LINE = re.compile(
    r"^(?P<role>председатель(?:ствующий)?|секретарь)(?:\s+заседания)?\s*[–—:-]\s*(?P<name>.+?)\.?$", re.IGNORECASE
)
SIGNATURE = re.compile(r"^(?P<role>председатель(?:ствующий)?|секретарь)\b(?P<rest>[^–—:]*)$", re.IGNORECASE)
PLACE = re.compile(r"^место\s+(?:проведения|заседания)\s*:?\s*(?P<place>.+)$", re.IGNORECASE)
TIMES = re.compile(r"^время\s+(?:проведения|заседания)\s*:?\s*(?P<times>.+)$", re.IGNORECASE)
SPEAKER = re.compile(r"\s*\(?\s*(?:докладчик(?:и)?|докл\.)\s*[–—:-]?\s*(?P<name>[^()]+?)\s*\)?\s*\.?$", re.IGNORECASE)
STEM_WORD = re.compile(r"[а-яёa-z]{4,}", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    match = RU_DATE.search(text)
    try:
        if match:
            return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        match = NUM_DATE.search(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def parse_votes(text: str) -> Votes:
    if re.search(r"единогласно", text, re.IGNORECASE):
        return Votes(unanimous=True)
    counts = {}
    for field, pattern in VOTE_COUNT.items():
        match = pattern.search(text)
        counts[field] = int(match.group(1)) if match else None
    return Votes(**counts)


def split_position(text: str) -> tuple[str, str]:
    """«директор ООО «Гарантийный фонд»» → («директор», «ООО «Гарантийный фонд»»).

    Positions are written in lower case; the organisation begins at the first word
    after it that starts with a capital letter or a quote (an abbreviation such as
    ОГБПОУ, or «Департамента …» in the genitive).
    """
    words = text.split(" ")
    for index, word in enumerate(words):
        if index and word and (word[0].isupper() or word[0] in '«"“„'):
            return " ".join(words[:index]).strip(), " ".join(words[index:]).strip()
    return text.strip(), ""


def strip_item_end(text: str) -> str:
    return text[:-1] if text.endswith((";", ".")) else text


def stems(text: str) -> set[str]:
    return {word.lower().replace("ё", "е")[:5] for word in STEM_WORD.findall(text)}
