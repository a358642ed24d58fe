"""The contexts of the expertise documents: plain dicts built from a session's data.

Context contract (every number is already text, the Russian way: «12,5»):

Shared pieces::

    programme: {code: str, name: str, title: str,          # «15.02.08 Технология машиностроения»
                qualification: str, college: str,           # short name of the college
                college_full: str, study_form: str,         # «очная»
                intake_year: int, status: str,              # «Согласована»
                decided_on: date | None}
    session:   {date: date,                                 # the meeting of the session
                deadline: date | None,                      # the experts send their checklists by then
                place: str,
                checklist: {title: str, number: int, protocol_ref: str}}
    expert:    {name: str,                                   # «Соколов А.В.»
                full_name: str, short_name_reversed: str,   # «А.В. Соколов» (signatures)
                position: str, organization: str,
                verdict: str, points: str, maximum: str, percent: str,   # «83,3 %»
                submitted_by: str}   # «секретарь Петрова А.А.» when not the expert sent it, else ""

expert_checklist.docx — one expert's filled checklist::

    programme, session, expert,
    sections: [{number: int, title: str, points: str, maximum: str, percent: str,
                criteria: [{number: str,                     # «2.3»
                            wording: str, hint: str, scale: str,
                            answer: str,                     # «частично соответствует», «2», «—»
                            weight: str, points: str, maximum: str, comment: str,
                            required: bool,
                            changed_by: str}]}]      # who changed the expert's answer, "" if nobody
    total: {points: str, maximum: str, percent: str}
    verdict: str, submitted_by: str, remarks: str, submitted_on: date | None

Once a conclusion is confirmed, these contexts (and file names) are kept on the session
(``freeze``) and its documents are rendered from them ever after.

expert_conclusion.docx — the session's conclusion with the table of results::

    programme, session,
    experts: [expert, ...] (with number: int)
    sections: [{number, title, points, maximum, percent,
                criteria: [{number, wording, answers: str,   # «2 / 1 / 2», in the order of experts
                            mean: str, points: str, maximum: str, percent: str}]}]
    total: {points, maximum, percent}
    proposal: str,                   # what the thresholds and verdicts proposed
    conclusion: str, conclusion_text: str, concluded_on: date | None,
    secretary: {name: str, short_name_reversed: str} | None

approval_sheet.docx — the programme's approval sheet::

    programme, session,
    conclusion: str,                 # «Рекомендовать к согласованию»
    decision: str,                   # what it made of the programme: «Согласована»
    decided_on: date | None,
    signatures: [{organization: str, position: str, name: str, short_name_reversed: str}]
"""

from __future__ import annotations

import datetime as dt

from ..auth.models import User
from ..directory.models import Person
from ..documents.contexts import json_safe, revive
from ..documents.grammar import genitive
from ..extensions import db
from ..text import initials_first
from ..web import download_name
from . import scoring, services
from .models import Assessment, Programme, Verdict
from .scoring import Score, SessionData, format_number, format_percent


def _person(person: Person) -> dict:
    return {
        "name": person.short_name,
        "full_name": person.full_name,
        "short_name_reversed": initials_first(person.short_name, person.surname),
        "position": person.position,
        "organization": person.organization.short_name if person.organization else "",
    }


def _score(score: Score) -> dict:
    return {
        "points": format_number(score.points),
        "maximum": format_number(score.maximum),
        "percent": format_percent(score.share),
    }


def _programme(programme: Programme) -> dict:
    return {
        "code": programme.code,
        "name": programme.name,
        "title": programme.title,
        "qualification": programme.qualification,
        "college": programme.college.short_name,
        "college_full": programme.college.full_name or programme.college.short_name,
        "study_form": programme.study_form_label,
        "intake_year": programme.intake_year,
        "status": programme.status.label,
        "decided_on": programme.decided_on,
    }


def _session(data: SessionData) -> dict:
    version = data.session.checklist_version
    return {
        "date": data.session.held_on,
        "deadline": data.session.deadline,
        "place": data.session.place,
        "checklist": {"title": version.title, "number": version.number, "protocol_ref": version.protocol_ref},
    }


def _expert(data: SessionData, assessment: Assessment, number: int = 1) -> dict:
    return {
        "number": number,
        **_person(assessment.person),
        "verdict": assessment.verdict_label,
        "submitted_by": assessment.submitted_by_name,
        **_score(scoring.assessment_score(data, assessment)),
    }


def checklist_context(data: SessionData, assessment: Assessment) -> dict:
    sections = []
    for number, section, criteria in scoring.numbered_sections(data.sections):
        rows = []
        for criterion_number, criterion in criteria:
            answer = data.answer(assessment, criterion)
            value = answer.value if answer else None
            score = scoring.criterion_score(value, criterion.max_value, criterion.weight)
            rows.append(
                {
                    "number": criterion_number,
                    "wording": criterion.wording,
                    "hint": criterion.hint,
                    "scale": criterion.scale_label,
                    "answer": criterion.answer_label(value) if value is not None else "—",
                    "weight": format_number(criterion.weight),
                    "points": format_number(score.points) if value is not None else "—",
                    "maximum": format_number(criterion.max_value * criterion.weight),
                    "comment": answer.comment if answer else "",
                    "changed_by": answer.changed_by_name if answer else "",
                    "required": criterion.required,
                }
            )
        sections.append(
            {
                "number": number,
                "title": section.title,
                "criteria": rows,
                **_score(scoring.assessment_score(data, assessment, section)),
            }
        )
    return {
        "programme": _programme(data.session.programme),
        "session": _session(data),
        "expert": _expert(data, assessment),
        "sections": sections,
        "total": _score(scoring.assessment_score(data, assessment)),
        "verdict": assessment.verdict_label,
        "submitted_by": assessment.submitted_by_name,
        "remarks": assessment.remarks,
        "submitted_on": assessment.submitted_at.date() if assessment.submitted_at else None,
    }


def conclusion_context(data: SessionData) -> dict:
    result = scoring.results(data)
    sections = [
        {
            "number": section.number,
            "title": section.section.title,
            **_score(section.score),
            "criteria": [
                {
                    "number": row.number,
                    "wording": row.criterion.wording,
                    "answers": " / ".join("—" if cell.value is None else str(cell.value) for cell in row.cells),
                    "mean": format_number(row.mean) if row.mean is not None else "—",
                    **_score(row.score),
                }
                for row in section.rows
            ],
        }
        for section in result.sections
    ]
    session = data.session
    concluded_by = session.concluded_by.person if session.concluded_by else None
    return {
        "programme": _programme(session.programme),
        "session": _session(data),
        "experts": [_expert(data, a, n) for n, a in enumerate(result.columns, start=1)],
        "sections": sections,
        "total": _score(result.total),
        "proposal": result.proposal.label if result.proposal else "",
        "conclusion": session.conclusion_label,
        "conclusion_text": session.conclusion_text,
        "concluded_on": session.concluded_on,
        "secretary": _person(concluded_by) if concluded_by else None,
    }


def approval_sheet_context(data: SessionData) -> dict:
    session = data.session
    return {
        "programme": _programme(session.programme),
        "session": _session(data),
        "conclusion": session.conclusion_label,
        "decision": Verdict(session.conclusion).approval_status.label if session.conclusion else "",
        "decided_on": session.concluded_on,
        "signatures": [_person(a.person) for a in data.submitted],
    }


# --- the documents of a confirmed conclusion, frozen -----------------------------------

_SNAPSHOT_DATES = {"date", "deadline", "decided_on", "concluded_on", "submitted_on"}


def confirm_conclusion(data: SessionData, verdict: str | None, text: str, user: User | None) -> None:
    """Confirms the session's conclusion (services.confirm_conclusion) and keeps its
    documents as they read at that moment."""
    services.confirm_conclusion(data, verdict, text, user)
    data.session.documents_snapshot = freeze(data)
    db.session.flush()


def freeze(data: SessionData) -> dict:
    """The conclusion, the approval sheet and every submitted checklist as they are at the
    confirmation (contexts and file names), to be kept on the session: editing the
    programme later does not rewrite approved documents."""
    return json_safe({
        "conclusion": [conclusion_context(data), conclusion_filename(data)],
        "approval_sheet": [approval_sheet_context(data), approval_sheet_filename(data)],
        "checklists": {str(a.id): [checklist_context(data, a), checklist_filename(data, a)] for a in data.submitted},
    })  # fmt: skip


def document(data: SessionData, kind: str, assessment: Assessment | None = None) -> tuple[dict, str]:
    """(context, file name) of a session's document — «conclusion», «approval_sheet» or
    «checklist»: as frozen at the confirmation when it was, else built from the data now."""
    snapshot = data.session.documents_snapshot or {}
    entry = snapshot.get("checklists", {}).get(str(assessment.id)) if assessment else snapshot.get(kind)
    if entry:
        return revive(entry[0], _SNAPSHOT_DATES), entry[1]
    if kind == "conclusion":
        return conclusion_context(data), conclusion_filename(data)
    if kind == "approval_sheet":
        return approval_sheet_context(data), approval_sheet_filename(data)
    return checklist_context(data, assessment), checklist_filename(data, assessment)


# --- file names -----------------------------------------------------------------------


def checklist_filename(data: SessionData, assessment: Assessment) -> str:
    return download_name(
        f"Чек-лист эксперта {genitive(assessment.person.short_name)}", data.session.programme.code, "docx"
    )


def conclusion_filename(data: SessionData) -> str:
    return download_name("Экспертное заключение", data.session.programme.title, "docx")


def approval_sheet_filename(data: SessionData) -> str:
    return download_name("Лист согласования", data.session.programme.title, "docx")


# --- demo contexts: the reference page of the template library and upload checks ----------

_DEMO_PROGRAMME = {
    "code": "15.02.08",
    "name": "Технология машиностроения",
    "title": "15.02.08 Технология машиностроения",
    "qualification": "Техник",
    "college": "ОГБПОУ «Томский индустриальный техникум»",
    "college_full": "Областное государственное бюджетное профессиональное образовательное учреждение "
    "«Томский индустриальный техникум»",
    "study_form": "очная",
    "intake_year": 2021,
    "status": "Согласована",
    "decided_on": dt.date(2021, 12, 3),
}
_DEMO_SESSION = {
    "date": dt.date(2021, 12, 3),
    "deadline": dt.date(2021, 12, 1),
    "place": "ОГБПОУ «Томский индустриальный техникум», ауд. 210",
    "checklist": {
        "title": "Экспертный чек-лист оценки основной профессиональной образовательной программы СПО",
        "number": 1,
        "protocol_ref": "Протокол заседания Экспертного совета № 1 от 15.11.2021",
    },
}
_DEMO_EXPERTS = [
    {
        "number": 1,
        "name": "Соколов А.В.",
        "full_name": "Соколов Андрей Викторович",
        "short_name_reversed": "А.В. Соколов",
        "position": "начальник отдела подготовки персонала",
        "organization": "ООО «Томскнефтехим»",
        "verdict": "Рекомендовать к согласованию",
        "points": "52",
        "maximum": "55,5",
        "percent": "93,7\u00a0%",
        "submitted_by": "",
    },
    {
        "number": 2,
        "name": "Иванова М.С.",
        "full_name": "Иванова Марина Сергеевна",
        "short_name_reversed": "М.С. Иванова",
        "position": "заместитель генерального директора по персоналу",
        "organization": "АО «Томский электромеханический завод»",
        "verdict": "Рекомендовать к согласованию после доработки",
        "points": "45",
        "maximum": "55,5",
        "percent": "81,1\u00a0%",
        "submitted_by": "секретарь Кузнецова Н.В.",
    },
]


def _demo_programme_and_session() -> dict:
    """What every expertise document names first: the programme and its session (copies:
    a context may be changed by whoever asked for it)."""
    return {
        "programme": dict(_DEMO_PROGRAMME),
        "session": {**_DEMO_SESSION, "checklist": dict(_DEMO_SESSION["checklist"])},
    }


def demo_checklist_context() -> dict:
    return {
        **_demo_programme_and_session(),
        "expert": dict(_DEMO_EXPERTS[0]),
        "sections": [
            {
                "number": 1,
                "title": "Соответствие ФГОС СПО",
                "points": "5,5",
                "maximum": "6",
                "percent": "91,7\u00a0%",
                "criteria": [
                    {
                        "number": "1.1",
                        "wording": "Структура и объём программы соответствуют требованиям ФГОС СПО",
                        "hint": "Учебный план, календарный учебный график.",
                        "scale": "соответствует / частично / не соответствует",
                        "answer": "соответствует",
                        "weight": "1,5",
                        "points": "3",
                        "maximum": "3",
                        "comment": "",
                        "required": True,
                        "changed_by": "",
                    },
                    {
                        "number": "1.2",
                        "wording": "Вариативная часть использована по запросам работодателей",
                        "hint": "",
                        "scale": "0–2 балла",
                        "answer": "1",
                        "weight": "1",
                        "points": "1",
                        "maximum": "2",
                        "comment": "Рекомендуем расширить перечень предприятий — баз практики.",
                        "required": False,
                        "changed_by": "секретарь Кузнецова Н.В.",
                    },
                ],
            },
        ],
        "total": {"points": "5,5", "maximum": "6", "percent": "91,7\u00a0%"},
        "verdict": "Рекомендовать к согласованию",
        "submitted_by": "",
        "remarks": "Программа соответствует требованиям предприятий.",
        "submitted_on": dt.date(2021, 12, 3),
    }


def demo_conclusion_context() -> dict:
    return {
        **_demo_programme_and_session(),
        "experts": [dict(e) for e in _DEMO_EXPERTS],
        "sections": [
            {
                "number": 1,
                "title": "Соответствие ФГОС СПО",
                "points": "5,25",
                "maximum": "6",
                "percent": "87,5\u00a0%",
                "criteria": [
                    {
                        "number": "1.1",
                        "wording": "Структура и объём программы соответствуют требованиям ФГОС СПО",
                        "answers": "2 / 2",
                        "mean": "2",
                        "points": "3",
                        "maximum": "3",
                        "percent": "100\u00a0%",
                    },
                    {
                        "number": "1.2",
                        "wording": "Вариативная часть использована по запросам работодателей",
                        "answers": "1 / 2",
                        "mean": "1,5",
                        "points": "2,25",
                        "maximum": "3",
                        "percent": "75\u00a0%",
                    },
                ],
            },
        ],
        "total": {"points": "5,25", "maximum": "6", "percent": "87,5\u00a0%"},
        "proposal": "Рекомендовать к согласованию",
        "conclusion": "Рекомендовать к согласованию",
        "conclusion_text": "Программа рекомендована к согласованию работодателями — участниками кластера.",
        "concluded_on": dt.date(2021, 12, 3),
        "secretary": {
            "name": "Кузнецова Н.В.",
            "full_name": "Кузнецова Н. В.",
            "short_name_reversed": "Н.В. Кузнецова",
            "position": "секретарь Экспертного совета",
            "organization": "ОГБПОУ «Томский экономико-промышленный колледж»",
        },
    }


def demo_approval_sheet_context() -> dict:
    return {
        **_demo_programme_and_session(),
        "conclusion": "Рекомендовать к согласованию",
        "decision": "Согласована",
        "decided_on": dt.date(2021, 12, 3),
        "signatures": [
            {key: e[key] for key in ("name", "full_name", "short_name_reversed", "position", "organization")}
            for e in _DEMO_EXPERTS
        ],
    }


DEMO_CONTEXTS = {
    "expert_checklist": demo_checklist_context,
    "expert_conclusion": demo_conclusion_context,
    "approval_sheet": demo_approval_sheet_context,
}
