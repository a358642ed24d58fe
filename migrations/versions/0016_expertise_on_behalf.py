"""expertise: who changed an expert's answer or sent the checklist on the expert's behalf

Revision ID: 0016_expertise_on_behalf
Revises: 0015_media_history
"""

from alembic import op
import sqlalchemy as sa


revision = "0016_expertise_on_behalf"
down_revision = "0015_media_history"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("expert_answers") as batch_op:
        batch_op.add_column(sa.Column("changed_by_name", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("expert_assessments") as batch_op:
        batch_op.add_column(sa.Column("submitted_by_name", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("expert_assessments") as batch_op:
        batch_op.drop_column("submitted_by_name")
    with op.batch_alter_table("expert_answers") as batch_op:
        batch_op.drop_column("changed_by_name")
