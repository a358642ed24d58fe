"""decisions: decision_stats_stamp dropped (the one cache keys the aggregates by the deadlines' stamp)

The control pages' counts and summary are kept by cache.py under the deadlines' stamp of
feed_changes (changes.py), which every change they read already rewrites.

Revision ID: 0033_drop_decision_stats_stamp
Revises: 0032_user_sessions
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033_drop_decision_stats_stamp"
down_revision = "0032_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("decision_stats_stamp")


def downgrade():
    table = op.create_table(
        "decision_stats_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_stats_stamp")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}])
