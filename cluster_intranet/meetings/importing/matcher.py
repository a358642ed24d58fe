"""The parsed protocol against the directory: each person and organisation it names
matched exactly, by surname and initials, or proposed as new; the council by name.

People are read in one query as ranges of the name index (ix_people_name, on
``people.sort_name``), whatever the size of the directory; organisations (by their
short, full or genitive name: a protocol writes «консультант Департамента …») and
councils are few and read whole. Nothing is written here: ``saving`` creates what the secretary
confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import String, and_, column, or_, select, text

from ...councils.models import Council
from ...directory.models import NAME_ORDER, Organization, Person
from ...extensions import db
from ...search import fold
from . import names
from .structure import ParsedProtocol

EXACT, INITIALS, NEW = "exact", "initials", "new"
LABELS = {EXACT: "найден", INITIALS: "по фамилии и инициалам — проверьте", NEW: "новый"}


@dataclass
class OrganizationMatch:
    written: str
    kind: str  # exact (the short, genitive or full name, any case), similar (the same words in another case), new
    organization_id: int | None = None
    label: str = ""  # the directory's short name


@dataclass
class PersonMatch:
    written: str  # the first spelling met in the protocol
    kind: str  # EXACT, INITIALS or NEW
    person_id: int | None = None
    label: str = ""  # «Пояркова О.Н., ОГБПОУ «Томский индустриальный техникум»»
    candidates: list[tuple[int, str]] = field(default_factory=list)
    # What a new person would be created with:
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""
    position: str = ""
    organization: str = ""


@dataclass
class Matches:
    council_id: int | None
    people: dict[str, PersonMatch]  # by names.key
    organizations: dict[str, OrganizationMatch]  # by fold(written)

    def person(self, written: str) -> PersonMatch | None:
        return self.people.get(names.key(written))


def _stems(text: str) -> tuple[str, ...]:
    """Words cut to five letters: «Департамента промышленности» ~ «Департамент промышленности»."""
    return tuple(word[:5] for word in re.findall(r"[\wё]+", fold(text)))


def _next(text: str) -> str:
    """The first text after all those that begin with ``text``: its last letter moved one on."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _name_range(name: names.Name) -> tuple[str, str, str]:
    """Who may be ``name``: the range of sort names (``Person.sort_name``, the full name
    folded) of its surname and first initial, and the initial of its patronymic ("" if
    none written) as the directory writes it, a capital."""
    low = f"{fold(name.surname)} {fold(name.first[0])}"
    return low, _next(low), name.patronymic[:1].upper()


def match_council(parsed: ParsedProtocol) -> int | None:
    wanted = {fold(parsed.council), fold(parsed.council_genitive)} - {""}
    for council in db.session.scalars(select(Council)):
        if {fold(council.name), fold(council.name_genitive)} & wanted:
            return council.id
    return None


def match_organizations(written: list[str]) -> dict[str, OrganizationMatch]:
    rows = db.session.execute(
        select(Organization.id, Organization.short_name, Organization.full_name, Organization.name_genitive)
    ).all()
    exact = {}
    for field_name in ("short_name", "name_genitive", "full_name"):  # the short name first, when two rows share a name
        for row in rows:
            exact.setdefault(fold(getattr(row, field_name)), row)
    exact.pop("", None)
    similar = {_stems(row.short_name): row for row in rows}
    out = {}
    for name in written:
        if not name or fold(name) in out:
            continue
        row = exact.get(fold(name))
        if row is not None:
            out[fold(name)] = OrganizationMatch(name, EXACT, row.id, row.short_name)
        elif (row := similar.get(_stems(name))) is not None:
            out[fold(name)] = OrganizationMatch(name, "similar", row.id, row.short_name)
        else:
            out[fold(name)] = OrganizationMatch(name, NEW)
    return out


def _label(row) -> str:
    """«Пояркова О.Н., заместитель директора ОГБПОУ «Томский индустриальный техникум»»"""
    initials = "".join(f"{part[0]}." for part in (row.first_name, row.patronymic) if part)
    return f"{row.surname} {initials}, {row.position} {row.organization or ''}".strip(" ,")


def match_people(
    mentions: list[tuple[str, str, str]], organizations: dict[str, OrganizationMatch]
) -> dict[str, PersonMatch]:
    """``mentions``: (name as written, position, organisation) — the attendees first,
    then names without a position (speakers, responsibles, chair, secretary)."""
    parsed = {}
    for written, position, organization in mentions:
        name = names.parse_name(written)
        if name is not None and name.key not in parsed:
            parsed[name.key] = (written, name, position, organization)
        elif name is not None and not parsed[name.key][3] and organization:
            parsed[name.key] = (parsed[name.key][0], name, position, organization)
    # One query: for each name the range of sort names (folded, «ё» as «е», surname first)
    # that begin with its surname and first initial, searched in the name index on
    # people.sort_name, and of those the ones whose patronymic has its initial. The ranges
    # are a VALUES list joined to people: one index search per name, where an OR of them
    # all would be tested against every row found. Written as text: SQLAlchemy's values()
    # is compiled anew each time, its rows one by one, slower than the query itself.
    ranges = sorted({_name_range(name) for _, name, _, _ in parsed.values()})
    found: dict[str, list] = {}
    if ranges:
        params = {}
        for n, (low, high, patronymic) in enumerate(ranges):
            params.update(
                {f"l{n}": low, f"h{n}": high, f"p{n}": patronymic, f"a{n}": _next(patronymic) if patronymic else ""}
            )
        rows = ", ".join(f"(:l{n}, :h{n}, :p{n}, :a{n})" for n in range(len(ranges)))
        # VALUES names its columns column1… on SQLite and PostgreSQL alike.
        wanted = (
            text(f"VALUES {rows}")
            .bindparams(**params)
            .columns(*(column(f"column{n}", String) for n in range(1, 5)))
            .subquery("wanted")
        )
        low, high, patronymic, after = (wanted.c[f"column{n}"] for n in range(1, 5))
        patronymic_fits = or_(patronymic == "", and_(Person.patronymic >= patronymic, Person.patronymic < after))
        stmt = (
            select(Person.id, Person.surname, Person.first_name, Person.patronymic, Person.position,
                   Person.organization_id, Organization.short_name.label("organization"))
            .select_from(wanted)
            .join(Person, and_(Person.sort_name >= low, Person.sort_name < high, patronymic_fits))
            .outerjoin(Organization, Person.organization_id == Organization.id)
            .order_by(*NAME_ORDER)
        )  # fmt: skip
        seen = set()  # a person in two ranges (the same initials, one without a patronymic's)
        for row in db.session.execute(stmt):
            if row.id in seen:
                continue
            seen.add(row.id)
            initials = "".join(f"{part[0]}." for part in (row.first_name, row.patronymic) if part)
            found.setdefault(fold(f"{row.surname} {initials}"), []).append(row)
    out = {}
    for key, (written, name, position, organization) in parsed.items():
        first_names = (fold(name.first), fold(name.first[:1] + "."))  # a full first name: that name or its initial
        same_initials = [
            row for row in found.get(fold(name.short), []) if len(name.first) < 3 or fold(row.first_name) in first_names
        ]
        org_match = organizations.get(fold(organization)) if organization else None
        in_org = [p for p in same_initials if org_match and org_match.organization_id == p.organization_id]
        match = PersonMatch(
            written,
            NEW,
            surname=name.surname,
            first_name=name.first,
            patronymic=name.patronymic,
            position=position,
            organization=organization,
            candidates=[(row.id, _label(row)) for row in same_initials],
        )
        chosen = in_org[0] if len(in_org) == 1 else (same_initials[0] if same_initials else None)
        if chosen is not None:
            exact = len(same_initials) == 1 or len(in_org) == 1
            match.kind, match.person_id, match.label = (EXACT if exact else INITIALS), chosen.id, _label(chosen)
        out[key] = match
    return out


def mentions_of(parsed: ParsedProtocol) -> list[tuple[str, str, str]]:
    mentions = [(a.name, a.position, a.organization) for a in parsed.attendees]
    others = [parsed.chair, parsed.secretary]
    for item in parsed.agenda:
        others += [item.speaker, *(s.name for s in item.heard), *(s.name for s in item.spoke)]
    others += [name for decision in parsed.decisions for name in decision.responsible]
    return mentions + [(name, "", "") for name in others if name]


def match(parsed: ParsedProtocol) -> Matches:
    organizations = match_organizations([a.organization for a in parsed.attendees])
    return Matches(match_council(parsed), match_people(mentions_of(parsed), organizations), organizations)
