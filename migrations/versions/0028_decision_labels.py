"""decisions: the number as the protocol prints it («1.2» in the full form)

Revision ID: 0028_decision_labels
Revises: 0027_protocol_form_at_download
"""

from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = "0028_decision_labels"
down_revision = "0027_protocol_form_at_download"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decisions", sa.Column("label", sa.String(length=20), nullable=False, server_default=""))
    connection = op.get_bind()
    items = defaultdict(dict)  # meeting -> item id -> its number
    for meeting_id, item_id in connection.execute(
        sa.text("SELECT meeting_id, id FROM agenda_items ORDER BY meeting_id, position, id")
    ):
        items[meeting_id][item_id] = len(items[meeting_id]) + 1
    forms = dict(
        connection.execute(
            sa.text(
                "SELECT meetings.id, councils.protocol_form FROM meetings JOIN councils ON councils.id = meetings.council_id"
            )
        ).all()
    )
    decisions = defaultdict(list)
    for decision_id, meeting_id, item_id in connection.execute(
        sa.text("SELECT id, meeting_id, agenda_item_id FROM decisions ORDER BY meeting_id, number")
    ):
        decisions[meeting_id].append((decision_id, item_id))
    for meeting_id, rows in decisions.items():
        numbers = items[meeting_id]
        full = forms.get(meeting_id) == "full" and numbers
        within = defaultdict(int)
        for index, (decision_id, item_id) in enumerate(rows, start=1):
            if full:  # the rule of cluster_intranet/decisions/numbering.py, as it stood
                key = numbers.get(item_id, len(numbers) + 1)
                within[key] += 1
                label = f"{key}.{within[key]}"
            else:
                label = str(index)
            connection.execute(
                sa.text("UPDATE decisions SET label = :label WHERE id = :id"), {"label": label, "id": decision_id}
            )


def downgrade():
    op.drop_column("decisions", "label")
