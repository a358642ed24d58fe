"""Declension of people's names for documents («поручить Поярковой О.Н.»).

The words are inflected by pymorphy3. Its dictionary knows many surnames, but not
all: «Пояркова» parses as a short adjective and «Криков» as the plural of «крик».
Such surnames are inflected by analogy: pymorphy3 inflects a well-known model
surname with the same suffix («Иванова») and the new ending is moved onto the
surname («Пояркова» → «Поярковой»), so the endings still come from the dictionary.

Accepted forms: «Пояркова О.Н.», «Криков А. Н.», «О.Н. Пояркова»,
«Пояркова Ольга Николаевна», «Ольга Николаевна Пояркова». Initials and anything
the function does not recognise are left as written.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pymorphy3

from ..text import plural_form

# Filter name -> pymorphy3 case grammeme.
CASES = {
    "nominative": "nomn",
    "genitive": "gent",
    "dative": "datv",
    "accusative": "accs",
    "instrumental": "ablt",
    "prepositional": "loct",
}
_RUSSIAN_CASES = {
    "именительный": "nomn",
    "родительный": "gent",
    "дательный": "datv",
    "винительный": "accs",
    "творительный": "ablt",
    "предложный": "loct",
}
_GENDERS = {"masc": "masc", "m": "masc", "м": "masc", "femn": "femn", "f": "femn", "ж": "femn"}

# Model surnames for suffixes the dictionary may not know, longest suffix first.
_MODELS = {
    "masc": [
        ("ский", "достоевский"),
        ("цкий", "троцкий"),
        ("ской", "толстой"),
        ("цкой", "толстой"),
        ("ой", "толстой"),
        ("ёв", "королёв"),
        ("ев", "беляев"),
        ("ов", "иванов"),
        ("ин", "пушкин"),
        ("ын", "птицын"),
    ],
    "femn": [
        ("ская", "достоевская"),
        ("цкая", "троцкая"),
        ("ёва", "королёва"),
        ("ева", "беляева"),
        ("ова", "иванова"),
        ("ина", "пушкина"),
        ("ына", "птицына"),
    ],
}
# Typical Russian surname suffixes tell the gender when only initials are given.
_FEMININE_SUFFIXES = ("ова", "ева", "ёва", "ина", "ына", "ая", "яя")
_MASCULINE_SUFFIXES = ("ов", "ев", "ёв", "ин", "ын", "ий", "ый", "ой")

_INITIALS = re.compile(r"^(?:[A-ZА-ЯЁ]\.+)+$")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*")


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    """The analyzer takes a while to load its dictionaries: build it once."""
    return pymorphy3.MorphAnalyzer()


def _case_code(case: str) -> str:
    code = CASES.get(case) or _RUSSIAN_CASES.get(case.lower(), case)
    if code not in CASES.values():
        raise ValueError(f"Неизвестный падеж: {case!r}")
    return code


def _restore_spelling(original: str, inflected: str) -> str:
    """Keep the writer's capitals and «е» where pymorphy3 returns «ё»."""
    if "ё" not in original.lower():
        inflected = inflected.replace("ё", "е")
    if original.isupper() and len(original) > 1:
        return inflected.upper()
    if original[:1].isupper():
        return inflected[:1].upper() + inflected[1:]
    return inflected


def _is_patronymic(word: str) -> bool:
    return bool(re.search(r"(вич|ич|вна|чна|шна|инична)$", word.lower()))


def _name_parses(word: str, grammeme: str):
    return [p for p in morph().parse(word) if grammeme in p.tag and p.tag.case == "nomn" and p.tag.number != "plur"]


def _gender_of_surname(surname: str) -> str:
    parts = surname.lower().split("-")
    # A double-barrelled surname: the part with a Russian suffix tells («Мельникова-Гросс»).
    if any(part.endswith(_FEMININE_SUFFIXES) for part in parts):
        return "femn"
    if any(part.endswith(_MASCULINE_SUFFIXES) for part in parts):
        return "masc"
    lower = parts[-1]
    genders = {p.tag.gender for p in _name_parses(lower, "Surn")}
    if genders == {"femn"}:
        return "femn"
    # Consonant-ending and foreign surnames: without a first name there is no way
    # to know, and most declinable ones of that shape are men's.
    return "masc"


def _infer_gender(surname: str, first: str | None, patronymic: str | None) -> str:
    if patronymic:
        lower = patronymic.lower()
        if lower.endswith(("вич", "ич")):
            return "masc"
        if lower.endswith("на"):
            return "femn"
    if first:
        genders = {p.tag.gender for p in _name_parses(first, "Name")}
        if len(genders) == 1:
            return genders.pop()
    return _gender_of_surname(surname)


def _is_indeclinable(lower: str, gender: str) -> bool:
    # Жарких, Белых; Дрожено, Шевченко, Гюго; women's surnames ending in a consonant.
    if lower.endswith(("их", "ых")) or lower[-1] in "оеэиыую":
        return True
    return gender == "femn" and lower[-1] not in "аяй"


def _inflect_by_analogy(lower: str, case: str, gender: str) -> str | None:
    for suffix, model in _MODELS[gender]:
        if not lower.endswith(suffix):
            continue
        for parse in _name_parses(model, "Surn"):
            if parse.tag.gender != gender:
                continue
            form = parse.inflect({case, gender})
            if form is None:
                continue
            stem = model[: -len(suffix)]
            return lower[: -len(suffix)] + form.word[len(stem) :]
    return None


@lru_cache(maxsize=4096)
def decline_surname(surname: str, case: str, gender: str) -> str:
    """One surname (a hyphenated one part by part) in the given pymorphy3 case."""
    if "-" in surname:
        return "-".join(decline_surname(part, case, gender) for part in surname.split("-"))
    lower = surname.lower()
    if case == "nomn" or len(lower) < 2 or _is_indeclinable(lower, gender):
        return surname

    # 1. The dictionary knows the surname (Беляев, Кузнецова, Достоевский, Дюма).
    for parse in _name_parses(lower, "Surn"):
        # "ms-f" (common gender) is a grammeme of the tag, not a value of tag.gender.
        if parse.tag.gender == gender or "ms-f" in parse.tag:
            form = parse.inflect({case}) if "Fixd" in parse.tag else parse.inflect({case, gender})
            if form is not None:
                return _restore_spelling(surname, form.word)

    # 2. A Russian surname suffix: inflect like a model surname (Пояркова, Криков).
    word = _inflect_by_analogy(lower, case, gender)
    if word:
        return _restore_spelling(surname, word)

    # 3. An adjective-like surname (Белый, Белая).
    for parse in morph().parse(lower):
        if parse.tag.POS == "ADJF" and parse.tag.case == "nomn" and parse.tag.gender == gender:
            form = parse.inflect({case, gender, "anim"} if case == "accs" else {case, gender})
            if form is not None:
                return _restore_spelling(surname, form.word)

    # 4. A man's surname ending in a consonant declines like a noun (Бенсон).
    if gender == "masc" and lower[-1] not in "аяь":
        noun_case = "gent" if case == "accs" else case  # a person: accusative = genitive
        for parse in morph().parse(lower):
            if parse.tag.POS == "NOUN" and parse.tag.case == "nomn" and parse.tag.gender == "masc":
                form = parse.inflect({noun_case, "sing"})
                if form is not None:
                    return _restore_spelling(surname, form.word)
    return surname


@lru_cache(maxsize=4096)
def _decline_given(word: str, case: str, gender: str, grammeme: str) -> str:
    """A first name (grammeme Name) or patronymic (Patr); unknown ones stay as written."""
    if case == "nomn":
        return word
    for parse in _name_parses(word, grammeme):
        if parse.tag.gender == gender:
            form = parse.inflect({case})
            if form is not None:
                return _restore_spelling(word, form.word)
    return word


def _split_name(name: str) -> tuple[list[str], int | None, int | None, int | None]:
    """Tokens of the name and the positions of surname, first name and patronymic."""
    tokens = name.split()
    words = [i for i, t in enumerate(tokens) if not _INITIALS.match(t) and _WORD.fullmatch(t)]
    if not words:
        return tokens, None, None, None
    if len(words) == 1:
        return tokens, words[0], None, None
    if len(words) >= 3:
        a, b, c = words[:3]
        if _is_patronymic(tokens[b]) and not _is_patronymic(tokens[c]):
            return tokens, c, a, b  # Ольга Николаевна Пояркова
        return tokens, a, b, c  # Пояркова Ольга Николаевна
    a, b = words
    first_is_name = bool(_name_parses(tokens[a], "Name")) and not _name_parses(tokens[a], "Surn")
    if first_is_name and not _name_parses(tokens[b], "Name"):
        return tokens, b, a, None  # Ольга Пояркова
    return tokens, a, b, None  # Пояркова Ольга


def _gender_of_tokens(tokens: list[str], surname: int, first: int | None, patronymic: int | None) -> str:
    return _infer_gender(
        tokens[surname],
        tokens[first] if first is not None else None,
        tokens[patronymic] if patronymic is not None else None,
    )


def gender_of(name: str | None) -> str:
    """The name's gender as decline_name guesses it, "femn" («Кускова Е.В.») or "masc",
    for the words beside a name: «ей», «ему»."""
    tokens, surname, first, patronymic = _split_name(name or "")
    return "masc" if surname is None else _gender_of_tokens(tokens, surname, first, patronymic)


def decline_name(name: str | None, case: str, gender: str | None = None) -> str:
    """«Пояркова О.Н.» in the dative → «Поярковой О.Н.».

    `case` is a pymorphy3 grammeme (datv), an English filter name (dative) or a
    Russian case name (дательный); `gender` ("masc"/"femn", "м"/"ж") overrides
    the guess from the patronymic, first name or surname.
    """
    if not name:
        return "" if name is None else name
    code = _case_code(case)
    tokens, surname, first, patronymic = _split_name(name)
    if surname is None:
        return name
    if gender is None:
        gender = _gender_of_tokens(tokens, surname, first, patronymic)
    else:
        gender = _GENDERS.get(gender.lower(), "masc")
    tokens[surname] = decline_surname(tokens[surname], code, gender)
    if first is not None:
        tokens[first] = _decline_given(tokens[first], code, gender, "Name")
    if patronymic is not None:
        tokens[patronymic] = _decline_given(tokens[patronymic], code, gender, "Patr")
    # Rebuild with the original spacing between the words.
    parts = re.split(r"(\s+)", name.strip())
    parts[::2] = tokens
    return "".join(parts)


def _filter(case: str):
    def decline(name, gender=None):
        return decline_name(name, case, gender)

    decline.__name__ = case
    decline.__doc__ = f"Jinja filter: the name in the {case} case."
    return decline


genitive = _filter("genitive")
dative = _filter("dative")
accusative = _filter("accusative")
instrumental = _filter("instrumental")
prepositional = _filter("prepositional")

# --- organizations --------------------------------------------------------------


def organization_genitive(name: str | None) -> str:
    """«Департамент промышленности … Томской области» → «Департамента промышленности …»,
    «Томский политехнический университет» → «Томского политехнического университета»:
    the leading adjectives and the first noun go to the genitive, the rest already
    depends on them. An abbreviated or quoted name («ОГБПОУ «…»», «ООО «…»») stays."""
    if not name:
        return ""
    parts = re.split(r"(\s+)", name.strip())
    words = parts[::2]
    for index, word in enumerate(words):
        if not re.fullmatch(r"[А-Яа-яЁё-]+", word) or (len(word) > 1 and word.isupper()):
            break  # a quote, an abbreviation, a number: what follows is not declined
        parses = [p for p in morph().parse(word) if "nomn" in p.tag and {"NOUN", "ADJF", "PRTF"} & {p.tag.POS}]
        if not parses:
            break
        parse = parses[0]
        inflected = parse.inflect({"gent"})
        if inflected is None:
            break
        words[index] = _restore_spelling(word, inflected.word)
        if parse.tag.POS == "NOUN":
            break
    parts[::2] = words
    return "".join(parts)


# --- numbers and the word after them ---------------------------------------------

_LAST_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)\s*$")


def _form(number) -> str | None:
    """«one», «few», «many» or «fraction» for the last number in ``number`` (None: no number)."""
    match = _LAST_NUMBER.search(str(number).replace("\u00a0", " ").strip())
    if not match:
        return None
    text = match.group(1).replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
        if "." in text:
            return "fraction"
    return plural_form(int(text))


def plural(number, one: str, few: str, many: str) -> str:
    """The word for a count: «1 балл», «3 балла», «5 баллов»; a fraction takes «few»
    («25,25 балла»), a range agrees with its last number («0–3 балла»)."""
    return {"one": one, "few": few, "fraction": few}.get(_form(number), many)


def plural_of(number, genitive_one: str, genitive_many: str) -> str:
    """The word after «из N» (the genitive): «из 21 балла», «из 2,5 балла», «из 36 баллов»."""
    return genitive_one if _form(number) in ("one", "fraction") else genitive_many


def points(number) -> str:
    """Jinja filter: «25,25 балла», «0–3 балла», «5 баллов»."""
    return f"{number} {plural(number, 'балл', 'балла', 'баллов')}"


def of_points(number) -> str:
    """Jinja filter, after «из»: «21 балла», «36 баллов»."""
    return f"{number} {plural_of(number, 'балла', 'баллов')}"


# Registered in the template environment by rendering.py.
FILTERS = {
    "organization_genitive": organization_genitive,
    "points": points,
    "of_points": of_points,
    "genitive": genitive,
    "dative": dative,
    "accusative": accusative,
    "instrumental": instrumental,
    "prepositional": prepositional,
    "decline": decline_name,
}
