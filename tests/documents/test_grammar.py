"""Names of the seed protocol declined by pymorphy3 (grammar.py)."""

from __future__ import annotations

import re

import pytest

from cluster_intranet.documents import grammar
from cluster_intranet.documents.grammar import decline_name
from cluster_intranet.documents.library import KINDS, default_template
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.documents.services import demo_context

from .support import docx_text

# (nominative, genitive, dative): every person named in the seed protocol.
SEED_NAMES = [
    ("Беляев Е.В.", "Беляева Е.В.", "Беляеву Е.В."),
    ("Королева О.М.", "Королевой О.М.", "Королевой О.М."),
    ("Бенсон Г.Ф.", "Бенсона Г.Ф.", "Бенсону Г.Ф."),
    ("Елисеев В.А.", "Елисеева В.А.", "Елисееву В.А."),
    ("Криков А. Н.", "Крикова А. Н.", "Крикову А. Н."),
    ("Криволапов И. Н.", "Криволапова И. Н.", "Криволапову И. Н."),
    ("Матвеев Д..М.", "Матвеева Д..М.", "Матвееву Д..М."),
    ("Кускова Е.В.", "Кусковой Е.В.", "Кусковой Е.В."),
    ("Змеева Е. Е.", "Змеевой Е. Е.", "Змеевой Е. Е."),
    ("Дрожено О.Н.", "Дрожено О.Н.", "Дрожено О.Н."),
    ("Доронин Д.А.", "Доронина Д.А.", "Доронину Д.А."),
    ("Пояркова О.Н.", "Поярковой О.Н.", "Поярковой О.Н."),
    ("Кузнецова Н.В.", "Кузнецовой Н.В.", "Кузнецовой Н.В."),
    ("Е.В. Жарких", "Е.В. Жарких", "Е.В. Жарких"),
]


@pytest.mark.parametrize(("name", "genitive", "dative"), SEED_NAMES)
def test_seed_names_in_genitive_and_dative(name, genitive, dative):
    assert grammar.genitive(name) == genitive
    assert grammar.dative(name) == dative


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Пояркова О.Н.", "accusative", "Пояркову О.Н."),
        ("Пояркова О.Н.", "instrumental", "Поярковой О.Н."),
        ("Беляев Е.В.", "accusative", "Беляева Е.В."),
        ("Беляев Е.В.", "instrumental", "Беляевым Е.В."),
        ("Беляев Е.В.", "prepositional", "Беляеве Е.В."),
        ("Беляев Е.В.", "nominative", "Беляев Е.В."),
        ("Пояркова Ольга Николаевна", "dative", "Поярковой Ольге Николаевне"),
        ("Ольга Николаевна Пояркова", "genitive", "Ольги Николаевны Поярковой"),
        ("Беляев Евгений Владимирович", "dative", "Беляеву Евгению Владимировичу"),
        ("О.Н. Пояркова", "dative", "О.Н. Поярковой"),
        ("Римский-Корсаков Н.А.", "dative", "Римскому-Корсакову Н.А."),
        ("Достоевская А.Г.", "accusative", "Достоевскую А.Г."),
        ("Толстой Л.Н.", "dative", "Толстому Л.Н."),
        ("Шевченко Т.Г.", "dative", "Шевченко Т.Г."),
        ("Королёв С.П.", "dative", "Королёву С.П."),  # ё kept where it was written
        ("Пояркова О.Н.", "дательный", "Поярковой О.Н."),
        ("Пояркова О.Н.", "datv", "Поярковой О.Н."),
    ],
)
def test_other_cases_and_forms(name, case, expected):
    assert decline_name(name, case) == expected


def test_gender_comes_from_the_patronymic_before_the_surname():
    # A woman with a surname that ends like a man's does not decline.
    assert decline_name("Бенсон Галина Федоровна", "dative") == "Бенсон Галине Федоровне"


def test_explicit_gender_overrides_the_guess():
    assert grammar.dative("Бенсон Г.Ф.", "femn") == "Бенсон Г.Ф."
    assert grammar.dative("Бенсон Г.Ф.", "ж") == "Бенсон Г.Ф."
    assert grammar.dative("Бенсон Г.Ф.", "м") == "Бенсону Г.Ф."


def test_spacing_and_empty_values_are_kept():
    assert grammar.dative("  Пояркова   О.Н. ") == "Поярковой   О.Н."
    assert grammar.dative(None) == ""
    assert grammar.dative("") == ""
    assert grammar.dative("О.Н.") == "О.Н."


def test_unknown_case_is_an_error():
    with pytest.raises(ValueError, match="падеж"):
        decline_name("Пояркова О.Н.", "vocative-ish")


def test_the_analyzer_is_created_once():
    assert grammar.morph() is grammar.morph()


@pytest.mark.parametrize(
    "number, word, after_of",
    [("1", "1 балл", "1 балла"), ("3", "3 балла", "3 баллов"), ("5", "5 баллов", "5 баллов"), ("11", "11 баллов", "11 баллов"),
     ("21", "21 балл", "21 балла"), ("25,25", "25,25 балла", "25,25 балла"), ("0–3", "0–3 балла", "0–3 баллов"),
     ("0–5", "0–5 баллов", "0–5 баллов"), ("12,5", "12,5 балла", "12,5 балла")],
)  # fmt: skip
def test_points_agree_with_fractions_and_ranges(number, word, after_of):
    assert grammar.points(number) == word and grammar.of_points(number) == after_of


@pytest.mark.parametrize(
    "name, genitive",
    [
        (
            "Департамент промышленности и энергетики Администрации Томской области",
            "Департамента промышленности и энергетики Администрации Томской области",
        ),
        ("Томский политехнический университет", "Томского политехнического университета"),
        ("ОГБПОУ «Томский индустриальный техникум»", "ОГБПОУ «Томский индустриальный техникум»"),
        ("АО «Сибирский химический комбинат»", "АО «Сибирский химический комбинат»"),
        ("Администрация Томской области", "Администрации Томской области"),
        (
            "Региональный центр развития профессионального образования",
            "Регионального центра развития профессионального образования",
        ),
        ("Управление образования", "Управления образования"),
        ("«Томский областной центр»", "«Томский областной центр»"),
        ("ТПУ", "ТПУ"),
    ],
)
def test_an_organization_in_the_genitive(name, genitive):
    assert grammar.organization_genitive(name) == genitive


PERSON_DETAILS = ("position", "organization", "organization_genitive", "phone", "email")


def _names_alone(value):
    """The context with every person reduced to a name with initials: no position,
    organisation, phone or e-mail after it, so the name ends the sentence; and no place,
    so a date («5 декабря 2026 г.») ends it."""
    if isinstance(value, list):
        return [_names_alone(item) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: "" if key == "place" else _names_alone(item) for key, item in value.items()}
    if isinstance(value.get("name"), str) and value["name"].endswith("."):
        value.update(dict.fromkeys(PERSON_DETAILS & value.keys(), ""), full_name=value["name"])
    return value


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_name_that_ends_a_sentence_takes_one_full_stop(demo_app, kind):
    """«Контактное лицо: Кузнецова Н.В.», not «Н.В..», «Экспертная сессия: 5 декабря 2026 г.»,
    not «г..», in every kind."""
    context = _names_alone(demo_context(kind))
    text = docx_text(render_document(default_template(kind), context))
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text), re.findall(r".{0,40}(?<!\.)\.\.(?!\.)", text)
