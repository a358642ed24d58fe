"""Shared helpers of the document tests: the seed protocol as a context, file readers."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from cluster_intranet.documents import rendering

TEMPLATES = Path(rendering.__file__).with_name("default_templates")

requires_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

COUNCIL = {
    "name": "Координационный совет Промышленного образовательно-отраслевого кластера",
    "name_genitive": "Координационного совета Промышленного образовательно-отраслевого кластера",
}


# How the seed protocol (No. 2 of 22.10.2021) opens, in the short form.
SEED_PROTOCOL_OPENING = [
    "ПРОТОКОЛ № 2",
    "заседания",
    "Координационного совета Промышленного образовательно-отраслевого кластера",
    "22 октября 2021 г.",
    "г. Томск",
    "Присутствовали очно:",
]


def person(name: str, position: str, organization: str) -> dict:
    return {"name": name, "position": position, "organization": organization}


def decision(number: int, text: str, *responsible: str, deadline: dt.date | None = None, **fields) -> dict:
    """A decision of a protocol's context: numbered «N», of no agenda item, no term, no
    votes, unless ``fields`` say otherwise; ``responsible``: the people's names."""
    return {
        "number": number,
        "label": str(number),
        "text": text,
        "responsible": [{"name": name} for name in responsible],
        "deadline": deadline,
        "term": "",
        "votes": None,
        "item_votes": None,
        "item_number": None,
        **fields,
    }


def _seed_protocol_context() -> dict:
    """The protocol of 22.10.2021 (seed/protocol-2021-10-22.txt), typed in by hand."""
    decision_1 = decision(
        1,
        "Поручить Экспертному совету Промышленного образовательно-отраслевого "
        "кластера разработку экспертных чек-листов с критериями оценки основных "
        "образовательных программ СПО. Согласование работодателями программ СПО "
        "осуществлять путем организации экспертных сессий на основании оформленных "
        "экспертных чек-листов.",
        "Пояркова О.Н.",
        deadline=dt.date(2021, 12, 1),
        item_number=1,
    )
    decision_2 = decision(
        2,
        "Применять принцип единообразия в подходах к освещению мероприятий и "
        "событий в рамках деятельности Промышленного образовательно-отраслевого "
        "кластера на официальных сайтах всех участников кластера.",
        item_number=2,
    )
    decision_3 = decision(
        3,
        "Разработать медиаплан Промышленного образовательно-отраслевого кластера "
        "на 2021 - 2022 годы для рекламно-информационных целей о деятельности кластера.",
        "Кузнецова Н.В.",
        deadline=dt.date(2021, 12, 1),
        item_number=2,
    )
    in_person = [
        person("Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
        person(
            "Королева О.М.",
            "консультант",
            "Департамента промышленности и энергетики Администрации Томской области",
        ),
        person("Бенсон Г.Ф.", "директор", "ОГБПОУ «Северский промышленный колледж»"),
        person("Елисеев В.А.", "директор", "ОГБПОУ «Томский индустриальный техникум»"),
        person("Криков А. Н.", "директор", "ОГБПОУ «Кожевниковский техникум агробизнеса»"),
        person("Криволапов И. Н.", "директор", "ОГБПОУ «Томский политехнический техникум»"),
        person("Матвеев Д..М.", "директор", "ОГБПОУ «Томский экономико-промышленный колледж»"),
    ]
    online = [
        person("Кускова Е.В.", "директор", "ОГБПОУ «Томский аграрный колледж»"),
        person("Змеева Е. Е.", "директор", "ОГБПОУ «Томский промышленно-гуманитарный колледж»"),
        person("Дрожено О.Н.", "представитель", "ОГБПОУ «Колпашеский социально-промышленный колледж»"),
        person(
            "Доронин Д.А.",
            "заместитель директора по безопасности",
            "МАОУ Средняя общеобразовательная школа «Интеграция» Томского района",
        ),
    ]
    return {
        "meeting": {
            "number": 2,
            "date": dt.date(2021, 10, 22),
            "city": "г. Томск",
            "place": "",
            "start_time": None,
            "end_time": None,
            "council": dict(COUNCIL),
        },
        "chair": None,
        "secretary": {
            "short_name": "Жарких Е.В.",
            "short_name_reversed": "Е.В. Жарких",
            "position": "Секретарь Координационного совета",
        },
        "attendees_in_person": in_person,
        "attendees_online": online,
        "invited": [],
        "attendees_as_count": False,
        "attendees_total": len(in_person) + len(online),
        "agenda": [
            {
                "number": 1,
                "text": "Процедурные вопросы согласования основных образовательных "
                "программ СПО со стороны предприятий-работодателей;",
                "speaker": "",
                "speakers": [],
                "discussion": [],
                "decisions": [decision_1],
                "votes": None,
            },
            {
                "number": 2,
                "text": "Единообразии подходов участников кластера к освещению знаковых "
                "мероприятий и событий в рамках деятельности кластера, а также механизмы "
                "использования средств массовой информации для продвижения идей кластера "
                "для всех заинтересованных лиц.",
                "speaker": "",
                "speakers": [],
                "discussion": [],
                "decisions": [decision_2, decision_3],
                "votes": None,
            },
        ],
        "decisions": [decision_1, decision_2, decision_3],
        "decisions_without_item": [],
        "certified": {
            "position": "Секретарь Координационного совета",
            "name": "Е.В. Жарких",
            "date": dt.date(2021, 10, 25),
        },
    }


_SEED = _seed_protocol_context()


def seed_context_copy() -> dict:
    """A fresh copy of the seed protocol context (callers may change it)."""
    return copy.deepcopy(_SEED)


def full_context() -> dict:
    """The seed meeting as a full ГОСТ protocol: chair, speakers, votes, a loose decision."""
    context = seed_context_copy()
    context["meeting"]["place"] = "ОГБПОУ «Томский индустриальный техникум», ауд. 101"
    context["meeting"]["start_time"] = dt.time(10, 0)
    context["meeting"]["end_time"] = dt.time(11, 30)
    context["chair"] = {
        "short_name": "Беляев Е.В.",
        "short_name_reversed": "Е.В. Беляев",
        "position": "Председатель Координационного совета",
    }
    context["invited"] = [
        person("Пояркова О.Н.", "председатель", "Экспертного совета кластера"),
    ]
    first, second = context["agenda"]
    first["speakers"] = [{"name": "Пояркова О.Н.", "summary": "о порядке согласования программ СПО с работодателями."}]
    first["discussion"] = [{"name": "Елисеев В.А.", "summary": "предложил проводить экспертные сессии."}]
    second["speakers"] = [{"name": "Беляев Е.В.", "summary": "об освещении событий кластера."}]
    # numbered as a council of the full form numbers them: by agenda item (numbering.py)
    for made, label in zip(context["decisions"], ("1.1", "2.1", "2.2")):
        made["votes"] = {"for": 11, "against": 0, "abstained": 0, "unanimous": False}
        made["label"] = label
    context["decisions_without_item"] = [
        decision(
            4,
            "Провести следующее заседание в декабре 2021 года.",
            "Жарких Е.В.",
            deadline=dt.date(2021, 12, 20),
            label="3.1",
            votes={"for": 10, "against": 0, "abstained": 1, "unanimous": False},
        )
    ]
    context["decisions"].append(context["decisions_without_item"][0])
    context["appendices"] = [
        {"number": 1, "title": "Порядок согласования программ", "filename": "Порядок.docx", "item_number": 1},
        {"number": 2, "title": "Медиаплан кластера", "filename": "Медиаплан.xlsx", "item_number": None},
    ]
    return context


def report_context() -> dict:
    """A decisions report over the seed meeting: one row per status."""
    meeting_date = dt.date(2021, 10, 22)
    rows = [
        {
            "number": 1,
            "label": "1",
            "text": "Разработать экспертные чек-листы.",
            "meeting_number": 2,
            "meeting_date": meeting_date,
            "responsible": [{"name": "Пояркова О.Н."}],
            "deadline": dt.date(2021, 12, 1),
            "term": "",
            "status_label": "Выполнено",
            "report_text": "Чек-листы утверждены Экспертным советом.",
            "done_on": dt.date(2021, 11, 25),
            "overdue_days": None,
        },
        {
            "number": 2,
            "label": "2",
            "text": "Применять принцип единообразия.",
            "meeting_number": 2,
            "meeting_date": meeting_date,
            "responsible": [],
            "deadline": None,
            "term": "",
            "status_label": "В работе",
            "report_text": "",
            "done_on": None,
            "overdue_days": None,
        },
        {
            "number": 3,
            "label": "3",
            "text": "Разработать медиаплан кластера на 2021 - 2022 годы.",
            "meeting_number": 2,
            "meeting_date": meeting_date,
            "responsible": "Кузнецова Н.В.",
            "deadline": dt.date(2021, 12, 1),
            "term": "",
            "status_label": "Просрочено",
            "report_text": "",
            "done_on": None,
            "overdue_days": 14,
        },
    ]
    return {
        "council": dict(COUNCIL),
        "period_start": dt.date(2021, 10, 1),
        "period_end": dt.date(2021, 12, 15),
        "rows": rows,
        "totals": [
            {"label": "Выполнено", "count": 1},
            {"label": "В работе", "count": 1},
            {"label": "Просрочено", "count": 1},
        ],
    }


def read_template(name: str) -> bytes:
    return (TEMPLATES / name).read_bytes()


def docx_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraph texts of a .docx, tables included, in document order."""
    document = docx.Document(io.BytesIO(data))
    texts = []
    for element in document.element.body.iter(qn("w:p")):
        text = Paragraph(element, document).text.strip()
        if text:
            texts.append(text)
    return texts


def docx_text(data: bytes) -> str:
    return "\n".join(docx_paragraphs(data))


def make_docx(*paragraphs: str) -> bytes:
    """A minimal .docx with one paragraph per argument (for template tests)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
