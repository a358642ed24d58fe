from flask import flash, redirect, render_template, url_for

from ..auth.access import role_required
from ..auth.roles import EDIT_COUNCILS
from ..extensions import db
from ..web import fragment, message, wants_fragment
from . import bp, services
from .forms import CouncilForm, MemberForm
from .models import Council, CouncilMember


@bp.get("/")
def index():
    return render_template("councils/index.html", councils=services.councils_with_members(), member_form=MemberForm())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:council_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_COUNCILS)
def edit(council_id: int | None = None):
    council = db.get_or_404(Council, council_id) if council_id else Council()
    form = CouncilForm(obj=council if council_id else None)
    if form.validate_on_submit():
        try:
            services.save_council(council, form.data_for(*form.FIELDS))
        except services.CouncilError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Совет сохранён.", "success")
            return redirect(url_for("councils.index"), 303)
    return render_template("councils/edit.html", form=form, council=council), 422 if form.errors else 200


@bp.post("/<int:council_id>/members")
@role_required(*EDIT_COUNCILS)
def add_member(council_id: int):
    council = db.get_or_404(Council, council_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(council, form.person_id.data, form.role.data)
        except services.CouncilError as error:
            db.session.rollback()
            form.person_id.errors.append(str(error))
        else:
            db.session.commit()
    if form.errors:
        if wants_fragment():
            return message(form.error_text())
        flash(form.error_text(), "danger")
    return _members_response(council)


@bp.post("/members/<int:member_id>/delete")
@role_required(*EDIT_COUNCILS)
def remove_member(member_id: int):
    member = db.get_or_404(CouncilMember, member_id)
    council = member.council
    services.remove_member(member)
    db.session.commit()
    return _members_response(council)


def _members_response(council: Council):
    if wants_fragment():
        return fragment("councils/_members.html", council=council, member_form=MemberForm())
    return redirect(url_for("councils.index", _anchor=f"council-{council.id}"), 303)
