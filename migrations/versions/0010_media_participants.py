"""media: the participants that cover the cluster's events

Revision ID: 0010_media_participants
Revises: 0009_audit
"""

from alembic import op
import sqlalchemy as sa


revision = "0010_media_participants"
down_revision = "0009_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_media_participants_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_participants")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_media_participants_organization_id")),
    )


def downgrade():
    op.drop_table("media_participants")
