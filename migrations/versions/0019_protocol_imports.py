"""meetings: uploaded protocols under review, and the originals of imported ones

Revision ID: 0019_protocol_imports
Revises: 0018_expertise_frozen_documents
"""

import sqlalchemy as sa
from alembic import op


revision = "0019_protocol_imports"
down_revision = "0018_expertise_frozen_documents"
branch_labels = None
depends_on = None


def upgrade():
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


def downgrade():
    op.drop_index(op.f("ix_protocol_imports_meeting_id"), table_name="protocol_imports")
    op.drop_table("protocol_imports")
