"""A material is a titled paper of a meeting (or of one of its agenda items); each
upload of it is a version, and the newest version is the material's file. The bytes
live in the database (``content``) or, when MATERIALS_DIR is set, in that directory
under their SHA-256 (``content`` is then NULL): either way one row says what the file is.

A protocol uploaded for import is kept here too: a version of no material while the
secretary reviews it (with the lines the importer read from it), then the first version
of the meeting's material «Исходный файл протокола» once the import is confirmed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .. import clock
from ..auth.models import User
from ..extensions import db
from ..meetings.models import AgendaItem, Meeting
from ..model_mixins import UTCDateTime


class Material(db.Model):
    __tablename__ = "materials"
    __table_args__ = {"info": {"label": "материалы заседаний"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # None: a paper of the whole meeting; a deleted agenda item leaves it to the meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within the meeting
    # The original of an imported protocol: the meeting's own record, not one of its
    # papers (not an appendix of the protocol).
    protocol_original: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())

    # The meeting reads its materials (the protocol's «Приложения») without importing this area.
    meeting: Mapped[Meeting] = relationship(backref=backref("materials", order_by="Material.position", viewonly=True))
    agenda_item: Mapped[AgendaItem | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MaterialVersion.number",
    )  # fmt: skip

    @property
    def current(self) -> MaterialVersion:
        return self.versions[-1]


class MaterialVersion(db.Model):
    __tablename__ = "material_versions"
    __table_args__ = (UniqueConstraint("material_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a protocol uploaded for import, under review (``lines`` says so).
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the material
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded
    kind: Mapped[str] = mapped_column(String(10))  # docx, xlsx, pptx, pdf, png, jpeg, gif, webp: read from the bytes
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: lists never need the files. NULL: the file is in MATERIALS_DIR.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    # A protocol uploaded for import: the paragraphs the importer read from the file, so
    # the review page parses them again without LibreOffice. None for any other file.
    lines: Mapped[list | None] = mapped_column(JSON, deferred=True)

    material: Mapped[Material | None] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def meeting_id(self) -> int | None:
        """The meeting whose material this is (None: an import under review)."""
        return self.material.meeting_id if self.material is not None else None
