"""`flask seed-demo`: the demo data of every area, created only where missing."""
from __future__ import annotations

from sqlalchemy import select

from .auth import services as users
from .auth.models import User
from .auth.roles import Role
from .extensions import db

DEMO_ADMIN = "admin@cluster.local"


def seed() -> str | None:
    """Seeds every area; returns the generated admin password if the admin was created now."""
    from .councils import demo as councils_demo
    from .decisions import demo as decisions_demo
    from .directory import demo as directory_demo
    from .expertise import demo as expertise_demo
    from .media import demo as media_demo
    from .meetings import demo as meetings_demo

    password = _seed_admin()
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN))
    people = directory_demo.seed()
    councils = councils_demo.seed(people)
    meetings_demo.seed(people, councils, admin)
    decisions_demo.seed(admin)
    expertise_demo.seed(people, admin)
    media_demo.seed(people, admin)
    return password


def _seed_admin() -> str | None:
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN)):
        return None
    password = users.generate_password()
    users.create_user(DEMO_ADMIN, password, Role.ADMIN)
    return password
