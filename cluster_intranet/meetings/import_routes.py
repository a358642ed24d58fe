"""«Импорт протокола»: upload Word files or paste text, review, confirm.

Thin: the work is in ``importing.saving``. An upload is kept for review (nothing else
is written); the review page posts the secretary's choices, and the confirmation
creates the meeting in one transaction or refuses with a message next to the field.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import MultipleFileField, TextAreaField

from ..auth.access import role_required
from ..auth.roles import EDIT_MEETINGS
from ..extensions import db
from ..forms import Form, parse_id
from ..web import after_change, apply_change, error_page, file_name, fragment, raise_request_limits
from ..materials import services as materials
from ..materials.models import MaterialVersion
from ..materials.downloads import send_version
from . import bp
from .importing import reader, saving


# The pasted text is read up to reader.MAX_TEXT_CHARS characters (up to 4 bytes each in
# UTF-8): the form's fields may hold that much, not only Flask's 500 KB.
TEXT_FORM_BYTES = reader.MAX_TEXT_CHARS * 4
TOO_BIG = (
    f"Слишком большая загрузка: файлы протоколов — не более {reader.MAX_FILE_BYTES // 1024 // 1024} МБ за раз, "
    f"вставленный текст — не более {reader.MAX_TEXT_CHARS:,} знаков. Загрузите файлы по одному; "
    "в протоколе с отсканированными страницами или картинками уберите их."
).replace(",", " ")


raise_request_limits(bp, {"meetings.import_protocol"}, max_form_memory_size=TEXT_FORM_BYTES)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    return error_page(413, TOO_BIG if request.endpoint == "meetings.import_protocol" else None)


class UploadForm(Form):
    files = MultipleFileField("Файлы протоколов")
    text = TextAreaField("или вставьте текст протокола")


def _import_or_404(import_id: int) -> MaterialVersion:
    row = saving.get_upload(import_id)
    if row is None:
        abort(404)
    return row


@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def import_protocol():
    form = UploadForm()
    results = []  # (filename, the kept upload or None, the refusal or None)
    read = None  # what of the form was read: its files, and its text unless refused
    if form.validate_on_submit():
        files = [(file_name(f), f.read()) for f in request.files.getlist("files") if f and f.filename]
        if not files and not form.text.data:
            form.files.errors.append("Выберите файлы протоколов или вставьте текст.")
        config = current_app.config
        results, text_refused = saving.take(files, form.text.data, current_user, soffice=config["SOFFICE_PATH"],
                                            timeout=config["DOCUMENTS_PDF_TIMEOUT"], directory=config["MATERIALS_DIR"])  # fmt: skip
        if text_refused:
            form.text.errors.append(text_refused)
        read = {"files": bool(files), "text": bool(form.text.data) and not text_refused}
        db.session.commit()  # what was kept, whatever else was refused
        materials.sweep_files(current_app.config["MATERIALS_DIR"])  # uploads expired meanwhile
        kept = [row for _, row, _ in results if row is not None]
        if len(kept) == 1 and len(results) == 1 and not form.text.errors:
            target = url_for("meetings.review_import", import_id=kept[0].id)
            if request.htmx:  # the whole page goes to the review, not a fragment of it
                response = current_app.response_class(status=204)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target, 303)
    failed = form.errors or any(error for _, _, error in results)
    status = 422 if failed and not any(row for _, row, _ in results) else 200
    listed = {row.id for _, row, _ in results if row is not None}  # just uploaded: in the results above
    pending = [row for row in saving.pending(current_user) if row.id not in listed]
    context = {"form": form, "results": results, "pending": pending, "accepted": ", ".join(reader.ACCEPTED),
               "max_size": reader.MAX_FILE_BYTES, "too_big": reader.too_big_text()}  # fmt: skip
    if request.htmx and request.method == "POST":
        # The form stays on the page: what was read leaves it (static/js/app.js), so a second
        # press does not send the same files again; a refused text stays to be corrected.
        return fragment(
            "meetings/_import_results.html", status, trigger={"importRead": read} if read else None, **context
        )
    return render_template("meetings/import.html", **context), status


def _choices(review: saving.Review) -> saving.Choices:
    form = request.form

    def number(name):
        return parse_id(form.get(name, "").strip())

    try:
        on = date.fromisoformat(form.get("date", ""))
    except ValueError:
        on = None
    archive = form.get("archive") == "1"
    people = {}
    for i, (key, _) in enumerate(review.people):
        other = number(f"person-{i}-other")  # someone else of the directory, found by the picker
        if other is not None:
            people[key] = str(other)
        elif f"person-{i}" in form:  # a choice left out of the form keeps the proposal (the match, or a new person)
            people[key] = form[f"person-{i}"]
    return saving.Choices(
        council_id=number("council_id"),
        number=number("number"),
        date=on,
        archive=archive,
        mark_done=form.get("mark_done") == "1",
        people=people,
        organizations={key: form.get(f"organization-{i}", "") for i, (key, _) in enumerate(review.new_organizations)},
        items={index: number(f"item-{index}") for index, d in enumerate(review.parsed.decisions) if d.item_guessed},
        # Left out of the form (None): as the protocol says.
        **{name: form.get(name) for name in ("city", "place", "start_time", "end_time")},
    )


@bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@role_required(*EDIT_MEETINGS)
def review_import(import_id: int):
    row = _import_or_404(import_id)
    if row.meeting_id is not None:
        return redirect(url_for("meetings.show", meeting_id=row.meeting_id), 303)
    review = saving.review(row)

    def page(error=None):
        values = request.form if request.method == "POST" else None
        # The people picked from the whole directory, by row, shown again as picked.
        others = {i: parse_id(values.get(f"person-{i}-other", "")) for i in range(len(review.people))} if values else {}
        return render_template("meetings/import_review.html", review=review, form=Form(), error=error, values=values,
                               others={i: person for i, person in others.items() if person}), 422 if error else 200  # fmt: skip

    if request.method == "GET":
        return page()
    if not Form().validate_on_submit():
        abort(400)
    choices = _choices(review)
    review.parsed.assign_items(choices.items)  # the page shows whose each vote is for the items chosen
    if request.form.get("preview"):  # a decision's item changed: the page again, nothing saved
        return page()

    def imported(meeting):
        return after_change(url_for("meetings.show", meeting_id=meeting.id), f"Протокол импортирован: {meeting.title}.")

    return apply_change(None, lambda: saving.confirm(row, current_user, choices), (saving.ImportRefused, ValueError),
                        done=imported, back=page)  # fmt: skip


@bp.post("/import/<int:import_id>/discard")
@role_required(*EDIT_MEETINGS)
def discard_import(import_id: int):
    row = _import_or_404(import_id)
    back = url_for("meetings.import_protocol")

    def discarded(_):
        materials.sweep_files(current_app.config["MATERIALS_DIR"])  # committed: its file goes too
        return after_change(back, f"Загрузка «{row.filename}» удалена.")

    return apply_change(Form(), lambda: saving.discard(row), saving.ImportRefused, done=discarded,
                        invalid=lambda: abort(400), back=back)  # fmt: skip


@bp.get("/import/<int:import_id>/original")
def import_original(import_id: int):
    """The file as uploaded: of a protocol under review (its uploader and the
    secretaries), or the original of an imported one (whoever sees the meeting)."""
    row = _import_or_404(import_id)
    if row.meeting_id is None and not current_user.has_role(*EDIT_MEETINGS):
        abort(404)
    return send_version(row)
