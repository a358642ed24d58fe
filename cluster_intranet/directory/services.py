"""The directory of participants and people: queries and changes."""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, not_, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..concurrency import ensure_current
from ..documents.grammar import organization_genitive
from ..extensions import db
from ..listing import rows_in_turn
from ..search import contains_text, fold, search_pattern
from ..text import short_name
from ..references import delete_unreferenced
from .models import NAME_ORDER, Organization, Person


class DirectoryError(ValueError):
    """A change refused for a reason the user should read; ``field`` names the form field,
    ``status`` the answer's (409: the row exists already, perhaps the form was sent twice)."""

    def __init__(self, message: str, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.field = field
        self.status = status


def organizations_query(text: str = "") -> Select:
    stmt = select(Organization).order_by(Organization.short_name)
    if text.strip():
        stmt = stmt.where(contains_text(Organization, text))
    return stmt


def people_ids_query(organization_id: int | None = None) -> Select:
    """The ids of the people list, in its order.

    The index ix_people_name holds all this needs, so a page of ids costs little even
    400 pages deep (a page of whole rows would read every row before it on PostgreSQL);
    ``people_by_ids`` then loads just that page.
    """
    stmt = select(Person.id).order_by(*NAME_ORDER)
    if organization_id:
        stmt = stmt.where(Person.organization_id == organization_id)
    return stmt


def people_list(text: str = "", organization_id: int | None = None) -> list[Select]:
    """The people list as parts read in turn (``listing``), each in name order: all
    people; or, when searched, those whose surname begins with the text, then the
    others whose words contain it.

    The first part is a range of the name index, so its first page and its count up to
    ``search.MANY`` cost the same however many Кузнецовы the directory holds; only a
    text that begins few surnames costs a search of every word.
    """
    stmt = people_ids_query(organization_id)
    if not text.strip():
        return [stmt]
    begins = _surname_begins_with(text)
    return [stmt.where(begins), stmt.where(contains_text(Person, text), not_(begins))]


def people_by_ids(ids: list[int]) -> list[Person]:
    """The people of ``ids`` in that order, with their organizations."""
    if not ids:
        return []
    stmt = select(Person).options(joinedload(Person.organization)).where(Person.id.in_(ids))
    found = {person.id: person for person in db.session.scalars(stmt)}
    return [found[i] for i in ids if i in found]


def search_people(text: str, limit: int = 10) -> list[Person]:
    """Suggestions for a «type part of the name» picker: the first people of the list
    searched for ``text``."""
    if not text.strip():
        return []
    return people_by_ids(rows_in_turn(people_list(text), 0, limit))


def _surname_begins_with(text: str):
    """The range of sort names (folded, surname first) beginning with the text folded
    alike (its upper end is the text with its last letter moved one on), read from
    ix_people_name. The search text, also in that index, makes sure each of them
    contains the text whatever the database's collation puts in the range."""
    start = fold(text.strip())
    end = start[:-1] + chr(ord(start[-1]) + 1)
    words_begin = Person.search_text.like(search_pattern(text, prefix=True), escape="\\")
    return and_(Person.sort_name >= start, Person.sort_name < end, words_begin)


def short_names(person_ids: list[int]) -> dict[int, str]:
    """«Фамилия И.О.» by id, for chips of people chosen in a form."""
    if not person_ids:
        return {}
    return {p.id: p.short_name for p in db.session.scalars(select(Person).where(Person.id.in_(person_ids)))}


def picked_people(person_ids) -> list[tuple[int, str]]:
    """(id, «Фамилия И.О.») of the people chosen in a picker, in their order; ids that
    are not a person's (an empty or a mistyped value) are left out."""
    ids = [i for i in (person_ids or []) if isinstance(i, int)]
    names = short_names(ids)
    return [(i, names[i]) for i in dict.fromkeys(ids) if i in names]


def person_choices() -> list[tuple[int, str]]:
    """(id, «Фамилия И.О.») of every person, in the directory's order: a form's choice of
    people (a meeting's chair and secretary)."""
    rows = db.session.execute(
        select(Person.id, Person.surname, Person.first_name, Person.patronymic).order_by(*NAME_ORDER)
    )
    return [(r.id, short_name(r.surname, r.first_name, r.patronymic)) for r in rows]


def account_person_choices() -> list[tuple[int, str]]:
    """(id, label) of each person, in the directory's order, as the form linking an account
    to a person lists them: the name with the organization (namesakes apart) and the e-mail
    of the account the person already has, if any: «Пояркова О.Н. — ОГБПОУ «…» · poyarkova@…»
    (a bare «Пояркова О. Н.» told neither, and picking a linked person was refused only on
    saving)."""
    rows = db.session.execute(
        select(Person.id, Person.surname, Person.first_name, Person.patronymic, Organization.short_name, User.email)
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .outerjoin(User, User.person_id == Person.id)
        .order_by(*NAME_ORDER)
    )
    labels = {}
    for r in rows:
        label = short_name(r.surname, r.first_name, r.patronymic)
        label += f" — {r.short_name}" if r.short_name else ""
        labels.setdefault(r.id, label + (f" · {r.email}" if r.email else ""))
    return list(labels.items())


def organization_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organization.id, Organization.short_name).order_by(Organization.short_name))
    return [(row.id, row.short_name) for row in rows]


def save_organization(org: Organization, data: dict, version: int | None = None) -> Organization:
    """Creates or updates an organization; ``version`` is the one the form was built from."""
    ensure_current(org, version, DirectoryError)
    duplicate = db.session.scalar(
        select(Organization.id).where(Organization.short_name == data["short_name"], Organization.id != org.id)
    )
    if duplicate:
        raise DirectoryError("Организация с таким кратким наименованием уже есть.", "short_name", 409)
    for field, value in data.items():
        setattr(org, field, value)
    if not org.name_genitive:  # proposed; the organisation's form shows it for correction
        org.name_genitive = organization_genitive(org.short_name)
    db.session.add(org)
    db.session.flush()
    return org


def save_person(person: Person, data: dict, version: int | None = None) -> Person:
    """Creates or updates a person; ``version`` is the one the form was built from."""
    ensure_current(person, version, DirectoryError)
    for field, value in data.items():
        setattr(person, field, value)
    db.session.add(person)
    db.session.flush()
    return person


def add_person_in_place(data: dict, organization_id: int | None, new_organization: dict | None) -> Person:
    """A person created from a picker: with the organisation picked (``organization_id``)
    or, with ``new_organization`` (short_name, full_name, kind), one created with them.
    Initials typed together («Ю.А.» as the first name) are split into name and patronymic."""
    if organization_id and new_organization:
        raise DirectoryError("Выберите организацию из списка или впишите новую — не обе сразу.", "new_organization")
    first, patronymic = data["first_name"], data.get("patronymic", "")
    initials = _TWO_INITIALS.match(first)
    if initials and not patronymic:
        first, patronymic = f"{initials[1]}.", f"{initials[2]}."
    if organization_id and db.session.get(Organization, organization_id) is None:
        raise DirectoryError("Такой организации нет в справочнике.", "organization_id")
    if new_organization:
        try:
            organization_id = save_organization(Organization(), new_organization).id
        except DirectoryError as error:  # said of the organization typed anew, in the person's form
            raise DirectoryError(str(error), "new_organization") from error
    fields = {**data, "first_name": first, "patronymic": patronymic, "organization_id": organization_id}
    return save_person(Person(), fields)


_TWO_INITIALS = re.compile(r"^\s*([А-ЯЁA-Z])\.\s*([А-ЯЁA-Z])\.?\s*$")


def delete_entry(entry: Organization | Person) -> None:
    """Deletes an organization or a person unless a protocol or another record uses it,
    or the person signs in: the account would lose its name and its tasks."""
    account = (
        db.session.scalar(select(User.email).where(User.person_id == entry.id)) if isinstance(entry, Person) else None
    )
    if account:
        raise DirectoryError(
            f"Нельзя удалить сотрудника: с ним связана учётная запись {account}. "
            "Сначала отвяжите её в разделе «Пользователи»."
        )
    delete_unreferenced(entry, "организацию" if isinstance(entry, Organization) else "сотрудника", DirectoryError)
