"""User management: an admin lists, creates, edits, deactivates users and resets passwords."""

from datetime import date

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..auth import services
from ..auth.access import role_required
from ..auth.forms import NewUserForm, ResetPasswordForm, UserForm
from ..auth.models import User
from ..audit.listeners import ACTION_LABELS, AUDITED_TABLES
from ..audit import readable
from ..audit.services import audit_query
from ..auth.roles import MANAGE_USERS
from ..calendar import services as calendar_services
from ..directory import services as directory
from ..extensions import db
from ..meetings import queries as meeting_queries
from ..meetings import services as meeting_services
from ..meetings.models import Meeting
from ..web import after_change, apply_change, button_change, form_page, page_or_fragment, paginate
from ..forms import db_int, options
from . import bp


@bp.before_request
@role_required(*MANAGE_USERS)
def only_admins():
    """Every page here is for admins only."""


def _person_choices():
    return options([(0, "— не связан —"), *directory.account_person_choices()])


@bp.get("/users")
def users():
    page = paginate(services.users_query())
    return render_template("admin/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = NewUserForm()
    form.person_id.choices = _person_choices()
    return form_page(
        "admin/user_form.html", form,
        lambda: services.create_user(form.email.data, form.password.data, form.role.data, form.person_id.data or None),
        services.UserError, then=lambda _: url_for("admin.users"), text="Пользователь создан.", user=None,
    )  # fmt: skip


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.person_id.choices = _person_choices()
    return form_page(
        "admin/user_form.html", form,
        lambda: services.update_user(user, form.email.data, form.role.data, form.person_id.data or None, acting=current_user),
        services.UserError, then=lambda _: url_for("admin.users"), text="Изменения сохранены.", user=user,
        reset=ResetPasswordForm(),
    )  # fmt: skip


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    """Switches an account on (``?active=1``) or off (``?active=0``). The wanted state is
    sent, not flipped: a second press or a page shown before cannot undo the first."""
    user = db.get_or_404(User, user_id)
    wanted = request.args.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    back = url_for("admin.edit_user", user_id=user.id) if request.args.get("back") == "edit" else url_for("admin.users")

    def switch():
        services.set_active(user, wanted == "1", acting=current_user)
        if not user.active:
            # Its feed links die with it, and stay dead if the account comes back: a new
            # link is issued on «Календари» then.
            calendar_services.revoke_token(user)

    return button_change(
        switch, services.UserError, back=back,
        # Named, as «Пароль пользователя … изменён.»: on the list of accounts «Учётная запись
        # отключена.» did not say which.
        said=lambda _: f"Учётная запись {user.email} {'включена' if user.active else 'отключена'}.",
    )  # fmt: skip


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()

    def page():
        edit = UserForm(obj=user)
        edit.person_id.choices = _person_choices()
        return render_template("admin/user_form.html", form=edit, user=user, reset=form), 422

    return apply_change(
        form,
        lambda: services.change_password(user, form.password.data),
        services.UserError,
        invalid=page,
        done=lambda _: after_change(url_for("admin.users"), f"Пароль пользователя {user.email} изменён."),
    )


# The audit log and deleted protocols ------------------------------------------------------


@bp.get("/audit")
def audit():
    filters = {
        "table": request.args.get("table") or None,
        "action": request.args.get("action") or None,
        "user_id": request.args.get("user", type=db_int),
        "row_id": request.args.get("row", type=db_int),
        "date_from": _date_arg("from"),
        "date_to": _date_arg("to"),
        "logins": bool(request.args.get("logins")),
    }
    page = paginate(audit_query(**filters), per_page=50)
    return page_or_fragment(
        "admin/audit.html",
        "admin/_audit_results.html",
        page=page,
        filters=filters,
        tables=sorted(((t, readable.table_label(t)) for t in AUDITED_TABLES), key=lambda pair: pair[1]),
        actions=ACTION_LABELS,
        readable=readable,
        referred=readable.names(page.items),
        users=services.all_users(),
    )


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/deleted-meetings")
def deleted_meetings():
    return render_template("admin/deleted_meetings.html", meetings=meeting_queries.deleted_meetings())


@bp.post("/deleted-meetings/<int:meeting_id>/restore")
def restore_meeting(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    return button_change(
        lambda: meeting_services.restore(meeting), meeting_services.MeetingError, back=url_for("admin.deleted_meetings"),
        said=f"{meeting.title} восстановлен.", then=lambda _: url_for("meetings.show", meeting_id=meeting.id),
    )  # fmt: skip
