"""Builders of expertise rows for the demo seed, the benchmark and the tests: checklists,
programmes, sessions, answers. Sensible defaults, keyword overrides; they flush (the ids
exist), the caller commits."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence

from ..auth.models import User
from ..directory import builders as directory
from ..directory.models import Organization, OrganizationKind
from ..extensions import db
from . import services
from .models import (
    Answer,
    Assessment,
    ChecklistSection,
    ChecklistStatus,
    ChecklistTemplate,
    ChecklistVersion,
    Criterion,
    ExpertSession,
    Programme,
    Scale,
    StudyForm,
)

_numbers = itertools.count(1)

# A checklist as data: [(section title, [criterion])], a criterion
# (wording, scale, max points of a 0–N scale, weight, required[, hint]).
CriterionRow = tuple  # (str, Scale, int | None, float, bool) or with the hint (…, str)
Sections = Sequence[tuple[str, Sequence[CriterionRow]]]

EVERY_SCALE: Sections = [
    (
        "Соответствие ФГОС СПО",
        [
            ("Структура программы соответствует ФГОС", Scale.CONFORMITY, None, 1.5, True),
            ("Рабочие программы есть по всем дисциплинам", Scale.YES_NO, None, 1, True),
        ],
    ),
    (
        "Практическая подготовка",
        [
            ("Договоры с базами практики", Scale.POINTS_2, None, 2, True),
            ("Оснащение мастерских", Scale.POINTS_N, 5, 1, True),
            ("Дуальное обучение", Scale.POINTS_2, None, 1, False),
        ],
    ),
]


def checklist(
    sections: Sections = EVERY_SCALE,
    *,
    title: str | None = None,
    published: bool = True,
    protocol_ref: str | None = None,
    published_at: dt.datetime | None = None,
    published_by: User | None = None,
) -> ChecklistVersion:
    """The first version of a new checklist, published by default."""
    version = ChecklistVersion(
        title=title or f"Чек-лист {next(_numbers)}",
        number=1,
        status=(ChecklistStatus.PUBLISHED if published else ChecklistStatus.DRAFT).value,
        protocol_ref=protocol_ref if protocol_ref is not None else ("Протокол № 1 от 15.11.2021" if published else ""),
        published_at=published_at,
        published_by=published_by,
        sections=[
            ChecklistSection(
                title=section_title, position=s, criteria=[_criterion(c, row) for c, row in enumerate(rows, 1)]
            )
            for s, (section_title, rows) in enumerate(sections, start=1)
        ],
    )
    db.session.add(ChecklistTemplate(versions=[version]))
    db.session.flush()
    return version


def _criterion(position: int, row: CriterionRow) -> Criterion:
    wording, scale, max_points, weight, required, *hint = row
    return Criterion(
        wording=wording,
        hint=hint[0] if hint else "",
        scale=Scale(scale).value,
        max_points=max_points,
        weight=weight,
        required=required,
        position=position,
    )


def programme(college: Organization | None = None, **fields) -> Programme:
    """A programme of ``college`` (a new college by default)."""
    programme = Programme(
        **{
            "code": "15.02.08",
            "name": "Технология машиностроения",
            "qualification": "Техник",
            "college": college or directory.organization(kind=OrganizationKind.COLLEGE.value),
            "study_form": StudyForm.FULL_TIME.value,
            "intake_year": 2021,
            **fields,
        }
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def session(programme: Programme, version: ChecklistVersion, experts: Sequence[int] = (), **fields) -> ExpertSession:
    """An open session created as the secretary's form does, with ``experts`` (person ids)
    assigned in this order."""
    created = services.save_session(
        ExpertSession(),
        {
            "programme_id": programme.id,
            "checklist_version_id": version.id,
            "held_on": dt.date(2021, 12, 3),
            "place": "ауд. 210",
            **fields,
        },
    )
    for person_id in experts:
        services.add_expert(created, person_id)
    db.session.flush()
    return created


def answer_all(
    assessment: Assessment,
    criteria: Sequence[Criterion],
    value: Callable[[Criterion], int | None] = lambda c: c.max_value,
    comment: str | Callable[[Criterion, int | None], str] = "Требуется доработка",
    saved_at: dt.datetime | None = None,
) -> None:
    """Answers each criterion: ``value`` of it, and ``comment`` — a text for an answer below
    the maximum, or a function of the criterion and the value (called after ``value``)."""
    for criterion in criteria:
        v = value(criterion)
        if callable(comment):
            text = comment(criterion, v)
        else:
            text = comment if v is not None and v < criterion.max_value else ""
        answer = Answer(criterion_id=criterion.id, value=v, comment=text)
        if saved_at is not None:  # else the model's default: now
            answer.saved_at = saved_at
        assessment.answers.append(answer)
    db.session.flush()
