"""protocol imports kept in the materials' file storage; protocol_imports dropped

An uploaded protocol under review becomes a version of no material yet (its ``lines``
kept on it); the original of an imported protocol the material «Исходный файл
протокола» of its meeting (``protocol_original``: not an appendix of the protocol).
The bytes stay in the database (a row's content), as protocol_imports kept them.

Revision ID: 0030_imports_in_materials
Revises: 0029_decision_term
"""

import hashlib
from pathlib import Path, PurePath

from alembic import op
from flask import current_app, has_app_context
import sqlalchemy as sa


revision = "0030_imports_in_materials"
down_revision = "0029_decision_term"
branch_labels = None
depends_on = None

TITLE = "Исходный файл протокола"
KINDS = {".docx": "docx", ".doc": "doc", ".rtf": "rtf", ".odt": "odt", ".txt": "txt"}

imports = sa.table(
    "protocol_imports",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("created_by_id", sa.Integer),
    sa.column("filename", sa.String),
    sa.column("size", sa.Integer),
    sa.column("content", sa.LargeBinary),
    sa.column("lines", sa.JSON),
    sa.column("meeting_id", sa.Integer),
    sa.column("confirmed_at", sa.DateTime),
)
materials = sa.table(
    "materials",
    sa.column("id", sa.Integer),
    sa.column("meeting_id", sa.Integer),
    sa.column("agenda_item_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("position", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("protocol_original", sa.Boolean),
)
versions = sa.table(
    "material_versions",
    sa.column("id", sa.Integer),
    sa.column("material_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("filename", sa.String),
    sa.column("kind", sa.String),
    sa.column("size", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("content", sa.LargeBinary),
    sa.column("uploaded_by_id", sa.Integer),
    sa.column("uploaded_at", sa.DateTime),
    sa.column("lines", sa.JSON),
)


def upgrade():
    # Plain ADD COLUMN on materials: a batch copy of it would cascade to its versions.
    op.add_column("materials", sa.Column("protocol_original", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("material_versions") as batch:  # nothing refers to it: a copy is safe
        batch.alter_column("material_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("lines", sa.JSON(), nullable=True))

    connection = op.get_bind()
    for row in connection.execute(sa.select(imports).order_by(imports.c.id)).all():
        material_id = None
        if row.meeting_id is not None:
            last = connection.scalar(
                sa.select(sa.func.max(materials.c.position)).where(materials.c.meeting_id == row.meeting_id)
            )
            material_id = connection.execute(
                materials.insert().returning(materials.c.id),
                {
                    "meeting_id": row.meeting_id,
                    "agenda_item_id": None,
                    "title": TITLE,
                    "position": (last or 0) + 1,
                    "created_at": row.confirmed_at or row.created_at,
                    "protocol_original": True,
                },
            ).scalar_one()
        connection.execute(
            versions.insert(),
            {
                "material_id": material_id,
                "number": 1,
                "filename": PurePath(row.filename).name[:255],
                "kind": KINDS.get(PurePath(row.filename).suffix.lower(), "txt"),
                "size": len(row.content),
                "sha256": hashlib.sha256(row.content).hexdigest(),
                "content": row.content,
                "uploaded_by_id": row.created_by_id,
                "uploaded_at": row.created_at,
                "lines": row.lines,
            },
        )
    op.drop_index(op.f("ix_protocol_imports_meeting_id"), table_name="protocol_imports")
    op.drop_table("protocol_imports")


def _stored_bytes(row) -> bytes:
    """A version's bytes: its row's, or, for a file kept in MATERIALS_DIR (content NULL),
    read back from there (named by its SHA-256 under its first two digits, as
    materials/services.py writes it); b"" when the directory no longer has it."""
    if row.content is not None:
        return row.content
    directory = current_app.config.get("MATERIALS_DIR") if has_app_context() else None
    path = Path(directory) / row.sha256[:2] / row.sha256 if directory else None
    return path.read_bytes() if path is not None and path.is_file() else b""


def downgrade():
    op.create_table(
        "protocol_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_protocol_imports_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_protocol_imports_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_imports")),
    )
    op.create_index(op.f("ix_protocol_imports_meeting_id"), "protocol_imports", ["meeting_id"], unique=False)

    connection = op.get_bind()
    # The old table kept the bytes themselves: a file kept in MATERIALS_DIR comes back from there.
    kept = connection.execute(
        sa.select(versions, materials.c.meeting_id, materials.c.created_at.label("attached_at"))
        .select_from(versions.outerjoin(materials, versions.c.material_id == materials.c.id))
        .where(versions.c.lines.is_not(None), sa.or_(versions.c.material_id.is_(None), materials.c.protocol_original))
        .order_by(versions.c.id)
    ).all()
    for row in kept:
        connection.execute(
            imports.insert(),
            {
                "created_at": row.uploaded_at,
                "created_by_id": row.uploaded_by_id,
                "filename": row.filename[:300],
                "size": row.size,
                "content": _stored_bytes(row),
                "lines": row.lines,
                "meeting_id": row.meeting_id,
                "confirmed_at": row.attached_at if row.meeting_id is not None else None,
            },
        )
    originals = sa.select(materials.c.id).where(materials.c.protocol_original)
    connection.execute(
        versions.delete().where(sa.or_(versions.c.material_id.in_(originals), versions.c.material_id.is_(None)))
    )
    connection.execute(materials.delete().where(materials.c.protocol_original))

    with op.batch_alter_table("material_versions") as batch:
        batch.drop_column("lines")
        batch.alter_column("material_id", existing_type=sa.Integer(), nullable=False)
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy of materials would cascade to its versions.
    op.execute("ALTER TABLE materials DROP COLUMN protocol_original")
