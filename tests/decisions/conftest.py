"""Fixtures of the decisions tests: a fixed clock, a council's meeting, people with accounts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cluster_intranet import clock
from cluster_intranet.auth.models import User
from cluster_intranet.auth.roles import Role
from cluster_intranet.councils.models import Council
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting
from tests import factories
from tests.conftest import make_user
from tests.decisions import support


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: support.NOW)
    return support.NOW


@dataclass
class World:
    council: Council
    meeting: Meeting
    lead: Person  # Пояркова: an expert with an account, leads the assignments
    co: Person  # a co-executor with an account
    other: Person  # responsible for nothing, with an account
    lead_user: User
    co_user: User
    other_user: User
    secretary: User


@pytest.fixture
def world(app, ctx) -> World:
    council = factories.council(name="Координационный совет", name_genitive="Координационного совета")
    lead = factories.person(
        surname="Пояркова", first_name="Ольга", patronymic="Николаевна", email="poyarkova@cluster.test"
    )
    co = factories.person(
        surname="Кузнецова", first_name="Наталья", patronymic="Викторовна", email="kuznetsova@cluster.test"
    )
    other = factories.person(
        surname="Беляев", first_name="Евгений", patronymic="Викторович", email="belyaev@cluster.test"
    )
    meeting = support.meeting(council)
    users = {
        "lead_user": make_user(Role.EXPERT, "lead@cluster.test", lead.id),
        "co_user": make_user(Role.EDITOR, "co@cluster.test", co.id),
        "other_user": make_user(Role.EXPERT, "other@cluster.test", other.id),
        "secretary": make_user(Role.SECRETARY, "control@cluster.test"),
    }
    db.session.commit()
    return World(council, meeting, lead, co, other, **users)
