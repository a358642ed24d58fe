"""search: trigram indexes for the lists' text search; the meetings list in index order

Searching ``search_text`` with LIKE '%…%' read every row. Each searchable table gets a
trigram index, per database (see cluster_intranet/search.py): a pg_trgm GIN index on
PostgreSQL, an FTS5 trigram table kept by triggers on SQLite. The b-tree indexes on
``search_text``, which no LIKE '%…%' can use, go.

The meetings list (not deleted, newest first) is read in the order of one index
instead of sorting every meeting; it replaces the index on ``deleted_at`` alone.

Revision ID: 0012_search_indexes
Revises: 0011_decisions_stats
"""

from alembic import op
import sqlalchemy as sa

revision = "0012_search_indexes"
down_revision = "0011_decisions_stats"
branch_labels = None
depends_on = None

SEARCHABLE = ["organizations", "people", "meetings", "programmes"]
BTREE_INDEXED = ["organizations", "people", "programmes"]  # ix_<table>_search_text of 0001 and 0004


def upgrade():
    for table in BTREE_INDEXED:
        op.drop_index(f"ix_{table}_search_text", table_name=table)
    op.drop_index("ix_meetings_deleted_at", table_name="meetings")
    op.create_index("ix_meetings_list", "meetings", ["deleted_at", "date", "id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        schema = _trigram_extension_schema()
        for table in SEARCHABLE:
            op.execute(
                f'CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (search_text "{schema}".gin_trgm_ops)'
            )
    elif dialect == "sqlite":
        for table in SEARCHABLE:
            _create_fts_table(table)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in SEARCHABLE:
        if dialect == "postgresql":
            op.execute(f"DROP INDEX ix_{table}_search_trgm")
        elif dialect == "sqlite":
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_{trigger}")
            op.execute(f"DROP TABLE {table}_search")
    op.drop_index("ix_meetings_list", table_name="meetings")
    op.create_index("ix_meetings_deleted_at", "meetings", ["deleted_at"])
    for table in BTREE_INDEXED:
        op.create_index(f"ix_{table}_search_text", table, ["search_text"])


def _trigram_extension_schema() -> str:
    """pg_trgm, created where the connection creates things unless the database has it:
    it is one per database, so its operator class is named with its schema."""
    bind = op.get_bind()
    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    return (
        bind.execute(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
        .scalar_one()
        .strip('"')
    )


def _create_fts_table(table: str) -> None:
    """An FTS5 index of ``table.search_text`` (external content: the text is not stored
    twice), filled now and kept by triggers, whoever writes the table."""
    index = f"{table}_search"
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}', content_rowid='id', tokenize='trigram')"
    )
    op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
    remove_old = f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    add_new = f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text);"
    op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add_new} END")
    op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove_old} END")
    op.execute(f"CREATE TRIGGER {index}_update AFTER UPDATE OF search_text ON {table} BEGIN {remove_old} {add_new} END")
