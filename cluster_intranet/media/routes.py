"""Media plan pages: plans, the events table with in-place editing, the coverage
matrix, «what we still have to publish», the month calendar and the downloads.

The public feeds live in feeds.py.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth.access import role_required
from ..auth.roles import EDIT_MEDIA
from ..calendar import month
from ..directory.services import organization_choices
from ..extensions import db
from ..web import (
    DOCX_MIME,
    XLSX_MIME,
    after_change,
    apply_change,
    button_change,
    download_name,
    form_page,
    fragment,
    notice,
    page_or_fragment,
    paginate,
    record_form,
    refusal,
    send_download,
    wants_fragment,
)
from . import bp, coverage, documents, services
from . import feeds as public_feeds
from .forms import EventForm, PlanForm, PostponeForm, StatusForm
from .models import (
    CHANNEL_SHORT,
    PUBLICATION_CHANNEL_LABELS,
    Channel,
    EventStatus,
    MediaEvent,
    MediaPlan,
)

PLAN_PAGE_SIZE = 50


@bp.context_processor
def _labels():
    return {"channel_short": CHANNEL_SHORT, "channel_labels": PUBLICATION_CHANNEL_LABELS}


# --- plans -----------------------------------------------------------------------


@bp.get("/")
def index():
    return render_template("media/index.html", plans=services.plans_overview())


@bp.route("/plans/new", methods=["GET", "POST"])
@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_MEDIA)
def edit_plan(plan_id: int | None = None):
    plan, form = record_form(MediaPlan, plan_id, PlanForm)
    return form_page(
        "media/plan_form.html",
        form,
        lambda: services.save_plan(plan, form.data_for(*form.FIELDS), form.version.data),
        services.MediaError,
        then=lambda _: url_for("media.plan", plan_id=plan.id),
        text="Медиаплан сохранён.",
        plan=plan,
    )


@bp.post("/plans/<int:plan_id>/approve")
@role_required(*EDIT_MEDIA)
def approve_plan(plan_id: int):
    return _plan_action(plan_id, lambda plan: services.approve_plan(plan, current_user), "Медиаплан утверждён.")


@bp.post("/plans/<int:plan_id>/draft")
@role_required(*EDIT_MEDIA)
def draft_plan(plan_id: int):
    return _plan_action(plan_id, services.return_to_draft, "Медиаплан возвращён в черновики.")


def _plan_action(plan_id: int, action, done: str):
    plan = db.get_or_404(MediaPlan, plan_id)
    back = url_for("media.plan", plan_id=plan_id)

    def answer(_):
        return fragment("media/_plan_header.html", plan=plan) if wants_fragment() else after_change(back, done)

    return apply_change(None, lambda: action(plan), services.MediaError, done=answer, back=back)


@bp.post("/plans/<int:plan_id>/copy")
@role_required(*EDIT_MEDIA)
def copy_plan(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    return button_change(
        lambda: services.copy_to_next_year(plan), services.MediaError, back=url_for("media.plan", plan_id=plan_id),
        said="Медиаплан скопирован на следующий год: проверьте даты мероприятий.",
        then=lambda new: url_for("media.plan", plan_id=new.id),
    )  # fmt: skip


@bp.post("/events/<int:event_id>/duplicate")
@role_required(*EDIT_MEDIA)
def duplicate_event(event_id: int):
    event = services.get_event(event_id) or abort(404)
    return button_change(
        lambda: services.duplicate_event(event), services.MediaError, back=url_for("media.event", event_id=event_id),
        said="Копия мероприятия добавлена в медиаплан: измените её.",
        then=lambda copy: url_for("media.edit_event", event_id=copy.id),
    )  # fmt: skip


@bp.post("/plans/<int:plan_id>/delete")
@role_required(*EDIT_MEDIA)
def delete_plan(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    return button_change(
        lambda: services.delete_plan(plan),
        services.MediaError,
        back=url_for("media.plan", plan_id=plan_id),
        said="Медиаплан удалён.",
        then=lambda _: url_for("media.index"),
    )


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    filters = services.EventFilters.from_args(request.args)
    page = paginate(services.events_query(plan, filters), per_page=PLAN_PAGE_SIZE)
    # The filters are on the page; the fragment names only the chosen ones (its filter chips).
    page_too = not wants_fragment()
    people = services.plan_responsibles(plan) if page_too or filters.responsible_id else []
    organizers = services.plan_organizers(plan) if page_too or filters.organizer_id else []
    return page_or_fragment(
        "media/plan.html",
        "media/_events.html",
        plan=plan,
        page=page,
        filters=filters,
        people=people,
        organizers=organizers,
        statuses=EventStatus.choices(),
        channels=Channel.choices(),
    )


# --- events ----------------------------------------------------------------------


def _event_form(event: MediaEvent | None = None) -> EventForm:
    form = EventForm(obj=event)
    if event is not None and request.method == "GET":
        form.channels.data = event.channels
        if not event.several_days:
            # A one-day event has no end date: a changed start must not leave the old one behind.
            form.ends_on.data = None
    return form.with_organizations(organization_choices())


@bp.route("/plans/<int:plan_id>/events/new", methods=["GET", "POST"])
@role_required(*EDIT_MEDIA)
def create_event(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    form = _event_form()
    if request.method == "GET" and request.args.get("on"):
        form.starts_on.data = services.parse_day(request.args["on"])
    if request.method == "GET":
        return _event_form_response(form, plan, None)
    event = MediaEvent()

    def added(_):
        text = "Мероприятие добавлено в медиаплан."
        if wants_fragment():
            return fragment(
                "media/_event_row.html",
                event=services.get_event(event.id),
                trigger={"mediaEventsChanged": True, **notice(text)},
            )
        return after_change(url_for("media.plan", plan_id=plan.id), text)

    return apply_change(
        form,
        lambda: services.save_event(event, plan, form.data_for(*form.FIELDS), form.channels.data or []),
        services.MediaError,
        done=added,
        invalid=lambda: _event_form_response(form, plan, None),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_MEDIA)
def edit_event(event_id: int):
    event = services.get_event(event_id) or abort(404)
    form = _event_form(event)
    if request.method == "GET":
        return _event_form_response(form, event.plan, event)

    def saved(_):
        if wants_fragment():
            return fragment(
                "media/_event_row.html", event=services.get_event(event.id), trigger=notice("Изменения сохранены.")
            )
        return after_change(url_for("media.event", event_id=event.id), "Изменения сохранены.")

    return apply_change(
        form,
        lambda: services.save_event(event, event.plan, form.data_for(*form.FIELDS), form.channels.data or [], form.version.data),
        services.MediaError, done=saved, invalid=lambda: _event_form_response(form, event.plan if event.id else None, event),
    )  # fmt: skip


def _event_form_response(form: EventForm, plan: MediaPlan | None, event: MediaEvent | None):
    status = 422 if form.errors or form.form_errors else 200
    return page_or_fragment(
        "media/event_form.html",
        "media/_event_form_row.html",
        status,
        form=form,
        plan=plan or event.plan,
        event=event,
    )


@bp.get("/events/<int:event_id>/row")
def event_row(event_id: int):
    """The display row again (the «cancel» of in-place editing)."""
    return fragment("media/_event_row.html", event=services.get_event(event_id) or abort(404))


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    event = services.get_event(event_id) or abort(404)
    return render_template(
        "media/event.html",
        event=event,
        coverage=coverage.event_coverage(event),
        rights=coverage.Rights.of(current_user),
        status_form=StatusForm(),
        today=clock.local_today(),
    )


@bp.post("/events/<int:event_id>/status")
@role_required(*EDIT_MEDIA)
def change_status(event_id: int):
    event = services.get_event(event_id) or abort(404)
    form = StatusForm()
    back = url_for("media.event", event_id=event_id)  # never the Referer: a page of ours that says why

    def changed(_):
        text = f"Статус: {event.status_label}."
        if wants_fragment():
            return fragment("media/_event_row.html", event=event, trigger={"mediaEventsChanged": True, **notice(text)})
        return after_change(url_for("media.event", event_id=event.id), text)

    return apply_change(
        form,
        lambda: services.change_status(event, form.status.data, form.reason.data, current_user),
        services.MediaError,
        done=changed,
        back=lambda error: refusal(error, back, 422),
    )


@bp.route("/events/<int:event_id>/postpone", methods=["GET", "POST"])
@role_required(*EDIT_MEDIA)
def postpone_event(event_id: int):
    event = services.get_event(event_id) or abort(404)
    form = PostponeForm(obj=event if request.method == "GET" else None)
    if request.method == "GET":
        form.ends_on.data = None  # empty keeps the length: the old end alone would refuse a later start

    def page(status: int = 422):
        return render_template("media/postpone.html", form=form, event=event), status

    if request.method == "GET":
        return page(200)
    return apply_change(
        form, lambda: services.postpone_event(event, current_user, form.data_for(*form.FIELDS)), services.MediaError,
        done=lambda _: after_change(url_for("media.event", event_id=event.id), f"Мероприятие перенесено: {event.when}."),
        invalid=page,
    )  # fmt: skip


@bp.post("/events/<int:event_id>/delete")
@role_required(*EDIT_MEDIA)
def delete_event(event_id: int):
    event = db.get_or_404(MediaEvent, event_id)
    plan_id = event.plan_id

    def deleted(_):
        if wants_fragment():
            return fragment("_empty.html", trigger={"mediaEventsChanged": True, **notice("Мероприятие удалено.")})
        return after_change(url_for("media.plan", plan_id=plan_id), "Мероприятие удалено.")

    return apply_change(
        None,
        lambda: services.delete_event(event),
        services.MediaError,
        done=deleted,
        back=url_for("media.event", event_id=event_id),
    )


# --- the month calendar ----------------------------------------------------------


@bp.get("/calendar")
def calendar():
    """The month as a grid, or as an agenda (``view=agenda``: the days that have something,
    in a list); filtered by channel, organizer and status of the media events."""
    month_start = services.parse_month(request.args.get("month")) or clock.local_today().replace(day=1)
    first, last = services.month_bounds(month_start)
    weeks = month.month_weeks(month_start)
    filters = services.EventFilters.from_args(request.args)
    filters.month = filters.responsible_id = None
    agenda = request.args.get("view") == "agenda"
    start, end = (first, last) if agenda else (weeks[0][0], weeks[-1][-1])
    entries = month.calendar_entries(start, end, filters)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    agenda_days = [(day, [e for e in entries if e.on(day)]) for day in days] if agenda else []
    keep = {**filters.as_args(), **({"view": "agenda"} if agenda else {})}  # what the arrows keep
    return page_or_fragment(
        "media/calendar.html", "media/_calendar.html", month=month_start, weeks=weeks, entries=entries, filters=filters,
        agenda=agenda, agenda_days=[(day, found) for day, found in agenda_days if found], keep=keep,
        organizers=services.plan_organizers(None) if not wants_fragment() or filters.organizer_id else [], statuses=EventStatus.choices(),
        channels=Channel.choices(), previous=(first - timedelta(days=1)).replace(day=1), following=last + timedelta(days=1), today=clock.local_today(),
    )  # fmt: skip


# --- downloads -------------------------------------------------------------------


@bp.get("/events/<int:event_id>/press-release.docx")
def press_release(event_id: int):
    event = services.get_event(event_id) or abort(404)
    on = services.parse_day(request.args.get("date"))  # the release's date, today if not given
    body = documents.press_release_docx(event, on)
    return send_download(body, download_name("Пресс-релиз", event.title, "docx"), DOCX_MIME)


@bp.get("/plans/<int:plan_id>/media-plan.docx")
def plan_docx(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    return send_download(documents.media_plan_docx(plan), download_name("Медиаплан", plan.title, "docx"), DOCX_MIME)


@bp.get("/plans/<int:plan_id>/media-plan.xlsx")
def plan_xlsx(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    body = documents.media_plan_xlsx(plan)
    return send_download(body, download_name("Медиаплан", plan.title, "xlsx"), XLSX_MIME)


EMBED_SCRIPT = """<div id="cluster-events">Мероприятия кластера загружаются…</div>
<script>
  fetch("{url}")
    .then(function (response) {{ if (!response.ok) throw new Error(response.status); return response.text(); }})
    .then(function (html) {{ document.getElementById("cluster-events").innerHTML = html; }})
    .catch(function () {{
      document.getElementById("cluster-events").textContent = "Не удалось загрузить мероприятия кластера. Попробуйте обновить страницу позже.";
    }});
</script>"""
EMBED_PHP = """<?php
$events = @file_get_contents("{url}");
echo $events !== false ? $events : "<p>Не удалось загрузить мероприятия кластера.</p>";
?>"""
EMBED_CSS = """.cluster-events__list {{ list-style: none; padding: 0; }}
.cluster-events__item {{ margin-bottom: 1em; }}
.cluster-events__date {{ display: block; font-weight: bold; }}
.cluster-events__place, .cluster-events__organizer {{ display: block; color: #666; font-size: .9em; }}
.cluster-events__heading {{ display: none; }} /* если заголовок уже есть на странице */"""


@bp.get("/embed")
def embed():
    """How a participant's website shows the cluster's events: the snippet's code and a preview."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    feeds = {
        name: base + url_for(f"media.{name}") for name in ("atom_feed", "rss_feed", "json_feed", "upcoming_snippet")
    }
    snippet = feeds["upcoming_snippet"] + "?limit=5"
    return render_template(
        "media/embed.html", feeds=feeds, upcoming=public_feeds.public_events(5, upcoming=True),
        script_code=EMBED_SCRIPT.format(url=snippet), php_code=EMBED_PHP.format(url=snippet), css_code=EMBED_CSS.format(),
    )  # fmt: skip
