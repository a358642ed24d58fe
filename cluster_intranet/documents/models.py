from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..auth.models import User
from ..extensions import db
from ..model_mixins import UTCDateTime


class DocumentTemplate(db.Model):
    """An uploaded .docx template of one document kind; versions are numbered per kind.

    At most one version of a kind is active (a partial unique index says so); when
    none is, the default template shipped in the package is used.
    """

    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("kind", "number"), {"info": {"label": "шаблоны документов"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    number: Mapped[int] = mapped_column(Integer)  # the version within the kind: 1, 2, …
    # Deferred: the list of versions never needs the files themselves.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    is_active: Mapped[bool] = mapped_column(default=False)

    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DocumentTemplate {self.kind} v{self.number}{' active' if self.is_active else ''}>"


# One active version per kind, guaranteed by the database (a partial unique index).
Index(
    "uq_document_templates_one_active",
    DocumentTemplate.kind,
    unique=True,
    sqlite_where=DocumentTemplate.is_active,
    postgresql_where=DocumentTemplate.is_active,
)
