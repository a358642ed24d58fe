"""expertise: the documents of a confirmed conclusion as they were confirmed (a snapshot)

Revision ID: 0018_expertise_frozen_documents
Revises: 0017_expertise_deadline
"""

from alembic import op
import sqlalchemy as sa


revision = "0018_expertise_frozen_documents"
down_revision = "0017_expertise_deadline"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("expert_sessions") as batch_op:
        batch_op.add_column(sa.Column("documents_snapshot", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("expert_sessions") as batch_op:
        batch_op.drop_column("documents_snapshot")
