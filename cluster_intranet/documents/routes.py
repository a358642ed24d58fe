"""Downloads of filled documents (.docx, and PDF when LibreOffice is installed) and the
template library. The documents themselves are built in services.py."""

from __future__ import annotations

import functools

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.access import role_required
from ..auth.roles import EDIT_TEMPLATES
from ..meetings.models import Meeting
from ..meetings.queries import council_choices, load_meeting
from ..web import (
    DOCX_MIME,
    after_change,
    apply_change,
    button_change,
    download_name,
    error_page,
    file_name,
    message,
    send_download,
    wants_fragment,
)
from ..forms import db_int
from . import bp, contexts, reference, services
from .forms import ReportForm, UploadForm
from .library import KINDS, default_template
from .office import convert_to_pdf
from .pdf import ConversionError, soffice_path

EXT = "<any(docx, pdf):ext>"
PDF_MIMETYPE = "application/pdf"


def pdf_available() -> bool:
    """Whether PDF links are shown: LibreOffice is installed (looked up once per process and
    setting: a search of PATH on every page that shows the links cost a few percent of it)."""
    return _soffice_installed(current_app.config["SOFFICE_PATH"])


@functools.cache
def _soffice_installed(configured: str | None) -> bool:
    return soffice_path(configured) is not None


bp.add_app_template_global(pdf_available)
bp.add_app_template_global(services.FORM_LABELS, "protocol_form_labels")


def _send(build, ext: str):
    """Build a document and send it as .docx or, converted by LibreOffice, as PDF."""
    document = build()  # a broken uploaded template: main.errors explains it
    body, mimetype, filename = document.content, DOCX_MIME, document.filename
    if ext == "pdf":
        try:
            config = current_app.config
            body = convert_to_pdf(
                body,
                timeout=config["DOCUMENTS_PDF_TIMEOUT"],
                soffice=config["SOFFICE_PATH"],
                python=config["DOCUMENTS_PDF_PYTHON"],
                warm=config["DOCUMENTS_PDF_SERVER"],
            )
        except ConversionError as error:
            return error_page(503, f"PDF не удалось подготовить. {error} Скачайте документ в формате .docx.")
        mimetype, filename = PDF_MIMETYPE, document.as_pdf_name()
    return send_download(body, filename, mimetype)


def _meeting_or_404(meeting_id: int, load=services.load_for_documents) -> Meeting:
    meeting = load(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


# Documents of a meeting -------------------------------------------------------------------


def _protocol_form() -> str | None:
    """``?form=short|full``: the form chosen at download (none: the council's)."""
    form = request.args.get("form") or None
    if form is not None and form not in services.PROTOCOL_FORMS:
        abort(404)
    return form


@bp.get(f"/meetings/<int:meeting_id>/protocol.{EXT}")
def protocol(meeting_id: int, ext: str):
    meeting = _meeting_or_404(meeting_id)
    form = _protocol_form()
    return _send(lambda: services.protocol_document(meeting, form=form), ext)


@bp.get(f"/meetings/<int:meeting_id>/versions/<int:number>/protocol.{EXT}")
def protocol_version(meeting_id: int, number: int, ext: str):
    """An approved version, as it was approved."""
    meeting = _meeting_or_404(meeting_id)
    version = next((v for v in meeting.versions if v.number == number), None)
    if version is None:
        abort(404)
    form = _protocol_form()
    return _send(lambda: services.protocol_document(meeting, version, form), ext)


@bp.get("/meetings/<int:meeting_id>/extract")
def extract_form(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, load_meeting)
    return _extract_page(meeting, set(), None)


def _extract_page(meeting: Meeting, chosen: set, error: str | None, signer_id: int | None = None):
    signers = contexts.signer_choices(meeting, current_user)
    return render_template(
        "documents/extract.html",
        meeting=meeting,
        chosen=chosen,
        error=error,
        signers=signers,
        signer_id=signer_id or (signers[0].id if signers else None),
    )


@bp.get(f"/meetings/<int:meeting_id>/extract.{EXT}")
def extract(meeting_id: int, ext: str):
    meeting = _meeting_or_404(meeting_id, load_meeting)  # the form again, if nothing is ticked
    chosen = set(request.args.getlist("decision", type=db_int)) & {d.id for d in meeting.decisions}
    items = set(request.args.getlist("item", type=db_int)) & {item.id for item in meeting.agenda_items}
    signer_id = request.args.get("signer", type=db_int)
    signer = next((p for p in contexts.signer_choices(meeting, current_user) if p.id == signer_id), None)
    if not chosen and not items:
        error = "Отметьте вопросы повестки или решения, которые войдут в выписку."
        if wants_fragment():  # the download script shows the message in place
            return message(error)
        return _extract_page(meeting, chosen, error, signer_id), 422
    return _send(lambda: services.extract_document(meeting, chosen, current_user, signer, items), ext)


# The report on the execution of decisions -------------------------------------------------


def _report_form(formdata=None) -> ReportForm:
    return ReportForm(formdata).with_councils(council_choices())


@bp.get("/")
def index():
    form = _report_form(None)
    if form.council.choices and len(form.council.choices) > 1:
        form.council.data = form.council.choices[1].value
    return render_template("documents/index.html", form=form)


@bp.get(f"/reports/decisions.{EXT}")
def report(ext: str):
    form = _report_form(request.args)
    council = services.report_council(form.council.data)
    if not form.validate() or (form.council.data and council is None):
        if wants_fragment():  # the download script shows the message in place
            return message(form.error_text() or "Такого совета нет.")
        return render_template("documents/index.html", form=form), 422
    start, end = form.start.data, form.end.data
    decisions = services.decisions_of_period(council, start, end)
    return _send(lambda: services.decisions_report_document(council, start, end, decisions), ext)


# The template library -------------------------------------------------------------------


def _kind_or_404(document_kind: str) -> str:
    if document_kind not in KINDS:
        abort(404)
    return document_kind


def _version_or_404(document_kind: str, number: int):
    template = services.get_version(_kind_or_404(document_kind), number)
    if template is None:
        abort(404)
    return template


@bp.get("/templates/")
@role_required(*EDIT_TEMPLATES)
def templates():
    return render_template("documents/templates.html", kinds=KINDS, active=services.active_versions())


def _template_page(kind: str, form: UploadForm, status: int = 200, error=None):
    return (
        render_template(
            "documents/template.html",
            kind=kind,
            title=KINDS[kind],
            versions=services.versions(kind),
            form=form,
            error=error,
            has_demo=services.demo_context(kind) is not None,
        ),
        status,
    )


@bp.get("/templates/<document_kind>")
@role_required(*EDIT_TEMPLATES)
def template_kind(document_kind: str):
    return _template_page(_kind_or_404(document_kind), UploadForm())


@bp.post("/templates/<document_kind>")
@role_required(*EDIT_TEMPLATES)
def upload_template(document_kind: str):
    kind = _kind_or_404(document_kind)
    form = UploadForm()

    def uploaded(template):
        text = f"Шаблон «{KINDS[kind]}» загружен как версия {template.number} и используется для новых документов."
        return after_change(url_for("documents.template_kind", document_kind=kind), text)

    upload = form.file
    return apply_change(
        form,
        lambda: services.upload_template(kind, file_name(upload.data), upload.data.read(), current_user),
        services.LibraryError,
        done=uploaded,
        invalid=lambda: _template_page(kind, form, 422),
        # Two versions uploaded at the same moment: the unique (kind, number) index lets one
        # through; the other is answered 409 like every double submit (main/errors.py).
        back=lambda error: _template_page(kind, form, 422, error),
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024 // 1024
    return error_page(413, f"Файл больше {limit} МБ: такой шаблон загрузить нельзя. Уменьшите картинки в документе.")


@bp.get("/templates/<document_kind>/<int:number>.docx")
@role_required(*EDIT_TEMPLATES)
def download_template(document_kind: str, number: int):
    template = _version_or_404(document_kind, number)
    return _file(template.content, download_name(None, f"{KINDS[document_kind]}, версия {number}", "docx"))


@bp.get("/templates/<document_kind>/default.docx")
@role_required(*EDIT_TEMPLATES)
def download_default(document_kind: str):
    kind = _kind_or_404(document_kind)
    return _file(default_template(kind), download_name(None, f"{KINDS[kind]}, стандартный шаблон", "docx"))


def _file(content: bytes, filename: str):
    return send_download(content, filename, DOCX_MIME)


@bp.post("/templates/<document_kind>/<int:number>/activate")
@role_required(*EDIT_TEMPLATES)
def activate_template(document_kind: str, number: int):
    template = _version_or_404(document_kind, number)
    back = url_for("documents.template_kind", document_kind=document_kind)
    return button_change(
        lambda: services.activate(template),
        services.LibraryError,
        back=back,
        said=f"Для новых документов используется версия {number}.",
    )


@bp.post("/templates/<document_kind>/default/activate")
@role_required(*EDIT_TEMPLATES)
def use_default(document_kind: str):
    kind = _kind_or_404(document_kind)
    back = url_for("documents.template_kind", document_kind=kind)
    return button_change(
        lambda: services.use_default(kind),
        services.LibraryError,
        back=back,
        said="Для новых документов используется стандартный шаблон.",
    )


@bp.get("/templates/<document_kind>/reference")
@role_required(*EDIT_TEMPLATES)
def template_reference(document_kind: str):
    kind = _kind_or_404(document_kind)
    demo = services.demo_context(kind)
    return render_template(
        "documents/reference.html",
        kind=kind,
        title=KINDS[kind],
        entries=reference.describe(demo, reference.NOTES if kind in contexts.DEMO_CONTEXTS else None) if demo else [],
        filters=reference.filter_examples(),
    )
