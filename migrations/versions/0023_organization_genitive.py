"""organizations: the short name in the genitive («консультант Департамента …»)

Attendees taken from the directory are written «position + organisation», which needs
the genitive. Existing rows get the form pymorphy3 proposes (documents.grammar), as new
ones do when they are created; quoted names and abbreviations stay as they are.

Revision ID: 0023_organization_genitive
Revises: 0022_feed_changes
"""

from alembic import op
import sqlalchemy as sa


revision = "0023_organization_genitive"
down_revision = "0022_feed_changes"
branch_labels = None
depends_on = None


def upgrade():
    from cluster_intranet.documents.grammar import organization_genitive

    op.add_column("organizations", sa.Column("name_genitive", sa.String(length=300), nullable=False, server_default=""))
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Integer),
        sa.column("short_name", sa.String),
        sa.column("name_genitive", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(organizations.c.id, organizations.c.short_name)).all()
    for row in rows:
        connection.execute(
            organizations.update()
            .where(organizations.c.id == row.id)
            .values(name_genitive=organization_genitive(row.short_name))
        )


def downgrade():
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy of the table would lose its search triggers (0012).
    op.execute("ALTER TABLE organizations DROP COLUMN name_genitive")
