"""The reference page of a document kind: every variable and loop a template may use,
with its demo value. Generated from the demo context, so it never drifts from it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import rendering

# Loop variables the default templates use; anything else loops as «x».
LOOP_VARIABLES = {
    "agenda": "item",
    "decisions": "d",
    "decisions_without_item": "d",
    "attendees_in_person": "p",
    "attendees_online": "p",
    "invited": "p",
    "speakers": "s",
    "discussion": "s",
    "responsible": "r",
    "rows": "r",
    "totals": "t",
    "events": "event",
    "experts": "expert",
    "sections": "section",
    "criteria": "criterion",
    "signatures": "sign",
    "channels": "channel",
}


@dataclass(frozen=True)
class Entry:
    code: str  # what to write in the template: «{{ meeting.date }}», «{%p for d in decisions %} … »
    kind: str  # «текст», «дата», «список», …
    example: str  # the demo value as the template prints it
    depth: int  # nesting, for indentation
    group: bool = False  # a group of fields or a loop: a heading row


def _kind_and_example(value) -> tuple[str, str]:
    if value is None:
        return "пусто", "—"
    if isinstance(value, bool):
        return "да/нет", "да" if value else "нет"
    if isinstance(value, int | float):
        return "число", str(value)
    if isinstance(value, dt.datetime | dt.time):
        return "время", rendering.ru_time(value)
    if isinstance(value, dt.date):
        return "дата", f"{rendering.deadline(value)}; с фильтром ru_date: {rendering.ru_date(value)}"
    text = str(value)
    return "текст", text if len(text) <= 160 else text[:157] + "…"


def _merged(items: list[dict]) -> dict:
    """The fields of every element of a list, with the first non-empty value of each."""
    merged: dict = {}
    for item in items:
        for key, value in item.items():
            if merged.get(key) in (None, [], "") and value not in (None, [], ""):
                merged[key] = value
            merged.setdefault(key, value)
    return merged


def describe(context: dict, prefix: str = "", depth: int = 0) -> list[Entry]:
    entries: list[Entry] = []
    for key, value in context.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            entries.append(Entry(path, "группа полей", "", depth, group=True))
            entries += describe(value, f"{path}.", depth + 1)
        elif isinstance(value, list):
            variable = LOOP_VARIABLES.get(key, "x")
            loop = "{%p for " + variable + " in " + path + " %} … {%p endfor %}"
            dicts = [item for item in value if isinstance(item, dict)]
            if dicts:
                entries.append(Entry(loop, f"список ({len(value)} в примере)", "", depth, group=True))
                entries += describe(_merged(dicts), f"{variable}.", depth + 1)
            else:
                shown = ", ".join(_kind_and_example(item)[1] for item in value) or "пустой список"
                entries.append(Entry(loop, "список", shown, depth, group=True))
        else:
            kind, example = _kind_and_example(value)
            entries.append(Entry("{{ " + path + " }}", kind, example, depth))
    return entries


FILTER_EXAMPLES = [
    ("ru_date", "{{ meeting.date|ru_date }}", lambda: rendering.ru_date(dt.date(2021, 10, 22))),
    ("deadline", "{{ d.deadline|deadline }}", lambda: rendering.deadline(dt.date(2021, 12, 1))),
    ("ru_time", "{{ meeting.start_time|ru_time }}", lambda: rendering.ru_time(dt.time(14, 0))),
    ("quotes", '{{ "ОГБПОУ \\"Томский индустриальный техникум\\""|quotes }}',
     lambda: rendering.quotes('ОГБПОУ "Томский индустриальный техникум"')),
    ("names", "{{ d.responsible|names }}",
     lambda: rendering.names([{"name": "Пояркова О.Н."}, {"name": "Кузнецова Н.В."}])),
    ("sentence", "{% filter sentence %}срок до 01.12.2021{% endfilter %}",
     lambda: rendering.sentence("срок до 01.12.2021")),
    *[
        (name, "{{ d.responsible[0].name|" + name + " }}", (lambda f=name: rendering.FILTERS[f]("Пояркова О.Н.")))
        for name in ("genitive", "dative", "accusative", "instrumental", "prepositional")
    ],
]  # fmt: skip


def filter_examples() -> list[tuple[str, str, str]]:
    """(filter, how to write it, what it prints), computed by the filters themselves."""
    return [(name, usage, example()) for name, usage, example in FILTER_EXAMPLES]
