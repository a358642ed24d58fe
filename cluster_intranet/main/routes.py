from flask import abort, current_app, render_template
from flask_login import current_user

from .. import clock
from ..councils.services import council_sizes
from ..decisions.queries import cluster_decisions
from ..meetings.queries import upcoming_meetings
from . import bp
from .inbox import SHOWN, follows_execution, inbox


@bp.get("/")
def dashboard():
    """The home page: what this person must do next (main/inbox.py), then the cluster's
    summary: its councils, the next meetings, the decisions per status."""
    today = clock.local_today()
    # The overdue decisions' rows only for those whose inbox lists them.
    counts, latest_overdue = cluster_decisions(today, SHOWN if follows_execution(current_user) else 0)
    return render_template(
        "main/dashboard.html",
        greeting=greeting(clock.local_now().hour),
        inbox=inbox(current_user, today, counts.overdue, latest_overdue),
        councils=council_sizes(),
        next_meetings=upcoming_meetings(today),
        cluster_counts=counts,
        today=today,
    )


def greeting(hour: int) -> str:
    """As one greets at that hour of the cluster's day."""
    if 5 <= hour < 12:
        return "Доброе утро"
    if 12 <= hour < 18:
        return "Добрый день"
    if 18 <= hour < 23:
        return "Добрый вечер"
    return "Доброй ночи"


@bp.get("/_bare")
def bare():
    """Benchmarks only (BENCH_ROUTES): the fastest answer this server can give."""
    if not current_app.config["BENCH_ROUTES"]:
        abort(404)
    return "ok"
