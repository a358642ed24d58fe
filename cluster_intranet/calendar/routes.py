"""The «Календари» page, the token feeds and the one-event downloads.

A feed answers from the cheap state first: an unchanged feed costs the token
lookup and one aggregate query, and is answered 304 without being built.
"""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from ..auth.access import public
from ..web import after_change, apply_change, conditional, page_or_fragment, wants_fragment
from . import bp, feeds, scopes, services
from .forms import ReminderForm
from .ical import single_event_calendar

CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"
# Private (the URL is a secret), revalidated on every poll, never recompressed by a proxy.
FEED_CACHE_CONTROL = "private, max-age=0, must-revalidate, no-transform"


# --- the page ---------------------------------------------------------------------


def _reminder_form() -> ReminderForm:
    settings = services.settings_of(current_user)
    form = ReminderForm()
    if request.method == "GET" and settings is not None:
        form.event_alarm_minutes.data = settings.event_alarm_minutes
        form.deadline_alarm_minutes.data = settings.deadline_alarm_minutes
    return form


def _links(token: str | None) -> list[dict]:
    """Every feed with its links; without the token (it is shown once) only their shape."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    rows = []
    for feed in scopes.all_feeds():
        https = base + url_for("calendar.feed", token=token or "TOKEN", slug=feed.slug)
        if token is None:
            https = https.replace("TOKEN", "••••••")
        webcal = "webcal://" + https.split("://", 1)[1]
        rows.append({"feed": feed, "https": https, "webcal": webcal})
    return rows


def _page(token: str | None = None, form: ReminderForm | None = None, status: int = 200, replaced: bool = False):
    """The whole page; for HTMX after a new token, the links part of it."""
    settings = services.settings_of(current_user)
    fragment_template = "calendar/_links.html" if token else "calendar/index.html"
    response = page_or_fragment(
        "calendar/index.html",
        fragment_template,
        status,
        links=_links(token),
        token=token,
        replaced=replaced,
        saved=False,
        settings=settings,
        form=form or _reminder_form(),
        has_person=current_user.person_id is not None,
        window=feeds.window_text(),
    )
    if token:
        # The token is in this page only: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    return _page()


@bp.post("/token")
def issue_token():
    """A new link for every feed; the old ones answer 404 from now on.

    The answer is the page itself, not a redirect: the token must not travel
    through a URL, the session cookie or the browser history.
    """
    previous = services.settings_of(current_user)
    replaced = previous is not None and previous.token_hash is not None
    return apply_change(
        None, lambda: services.issue_token(current_user), (), done=lambda token: _page(token, replaced=replaced)
    )


@bp.post("/reminders")
def reminders():
    form = _reminder_form()

    def saved(_):
        if wants_fragment():
            return _reminders_fragment(form, 200, saved=True)
        return after_change(
            url_for("calendar.index"), "Напоминания сохранены. Календари получат их при следующем обновлении."
        )

    return apply_change(
        form,
        lambda: services.save_reminders(current_user, form.event_alarm_minutes.data, form.deadline_alarm_minutes.data),
        (),  # nothing to refuse once the form is valid
        done=saved,
        invalid=lambda: _reminders_fragment(form, 422) if wants_fragment() else _page(form=form, status=422),
    )


def _reminders_fragment(form: ReminderForm, status: int, saved: bool = False):
    return render_template("calendar/_reminders.html", form=form, saved=saved), status


# --- the feeds --------------------------------------------------------------------


@bp.get("/feed/<token>/<slug>.ics")
@public
def feed(token: str, slug: str):
    settings = services.settings_for_token(token)
    feed = scopes.find_feed(slug) if settings is not None else None
    if feed is None:
        abort(404)
    scope = scopes.scope_for(
        feed, settings.user, event_alarm=settings.event_alarm_minutes, deadline_alarm=settings.deadline_alarm_minutes
    )
    state = feeds.feed_state(scope)
    response = conditional(
        # Left to right: the state is read again once the feed is built.
        lambda: (feeds.build_feed(scope), feeds.feed_state(scope) == state),
        etag=feeds.etag(scope, state),
        last_modified=state.last_modified,
        content_type=CALENDAR_MIMETYPE,
    )
    if response.status_code == 200:
        response.headers["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- «Добавить в календарь» --------------------------------------------------------


def _single(kind: str, object_id: int, filename: str) -> Response:
    settings = services.settings_of(current_user)
    scope = scopes.scope_for(
        scopes.ALL,
        current_user,
        event_alarm=settings.event_alarm_minutes if settings else None,
        deadline_alarm=settings.deadline_alarm_minutes if settings else None,
    )
    items = list(feeds.single_items(kind, object_id, scope)) if scope.shows(kind) else []
    if not items:
        abort(404)
    response = Response(single_event_calendar(items[0], tz=scope.tz), content_type=CALENDAR_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The user's own copy of an event that may change: never from a shared cache, always fresh.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_event(meeting_id: int):
    return _single(scopes.MEETINGS, meeting_id, f"meeting-{meeting_id}.ics")


@bp.get("/media/<int:event_id>.ics")
def media_event(event_id: int):
    return _single(scopes.MEDIA, event_id, f"media-event-{event_id}.ics")


@bp.get("/decisions/<int:decision_id>.ics")
def decision_event(decision_id: int):
    return _single(scopes.DEADLINES, decision_id, f"deadline-{decision_id}.ics")
