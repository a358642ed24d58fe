import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from . import bp, services
from .models import User
from .roles import Role

users_cli = AppGroup("users", help="Manage user accounts.")
bp.cli.add_command(users_cli)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VIEWER.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email: str, role: str, password: str) -> None:
    """Create a user account."""
    problem = services.password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    try:
        user = services.create_user(email, password, role)
    except services.UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Создан пользователь {user.email} ({Role(user.role).label}).")


@users_cli.command("list")
def list_users() -> None:
    """List user accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "активен" if user.active else "отключён"
        click.echo(f"{user.email}\t{user.role}\t{state}")
