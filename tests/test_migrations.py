"""The schema comes from Alembic migrations only, and they match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from cluster_intranet.extensions import db
from cluster_intranet.search import include_name


def test_migrations_match_the_models(app, ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_run_down_to_empty_and_up_again(app, ctx):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "people", "organizations", "councils"} <= set(inspect(db.engine).get_table_names())
