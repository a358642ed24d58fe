"""CLI commands that belong to no single area."""

from pathlib import Path

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

    @app.cli.command("build-templates")
    @click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Another folder to write them to.")
    def build_templates(output: Path | None) -> None:
        """Rebuild the default .docx templates (documents/default_templates/) from their builders:
        the protocols', the media plan's and the expertise's. Run it after docx_builder.py or a
        builder changes, and commit what it writes."""
        from .documents import build_templates as protocols
        from .documents.docx_builder import OUTPUT_DIR, write_templates
        from .expertise import document_templates as expertise
        from .media import document_templates as media

        for area in (protocols, media, expertise):
            for path in write_templates(area.TEMPLATES, output or OUTPUT_DIR):
                click.echo(path)
