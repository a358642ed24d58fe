"""users: one account per person of the directory

Two accounts linked to one person shared that person's assignments and feeds; the
services now refuse it and this index guarantees it. Should a database hold such
pairs already, the oldest account keeps the person and the others are unlinked
(their owners can be linked again, each to their own person, under «Пользователи»).

Revision ID: 0014_one_account_per_person
Revises: 0013_search_yo
"""

from alembic import op


revision = "0014_one_account_per_person"
down_revision = "0013_search_yo"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE users SET person_id = NULL WHERE person_id IS NOT NULL AND id NOT IN "
        "(SELECT min(id) FROM users WHERE person_id IS NOT NULL GROUP BY person_id)"
    )
    op.create_index(op.f("ix_users_person_id"), "users", ["person_id"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_users_person_id"), table_name="users")
