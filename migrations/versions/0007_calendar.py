"""calendar: feed tokens (hashed) and reminder preferences

Revision ID: 0007_calendar
Revises: 0006_documents
"""

from alembic import op
import sqlalchemy as sa


revision = "0007_calendar"
down_revision = "0006_documents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_issued_at", sa.DateTime(), nullable=True),
        sa.Column("event_alarm_minutes", sa.Integer(), nullable=True),
        sa.Column("deadline_alarm_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_settings")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_settings_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_settings")
