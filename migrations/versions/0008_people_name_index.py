"""people: an index in the order of the people list

The list is ordered by surname, first name, patronymic, id; without this index every
page sorted the whole table. With search_text as the last column, a page of ids, of
the whole list or of a search, is read from the index alone however deep the page
(directory.services.people_ids_query).

Revision ID: 0008_people_name_index
Revises: 0007_calendar
"""

from alembic import op

revision = "0008_people_name_index"
down_revision = "0007_calendar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_people_name", "people", ["surname", "first_name", "patronymic", "id", "search_text"], unique=False
    )


def downgrade():
    op.drop_index("ix_people_name", table_name="people")
