"""search: «ё» is searched as «е» (Ковалёв is found by «ковалев»)

The search text of every searchable row is written again with «е» for «ё», as
SearchableMixin now writes it; the trigram indexes follow (SQLite's FTS tables by
their update triggers, PostgreSQL's GIN indexes by themselves).

Revision ID: 0013_search_yo
Revises: 0012_search_indexes
"""

from alembic import op


revision = "0013_search_yo"
down_revision = "0012_search_indexes"
branch_labels = None
depends_on = None

SEARCHABLE = ["organizations", "people", "meetings", "programmes"]


def upgrade():
    for table in SEARCHABLE:
        op.execute(f"UPDATE {table} SET search_text = replace(search_text, 'ё', 'е') WHERE search_text LIKE '%ё%'")


def downgrade():
    pass  # «е» written for «ё» cannot be told from a real «е»; the old search found those rows too
