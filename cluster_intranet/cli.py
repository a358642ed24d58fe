"""CLI commands that belong to no single area."""

import click
from flask import Flask

from . import backup
from .extensions import db


def init_app(app: Flask) -> None:
    backup.init_app(app)  # backup PATH, restore PATH

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Fill the database with the demo data (idempotent: a second run changes nothing)."""
        from .demo import seed

        admin_password = seed()
        db.session.commit()
        if admin_password:
            click.echo("Создан администратор демо-данных:")
            click.echo("  логин:  admin@cluster.local")
            click.echo(f"  пароль: {admin_password}")
        else:
            click.echo("Демо-данные на месте.")
