"""Control of decisions: the decision page, «Мои поручения», «Контроль поручений»
and its downloads.

A change (status, report, deadline) is posted by a form that works without
JavaScript (POST → 303 back); with HTMX the same route answers the changed region:
a row of «Мои поручения» (``view=row``) or the decision's panel on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..directory.models import Person
from ..extensions import db
from ..web import (
    DOCX_MIME,
    XLSX_MIME,
    apply_change,
    fragment,
    notice,
    page_number,
    page_or_fragment,
    refusal,
    send_download,
    wants_fragment,
)
from ..forms import db_int
from . import bp, exports, markup, queries, services
from .forms import DeadlineForm, FormState, StatusForm, deadline_prefix, fresh_deadline, fresh_status, status_prefix
from .models import Decision, DecisionEvent, DecisionEventKind, DecisionStatus


def _decision_or_404(decision_id: int) -> Decision:
    decision = queries.load_decision(decision_id)
    if decision is None:
        abort(404)
    return decision


# Reading --------------------------------------------------------------------------------


bp.add_app_template_global(markup.status_badge, "decision_status")
bp.add_app_template_global(markup.deadline, "decision_deadline")
bp.add_app_template_global(markup.responsible, "decision_responsible")
bp.add_app_template_global(markup.names, "decision_responsible_names")
bp.add_app_template_global(markup.responsible_title, "responsible_title")
bp.add_app_template_global(markup.meeting_link, "decision_meeting")
bp.add_app_template_global(markup.row_url, "row_url")
bp.add_app_template_global(markup.form_hidden, "decision_form_hidden")
bp.add_app_template_global(markup.opener, "decision_opener")


@bp.context_processor
def control_helpers() -> dict:
    """For the templates of this area: what the current user may do with a decision."""
    user = current_user._get_current_object()  # the proxy costs a lookup each time; rows ask often
    return {
        "next_statuses": lambda decision: [s.value for s in services.next_statuses(user, decision)],
        "may_control": lambda decision: services.can_control(user, decision),
        "is_responsible": lambda decision: services.is_responsible(user, decision),
        "may_manage": services.can_manage(user),
        "fresh_status": fresh_status,
        "COMMENTED": COMMENTED,
    }


# The one change of each status that needs a comment: (new status, button, field label,
# submit, button style). A cancellation's comment is its reason.
COMMENTED = {
    "open": ("cancelled", "Отменить поручение", "Причина отмены", "Отменить поручение", "btn-outline-danger"),
    "in_progress": ("cancelled", "Отменить поручение", "Причина отмены", "Отменить поручение", "btn-outline-danger"),
    "done": (
        "in_progress",
        "Вернуть в работу",
        "Почему поручение возвращается в работу",
        "Вернуть в работу",
        "btn-outline-warning",
    ),
    "cancelled": (
        "open",
        "Восстановить поручение",
        "Почему поручение восстанавливается",
        "Восстановить",
        "btn-outline-secondary",
    ),
}


def _filters(default_status: str | None = queries.ACTIVE) -> queries.Filters:
    """The control list's filters from the query string; bad values are ignored.
    No status argument: ``default_status``; ``status=all``: every status."""
    args = request.args

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    status = args.get("status", default_status)
    known = {queries.ACTIVE, *(s.value for s in DecisionStatus)}
    return queries.Filters(
        council_id=args.get("council", type=db_int),
        meeting_id=args.get("meeting", type=db_int),
        person_id=args.get("person", type=db_int),
        status=status if status in known else None,  # "all": every status
        overdue=args.get("overdue") == "1",
        deadline_from=day("from"),
        deadline_to=day("to"),
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "deadline",
        today=clock.local_today(),
    )


def _filter_context(filters: queries.Filters, rows: list[Decision]) -> dict:
    """What the filter form shows: the councils, and the names of a chosen meeting and
    person (from the rows when they hold them)."""
    return {
        "filters": filters,
        "councils": queries.council_choices(),
        "chosen_meeting": queries.chosen_meeting(filters.meeting_id, rows),
        "chosen_person": queries.chosen_person(filters.person_id, rows),
    }


@bp.get("/")
def index():
    """«Контроль поручений»: every decision, filtered, sorted, counted."""
    filters = _filters()
    counts = queries.status_counts(filters)
    page = queries.ControlPagination(
        page=max(page_number(), 1),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
        filters=filters,
        total=counts.matching(filters),
    )
    return page_or_fragment(
        "decisions/index.html",
        "decisions/_results.html",
        page=page,
        counts=counts,
        today=filters.today,
        statuses=DecisionStatus,
        **_filter_context(filters, page.items),
    )


@bp.get("/summary")
def summary():
    """The per-person summary of the filtered decisions: assigned, done on time, late, overdue."""
    filters = _filters(default_status=None)
    counts = queries.status_counts(filters)
    people, people_total = queries.person_summary(filters)
    return page_or_fragment(
        "decisions/summary.html",
        "decisions/_summary.html",
        people=people,
        people_total=people_total,
        counts=counts,
        today=filters.today,
        statuses=DecisionStatus,
        **_filter_context(filters, []),
    )


# «Мои поручения»: the titles of the groups, the rows of a group shown at once and per
# «Показать ещё», and the groups shown at once (the others are counted, and shown on request).
MY_TITLES = {"overdue": "Просрочены", "soon": "Срок в ближайшие 7 дней", "later": "Срок позже", "undated": "Без срока"}
MY_PAGE = 25
MY_OPEN = ("overdue", "soon")


@dataclass
class MyGroup:
    key: str
    title: str
    count: int
    rows: list[Decision]  # the rows to render: all shown, or one page of them (a fragment)
    shown: int  # how many rows are on the page with these
    more: str | None  # the URL of the group's next page, if any

    @property
    def left(self) -> int:
        return self.count - self.shown

    @property
    def next_rows(self) -> int:
        return min(self.left, MY_PAGE)


@bp.get("/my")
def my():
    """«Мои поручения»: the signed-in person's unfinished assignments; a secretary may
    look at anyone's (``?person=``). Every group is counted; the overdue and due-soon rows
    are shown at once, the rest a page at a time on request (``group``, ``page``): with
    HTMX the rows of that page alone, without it the whole page opened up to there."""
    asked = request.args.get("person", type=db_int)
    person = _my_person(asked)
    today = clock.local_today()
    group = request.args.get("group") if request.args.get("group") in queries.MY_GROUPS else None
    page = max(page_number(), 1)
    ids = queries.my_assignments(person.id, today) if person else {}
    if group and wants_fragment():
        if person is None:
            abort(404)
        start = (page - 1) * MY_PAGE
        rows = queries.decision_rows(ids[group][start : start + MY_PAGE])
        response = fragment(
            "decisions/_my_group.html",
            group=_my_group(group, ids[group], rows, page, asked),
            today=today,
            row_states={},
        )
        response.vary.add("HX-Request")
        return response
    pages = dict.fromkeys(MY_OPEN, 1)
    if group:
        pages[group] = max(pages.get(group, 0), page)
    shown = {key: ids[key][: pages.get(key, 0) * MY_PAGE] for key in ids}
    loaded = {d.id: d for d in queries.decision_rows([i for key_ids in shown.values() for i in key_ids])}
    groups = [
        _my_group(key, ids[key], [loaded[i] for i in shown[key] if i in loaded], pages.get(key, 0), asked)
        for key in MY_TITLES
        if person
    ]
    response = make_response(
        render_template(
            "decisions/my.html",
            person=person,
            groups=groups,
            today=today,
            own=person is None or person.id == current_user.person_id,
            row_states={},
        )
    )
    response.vary.add("HX-Request")
    return response


def _my_person(asked: int | None) -> Person | None:
    """Whose assignments: the signed-in user's person, or the one a secretary asked for."""
    person_id = current_user.person_id
    if asked and asked != person_id:
        if not services.can_manage(current_user):
            abort(403)
        person_id = asked
    return db.get_or_404(Person, person_id) if person_id else None


def _my_group(key: str, ids: list[int], rows: list[Decision], page: int, asked: int | None) -> MyGroup:
    """A group of «Мои поручения» with ``rows`` shown up to its ``page`` (0: none yet)."""
    shown = min(page * MY_PAGE, len(ids))
    more = url_for("decisions.my", person=asked, group=key, page=page + 1) if shown < len(ids) else None
    return MyGroup(key, MY_TITLES[key], len(ids), rows, shown, more)


@bp.get("/<int:decision_id>")
def show(decision_id: int):
    decision = _decision_or_404(decision_id)
    return render_template("decisions/show.html", **_detail_context(decision))


# Forms and the regions they update ----------------------------------------------------------


@bp.get("/<int:decision_id>/row")
def row(decision_id: int):
    """A row of «Мои поручения» again, with one of its forms open (``form``) or none (cancel)."""
    decision = _decision_or_404(decision_id)
    open_form = request.args.get("form") if request.args.get("form") in ("report", "comment") else None
    return fragment("decisions/_my_row.html", **_detail_context(decision), row_states={}, open_form=open_form)


def _detail_context(decision: Decision, status: FormState | None = None, deadline: FormState | None = None) -> dict:
    today = clock.local_today()
    return {
        "decision": decision,
        "today": today,
        "status_state": status or fresh_status(decision, today),
        "deadline_state": deadline or fresh_deadline(decision),
    }


def _answer(decision_id: int, view: str, status: int = 200, done: str | None = None, **states: FormState):
    """The changed region for HTMX (the row, or the decision's panel), or the page
    again (with the errors, 422) or a redirect back (303) without JavaScript."""
    if status == 200 and not wants_fragment():
        return redirect(_back(decision_id, view), 303)
    if status == 200:
        db.session.expire_all()
    decision = _decision_or_404(decision_id)
    context = _detail_context(decision, states.get("status_state"), states.get("deadline_state"))
    if not wants_fragment():
        return render_template("decisions/show.html", **context), status
    if view == "row":  # a row offers what the list rendered it with: no deadline moves
        context.update(row_states={decision.id: context["status_state"]})
        return fragment("decisions/_my_row.html", status, trigger=_changed(status, done), **context)
    return fragment("decisions/_detail.html", status, trigger=_changed(status, done), **context)


def _back(decision_id: int, view: str) -> str:
    return url_for("decisions.my") if view == "row" else url_for("decisions.show", decision_id=decision_id)


def _changed(status: int, done: str | None = None) -> dict | None:
    """Other regions (counts, lists) listen for decisionsChanged after a successful change;
    the message area says what was done."""
    if status != 200:
        return None
    return {"decisionsChanged": True, **(notice(done) if done else {})}


def _apply(decision: Decision, form, change, done):
    """Validates ``form`` and runs ``change()``; a refusal tied to a field shows next to
    it (422), a stale form or a missing right in the message area (409, 403). ``done`` says
    what was done: a text, or a function of what ``change()`` returned."""
    view = request.form.get("view", "page")
    is_status = isinstance(form, StatusForm)
    kind, prefix = ("status_state", status_prefix) if is_status else ("deadline_state", deadline_prefix)
    if not services.can_control(current_user, decision):
        abort(403)

    def invalid():
        return _answer(decision.id, view, 422, **{kind: FormState.of(form, prefix(decision.id))})

    def refused(error: Exception):
        if isinstance(error, services.DecisionForbidden):
            abort(403)
        if isinstance(error, StaleDataError):  # saved by someone else between our read and our write
            error = services.StaleDecision(services.stale_message(_decision_or_404(decision.id)))
        return refusal(error, _back(decision.id, view))

    def changed(result):
        said = done(result) if callable(done) else done
        if not wants_fragment():
            flash(said, "success")
        return _answer(decision.id, view, done=said)

    return apply_change(
        form,
        change,
        (services.DecisionError, StaleDataError),
        done=changed,
        invalid=invalid,
        back=refused,
    )


@bp.post("/<int:decision_id>/status")
def change_status(decision_id: int):
    decision = _decision_or_404(decision_id)
    form = StatusForm(prefix=status_prefix(decision.id))

    def change():
        return services.change_status(
            decision, current_user, form.status.data, version=form.version.data, **form.data_for(*form.FIELDS)
        )

    def done(event: DecisionEvent) -> str:  # a done decision marked done again: its report corrected
        return (
            "Отчёт об исполнении исправлен." if event.kind == DecisionEventKind.REPORT else "Статус поручения изменён."
        )

    return _apply(decision, form, change, done)


@bp.post("/<int:decision_id>/deadline")
def move_deadline(decision_id: int):
    decision = _decision_or_404(decision_id)
    form = DeadlineForm(prefix=deadline_prefix(decision.id))

    def change():
        services.move_deadline(
            decision, current_user, form.deadline.data, form.reason.data or "", version=form.version.data
        )

    return _apply(decision, form, change, "Срок перенесён.")


# Downloads -----------------------------------------------------------------------------


@bp.get("/export.xlsx")
def export_xlsx():
    return _export("xlsx", lambda decisions, filters: exports.to_xlsx(decisions, filters.today), XLSX_MIME)


@bp.get("/export.docx")
def export_docx():
    return _export("docx", exports.to_docx, DOCX_MIME)


def _export(extension: str, build, mimetype: str):
    """The whole filtered list (not a page of it) as a file ``build(decisions, filters)``
    writes; a list too long for one goes back with the reason."""
    filters = _filters()
    decisions = exports.decisions_for_export(filters)
    if decisions is None:
        return _too_many()
    return send_download(build(decisions, filters).getvalue(), exports.filename(filters, extension), mimetype)


def _too_many():
    flash(f"В выгрузку попадает больше {exports.EXPORT_LIMIT} поручений: уточните фильтр.", "danger")
    return redirect(url_for("decisions.index", **request.args), 303)
