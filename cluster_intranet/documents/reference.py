"""The reference page of a document kind: every variable and loop a template may use,
with its demo value. Generated from the demo context, so it never drifts from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..text import ru_date, short_date
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
    "responsible": "person",
    "rows": "r",
    "totals": "t",
    "events": "event",
    "experts": "expert",
    "sections": "section",
    "criteria": "criterion",
    "signatures": "sign",
    "channels": "channel",
}


# What a variable of the meeting documents means, for the secretary writing a template
# (by path; fields of a list element by the loop variable: «p.name»).
NOTES = {
    "meeting": "заседание",
    "meeting.number": "номер протокола",
    "meeting.date": "дата заседания",
    "meeting.city": "место составления, как записано: «г. Томск»",
    "meeting.place": "адрес, помещение (может быть пустым)",
    "meeting.start_time": "начало (может быть пустым)",
    "meeting.end_time": "окончание (может быть пустым)",
    "meeting.council": "совет",
    "meeting.council.name": "название совета",
    "meeting.council.name_genitive": "название в родительном падеже: «заседания …»",
    "council": "совет (в отчёте по всем советам — «советы кластера»)",
    "council.name": "название совета",
    "council.name_genitive": "название в родительном падеже",
    "chair": "председатель (может отсутствовать: проверяйте {% if chair %})",
    "secretary": "секретарь (может отсутствовать)",
    "chair.short_name": "Фамилия И.О.",
    "chair.short_name_reversed": "И.О. Фамилия — для строки подписи",
    "chair.position": "должность для подписи",
    "secretary.short_name": "Фамилия И.О.",
    "secretary.short_name_reversed": "И.О. Фамилия — для строки подписи",
    "secretary.position": "должность для подписи",
    "attendees_in_person": "присутствовали очно, по порядку",
    "attendees_online": "онлайн подключение, по порядку",
    "invited": "приглашённые",
    "p.name": "Фамилия И.О., как записано в протоколе",
    "p.position": "должность, как записана в протоколе",
    "p.organization": "организация, как записана в протоколе",
    "attendees_total": "число присутствовавших (очно и онлайн)",
    "attendees_as_count": "да — участников больше порога: печатать число и список в приложении",
    "agenda": "вопросы повестки",
    "item.number": "номер вопроса",
    "item.text": "формулировка вопроса",
    "item.speaker": "докладчик: «Докладчик – Пояркова О.Н.» в повестке (может быть пустым)",
    "item.speakers": "СЛУШАЛИ: докладчики",
    "item.discussion": "ВЫСТУПИЛИ (имя может быть пустым, если записан только текст)",
    "s.name": "Фамилия И.О. (именительный падеж; склоняйте фильтром)",
    "s.summary": "о чём говорил",
    "item.decisions": "решения по этому вопросу",
    "decisions": "все решения заседания по порядку (в выписке — только выбранные)",
    "decisions_without_item": "решения, не связанные с вопросом повестки",
    "d.number": "порядковый номер решения в протоколе",
    "d.label": "номер решения, как его печатает протокол: «1.2» (полная форма, по вопросам) или «3»",
    "d.text": "текст решения",
    "d.responsible": "ответственные исполнители, первый — главный (может быть пустым)",
    "person.name": "Фамилия И.О.",
    "d.deadline": "срок (может быть пустым)",
    "d.term": "срок словами вместо даты: «постоянно» (пусто, если нет)",
    "d.votes": "голосование по этому решению отдельно (может отсутствовать)",
    "d.votes.for": "«за»",
    "d.votes.against": "«против»",
    "d.votes.abstained": "«воздержались»",
    "d.votes.unanimous": "да — «Голосовали: единогласно.»",
    "d.item_votes": "голосование по вопросу — у последнего решения вопроса (для краткой формы)",
    "item.votes": "голосование по вопросу: «Голосовали» после РЕШИЛИ (может отсутствовать)",
    "d.item_number": "номер вопроса повестки (пусто — без вопроса)",
    "appendices": "приложения: материалы заседания (полная форма)",
    "a.number": "номер приложения",
    "a.title": "название материала",
    "a.filename": "имя файла материала",
    "a.item_number": "номер вопроса повестки, к которому относится (пусто — ко всему заседанию)",
    "certified": "заверение выписки «Верно»",
    "certified.position": "должность заверяющего",
    "certified.name": "И.О. Фамилия заверяющего",
    "certified.date": "дата заверения",
    "period_start": "начало периода",
    "period_end": "конец периода",
    "rows": "строки отчёта, по одной на решение",
    "r.number": "порядковый номер решения в протоколе",
    "r.label": "номер решения, как его печатает протокол: «1.2» или «3»",
    "r.text": "текст решения",
    "r.meeting_number": "номер протокола",
    "r.meeting_date": "дата заседания",
    "r.responsible": "ответственные (фильтр names даёт строку)",
    "r.deadline": "срок (может быть пустым)",
    "r.status_label": "статус: Открыто, В работе, Просрочено, Исполнено, Отменено",
    "r.report_text": "отчёт об исполнении (у отменённого — причина отмены)",
    "r.done_on": "дата исполнения (только у исполненных)",
    "r.overdue_days": "дней просрочки (пусто, если не просрочено)",
    "totals": "итоги: всего и по статусам",
    "t.label": "название строки итога",
    "t.count": "количество",
}


@dataclass(frozen=True)
class Entry:
    code: str  # what to write in the template: «{{ meeting.date }}», «{%p for d in decisions %} … »
    kind: str  # «текст», «дата», «список», …
    example: str  # the demo value as the template prints it
    depth: int  # nesting, for indentation
    group: bool = False  # a group of fields or a loop: a heading row
    note: str = ""  # what it means (NOTES)


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
        return "дата", f"{short_date(value)}; с фильтром ru_date: {ru_date(value)}"
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


def describe(context: dict, notes: dict[str, str] | None = None, prefix: str = "", depth: int = 0) -> list[Entry]:
    """Every variable and loop of ``context``; ``notes``: what they mean, by path."""
    notes = notes or {}
    entries: list[Entry] = []
    for key, value in context.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            entries.append(Entry(path, "группа полей", "", depth, group=True, note=notes.get(path, "")))
            entries += describe(value, notes, f"{path}.", depth + 1)
        elif isinstance(value, list):
            variable = LOOP_VARIABLES.get(key, "x")
            loop = "{%p for " + variable + " in " + path + " %} … {%p endfor %}"
            dicts = [item for item in value if isinstance(item, dict)]
            if dicts:
                entries.append(Entry(loop, f"список ({len(value)} в примере)", "", depth, True, notes.get(path, "")))
                entries += describe(_merged(dicts), notes, f"{variable}.", depth + 1)
            else:
                shown = ", ".join(_kind_and_example(item)[1] for item in value) or "пустой список"
                entries.append(Entry(loop, "список", shown, depth, True, notes.get(path, "")))
        else:
            kind, example = _kind_and_example(value)
            entries.append(Entry("{{ " + path + " }}", kind, example, depth, note=notes.get(path, "")))
    return entries


FILTER_EXAMPLES = [
    ("ru_date", "{{ meeting.date|ru_date }}", lambda: ru_date(dt.date(2021, 10, 22))),
    ("deadline", "{{ d.deadline|deadline }}", lambda: short_date(dt.date(2021, 12, 1))),
    ("ru_time", "{{ meeting.start_time|ru_time }}", lambda: rendering.ru_time(dt.time(14, 0))),
    ("quotes", '{{ p.organization|quotes }}  (ОГБПОУ "Томский индустриальный техникум")',
     lambda: rendering.quotes('ОГБПОУ "Томский индустриальный техникум"')),
    ("names", "{{ d.responsible|names }}",
     lambda: rendering.names([{"name": "Пояркова О.Н."}, {"name": "Кузнецова Н.В."}])),
    ("sentence", "{% filter sentence %}срок до 01.12.2021{% endfilter %}",
     lambda: rendering.sentence("срок до 01.12.2021")),
    ("capital", "{{ p.position|capital }}", lambda: rendering.capital("главный инженер")),
    *[
        (name, "{{ d.responsible[0].name|" + name + " }}", (lambda f=name: rendering.FILTERS[f]("Пояркова О.Н.")))
        for name in ("genitive", "dative", "accusative", "instrumental", "prepositional")
    ],
]  # fmt: skip


def filter_examples() -> list[tuple[str, str, str]]:
    """(filter, how to write it, what it prints), computed by the filters themselves."""
    return [(name, usage, example()) for name, usage, example in FILTER_EXAMPLES]
