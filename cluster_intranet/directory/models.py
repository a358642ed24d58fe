from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..documents.grammar import organization_genitive
from ..extensions import db
from ..model_mixins import LabeledEnum, SearchableMixin, TimestampMixin, VersionedMixin
from ..search import fold
from ..text import short_name


class OrganizationKind(LabeledEnum):
    COLLEGE = "college", "Колледж"
    TECHNICAL_SCHOOL = "technical_school", "Техникум"
    SCHOOL = "school", "Школа"
    AUTHORITY = "authority", "Орган власти"
    FUND = "fund", "Фонд"
    EMPLOYER = "employer", "Работодатель"


class Organization(SearchableMixin, VersionedMixin, TimestampMixin, db.Model):
    """A participant of the cluster."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(300), unique=True)
    # «консультант Департамента …»: attendees are written position + organisation. Proposed
    # when a row is inserted without one (services.save_organization for the forms).
    name_genitive: Mapped[str] = mapped_column(
        String(300),
        default=lambda context: organization_genitive(context.get_current_parameters()["short_name"]),
        server_default="",
    )
    full_name: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(30), default=OrganizationKind.COLLEGE.value)
    website: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(100), default="")

    def __repr__(self) -> str:
        return f"<Organization {self.short_name}>"

    kind_label = OrganizationKind.label_of("kind")

    @property
    def genitive(self) -> str:
        """The short name as it follows a position («консультант Департамента …»)."""
        return self.name_genitive or self.short_name

    def search_values(self):
        return [self.short_name, self.full_name, self.city, self.website]


class Person(SearchableMixin, VersionedMixin, TimestampMixin, db.Model):
    """A member of staff of a participant (or a guest)."""

    __tablename__ = "people"
    __table_args__ = (
        # The list's order, then search_text: a page of ids, searched or not, is read from
        # this index alone (directory.services.people_ids_query), however deep the page.
        Index("ix_people_name", "sort_name", "id", "search_text"),
        {"info": {"label": "сотрудники"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str] = mapped_column(String(100), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    position: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    # The name as lists sort it: folded as search folds it («Ёлкин» between «Егоров» and
    # «Жуков», whatever the database's collation); kept with search_text.
    sort_name: Mapped[str] = mapped_column(String(310), default="")

    organization: Mapped[Organization | None] = relationship()

    def __repr__(self) -> str:
        return f"<Person {self.short_name}>"

    @property
    def short_name(self) -> str:
        """«Беляев Е.В.»: surname and initials, as protocols write names."""
        return short_name(self.surname, self.first_name, self.patronymic)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.first_name, self.patronymic) if part)

    def search_values(self):
        return [self.surname, self.first_name, self.patronymic, self.email, self.position]

    def refresh_search_text(self) -> None:
        super().refresh_search_text()
        self.sort_name = fold(self.full_name)


# People in name order, «ё» as «е» (Person.sort_name), on every database.
NAME_ORDER = (Person.sort_name, Person.id)
