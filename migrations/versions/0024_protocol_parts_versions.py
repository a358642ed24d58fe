"""attendances, agenda_items, council_members: a row version (lost updates refused)

As meetings and decisions already do: a form carries the version of the row it was
built from, and a save based on an older one is refused, naming who changed it.

Revision ID: 0024_protocol_parts_versions
Revises: 0023_organization_genitive
"""

from alembic import op
import sqlalchemy as sa


revision = "0024_protocol_parts_versions"
down_revision = "0023_organization_genitive"
branch_labels = None
depends_on = None

TABLES = ("attendances", "agenda_items", "council_members")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in TABLES:
        # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy would lose what other migrations hung on the tables.
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
