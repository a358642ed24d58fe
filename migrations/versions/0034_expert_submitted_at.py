"""expert_assessments: when the expert last sent the checklist himself (expert_submitted_at);
the answers of checklists the expert never sent (entered from paper) lose their «changed by»

Revision ID: 0034_expert_submitted_at
Revises: 0033_drop_decision_stats_stamp
"""

from alembic import op
import sqlalchemy as sa


revision = "0034_expert_submitted_at"
down_revision = "0033_drop_decision_stats_stamp"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("expert_assessments", sa.Column("expert_submitted_at", sa.DateTime(), nullable=True))
    # Sent by the expert: its sending. Returned once: it was sent before, perhaps by the
    # expert (who sent it then is not known), so the marks made since are kept.
    op.execute(
        "UPDATE expert_assessments SET expert_submitted_at = submitted_at "
        "WHERE submitted_at IS NOT NULL AND submitted_by_name = ''"
    )
    op.execute(
        "UPDATE expert_assessments SET expert_submitted_at = reopened_at "
        "WHERE expert_submitted_at IS NULL AND reopened_at IS NOT NULL"
    )
    # Never sent by the expert (a checklist entered from paper): its answers are nobody's change.
    op.execute(
        "UPDATE expert_answers SET changed_by_name = '' WHERE assessment_id IN "
        "(SELECT id FROM expert_assessments WHERE expert_submitted_at IS NULL)"
    )


def downgrade():
    # In place (SQLite has DROP COLUMN since 3.35): a batch copy of the table would drop the
    # old one, and with it, through ON DELETE CASCADE, every answer.
    op.drop_column("expert_assessments", "expert_submitted_at")
