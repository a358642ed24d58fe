from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import Person
from ..extensions import db
from ..model_mixins import LabeledEnum, TimestampMixin, VersionedMixin


class MemberRole(LabeledEnum):
    CHAIR = "chair", "Председатель"
    DEPUTY = "deputy", "Заместитель председателя"
    SECRETARY = "secretary", "Секретарь"
    MEMBER = "member", "Член совета"


class Council(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    # «заседания Координационного совета ...»: documents need the genitive.
    name_genitive: Mapped[str] = mapped_column(String(300))
    # «Секретарь Координационного совета»: signature lines use the short genitive.
    short_genitive: Mapped[str] = mapped_column(String(300), default="")
    # Quorum: strictly more than this share of the members, in percent.
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    protocol_form: Mapped[str] = mapped_column(String(20), default="short")

    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="CouncilMember.position"
    )

    def __repr__(self) -> str:
        return f"<Council {self.name}>"

    def quorum_needed(self, member_count: int | None = None) -> int:
        """The smallest number of members present that makes a quorum."""
        total = len(self.members) if member_count is None else member_count
        return total * self.quorum_percent // 100 + 1

    def has_quorum(self, members_present: int, member_count: int | None = None) -> bool:
        return members_present >= self.quorum_needed(member_count)


class CouncilMember(VersionedMixin, db.Model):
    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "person_id"), {"info": {"label": "члены советов"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER.value)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in the list

    council: Mapped[Council] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()

    role_label = MemberRole.label_of("role")
