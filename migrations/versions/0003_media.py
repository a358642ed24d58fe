"""media: plans, events, channels, publications

Revision ID: 0003_media
Revises: 0002_meetings
"""

from alembic import op
import sqlalchemy as sa


revision = "0003_media"
down_revision = "0002_meetings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_media_plans_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["responsible_id"], ["people.id"], name=op.f("fk_media_plans_responsible_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_plans")),
    )
    with op.batch_alter_table("media_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_plans_responsible_id"), ["responsible_id"], unique=False)

    op.create_table(
        "media_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("release_text", sa.Text(), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organizer_id"], ["organizations.id"], name=op.f("fk_media_events_organizer_id_organizations")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["media_plans.id"], name=op.f("fk_media_events_plan_id_media_plans")),
        sa.ForeignKeyConstraint(["responsible_id"], ["people.id"], name=op.f("fk_media_events_responsible_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_events")),
        info={"label": "мероприятия медиаплана"},
    )
    with op.batch_alter_table("media_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_events_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_events_organizer_id"), ["organizer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_events_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_events_responsible_id"), ["responsible_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_events_starts_on"), ["starts_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_events_status"), ["status"], unique=False)

    op.create_table(
        "media_event_channels",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["media_events.id"],
            name=op.f("fk_media_event_channels_event_id_media_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "channel", name=op.f("pk_media_event_channels")),
    )
    op.create_table(
        "media_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["media_events.id"], name=op.f("fk_media_publications_event_id_media_events")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_media_publications_organization_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_media_publications_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_publications")),
        sa.UniqueConstraint(
            "event_id",
            "organization_id",
            "channel",
            name=op.f("uq_media_publications_event_id_organization_id_channel"),
        ),
        info={"label": "публикации о мероприятиях"},
    )
    with op.batch_alter_table("media_publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_publications_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_publications_organization_id"), ["organization_id"], unique=False)


def downgrade():
    with op.batch_alter_table("media_publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_publications_organization_id"))
        batch_op.drop_index(batch_op.f("ix_media_publications_event_id"))
    op.drop_table("media_publications")
    op.drop_table("media_event_channels")
    with op.batch_alter_table("media_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_events_status"))
        batch_op.drop_index(batch_op.f("ix_media_events_starts_on"))
        batch_op.drop_index(batch_op.f("ix_media_events_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_media_events_plan_id"))
        batch_op.drop_index(batch_op.f("ix_media_events_organizer_id"))
        batch_op.drop_index(batch_op.f("ix_media_events_ends_on"))
    op.drop_table("media_events")
    with op.batch_alter_table("media_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_plans_responsible_id"))
    op.drop_table("media_plans")
