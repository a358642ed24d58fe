"""media: the approver's position as it was at the approval, for «УТВЕРЖДАЮ»

Revision ID: 0031_media_approver_position
Revises: 0030_imports_in_materials
"""

from alembic import op
import sqlalchemy as sa


revision = "0031_media_approver_position"
down_revision = "0030_imports_in_materials"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("media_plans") as batch_op:
        batch_op.add_column(sa.Column("approved_by_position", sa.String(length=500), nullable=False, server_default=""))
    # A plan approved before: the approver's position now, as its documents read it so far.
    op.execute(
        "UPDATE media_plans SET approved_by_position = COALESCE(("
        "SELECT people.position FROM users JOIN people ON people.id = users.person_id "
        "WHERE users.id = media_plans.approved_by_id), '') WHERE approved_by_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("media_plans") as batch_op:
        batch_op.drop_column("approved_by_position")
