"""agenda items carry the vote; «единогласно»

A protocol records one «Голосовали» after the decisions of an item. Items get vote
columns and both items and decisions a «единогласно» flag. Where every decision of an
item carried the same vote, it becomes the item's vote and leaves the decisions;
differing votes stay on their decisions (voted on separately).

Revision ID: 0026_item_votes
Revises: 0025_people_sort_name
"""

from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = "0026_item_votes"
down_revision = "0025_people_sort_name"
branch_labels = None
depends_on = None

VOTES = ("votes_for", "votes_against", "votes_abstained")


# Plain ALTER TABLE, never batch mode: SQLite's batch mode copies a table, and dropping
# the old agenda_items would set every decision's agenda_item_id to NULL (ON DELETE SET NULL).


def upgrade():
    for name in VOTES:
        op.add_column("agenda_items", sa.Column(name, sa.Integer(), nullable=True))
    for table in ("agenda_items", "decisions"):
        op.add_column(table, sa.Column("votes_unanimous", sa.Boolean(), nullable=False, server_default=sa.false()))

    connection = op.get_bind()
    by_item = defaultdict(list)
    rows = connection.execute(
        sa.text(
            "SELECT id, agenda_item_id, votes_for, votes_against, votes_abstained FROM decisions "
            "WHERE agenda_item_id IS NOT NULL"
        )
    )
    for decision_id, item_id, *votes in rows:
        by_item[item_id].append((decision_id, tuple(votes)))
    for item_id, decisions in by_item.items():
        votes = {v for _, v in decisions}
        if len(votes) != 1 or votes == {(None, None, None)}:
            continue
        ((v_for, v_against, v_abstained),) = votes
        connection.execute(
            sa.text("UPDATE agenda_items SET votes_for = :f, votes_against = :a, votes_abstained = :b WHERE id = :id"),
            {"f": v_for, "a": v_against, "b": v_abstained, "id": item_id},
        )
        connection.execute(
            sa.text(
                "UPDATE decisions SET votes_for = NULL, votes_against = NULL, votes_abstained = NULL "
                "WHERE agenda_item_id = :id"
            ),
            {"id": item_id},
        )


def downgrade():
    """An item's vote goes back onto each of its decisions that has none («единогласно»
    as all «за» is unknown: such votes are kept as they are, without counts)."""
    connection = op.get_bind()
    items = connection.execute(
        sa.text(
            "SELECT id, votes_for, votes_against, votes_abstained FROM agenda_items "
            "WHERE votes_for IS NOT NULL OR votes_against IS NOT NULL OR votes_abstained IS NOT NULL"
        )
    )
    for item_id, v_for, v_against, v_abstained in items:
        connection.execute(
            sa.text(
                "UPDATE decisions SET votes_for = :f, votes_against = :a, votes_abstained = :b "
                "WHERE agenda_item_id = :id AND votes_for IS NULL AND votes_against IS NULL "
                "AND votes_abstained IS NULL"
            ),
            {"f": v_for, "a": v_against, "b": v_abstained, "id": item_id},
        )
    for table in ("decisions", "agenda_items"):
        op.drop_column(table, "votes_unanimous")
    for name in reversed(VOTES):
        op.drop_column("agenda_items", name)
