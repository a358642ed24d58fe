from flask import render_template, request, url_for

from ..auth.access import role_required
from ..auth.roles import EDIT_COUNCILS
from ..extensions import db
from ..web import apply_change, form_page, fragment, go_back, message, notice, record_form, wants_fragment
from . import bp, services
from .forms import CouncilForm, MemberForm, MemberRoleForm
from .models import Council, CouncilMember


@bp.get("/")
def index():
    """The councils to read; one council's members in edit mode on request (``edit``: its id)."""
    return render_template(
        "councils/index.html",
        councils=services.councils_with_members(),
        member_form=MemberForm(),
        edit=request.args.get("edit", type=int),
    )


@bp.get("/<int:council_id>/members")
def members(council_id: int):
    """A council's members in place: to read, or (``edit=1``) with the editing controls."""
    council = db.get_or_404(Council, council_id)
    editing = bool(request.args.get("edit"))
    if not wants_fragment():
        return render_template(
            "councils/index.html",
            councils=services.councils_with_members(),
            member_form=MemberForm(),
            edit=council.id if editing else None,
        )
    return fragment("councils/_members.html", council=council, member_form=MemberForm(), editing=editing)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:council_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_COUNCILS)
def edit(council_id: int | None = None):
    council, form = record_form(Council, council_id, CouncilForm)
    return form_page(
        "councils/edit.html",
        form,
        lambda: services.save_council(council, form.data_for(*form.FIELDS), form.version.data),
        services.CouncilError,
        then=lambda _: url_for("councils.index"),
        text="Совет сохранён.",
        council=council,
    )


@bp.post("/<int:council_id>/members")
@role_required(*EDIT_COUNCILS)
def add_member(council_id: int):
    council = db.get_or_404(Council, council_id)
    form = MemberForm()

    def invalid():
        if wants_fragment():
            # Only the message: the form keeps what was picked, to correct it.
            return message(form.error_text())
        return _members_changed(council, form.error_text(), "danger")

    return apply_change(
        form, lambda: services.add_member(council, form.person_id.data, form.role.data), services.CouncilError,
        # The focus in the emptied «Сотрудник»: the next member is typed at once.
        done=lambda member: _members_changed(council, f"Член совета добавлен: {member.person.short_name}", focus=f"picker-member-{council.id}"),  # the initials end it
        invalid=invalid,  # a refusal too, its reason among the form's
    )  # fmt: skip


# Registered before remove_member: the access walk (tests/test_access.py) posts to
# every route in this order with the same member, and a removed one would be a 404.
@bp.post("/members/<int:member_id>/role")
@role_required(*EDIT_COUNCILS)
def change_role(member_id: int):
    member = db.get_or_404(CouncilMember, member_id)
    council = member.council
    form = MemberRoleForm()

    def invalid():
        # The whole block, not just the message: the row's menu shows again the role kept.
        return _members_changed(council, form.error_text(), "danger", 422)

    return apply_change(
        form, lambda: services.change_role(member, form.role.data, form.version.data), services.CouncilError,
        done=lambda _: _members_changed(council, f"Роль изменена: {member.person.short_name} — {member.role_label}."),
        invalid=invalid,  # a refusal too, its reason among the form's
    )  # fmt: skip


@bp.post("/members/<int:member_id>/delete")
@role_required(*EDIT_COUNCILS)
def remove_member(member_id: int):
    member = db.get_or_404(CouncilMember, member_id)
    council = member.council
    text = f"Член совета исключён: {member.person.short_name}"
    return apply_change(
        None,
        lambda: services.remove_member(member),
        services.CouncilError,
        done=lambda _: _members_changed(council, text),
        back=url_for("councils.index", edit=council.id, _anchor=f"council-{council.id}"),
    )


def _members_changed(
    council: Council, text: str, category: str = "success", status: int = 200, focus: str | None = None
):
    """After a change of the members: over HTMX the council's members block, ``text`` in
    the page's message area in place of what it said before (a stale refusal must not
    stay beside the result); without JavaScript a flash and back to the council."""
    if wants_fragment():
        # formdata=None: the add form starts afresh (a plain member), not with the posted role.
        return fragment(
            "councils/_members.html",
            status,
            trigger=notice(text, category, focus),
            council=council,
            member_form=MemberForm(formdata=None),
            editing=True,
        )
    return go_back(url_for("councils.index", edit=council.id, _anchor=f"council-{council.id}"), text, category=category)
