"""User management: an admin lists, creates, edits, deactivates users and resets passwords."""
from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import services
from ..auth.access import role_required
from ..auth.forms import NewUserForm, ResetPasswordForm, UserForm
from ..auth.models import User
from ..auth.roles import MANAGE_USERS
from ..directory.models import Person
from ..extensions import db
from ..web import paginate
from . import bp


@bp.before_request
@role_required(*MANAGE_USERS)
def only_admins():
    """Every page here is for admins only."""


def _person_choices():
    rows = db.session.execute(
        select(Person.id, Person.surname, Person.first_name, Person.patronymic).order_by(Person.surname)
    )
    return [(0, "— не связан —")] + [(r.id, f"{r.surname} {r.first_name} {r.patronymic}".strip()) for r in rows]


@bp.get("/users")
def users():
    page = paginate(select(User).options(selectinload(User.person)).order_by(User.email))
    return render_template("admin/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = NewUserForm()
    form.person_id.choices = _person_choices()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data, form.role.data, form.person_id.data or None)
        except services.UserError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash("Пользователь создан.", "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.person_id.choices = _person_choices()
    if form.validate_on_submit():
        try:
            services.update_user(user, form.email.data, form.role.data, form.person_id.data or None)
        except services.UserError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash("Изменения сохранены.", "success")
            return redirect(url_for("admin.users"), 303)
    reset = ResetPasswordForm()
    return render_template("admin/user_form.html", form=form, user=user, reset=reset), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        services.set_active(user, not user.active)
    except services.UserError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash("Учётная запись включена." if user.active else "Учётная запись отключена.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        db.session.commit()
        flash(f"Пароль пользователя {user.email} изменён.", "success")
        return redirect(url_for("admin.users"), 303)
    edit = UserForm(obj=user)
    edit.person_id.choices = _person_choices()
    return render_template("admin/user_form.html", form=edit, user=user, reset=form), 422
