"""Meetings: the list, and one page on which a secretary edits the whole protocol.

Each part of the protocol (attendees, agenda, decisions) is a section that HTMX
replaces after every change to it; a row is edited in place. Without JavaScript
the same forms post and redirect back to the page.
"""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth.access import role_required
from ..auth.roles import EDIT_MEETINGS
from ..decisions.models import Decision
from ..decisions.numbering import numbered_by_item
from ..directory import services as directory
from ..extensions import db
from ..forms import Form, db_int, parse_id
from ..invitations import services as invitations
from ..search import search_count_limit
from ..web import (
    after_change,
    apply_change,
    error_page,
    form_page,
    fragment,
    go_back,
    notice,
    page_or_fragment,
    paginate,
    refusal,
    wants_fragment,
)
from . import bp, queries, services
from .forms import AgendaItemForm, AttendeeEditForm, AttendeeForm, CopyForm, DecisionForm, MeetingForm, ReasonForm
from .models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingStatus


# The list -------------------------------------------------------------------------------


@bp.get("/")
def index():
    filters = {
        "council_id": request.args.get("council", type=db_int),
        "year": request.args.get("year", type=db_int),
        "status": request.args.get("status") or None,
        "text": request.args.get("q", ""),
    }
    page = paginate(queries.meetings_query(**filters), count_limit=search_count_limit(filters["text"]))
    return page_or_fragment(
        "meetings/index.html",
        "meetings/_results.html",
        page=page,
        filters=filters,
        councils=queries.council_choices(),
        years=[(year, year) for year in queries.meeting_years()],
        statuses=MeetingStatus,
    )


@bp.get("/next-number")
def next_number():
    """The proposed protocol number for the council and date chosen in the form."""
    council_id = request.args.get("council_id", type=db_int)
    date = request.args.get("date", "")
    year = parse_id(date[:4]) or clock.local_today().year
    number = queries.next_number(council_id, year) if council_id else 1
    return render_template("meetings/_number_input.html", number=number)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def edit(meeting_id: int | None = None):
    meeting = (queries.load_meeting(meeting_id) or abort(404)) if meeting_id else Meeting()
    form = MeetingForm(obj=meeting if meeting_id else None).with_choices(
        queries.council_choices(), directory.person_choices()
    )
    if not meeting_id and request.method == "GET":
        form.date.data = clock.local_today()
        if form.council_id.choices:
            form.council_id.data = form.council_id.choices[0].value
            form.number.data = queries.next_number(form.council_id.data, form.date.data.year)

    was_cancelled = meeting.status == MeetingStatus.CANCELLED

    def save():
        saved = services.save_meeting(meeting, form.data_for(*form.FIELDS), form.version.data)
        return saved, invitations.follow_up(saved)  # those invited get the change at once

    def said(saved) -> str:
        mailed = invitations.follow_up_text(meeting, saved[1], was_cancelled=was_cancelled)
        return " ".join(filter(None, ["Заседание сохранено.", mailed]))

    return form_page(
        "meetings/edit.html", form, save, services.MeetingError, then=lambda _: url_for("meetings.show", meeting_id=meeting.id),
        text=said,
        meeting=meeting if meeting_id else None,
        invited=bool(meeting_id) and invitations.followed(meeting),
    )  # fmt: skip


@bp.get("/<int:meeting_id>")
def show(meeting_id: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    return render_template("meetings/show.html", **_page_context(meeting))


@bp.get("/<int:meeting_id>/versions/<int:number>")
def version(meeting_id: int, number: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    kept = queries.protocol_version(meeting.id, number) or abort(404)
    return render_template("meetings/version.html", meeting=meeting, version=kept, protocol=kept.snapshot)


# Sections of the protocol -----------------------------------------------------------------


def _page_context(meeting: Meeting, **forms) -> dict:
    editable = not meeting.is_locked and current_user.has_role(*EDIT_MEETINGS)
    context = {
        "meeting": meeting,
        "quorum": services.quorum(meeting),
        "editable": editable,
        "held": meeting.date <= clock.local_today(),  # approval, attendees and documents after the day
        "attendance_modes": list(AttendanceMode),
        # The add form just used stays open for the next row (NEXT_ENTRY has the focus).
        "adding": request.view_args.get("section") if request.endpoint == "meetings.add_row" else None,
        # a decision's ↑ ↓ stay within its agenda item (the full form)
        "decisions_by_item": numbered_by_item(meeting.council.protocol_form, len(meeting.agenda_items)),
    }
    # Whom the ×'s question warns that a cancellation will be mailed.
    context["cancelled_if_removed"] = invitations.cancelled_if_removed(meeting) if editable else set()
    # The add forms only where the page shows them (a form costs as much as a few rows).
    # formdata=None: after a change they start empty, not with what was posted.
    if editable:
        # A protocol lists its people group by group: the next one added is likely of the same.
        added_as = request.form.get("mode") if context["adding"] == "attendees" else None
        context["attendee_form"] = forms.get("attendees") or _add_form(
            "attendees", meeting, formdata=None, mode=added_as
        )
        context["agenda_form"] = forms.get("agenda") or _add_form("agenda", meeting, formdata=None)
        context["decision_form"] = forms.get("decisions") or _add_form(
            "decisions", meeting, formdata=None, agenda_item_id=services.next_decision_item(meeting)
        )
    return context


def _add_form(section: str, meeting: Meeting, **kwargs) -> Form:
    """The form that adds a row to ``section``, keyed: its fields' ids are its own beside
    the rows' forms on the page."""
    if section == "attendees":
        return AttendeeForm(**kwargs).keyed("attendee")
    if section == "agenda":
        return AgendaItemForm(**kwargs).keyed("agenda-new")
    return DecisionForm(**kwargs).with_agenda(meeting.agenda_items).keyed("decision-new")


def _add(section: str, meeting: Meeting, form):
    """The service that adds to ``section`` the row its add form describes."""
    if section == "attendees":
        return services.add_attendee(meeting, form.person_id.data, form.mode.data)
    if section == "agenda":
        return services.save_agenda_item(meeting, None, form.data_for(*form.FIELDS))
    return services.save_decision(meeting, None, form.data_for(*form.FIELDS), form.responsible_ids.data)


SAVED = {"attendees": "Список участников изменён.", "agenda": "Повестка изменена.", "decisions": "Решения изменены."}
# After a row is added the focus goes back to its add form's first field, the form open: a
# protocol is entered row after row (eight attendees, four decisions), and the message area
# says what was added.
NEXT_ENTRY = {"attendees": "picker-attendee", "agenda": "agenda-new-text", "decisions": "decision-new-text"}


def _section(meeting_id: int, name: str, status: int = 200, row: str | None = None, mailed: str | None = None,
             **forms):  # fmt: skip
    """After a change: the section for HTMX (the message area says what changed, and
    ``mailed``, what invitations it sent; the focus goes to ``row``, the id of the row
    changed, or to the section), or the page again without JavaScript. A vote the attendance
    list no longer allows is said as a warning."""
    db.session.expire_all()
    meeting = queries.load_meeting(meeting_id) or abort(404)
    warning = services.votes_over_voters(meeting) if status == 200 and name == "attendees" else ""
    if not wants_fragment():
        page = url_for("meetings.show", meeting_id=meeting_id, _anchor=name)
        if mailed:
            flash(mailed, "success")
        if warning:
            flash(warning, "warning")
        return go_back(page, *(form.error_text() for form in forms.values()), category="danger")
    context = _page_context(meeting, **forms)
    # Whatever element asked (a row, a form), the whole section is replaced.
    text = " ".join(filter(None, [SAVED[name], mailed, warning]))
    said = notice(text, category="warning" if warning else "success", focus=row)
    trigger = {"protocolChanged": True, **said} if status == 200 and name in SAVED else "protocolChanged"
    if status == 200 and name == "agenda":  # the decisions' numbers follow it (meetings/_decisions.html)
        trigger["agendaChanged"] = True
    return fragment(
        f"meetings/_{name}.html", status, trigger=trigger, retarget=f"#{name}", reswap="outerHTML", **context
    )


def _apply(meeting_id: int, name: str, form, change, invalid=None, row: str | None = None):
    """Validates ``form``, runs ``change()`` and commits, then answers the section (the
    focus on ``row``, the id of the row changed, when it stays).

    A refusal tied to a field shows next to it (422) — in the section's add form,
    or through ``invalid(form)`` for a row edited in place; any other refusal,
    such as a locked protocol, in the page's message area (409).
    """

    def refuse():
        if invalid is not None and wants_fragment():
            return invalid(form)
        return _section(meeting_id, name, 422, **{name: form})

    def changed() -> str | None:
        """The change, then what invitations it sent: those invited follow the attendance
        list (a newcomer is invited, a removed one cancelled)."""
        change()
        return invitations.follow_up_said(db.get_or_404(Meeting, meeting_id)) if name == "attendees" else None

    return apply_change(
        form,
        changed,
        services.MeetingError,
        done=lambda mailed: _section(meeting_id, name, row=row, mailed=mailed),
        invalid=refuse,
        back=url_for("meetings.show", meeting_id=meeting_id),
    )


def _edit_in_place(meeting_id: int, name: str, row_id: int, form, template: str, change, **context):
    """A row edited in place: GET gives its form, POST saves it (the form again on 422)."""

    def row_form(form, status=422):
        return fragment(template, status, form=form, **context)

    if request.method == "GET":
        return row_form(form, 200)
    return _apply(meeting_id, name, form, change, row_form, ROW_IDS[name].format(row_id))


# Adding a row to any section


@bp.post("/<int:meeting_id>/<any(attendees, agenda, decisions):section>")
@role_required(*EDIT_MEETINGS)
def add_row(meeting_id: int, section: str):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    form = _add_form(section, meeting)
    return _apply(meeting_id, section, form, lambda: _add(section, meeting, form), row=NEXT_ENTRY[section])


# Editing a row in place

# Attendees


@bp.route("/attendees/<int:attendance_id>", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def edit_attendee(attendance_id: int):
    attendance = db.get_or_404(Attendance, attendance_id)
    form = AttendeeEditForm(obj=attendance).keyed(f"attendee-{attendance.id}")
    change = lambda: services.update_attendee(attendance, form.data_for(*form.FIELDS), form.version.data)  # noqa: E731
    return _edit_in_place(
        attendance.meeting_id,
        "attendees",
        attendance.id,
        form,
        "meetings/_attendee_form.html",
        change,
        attendance=attendance,
    )


# Agenda


@bp.route("/agenda/<int:item_id>", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def edit_agenda_item(item_id: int):
    item = db.get_or_404(AgendaItem, item_id)
    form = AgendaItemForm(obj=item).keyed(f"agenda-{item.id}")
    change = lambda: services.save_agenda_item(item.meeting, item, form.data_for(*form.FIELDS), form.version.data)  # noqa: E731
    return _edit_in_place(
        item.meeting_id,
        "agenda",
        item.id,
        form,
        "meetings/_agenda_item_form.html",
        change,
        item=item,
        number=services.agenda_number(item),
    )


# Decisions


@bp.route("/decisions/<int:decision_id>", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def edit_decision(decision_id: int):
    decision = db.get_or_404(Decision, decision_id)
    meeting = decision.meeting
    form = DecisionForm(obj=decision, responsible_ids=[r.person_id for r in decision.responsibles])
    form.with_agenda(meeting.agenda_items).keyed(f"decision-{decision.id}")

    def change():
        data = form.data_for(*form.FIELDS)
        return services.save_decision(meeting, decision, data, form.responsible_ids.data, form.version.data)

    return _edit_in_place(
        meeting.id,
        "decisions",
        decision.id,
        form,
        "meetings/_decision_form.html",
        change,
        decision=decision,
        meeting=meeting,
    )


# Removing and moving a row of any section

# The rows of the page's ordered sections, removed and moved the same way: the section
# (its URL and template), the row's model, and the services that remove and move a row.
SECTIONS = {
    "attendees": (Attendance, services.remove_attendee, services.move_attendee),
    "agenda": (AgendaItem, services.remove_agenda_item, services.move_agenda_item),
    "decisions": (Decision, services.remove_decision, services.move_decision),
}
# The id of a section's row on the page (templates/meetings/_<section>.html).
ROW_IDS = {"attendees": "attendee-{}", "agenda": "agenda-item-{}", "decisions": "decision-row-{}"}


@bp.post("/<any(attendees, agenda, decisions):section>/<int:row_id>/delete")
@role_required(*EDIT_MEETINGS)
def remove_row(section: str, row_id: int):
    model, remove, _ = SECTIONS[section]
    row = db.get_or_404(model, row_id)
    return _apply(row.meeting_id, section, Form(), lambda: remove(row))


@bp.post("/<any(attendees, agenda, decisions):section>/<int:row_id>/move/<any(up, down):direction>")
@role_required(*EDIT_MEETINGS)
def move_row(section: str, row_id: int, direction: str):
    model, _, move = SECTIONS[section]
    row = db.get_or_404(model, row_id)
    step = -1 if direction == "up" else 1
    return _apply(row.meeting_id, section, Form(), lambda: move(row, step), row=ROW_IDS[section].format(row.id))


# Lifecycle ------------------------------------------------------------------------------


def _lifecycle(meeting_id: int, form, change, done: str):
    """Approve, reopen, copy, delete: whole-page changes that end in a redirect."""
    target = url_for("meetings.show", meeting_id=meeting_id)

    def refused(error: Exception):
        if isinstance(error, services.AlreadyDone):  # sent twice: the second answer says what the first did
            existing = url_for("meetings.show", meeting_id=error.existing.id)
            return error_page(409, str(error), link=(existing, f"Открыть: {error.existing.title}"))
        return refusal(error, target)

    return apply_change(
        form, change, services.MeetingError, back=refused,
        done=lambda result: after_change(result if isinstance(result, str) else target, done),
    )  # fmt: skip


@bp.post("/<int:meeting_id>/approve")
@role_required(*EDIT_MEETINGS)
def approve(meeting_id: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    change = lambda: services.approve_held(meeting, current_user, clock.local_today())  # noqa: E731
    return _lifecycle(meeting_id, Form(), change, "Протокол утверждён.")


@bp.post("/<int:meeting_id>/reopen")
@role_required(*EDIT_MEETINGS)
def reopen(meeting_id: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    form = ReasonForm()
    change = lambda: services.reopen(meeting, current_user, form.reason.data)  # noqa: E731
    return _lifecycle(meeting_id, form, change, "Протокол открыт для изменений.")


@bp.post("/<int:meeting_id>/copy")
@role_required(*EDIT_MEETINGS)
def copy(meeting_id: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)
    form = CopyForm()

    def change():
        new = services.copy_as_next(meeting, form.date.data)
        return url_for("meetings.show", meeting_id=new.id)

    return _lifecycle(meeting_id, form, change, "Создано следующее заседание.")


@bp.post("/<int:meeting_id>/delete")
@role_required(*EDIT_MEETINGS)
def delete(meeting_id: int):
    meeting = queries.load_meeting(meeting_id) or abort(404)

    def change():
        services.soft_delete(meeting)
        return url_for("meetings.index")

    return _lifecycle(meeting_id, Form(), change, "Заседание удалено.")
