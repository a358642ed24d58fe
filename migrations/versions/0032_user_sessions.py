"""users: one row per signed-in session (user_sessions); signing out ends only that one

The session and «remember me» cookies named the account's session generation, which
signing out moved on: it ended the account's sessions on every device (and wrote the
account's row, and the audit log, at each sign-out). Now they name a session of their
own. Cookies issued before the upgrade name no session: their users sign in again.

Revision ID: 0032_user_sessions
Revises: 0031_media_approver_position
"""

from alembic import op
import sqlalchemy as sa


revision = "0032_user_sessions"
down_revision = "0031_media_approver_position"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"], unique=False)
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_generation")


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="1"))
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
