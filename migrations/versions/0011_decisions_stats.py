"""decisions: the stamp of the control pages' cached aggregates

Revision ID: 0011_decisions_stats
Revises: 0010_media_participants
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_decisions_stats"
down_revision = "0010_media_participants"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "decision_stats_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_stats_stamp")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}])


def downgrade():
    op.drop_table("decision_stats_stamp")
