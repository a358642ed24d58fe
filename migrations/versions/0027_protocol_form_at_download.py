"""meetings: the protocol's form is chosen at download, not kept per meeting

Revision ID: 0027_protocol_form_at_download
Revises: 0026_item_votes
"""

from alembic import op
import sqlalchemy as sa


revision = "0027_protocol_form_at_download"
down_revision = "0026_item_votes"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("meetings", "protocol_form")


def downgrade():
    op.add_column("meetings", sa.Column("protocol_form", sa.String(length=20), nullable=True))
