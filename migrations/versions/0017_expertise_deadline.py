"""expertise: the experts' deadline of a session (its date is the meeting's)

Revision ID: 0017_expertise_deadline
Revises: 0016_expertise_on_behalf
"""

from alembic import op
import sqlalchemy as sa


revision = "0017_expertise_deadline"
down_revision = "0016_expertise_on_behalf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("expert_sessions") as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("expert_sessions") as batch_op:
        batch_op.drop_column("deadline")
