"""Builders for the expertise tests: a checklist with every scale, programmes, sessions, experts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import OrganizationKind
from cluster_intranet.expertise import scoring, services
from cluster_intranet.expertise.models import (
    Answer,
    ChecklistSection,
    ChecklistStatus,
    ChecklistTemplate,
    ChecklistVersion,
    Criterion,
    ExpertSession,
    Programme,
    Scale,
)
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import make_user

_numbers = itertools.count(1)

# section title -> [(wording, scale, N, weight, required)]
SPEC = [
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


def build_checklist(spec=SPEC, *, published: bool = True, title: str | None = None) -> ChecklistVersion:
    version = ChecklistVersion(
        title=title or f"Чек-лист {next(_numbers)}",
        number=1,
        status=(ChecklistStatus.PUBLISHED if published else ChecklistStatus.DRAFT).value,
        protocol_ref="Протокол № 1 от 15.11.2021" if published else "",
        sections=[
            ChecklistSection(
                title=section_title,
                position=s,
                criteria=[
                    Criterion(
                        wording=wording, scale=scale.value, max_points=n, weight=weight, required=required, position=c
                    )
                    for c, (wording, scale, n, weight, required) in enumerate(criteria, start=1)
                ],
            )
            for s, (section_title, criteria) in enumerate(spec, start=1)
        ],
    )
    db.session.add(ChecklistTemplate(versions=[version]))
    db.session.flush()
    return version


def build_programme(**fields) -> Programme:
    college = fields.pop("college", None) or factories.organization(kind=OrganizationKind.COLLEGE.value)
    programme = Programme(
        **{
            "code": "15.02.08",
            "name": "Технология машиностроения",
            "qualification": "Техник",
            "college": college,
            "intake_year": 2021,
            **fields,
        }
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def build_expert(surname: str | None = None, email: str | None = None):
    """A person of an employer organization with an expert account: (person, email)."""
    n = next(_numbers)
    employer = factories.organization(kind=OrganizationKind.EMPLOYER.value, short_name=f"ООО «Завод № {n}»")
    person = factories.person(surname=surname or f"Экспертов{n}", organization=employer, position="главный инженер")
    email = email or f"expert{n}@cluster.test"
    make_user(Role.EXPERT, email, person.id)
    return person, email


def build_session(experts: int = 3, version: ChecklistVersion | None = None, programme: Programme | None = None):
    """An open session with ``experts`` assigned experts: (session, [(assessment, email)])."""
    version = version or build_checklist()
    programme = programme or build_programme()
    session = services.save_session(
        ExpertSession(),
        {
            "programme_id": programme.id,
            "checklist_version_id": version.id,
            "held_on": dt.date(2021, 12, 3),
            "place": "ауд. 210",
        },
    )
    assigned = []
    for _ in range(experts):
        person, email = build_expert()
        assigned.append((services.add_expert(session, person.id), email))
    db.session.flush()
    return session, assigned


def answer_all(
    assessment, version: ChecklistVersion, value=lambda c: c.max_value, comment: str = "Комментарий"
) -> None:
    for criterion in version.criteria:
        v = value(criterion)
        assessment.answers.append(
            Answer(
                criterion_id=criterion.id, value=v, comment=comment if v is not None and v < criterion.max_value else ""
            )
        )
    db.session.flush()


def submit_all(session: ExpertSession, verdict: str = "recommend") -> None:
    data = scoring.load_session(session.id)
    for assessment in data.assessments:
        services.submit(data, assessment, verdict, "")
    db.session.flush()


@pytest.fixture
def sign_in(app):
    """``sign_in(email)``: a client signed in as an existing user (made by the builders above)."""

    def signed_in(email: str):
        client = app.test_client()
        response = client.login(email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return signed_in
