"""decisions: a term in words («постоянно», «ежеквартально») instead of a date

Revision ID: 0029_decision_term
Revises: 0028_decision_labels
"""

from alembic import op
import sqlalchemy as sa


revision = "0029_decision_term"
down_revision = "0028_decision_labels"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decisions", sa.Column("term", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    op.drop_column("decisions", "term")
