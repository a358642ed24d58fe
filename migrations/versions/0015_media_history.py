"""media: the history of an event's statuses and dates, and the date it was postponed from

Revision ID: 0015_media_history
Revises: 0014_one_account_per_person
"""

from alembic import op
import sqlalchemy as sa


revision = "0015_media_history"
down_revision = "0014_one_account_per_person"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_event_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("old_when", sa.String(length=100), nullable=False),
        sa.Column("new_when", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["media_events.id"],
            name=op.f("fk_media_event_changes_event_id_media_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_media_event_changes_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_event_changes")),
    )
    op.create_index(op.f("ix_media_event_changes_event_id"), "media_event_changes", ["event_id"], unique=False)
    with op.batch_alter_table("media_events") as batch_op:
        batch_op.add_column(sa.Column("postponed_from", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("media_events") as batch_op:
        batch_op.drop_column("postponed_from")
    op.drop_index(op.f("ix_media_event_changes_event_id"), table_name="media_event_changes")
    op.drop_table("media_event_changes")
