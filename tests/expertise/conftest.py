"""Helpers of the expertise tests; checklists, programmes, sessions and answers are built by
``cluster_intranet.expertise.builders`` (shared with the demo and the benchmark)."""

from __future__ import annotations

import itertools


from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import OrganizationKind
from cluster_intranet.expertise import builders, scoring, services
from cluster_intranet.expertise.models import ChecklistVersion, ExpertSession, Programme
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import make_user

_numbers = itertools.count(1)


def build_expert(surname: str | None = None, email: str | None = None):
    """A person of an employer organization with an expert account (the tests' password): (person, email)."""
    n = next(_numbers)
    employer = factories.organization(kind=OrganizationKind.EMPLOYER.value, short_name=f"ООО «Завод № {n}»")
    person = factories.person(surname=surname or f"Экспертов{n}", organization=employer, position="главный инженер")
    email = email or f"expert{n}@cluster.test"
    make_user(Role.EXPERT, email, person.id)
    return person, email


def build_session(experts: int = 3, version: ChecklistVersion | None = None, programme: Programme | None = None):
    """An open session with ``experts`` new experts who can sign in: (session, [(assessment, email)])."""
    version, programme = version or builders.checklist(), programme or builders.programme()
    people = [build_expert() for _ in range(experts)]
    session = builders.session(programme, version, [person.id for person, _ in people])
    return session, list(zip(session.assessments, [email for _, email in people]))


def submit_all(session: ExpertSession, verdict: str = "recommend") -> None:
    data = scoring.load_session(session.id)
    for assessment in data.assessments:
        services.submit(data, assessment, verdict, "")
    db.session.flush()


def answer_and_submit_all(session: ExpertSession) -> None:
    """Every expert of the session answers each criterion (at its maximum) and sends the checklist."""
    for assessment in session.assessments:
        builders.answer_all(assessment, session.checklist_version.criteria)
    submit_all(session)
