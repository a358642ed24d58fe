"""The intranet of the Tomsk region's industrial educational-sectoral cluster."""

from __future__ import annotations

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import csrf, db, htmx, limiter, login_manager, migrate

# The modules that attach views, error handlers and commands to the areas' blueprints.
# An area's package holds only its blueprint, so any module may import an area's
# services or models without loading its routes (and, through them, half the app).
VIEW_MODULES = (
    "main.routes", "main.errors", "auth.routes", "auth.cli", "directory.routes", "councils.routes",
    "meetings.routes", "meetings.import_routes", "materials.routes", "invitations.routes", "decisions.routes",
    "decisions.cli", "documents.routes", "media.routes", "media.coverage_routes", "media.feeds", "expertise.routes",
    "expertise.checklist_routes", "calendar.routes", "admin.routes",
)  # fmt: skip


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("INSTANCE_PATH")
        or os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"),
        template_folder="../templates",
        static_folder="../static",
    )
    _configure(app, config or {})
    from .web import IdConverter

    app.url_map.converters["int"] = IdConverter

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from . import audit, cache, changes, database, security, templating  # noqa: F401  (audit, changes: session listeners)
    from .auth.access import require_login
    from .auth.services import load_user

    cache.init_app(app)
    database.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы открыть эту страницу."
    app.before_request(require_login)

    from . import (
        admin,
        auth,
        calendar,
        cli,
        councils,
        decisions,
        directory,
        documents,
        expertise,
        main,
        media,
        meetings,
    )
    from . import invitations, mail, materials

    for name in VIEW_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    for area in (main, auth, directory, councils, meetings, materials, invitations, decisions, documents, media,
                 expertise, calendar, admin):  # fmt: skip
        app.register_blueprint(area.bp)
    cli.init_app(app)
    mail.init_app(app)
    return app


def _configure(app: Flask, overrides: dict) -> None:
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    app.config.update(overrides)

    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = settings.sqlite_url(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]

    if not app.config["SECRET_KEY"]:
        if app.config["PRODUCTION"]:
            raise RuntimeError("SECRET_KEY must be set in production (environment variable SECRET_KEY).")
        app.config["SECRET_KEY"] = settings.generated_secret_key(app.instance_path)
    if app.config["PRODUCTION"]:
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
