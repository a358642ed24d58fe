from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..concurrency import ensure_current
from ..database import lock_for_update
from ..directory.models import Person
from ..extensions import db
from ..meetings.services import renumber_council
from ..text import sentence
from .models import Council, CouncilMember, MemberRole


class CouncilError(ValueError):
    """A change refused for a reason the user should read; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def councils_with_members() -> list[Council]:
    stmt = (
        select(Council)
        .options(selectinload(Council.members).selectinload(CouncilMember.person).selectinload(Person.organization))
        .order_by(Council.name)
    )
    return list(db.session.scalars(stmt))


def council_sizes() -> list:
    """(id, name, members) of every council in one query: the dashboard's list."""
    stmt = (
        select(Council.id, Council.name, func.count(CouncilMember.id).label("members"))
        .outerjoin(CouncilMember)
        .group_by(Council.id, Council.name)
        .order_by(Council.name)
    )
    return list(db.session.execute(stmt))


def save_council(council: Council, data: dict, version: int | None = None) -> Council:
    """Creates or updates a council; ``version`` is the one the form was built from."""
    ensure_current(council, version, CouncilError)
    duplicate = db.session.scalar(select(Council.id).where(Council.name == data["name"], Council.id != council.id))
    if duplicate:
        raise CouncilError("Совет с таким названием уже есть.", "name")
    form_changed = council.id is not None and data.get("protocol_form", council.protocol_form) != council.protocol_form
    for field, value in data.items():
        setattr(council, field, value)
    db.session.add(council)
    db.session.flush()
    if form_changed:  # the numbering of decisions follows the council's form
        renumber_council(council)
    return council


# Roles a council has one holder of at most; the refusal names the holder.
SINGLE_ROLES = {
    MemberRole.CHAIR: "Председатель совета уже назначен",
    MemberRole.SECRETARY: "Секретарь совета уже назначен",
}


def _check_single_role(council: Council, role: MemberRole, member: CouncilMember | None = None) -> None:
    """Refuses ``role`` if another member of ``council`` than ``member`` holds it and
    only one may. Asked of the database, after the council is locked: a concurrent
    change is seen, whatever the session's loaded members say."""
    if role not in SINGLE_ROLES:
        return
    stmt = select(CouncilMember).where(CouncilMember.council_id == council.id, CouncilMember.role == role.value)
    if member is not None:
        stmt = stmt.where(CouncilMember.id != member.id)
    holder = db.session.scalars(stmt.limit(1)).first()
    if holder is not None:
        raise CouncilError(
            sentence(f"{SINGLE_ROLES[role]}: {holder.person.short_name}")
            + " Сначала смените роль этого члена совета или исключите его из совета."
        )


def add_member(council: Council, person_id: int, role: MemberRole | str = MemberRole.MEMBER) -> CouncilMember:
    role = MemberRole(role)
    # One writer of the council's members at a time: two secretaries adding a chair
    # each at once must not both pass the check below.
    lock_for_update(council)
    if db.session.get(Person, person_id) is None:
        raise CouncilError("Такого сотрудника нет в справочнике.")
    if any(member.person_id == person_id for member in council.members):
        raise CouncilError("Этот сотрудник уже входит в совет.")
    _check_single_role(council, role)
    last = db.session.scalar(select(func.max(CouncilMember.position)).where(CouncilMember.council_id == council.id))
    member = CouncilMember(person_id=person_id, role=role.value, position=(last or 0) + 1)
    council.members.append(member)
    db.session.flush()
    return member


def change_role(member: CouncilMember, role: MemberRole | str, version: int | None = None) -> CouncilMember:
    """Gives a member another role in the same council, under the same rules as adding;
    ``version`` is the member's as the page showed it."""
    ensure_current(member, version, CouncilError)
    role = MemberRole(role)
    lock_for_update(member.council)
    _check_single_role(member.council, role, member)
    member.role = role.value
    db.session.flush()
    return member


def remove_member(member: CouncilMember) -> None:
    member.council.members.remove(member)
    db.session.flush()


def member_with_role(council: Council, role: MemberRole) -> CouncilMember | None:
    return next((m for m in council.members if m.role == role), None)
