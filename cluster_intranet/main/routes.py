from flask import abort, current_app, render_template
from flask_login import current_user

from .. import clock
from ..councils.services import council_sizes
from ..decisions.services import dashboard_panels
from . import bp


@bp.get("/")
def dashboard():
    """The home page: each area adds its panel as it lands."""
    return render_template(
        "main/dashboard.html",
        councils=council_sizes(),
        **dashboard_panels(current_user, clock.local_today()),
    )


@bp.get("/_bare")
def bare():
    """Benchmarks only (BENCH_ROUTES): the fastest answer this server can give."""
    if not current_app.config["BENCH_ROUTES"]:
        abort(404)
    return "ok"
