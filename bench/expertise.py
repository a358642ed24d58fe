"""Filler for the expertise area: one published checklist of 60 criteria, programmes of the
colleges, many past sessions with three experts each, and the measured session: 10 experts
who answered all 60 criteria, all of whom submitted but the last (saving answers is measured
on that one's checklist)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from cluster_intranet.auth.models import User
from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import Organization, OrganizationKind, Person
from cluster_intranet.expertise import builders, demo
from cluster_intranet.expertise.models import (
    Answer,
    Assessment,
    ExpertSession,
    Programme,
    Scale,
    SessionStatus,
    Verdict,
)
from cluster_intranet.extensions import db
from sqlalchemy import select

from .data import bulk_insert, ids_of

# The demo's specialties (expertise/demo.py) and two more.
SPECIALTIES = [(code, name, qualification) for code, name, qualification, _, _ in demo.PROGRAMMES] + [
    ("09.02.07", "Информационные системы и программирование", "Программист"),
    ("22.02.06", "Сварочное производство", "Техник"),
]
# A specialty only a few colleges teach: the same programmes at either size, so a search
# for it shows the same rows over a table 30 times bigger.
RARE_SPECIALTY, RARE_PROGRAMMES = ("15.02.09", "Аддитивные технологии", "Техник-технолог"), 4
SCALES = [(Scale.CONFORMITY, None), (Scale.POINTS_2, None), (Scale.YES_NO, None), (Scale.POINTS_N, 5)]
MEASURED_EXPERTS = 10
SECTIONS, PER_SECTION = 6, 10  # 60 criteria
NOW = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)


def _checklist() -> tuple[int, list[tuple[int, int]]]:
    version = builders.checklist(
        [
            (
                f"Раздел {s}",
                [
                    (
                        f"Критерий {s}.{c}: программа отвечает требованию работодателей № {c}",
                        *SCALES[c % 4],
                        1.5 if c % 3 == 0 else 1,
                        c % 7 != 0,
                    )
                    for c in range(1, PER_SECTION + 1)
                ],
            )
            for s in range(1, SECTIONS + 1)
        ],
        title="Экспертный чек-лист оценки ОПОП СПО",
        published_at=NOW,
    )
    return version.id, [(c.id, c.max_value) for c in version.criteria]


def _answers(assessment_ids: list[int], criteria: list[tuple[int, int]], rng: random.Random) -> None:
    rows = []
    for assessment_id in assessment_ids:
        for criterion_id, top in criteria:
            value = top if rng.random() < 0.75 else max(top - 1, 0)
            rows.append(
                dict(
                    assessment_id=assessment_id,
                    criterion_id=criterion_id,
                    value=value,
                    comment="" if value == top else "Требуется доработка",
                    saved_at=NOW,
                )
            )
    bulk_insert(Answer, rows)


def fill_expertise(counts: dict[str, int], rng: random.Random) -> dict:
    version_id, criteria = _checklist()
    colleges = list(
        db.session.scalars(
            select(Organization.id).where(
                Organization.kind.in_([OrganizationKind.COLLEGE.value, OrganizationKind.TECHNICAL_SCHOOL.value])
            )
        )
    )
    employers = list(
        db.session.scalars(
            select(Person.id)
            .join(Person.organization)
            .where(Organization.kind == OrganizationKind.EMPLOYER.value)
            .limit(MEASURED_EXPERTS * 3)
        )
    )
    # Each expert has an account of role expert (the hash is never used: nobody signs in as them).
    bulk_insert(
        User,
        [
            dict(email=f"expert{n}@bench.test", password_hash="!", role=Role.EXPERT.value, person_id=person_id)
            for n, person_id in enumerate(employers)
        ],
    )

    programmes = [
        dict(
            code=RARE_SPECIALTY[0],
            name=RARE_SPECIALTY[1],
            qualification=RARE_SPECIALTY[2],
            college_id=colleges[n],
            intake_year=2020 + n,
            study_form="full_time",
            approval_status="approved",
        )
        for n in range(RARE_PROGRAMMES)
    ]
    for n in range(counts["programmes"]):
        code, name, qualification = SPECIALTIES[n % len(SPECIALTIES)]
        programmes.append(
            dict(
                code=code,
                name=name,
                qualification=qualification,
                college_id=colleges[n % len(colleges)],
                intake_year=2000 + n // (len(SPECIALTIES) * len(colleges)),
                study_form="full_time",
                approval_status="approved",
            )
        )
    bulk_insert(Programme, programmes)
    programme_ids = ids_of(Programme)

    # Past sessions, completed, three experts each (their answers are what makes the tables big).
    sessions = [
        dict(
            programme_id=programme_ids[n % len(programme_ids)],
            checklist_version_id=version_id,
            held_on=date(2022, 1, 1) + timedelta(days=n % 1400),
            place="ауд. 210",
            status=SessionStatus.COMPLETED.value,
            conclusion=Verdict.RECOMMEND.value,
            concluded_on=date(2022, 2, 1),
        )
        for n in range(counts["sessions"])
    ]
    # The measured one: open, its programme not among the others.
    sessions.append(
        dict(
            programme_id=programme_ids[-1],
            checklist_version_id=version_id,
            held_on=date(2026, 1, 15),
            place="ОГБПОУ «Томский индустриальный техникум», ауд. 210",
            status=SessionStatus.OPEN.value,
        )
    )
    bulk_insert(ExpertSession, sessions)
    session_ids = ids_of(ExpertSession)
    measured = session_ids[-1]

    assessments = [
        dict(
            session_id=session_id,
            person_id=employers[(n + k) % len(employers)],
            position=k,
            verdict=Verdict.RECOMMEND.value,
            submitted_at=NOW,
        )
        for n, session_id in enumerate(session_ids[:-1])
        for k in range(3)
    ]
    assessments += [
        dict(session_id=measured, person_id=employers[k], position=k, verdict=Verdict.RECOMMEND.value, submitted_at=NOW)
        for k in range(MEASURED_EXPERTS - 1)
    ]
    assessments.append(
        dict(
            session_id=measured,
            person_id=employers[MEASURED_EXPERTS - 1],
            position=MEASURED_EXPERTS - 1,
            verdict=None,
            submitted_at=None,
        )
    )
    bulk_insert(Assessment, assessments)
    assessment_ids = ids_of(Assessment)
    _answers(assessment_ids, criteria, rng)
    measured_assessments = assessment_ids[-MEASURED_EXPERTS:]
    return {
        "rare_specialty_part": RARE_SPECIALTY[1].split()[0][:8].casefold(),  # «аддитивн»
        "expert_session_id": measured,
        "expert_assessment_id": measured_assessments[0],
        "expert_open_assessment_id": measured_assessments[-1],
        "expert_criterion_id": criteria[0][0],
        "expert_answer_value": criteria[0][1],  # the best answer: it needs no comment
    }
