"""mail: the queue of outgoing messages (reminder digests, meeting invitations)

Revision ID: 0021_outgoing_messages
Revises: 0020_materials
"""

from alembic import op
import sqlalchemy as sa

revision = "0021_outgoing_messages"
down_revision = "0020_materials"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outgoing_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_outgoing_messages_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_outgoing_messages_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outgoing_messages_key")),
        info={"label": "исходящие письма"},
    )
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_messages_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_messages_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_messages_meeting_id"), ["meeting_id"], unique=False)


def downgrade():
    op.drop_table("outgoing_messages")
