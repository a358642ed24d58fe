"""documents: the template library (uploaded .docx templates, one active per kind)

Revision ID: 0006_documents
Revises: 0005_decisions
"""

from alembic import op
import sqlalchemy as sa

revision = "0006_documents"
down_revision = "0005_decisions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_document_templates_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_document_templates_kind_number")),
        info={"label": "шаблоны документов"},
    )
    with op.batch_alter_table("document_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_templates_kind"), ["kind"], unique=False)
        # At most one active version per kind.
        batch_op.create_index(
            "uq_document_templates_one_active",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        )


def downgrade():
    with op.batch_alter_table("document_templates", schema=None) as batch_op:
        batch_op.drop_index("uq_document_templates_one_active")
        batch_op.drop_index(batch_op.f("ix_document_templates_kind"))
    op.drop_table("document_templates")
