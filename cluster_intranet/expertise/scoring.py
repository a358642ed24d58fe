"""A session's results as its pages and documents read them: the scoring arithmetic,
one session's data (checklist, experts, every answer) in four queries, the results
table with the proposed conclusion, and each expert's progress. Nothing here changes
data; the changes are in ``services`` (sessions, answers, the conclusion) and
``checklist_versions`` (the checklists themselves).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from flask import current_app
from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..directory.models import Person
from ..extensions import db
from .models import (
    Answer,
    Assessment,
    ChecklistSection,
    Criterion,
    ExpertSession,
    Programme,
    Verdict,
)


# --- scoring: pure arithmetic on plain values ------------------------------------
#
# A criterion answered with value v (0..max) scores v × weight points out of
# max × weight. An unanswered (optional) criterion is "not assessed": it adds
# neither points nor maximum, so skipping it neither helps nor hurts. A session's
# criterion score uses the mean of the experts' answers.


@dataclass(frozen=True)
class Score:
    points: float = 0.0
    maximum: float = 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.points + other.points, self.maximum + other.maximum)

    @property
    def share(self) -> float | None:
        """Points as a share of the maximum (0..1); None when nothing was assessed."""
        return self.points / self.maximum if self.maximum else None


def criterion_score(value: float | None, max_value: int, weight: float) -> Score:
    if value is None:
        return Score()
    return Score(value * weight, max_value * weight)


def total(scores: Iterable[Score]) -> Score:
    return sum(scores, Score())


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the answers given; None if nobody answered."""
    given = [value for value in values if value is not None]
    return sum(given) / len(given) if given else None


def verdict_for_share(share: float | None, approve_share: float, revision_share: float) -> Verdict | None:
    if share is None:
        return None
    if share >= approve_share:
        return Verdict.RECOMMEND
    return Verdict.REVISE if share >= revision_share else Verdict.REJECT


def majority_verdict(verdicts: Iterable[Verdict]) -> Verdict | None:
    """The strictest verdict that at least half of the experts gave or were stricter than."""
    ranked = sorted((Verdict(v) for v in verdicts), key=lambda v: v.rank, reverse=True)
    if not ranked:
        return None
    for count, verdict in enumerate(ranked, start=1):
        if count * 2 >= len(ranked):
            return verdict
    return ranked[-1]  # pragma: no cover - the loop always returns


def propose_conclusion(
    share: float | None, verdicts: Iterable[Verdict], approve_share: float, revision_share: float
) -> Verdict | None:
    """The stricter of what the score says (thresholds) and what the experts' majority says."""
    candidates = [
        v
        for v in (verdict_for_share(share, approve_share, revision_share), majority_verdict(verdicts))
        if v is not None
    ]
    return max(candidates, key=lambda v: v.rank) if candidates else None


def format_number(value: float | None) -> str:
    """12.5 -> «12,5», 12.0 -> «12», 1.3333 -> «1,33»; None -> «—»."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def format_percent(share: float | None) -> str:
    """0.8333 -> «83,3 %» (with a no-break space); None -> «—»."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".replace(".", ",").removesuffix(",0") + "\u00a0%"


def thresholds() -> tuple[float, float]:
    config = current_app.config
    return config["EXPERTISE_APPROVE_SHARE"], config["EXPERTISE_REVISION_SHARE"]


# --- one session's data in a fixed number of queries -------------------------------


class AnswerRow(Protocol):
    """What pages read of an answer (an Answer, or a row of its columns)."""

    value: int | None
    comment: str
    saved_at: datetime
    changed_by_name: str


@dataclass
class SessionData:
    session: ExpertSession
    sections: list[ChecklistSection]
    assessments: list[Assessment]
    answers: dict[tuple[int, int], AnswerRow]  # (assessment id, criterion id) -> the answer
    # Set when only this checklist's answers were read (load_session's ``answers_of``): the
    # others' would look unanswered, so nothing reads them (results refuses).
    answers_of: int | None = None

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for section in self.sections for criterion in section.criteria]

    @property
    def submitted(self) -> list[Assessment]:
        return [a for a in self.assessments if a.is_submitted]

    def answer(self, assessment: Assessment, criterion: Criterion) -> AnswerRow | None:
        return self.answers.get((assessment.id, criterion.id))

    def answered_count(self, assessment: Assessment) -> int:
        return sum(1 for c in self.criteria if (a := self.answer(assessment, c)) and a.value is not None)

    def counted(self, assessment: Assessment) -> tuple[int, int]:
        """(answered, out of): the required criteria and the optional ones answered — an
        optional criterion left unscored is not missing («8 из 8», not «7 из 8»)."""
        answered = [c for c in self.criteria if (a := self.answer(assessment, c)) and a.value is not None]
        total = sum(1 for c in self.criteria if c.required) + sum(1 for c in answered if not c.required)
        return len(answered), total


@functools.cache
def _session_statements() -> tuple[Select, ...]:
    """Built once: SQLAlchemy keeps a statement's cache key on the statement, and building and
    keying these anew cost a quarter of load_session (meetings.queries does the same)."""
    session_id = bindparam("session_id")
    answers = select(
        Answer.assessment_id,
        Answer.criterion_id,
        Answer.value,
        Answer.comment,
        Answer.saved_at,
        Answer.changed_by_name,
    )
    return (
        select(ExpertSession)
        .where(ExpertSession.id == session_id)
        .options(
            joinedload(ExpertSession.programme).joinedload(Programme.college),
            joinedload(ExpertSession.checklist_version),
            joinedload(ExpertSession.concluded_by).joinedload(User.person),
        ),
        select(ChecklistSection)
        .where(ChecklistSection.version_id == bindparam("version_id"))
        .options(joinedload(ChecklistSection.criteria))
        .order_by(ChecklistSection.position, ChecklistSection.id),
        # The session's checklists in the experts' order, each with its expert and organization.
        select(Assessment)
        .where(Assessment.session_id == session_id)
        .options(joinedload(Assessment.person).joinedload(Person.organization))
        .order_by(Assessment.position, Assessment.id),
        answers.join(Answer.assessment).where(Assessment.session_id == session_id),
        answers.where(Answer.assessment_id == bindparam("assessment_id")),
    )


def _experts_checklists(session_id: int) -> list[Assessment]:
    """The session's checklists in the experts' order, each with its expert and organization."""
    return list(db.session.scalars(_session_statements()[2], {"session_id": session_id}))


def load_session(session_id: int, answers_of: int | None = None) -> SessionData | None:
    """The session, its programme and checklist, experts and all answers: four queries
    whatever the number of experts and criteria. ``answers_of``: the answers of that
    checklist alone, for a page that shows no other's (a tenth of the rows with ten experts)."""
    session_stmt, sections_stmt, _, all_answers, one_checklist = _session_statements()
    session = db.session.scalar(session_stmt, {"session_id": session_id})
    if session is None:
        return None
    sections = list(db.session.scalars(sections_stmt, {"version_id": session.checklist_version_id}).unique())
    set_committed_value(session.checklist_version, "sections", sections)
    assessments = _experts_checklists(session.id)
    set_committed_value(session, "assessments", assessments)
    # Plain rows, not ORM objects: a page shows hundreds of answers and only reads them.
    if answers_of is None:
        answers = db.session.execute(all_answers, {"session_id": session.id})
    else:
        answers = db.session.execute(one_checklist, {"assessment_id": answers_of})
    by_key = {(row[0], row[1]): row for row in answers}
    return SessionData(session, sections, assessments, by_key, answers_of)


# --- results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One expert's answer in the results table, ready to print."""

    value: int | None
    label: str  # «частично соответствует»; «нет ответа»
    below: bool  # below the criterion's maximum
    comment: str
    expert: str  # «Соколов А.В.», to sign the comment
    changed_by: str = ""  # «секретарь Петрова А.А.» when not the expert entered it


@dataclass
class CriterionResult:
    criterion: Criterion
    number: str  # «2.3»
    cells: list[Cell]  # one per column (submitted checklist)
    mean: float | None
    score: Score


@dataclass
class SectionResult:
    section: ChecklistSection
    number: int
    rows: list[CriterionResult]
    score: Score


@dataclass
class Results:
    columns: list[Assessment]  # the submitted checklists, in the session's order
    sections: list[SectionResult]
    total: Score
    expert_totals: dict[int, Score]  # assessment id -> that expert's own score
    verdicts: list[Verdict]
    proposal: Verdict | None
    section_totals: dict[tuple[int, int], Score] = field(default_factory=dict)  # (assessment id, section id)


def assessment_score(data: SessionData, assessment: Assessment, section: ChecklistSection | None = None) -> Score:
    sections = [section] if section else data.sections
    return total(
        criterion_score(answer.value if answer else None, c.max_value, c.weight)
        for s in sections
        for c in s.criteria
        for answer in [data.answer(assessment, c)]
    )


def results(data: SessionData, columns: list[Assessment] | None = None) -> Results:
    """Per criterion the answers and their mean, per section and in total the score,
    and the proposed conclusion — over the submitted checklists (or ``columns``)."""
    if data.answers_of is not None:
        raise ValueError("the results need every checklist's answers: load_session without answers_of")
    columns = data.submitted if columns is None else columns
    names = [a.person.short_name for a in columns]
    sections = []
    expert_totals = {a.id: Score() for a in columns}
    section_totals = {}
    for number, section in enumerate(data.sections, start=1):
        rows = []
        points = [0.0] * len(columns)  # each expert's points and maximum in this section
        maxima = [0.0] * len(columns)
        for index, criterion in enumerate(section.criteria, start=1):
            top, weight, labels = criterion.max_value, criterion.weight, dict(criterion.options)
            cells = []
            for column, assessment in enumerate(columns):
                answer = data.answers.get((assessment.id, criterion.id))
                value = answer.value if answer else None
                if value is not None:  # criterion_score, inlined: this loop runs experts × criteria times
                    points[column] += value * weight
                    maxima[column] += top * weight
                cells.append(
                    Cell(
                        value,
                        labels.get(value, "нет ответа"),
                        value is not None and value < top,
                        answer.comment if answer else "",
                        names[column],
                        answer.changed_by_name if answer else "",
                    )
                )
            average = mean(cell.value for cell in cells)
            rows.append(
                CriterionResult(criterion, f"{number}.{index}", cells, average, criterion_score(average, top, weight))
            )
        sections.append(SectionResult(section, number, rows, total(row.score for row in rows)))
        for column, assessment in enumerate(columns):
            own = Score(points[column], maxima[column])
            section_totals[(assessment.id, section.id)] = own
            expert_totals[assessment.id] += own
    overall = total(s.score for s in sections)
    verdicts = [Verdict(a.verdict) for a in columns if a.verdict]
    approve, revise = thresholds()
    return Results(
        columns=columns,
        sections=sections,
        total=overall,
        expert_totals=expert_totals,
        verdicts=verdicts,
        proposal=propose_conclusion(overall.share, verdicts, approve, revise),
        section_totals=section_totals,
    )


def numbered_sections(
    sections: list[ChecklistSection],
) -> list[tuple[int, ChecklistSection, list[tuple[str, Criterion]]]]:
    """(section number, section, [(«1.2», criterion)]) for pages and documents."""
    return [
        (n, section, [(f"{n}.{i}", c) for i, c in enumerate(section.criteria, start=1)])
        for n, section in enumerate(sections, start=1)
    ]


# --- progress ------------------------------------------------------------------------


@dataclass
class Progress:
    assessment: Assessment
    answered: int
    total: int

    @property
    def state(self) -> str:
        if self.assessment.is_submitted:
            return "submitted"
        return "in_progress" if self.answered or self.assessment.last_answer_at else "not_started"

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(session: ExpertSession) -> list[Progress]:
    """Each expert's answered count out of the criteria that count (SessionData.counted):
    three queries, for the secretary's live table."""
    required = db.session.scalar(
        select(func.count(Criterion.id))
        .join(Criterion.section)
        .where(ChecklistSection.version_id == session.checklist_version_id, Criterion.required.is_(True))
    )
    assessments = _experts_checklists(session.id)
    counts = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            select(Answer.assessment_id, func.count(Answer.id), func.count(case((Criterion.required.is_(False), 1))))
            .join(Answer.assessment)
            .join(Criterion, Criterion.id == Answer.criterion_id)
            .where(Assessment.session_id == session.id, Answer.value.is_not(None))
            .group_by(Answer.assessment_id)
        )
    }
    progress = []
    for a in assessments:
        answered, optional = counts.get(a.id, (0, 0))
        progress.append(Progress(a, answered, (required or 0) + optional))
    return progress
