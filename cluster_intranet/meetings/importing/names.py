"""People's names as protocols write them.

«Беляев Е.В.», «Криков А. Н.», «Матвеев Д..М.» (a typo kept in the attendee
snapshot), «О.Н. Пояркова» (signatures), «Мельникова-Гросс Юлия Андреевна»;
«СЛУШАЛИ: Пояркову О.Н. – …» writes the speaker in the accusative, which
``nominative`` turns back with the grammar the documents decline names with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ...documents import grammar

_UPPER = "A-ZА-ЯЁ"
_LOWER = "a-zа-яё"
_WORD = rf"[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}]?[{_LOWER}'’]+)*"
# One or two initials, sloppy: «А.Н.», «А. Н.», «Д..М.», «А.Н» (no last dot), «А.».
_INITIALS = rf"[{_UPPER}]\.{{1,2}}\s?(?:[{_UPPER}]\.{{0,2}})?"
SURNAME_FIRST = re.compile(rf"(?P<surname>{_WORD})\s+(?P<initials>{_INITIALS})(?![{_LOWER}])")
INITIALS_FIRST = re.compile(rf"(?P<initials>{_INITIALS})\s*(?P<surname>{_WORD})")
FULL = re.compile(rf"(?P<surname>{_WORD})\s+(?P<first>{_WORD})(?:\s+(?P<patronymic>{_WORD}))?")


@dataclass(frozen=True)
class Name:
    surname: str
    first: str = ""  # a name or an initial with its dot («Е.»)
    patronymic: str = ""

    @property
    def initials(self) -> str:
        return "".join(f"{part[0]}." for part in (self.first, self.patronymic) if part)

    @property
    def short(self) -> str:
        """«Пояркова О.Н.»"""
        return f"{self.surname} {self.initials}".strip()

    @property
    def key(self) -> str:
        """What two spellings of one person share: surname and initials, «ё» as «е»."""
        return fold(self.short)


def fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _initials(text: str) -> tuple[str, str]:
    letters = re.findall(rf"[{_UPPER}]", text)
    return (letters[0] + "." if letters else ""), (letters[1] + "." if len(letters) > 1 else "")


@lru_cache(maxsize=4096)  # a protocol names its people again and again (a Name is frozen)
def parse_name(text: str) -> Name | None:
    """The name in ``text`` (the whole text must be the name), or None."""
    text = " ".join(text.replace("\u00a0", " ").split()).strip(" ,;")
    if not text:
        return None
    for pattern in (SURNAME_FIRST, INITIALS_FIRST):
        match = pattern.fullmatch(text.rstrip() if text.endswith(".") else text)
        if match:
            first, patronymic = _initials(match.group("initials"))
            return Name(match.group("surname"), first, patronymic)
    match = FULL.fullmatch(text)
    if match and match.group("patronymic") and grammar._is_patronymic(match.group("surname")):
        return None  # «Ольга Николаевна Пояркова» is rare in protocols; refuse to guess
    if match and match.group("patronymic"):
        return Name(match.group("surname"), match.group("first"), match.group("patronymic"))
    return None


def looks_like_name(text: str) -> bool:
    return parse_name(text) is not None


def normalise(text: str) -> str:
    """«Криков А. Н.» → «Криков А.Н.», «О.Н. Пояркова» → «Пояркова О.Н.»; a full name
    stays full; anything else is returned trimmed."""
    name = parse_name(text)
    if name is None:
        return " ".join(text.split())
    if "." in name.first or len(name.first) <= 1:
        return name.short
    return " ".join(part for part in (name.surname, name.first, name.patronymic) if part)


def key(text: str) -> str:
    name = parse_name(text)
    return name.key if name else fold(" ".join(text.split()))


# The accusative of «СЛУШАЛИ» back to the nominative ---------------------------------

# Accusative endings of surnames and the nominative endings they may come from.
_ENDINGS = [
    ("ову", "ова"),
    ("еву", "ева"),
    ("ёву", "ёва"),
    ("ину", "ина"),
    ("ыну", "ына"),
    ("ую", "ая"),
    ("юю", "яя"),
    ("ого", "ий"),
    ("ого", "ой"),
    ("ого", "ый"),
    ("его", "ий"),
    ("ова", "ов"),
    ("ева", "ев"),
    ("ёва", "ёв"),
    ("ина", "ин"),
    ("ына", "ын"),
    ("у", "а"),
    ("ю", "я"),
    ("я", "ь"),
    ("я", "й"),
    ("а", ""),
]


def _surname_candidates(surname: str) -> list[str]:
    if "-" in surname:
        parts = [_surname_candidates(part) for part in surname.split("-")]
        # Each part declines alike: combine the candidates of the same rank.
        return ["-".join(options[min(i, len(options) - 1)] for options in parts) for i in range(max(map(len, parts)))]
    out = [surname]
    lower = surname.lower()
    for accusative, nominative in _ENDINGS:
        if lower.endswith(accusative) and len(lower) > len(accusative) + 1:
            out.append(surname[: len(surname) - len(accusative)] + nominative)
    return out


def nominative(written: str, known: Iterable[str] = ()) -> str:
    """The nominative of a name written in the accusative («Пояркову О.Н.» → «Пояркова О.Н.»).

    A name of ``known`` (the protocol's attendees, responsibles, speakers) whose
    accusative is ``written`` wins; otherwise the candidate whose accusative, as the
    documents decline it, gives ``written`` back; otherwise ``written`` itself.
    """
    written = " ".join(written.split())
    target = key(written)
    known = list(known)
    for name in known:  # the accusative first: «Соколова А.В.» is Соколов's before Соколова's
        if key(grammar.decline_name(name, "accusative")) == target:
            return normalise(name)
    for name in known:  # written in the nominative after all
        if key(name) == target:
            return normalise(name)
    parsed = parse_name(written)
    if parsed is None:
        return written
    if "." in parsed.first:
        rest = written[len(parsed.surname) :] if written.startswith(parsed.surname) else " " + parsed.initials
        given = ""
    else:  # a full name: the first name and patronymic have a nominative in the dictionary
        rest = ""
        given = f" {_given_nominative(parsed.first, 'Name')} {_given_nominative(parsed.patronymic, 'Patr')}"
    candidates = _surname_candidates(parsed.surname)
    for candidate in [*candidates[1:], candidates[0]]:  # an indeclinable surname last
        name = candidate + (rest or given)
        if key(grammar.decline_name(name, "accusative")) == target:
            return name
    return written


def _given_nominative(word: str, grammeme: str) -> str:
    for parse in grammar.morph().parse(word.lower()):
        if grammeme in parse.tag and parse.tag.case == "accs":
            form = parse.inflect({"nomn"})
            if form is not None:
                return grammar._restore_spelling(word, form.word)
    return word
