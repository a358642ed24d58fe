"""people: the name as lists sort it, «ё» as «е» (sort_name), and the list's index on it

«Ёлкин» sorted before «Беляев» on SQLite and on PostgreSQL with the C collation (Ё is
U+0401, before А). Each person's sort name is their full name folded as search folds it
(search.fold: case folded, «ё» as «е»), so every database sorts it alike; ix_people_name,
which the people list and the picker read in order, is rebuilt on it.

Revision ID: 0025_people_sort_name
Revises: 0024_protocol_parts_versions
"""

from alembic import op
import sqlalchemy as sa


revision = "0025_people_sort_name"
down_revision = "0024_protocol_parts_versions"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    from cluster_intranet.search import fold

    op.add_column("people", sa.Column("sort_name", sa.String(length=310), nullable=False, server_default=""))
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("surname", sa.String),
        sa.column("first_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("sort_name", sa.String),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(people.c.id, people.c.surname, people.c.first_name, people.c.patronymic)
            .where(people.c.id > last)
            .order_by(people.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            people.update().where(people.c.id == sa.bindparam("row_id")).values(sort_name=sa.bindparam("name")),
            [
                {"row_id": r.id, "name": fold(" ".join(p for p in (r.surname, r.first_name, r.patronymic) if p))}
                for r in rows
            ],
        )
        last = rows[-1].id
    op.drop_index("ix_people_name", table_name="people")
    op.create_index("ix_people_name", "people", ["sort_name", "id", "search_text"], unique=False)


def downgrade():
    op.drop_index("ix_people_name", table_name="people")
    op.create_index(
        "ix_people_name", "people", ["surname", "first_name", "patronymic", "id", "search_text"], unique=False
    )
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy would lose the search triggers (0012).
    op.execute("ALTER TABLE people DROP COLUMN sort_name")
