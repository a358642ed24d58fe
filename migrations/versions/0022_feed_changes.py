"""feeds: the stamp of each source's last change (changes.py)

Revision ID: 0022_feed_changes
Revises: 0021_outgoing_messages
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_feed_changes"
down_revision = "0021_outgoing_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_changes",
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("changed", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_feed_changes")),
    )


def downgrade():
    op.drop_table("feed_changes")
