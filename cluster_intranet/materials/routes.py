"""Materials of a meeting: a section the meeting page loads (and a page of its own
without JavaScript), uploads, versions, order, deletion, downloads.

Anyone signed in sees a meeting, so anyone signed in may download its materials; the
changes are the secretary's (EDIT_MEETINGS). An upload may be up to MATERIALS_MAX_SIZE:
the request limit is raised for these routes only, a little above it, so a file just
over the limit gets the message next to the field and a much bigger one the 413 page.
"""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.access import role_required
from ..auth.roles import EDIT_MEETINGS
from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.queries import load_meeting
from ..web import (
    apply_change,
    error_page,
    file_name,
    fragment,
    go_back,
    notice,
    page_or_fragment,
    raise_request_limits,
    wants_fragment,
)
from . import bp, services
from .downloads import send_version
from .forms import EditMaterialForm, MaterialForm, VersionForm
from .models import Material

FORM_OVERHEAD = 1024 * 1024  # the other fields and the multipart framing
UPLOADS = {"materials.add", "materials.add_version"}


# Not the app's 10 MB: a material may be as big as MATERIALS_MAX_SIZE.
raise_request_limits(bp, UPLOADS, max_content_length=lambda: current_app.config["MATERIALS_MAX_SIZE"] + FORM_OVERHEAD)


def _material_or_404(material_id: int) -> Material:
    material = db.get_or_404(Material, material_id)
    if material.meeting.deleted_at is not None:
        abort(404)
    return material


def _context(meeting: Meeting, material_form: MaterialForm | None = None) -> dict:
    materials = services.meeting_materials(meeting.id)
    return {
        "meeting": meeting,
        "groups": services.grouped(meeting, materials),
        "count": len(materials),
        # A fresh form is empty: Flask-WTF would fill it from the request just handled.
        "material_form": material_form
        or MaterialForm(formdata=None).with_agenda(meeting.agenda_items).keyed("material-new"),
        "editable": not meeting.is_locked and current_user.has_role(*EDIT_MEETINGS),
        "accept": services.ACCEPT,
        "max_mb": current_app.config["MATERIALS_MAX_SIZE"] // services.MB,
        # The file inputs' limit: the page refuses a bigger file before sending it.
        "max_size": current_app.config["MATERIALS_MAX_SIZE"],
        "too_big": services.too_big(current_app.config["MATERIALS_MAX_SIZE"]),
        "too_much": services.too_much(current_app.config["MATERIALS_MAX_SIZE"]),
    }


@bp.get("/meetings/<int:meeting_id>")
def section(meeting_id: int):
    """The materials of a meeting: the section the meeting page loads, or a page."""
    meeting = load_meeting(meeting_id) or abort(404)
    return page_or_fragment("materials/meeting.html", "materials/_section.html", **_context(meeting))


def _answer(meeting_id: int, status: int = 200, done: str | None = None, material_form: MaterialForm | None = None):
    """After a change: the section again for HTMX, the meeting page without JavaScript."""
    if not wants_fragment():
        if material_form is not None and material_form.errors:
            return go_back(_back(meeting_id), material_form.error_text(), category="danger")
        return go_back(_back(meeting_id), done)
    db.session.expire_all()
    meeting = load_meeting(meeting_id) or abort(404)
    trigger = notice(done) if done else None
    return fragment("materials/_section.html", status, trigger=trigger, retarget="#materials",
                    reswap="outerHTML", **_context(meeting, material_form))  # fmt: skip


def _back(meeting_id: int) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _anchor="materials")


def _uploads() -> list[tuple[str, bytes]]:
    """The files chosen (the field may carry several); none: one empty, for the service to refuse."""
    return [(file_name(file), file.read()) for file in request.files.getlist("file") if file.filename] or [("", b"")]


def _upload() -> tuple[str, bytes]:
    return _uploads()[0]


@bp.get("/<int:material_id>/file")
def download(material_id: int):
    """The material's current version."""
    return send_version(_material_or_404(material_id).current)


@bp.get("/<int:material_id>/versions/<int:number>/file")
def download_version(material_id: int, number: int):
    material = _material_or_404(material_id)
    version = next((v for v in material.versions if v.number == number), None)
    if version is None:
        abort(404)
    return send_version(version)


@bp.post("/meetings/<int:meeting_id>")
@role_required(*EDIT_MEETINGS)
def add(meeting_id: int):
    meeting = load_meeting(meeting_id) or abort(404)
    form = MaterialForm().with_agenda(meeting.agenda_items).keyed("material-new")

    def add_materials():
        return services.add_materials(
            meeting, files=_uploads(), title=form.title.data or "", agenda_item_id=form.agenda_item_id.data,
            user=current_user, max_size=current_app.config["MATERIALS_MAX_SIZE"],
            directory=current_app.config["MATERIALS_DIR"],
        )  # fmt: skip

    return apply_change(
        form, add_materials, services.MaterialError, back=_back(meeting_id),
        done=lambda materials: _answer(meeting_id, done=services.uploaded_text(materials)),
        invalid=lambda: _answer(meeting_id, 422, material_form=form),
    )  # fmt: skip


@bp.post("/<int:material_id>/versions")
@role_required(*EDIT_MEETINGS)
def add_version(material_id: int):
    material = _material_or_404(material_id)
    form = VersionForm()
    back = _back(material.meeting_id)

    def add_version():
        filename, data = _upload()
        return services.add_version(
            material, filename=filename, data=data, user=current_user,
            max_size=current_app.config["MATERIALS_MAX_SIZE"], directory=current_app.config["MATERIALS_DIR"],
        )  # fmt: skip

    return apply_change(
        form, add_version, services.MaterialError, back=back,  # the row's small form: in the message area
        done=lambda version: _answer(material.meeting_id, done=f"Загружена версия {version.number} материала «{material.title}»."),
    )  # fmt: skip


@bp.post("/<int:material_id>/edit")
@role_required(*EDIT_MEETINGS)
def edit(material_id: int):
    material = _material_or_404(material_id)
    form = EditMaterialForm().with_agenda(material.meeting.agenda_items)
    back = _back(material.meeting_id)
    return apply_change(
        form, lambda: services.update_material(material, title=form.title.data or "", agenda_item_id=form.agenda_item_id.data),
        services.MaterialError, back=back, done=lambda _: _answer(material.meeting_id, done="Материал изменён."),
    )  # fmt: skip


@bp.post("/<int:material_id>/move/<any(up, down):direction>")
@role_required(*EDIT_MEETINGS)
def move(material_id: int, direction: str):
    material = _material_or_404(material_id)
    return apply_change(
        None,
        lambda: services.move_material(material, -1 if direction == "up" else 1),
        services.MaterialError,
        back=_back(material.meeting_id),
        done=lambda _: _answer(material.meeting_id),
    )


@bp.post("/<int:material_id>/delete")
@role_required(*EDIT_MEETINGS)
def delete(material_id: int):
    material = _material_or_404(material_id)
    meeting_id, title = material.meeting_id, material.title

    def deleted(_):
        services.sweep_files(current_app.config["MATERIALS_DIR"])  # committed: its files go too
        return _answer(meeting_id, done=f"Материал «{title}» удалён.")

    return apply_change(
        None,
        lambda: services.delete_material(material),
        services.MaterialError,
        back=_back(meeting_id),
        done=deleted,
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    return error_page(413, services.too_big(current_app.config["MATERIALS_MAX_SIZE"]))
