"""`flask seed-demo`: the demo data of every area, created only where missing."""

from __future__ import annotations

from sqlalchemy import select

from .auth import services as users
from .auth.models import User
from .auth.roles import Role
from .councils import demo as councils_demo
from .decisions import demo as decisions_demo
from .directory import demo as directory_demo
from .expertise import demo as expertise_demo
from .extensions import db
from .media import demo as media_demo
from .meetings import demo as meetings_demo

DEMO_ADMIN = "admin@cluster.local"


def seed() -> str | None:
    """Seeds every area; returns the generated admin password if the admin was created now."""
    password = _seed_admin()
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN))
    people = directory_demo.seed()
    councils = councils_demo.seed(people)
    # The councils' secretaries approve their protocols and keep the control of execution,
    # so the pages show their names, not the administrator's e-mail.
    secretaries = {name: _account(email, Role.SECRETARY, people[name]) for name, email in SECRETARIES.items()}
    meetings_demo.seed(people, councils, secretaries)
    decisions_demo.seed(secretaries["Жарких Е.В."])
    expertise_demo.seed(people, admin, secretaries["Кузнецова Н.В."])  # the Expert Council's
    media_demo.seed(people, admin)
    return password


SECRETARIES = {"Жарких Е.В.": "zharkikh@cluster.local", "Кузнецова Н.В.": "kuznetsova@cluster.local"}


def _account(email: str, role: Role, person) -> User:
    """The demo account of a person (generated password: an administrator resets it to hand it out)."""
    user = users.find_user(email) or db.session.scalar(select(User).where(User.person_id == person.id))
    return user or users.create_user(email, users.generate_password(), role, person.id)


def _seed_admin() -> str | None:
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN)):
        return None
    password = users.generate_password()
    users.create_user(DEMO_ADMIN, password, Role.ADMIN)
    return password
