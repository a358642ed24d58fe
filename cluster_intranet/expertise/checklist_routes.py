"""Expertise pages: the checklist editor. The Expert Council's checklists, a draft
edited in place (title, sections, criteria, their order) and published, then frozen;
a new version starts as a copy of a published one. The other expertise pages are in
``routes``; the changes themselves in ``checklist_versions``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import role_required
from ..auth.roles import RUN_EXPERTISE
from ..extensions import db
from ..web import (
    apply_change,
    button_change,
    form_again,
    form_page,
    fragment,
    notice,
    page_or_fragment,
    refusal,
    wants_fragment,
)
from . import bp, checklist_versions, scoring, services
from .forms import CriterionForm, PublishForm, SectionForm, TitleForm
from .models import ChecklistSection, ChecklistVersion, Criterion
from .services import ExpertiseError


@bp.get("/checklists")
def checklists():
    return render_template("expertise/checklists.html", templates=checklist_versions.checklist_templates())


@bp.route("/checklists/new", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def new_checklist():
    form = TitleForm()
    return form_page(
        "expertise/checklist_new.html",
        form,
        lambda: checklist_versions.create_checklist(form.title.data),
        ExpertiseError,
        then=lambda version: url_for("expertise.checklist", version_id=version.id),
    )


def _version_or_404(version_id: int) -> ChecklistVersion:
    version = checklist_versions.load_version(version_id)
    if version is None:
        abort(404)
    if not version.is_published and not services.may_run(current_user):
        abort(403)  # drafts are the Expert Council's work in progress
    return version


def _editor(version: ChecklistVersion, status: int = 200, said: str | None = None, at: str | None = None, **forms):
    """The checklist page, or for HTMX the editor's body; after a change, what was done
    (``said``) in the message area and the focus on the changed part (``at``, an id)."""
    context = dict(
        version=version,
        numbered=scoring.numbered_sections(version.sections),
        title_form=forms.get("title_form") or TitleForm(title=version.title),
        section_form=forms.get("section_form") or SectionForm(formdata=None),
        publish_form=forms.get("publish_form") or PublishForm(formdata=None),
    )
    if said and wants_fragment():
        return fragment("expertise/_checklist_body.html", status, trigger=notice(said, focus=at), **context)
    return page_or_fragment("expertise/checklist.html", "expertise/_checklist_body.html", status, **context)


def _form_again(version: ChecklistVersion, template: str, target: str, **forms):
    """One of the editor's forms refused its input: the form alone for HTMX, else the editor's page."""
    return form_again(template, target, lambda: _editor(version, 422, **forms), version=version, **forms)


def _back_to(version: ChecklistVersion, anchor: str | None = None) -> str:
    return url_for("expertise.checklist", version_id=version.id, _anchor=anchor)


def _edited(
    version: ChecklistVersion,
    change: Callable[[], object],
    said: str,
    anchor: str | Callable[[object], str] | None = None,
    *,
    form=None,
    invalid: Callable[[], object] | None = None,
    back: Callable[[Exception], object] | None = None,
):
    """A change in the checklist editor (``form``'s, if given), committed: the editor's
    body again for HTMX, saying so, the focus at ``anchor`` (or ``anchor(result)``);
    otherwise the page at ``anchor``. Invalid input gives ``invalid()``; a refusal goes
    back to the page (or to ``back(error)``)."""

    def done(result):
        at = anchor(result) if callable(anchor) else anchor
        if wants_fragment():
            return _editor(version, said=said, at=at)
        return redirect(_back_to(version, at), 303)

    return apply_change(form, change, ExpertiseError, done=done, invalid=invalid, back=back or _back_to(version))


@bp.get("/checklists/<int:version_id>")
def checklist(version_id: int):
    return _editor(_version_or_404(version_id))


@bp.post("/checklists/<int:version_id>/title")
@role_required(*RUN_EXPERTISE)
def rename_checklist(version_id: int):
    version = _version_or_404(version_id)
    form = TitleForm()
    return button_change(
        lambda: checklist_versions.rename_checklist(version, form.title.data),
        ExpertiseError,
        back=_back_to(version),
        said="Название сохранено.",
        form=form,
    )


@bp.post("/checklists/<int:version_id>/sections")
@role_required(*RUN_EXPERTISE)
def add_section(version_id: int):
    version = _version_or_404(version_id)
    form = SectionForm()
    return _edited(
        version,
        lambda: checklist_versions.add_section(version, form.title.data),
        "Раздел добавлен.",
        lambda section: f"section-{section.id}",
        form=form,
        invalid=lambda: _form_again(version, "expertise/_section_add.html", "section-add", section_form=form),
    )


def _section_or_404(section_id: int) -> ChecklistSection:
    section = db.get_or_404(ChecklistSection, section_id)
    _version_or_404(section.version_id)  # loads the whole version for the editor
    return section


@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def edit_section(section_id: int):
    section = _section_or_404(section_id)
    version = section.version
    if version.is_published:
        return refusal(checklist_versions.frozen(version), _back_to(version))
    form = SectionForm(obj=section)

    def page(status: int = 422):
        return page_or_fragment("expertise/section_form.html", "expertise/_section_form.html", status,
                                form=form, section=section, version=version)  # fmt: skip

    if request.method == "GET":
        return page(200)
    return _edited(
        version,
        lambda: checklist_versions.save_section(section, form.title.data),
        "Раздел сохранён.",
        f"section-{section.id}",
        form=form,
        invalid=page,
    )


@bp.post("/sections/<int:section_id>/delete")
@role_required(*RUN_EXPERTISE)
def delete_section(section_id: int):
    section = _section_or_404(section_id)
    version = section.version
    return _edited(version, lambda: checklist_versions.delete_section(section), "Раздел удалён.")


@bp.post("/sections/<int:section_id>/move/<any(up, down):direction>")
@role_required(*RUN_EXPERTISE)
def move_section(section_id: int, direction: str):
    section = _section_or_404(section_id)
    version = section.version
    return _edited(
        version,
        lambda: checklist_versions.move_section(section, -1 if direction == "up" else 1),
        "Порядок разделов изменён.",
        f"section-{section.id}",
    )


def _criterion_form(section: ChecklistSection, criterion: Criterion | None, save: Callable[[dict], Criterion]):
    """The criterion form, new (``criterion`` None) or filled: saved, the editor again (or
    its page at the criterion); a locked checklist is refused; other reasons stand next
    to the form, 422."""
    version = section.version
    if version.is_published:
        return refusal(checklist_versions.frozen(version), _back_to(version))
    form = CriterionForm(obj=criterion)
    context = dict(form=form, section=section, criterion=criterion, version=version)

    def page(status: int = 422):
        return page_or_fragment("expertise/criterion_form.html", "expertise/_criterion_form.html", status, **context)

    def invalid():
        key = f"criterion-{criterion.id}" if criterion else f"new-criterion-{section.id}"
        return form_again("expertise/_criterion_form.html", key, page, **context)

    def refused(error: ExpertiseError):
        if isinstance(error, services.Locked):
            return refusal(error, _back_to(version))
        form.form_errors.append(str(error))
        return invalid()

    if request.method == "GET":
        return page(200)
    return _edited(
        version,
        lambda: save(form.data_for(*form.FIELDS)),
        "Критерий сохранён." if criterion else "Критерий добавлен.",
        lambda saved: f"criterion-{saved.id}",
        form=form,
        invalid=invalid,
        back=refused,
    )


@bp.route("/sections/<int:section_id>/criteria", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def add_criterion(section_id: int):
    section = _section_or_404(section_id)
    return _criterion_form(section, None, lambda data: checklist_versions.add_criterion(section, data))


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def edit_criterion(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)

    def save(data: dict) -> Criterion:
        checklist_versions.save_criterion(criterion, data)
        return criterion

    return _criterion_form(_section_or_404(criterion.section_id), criterion, save)


@bp.post("/criteria/<int:criterion_id>/delete")
@role_required(*RUN_EXPERTISE)
def delete_criterion(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    version = _section_or_404(criterion.section_id).version
    return _edited(
        version,
        lambda: checklist_versions.delete_criterion(criterion),
        "Критерий удалён.",
        f"section-{criterion.section_id}",
    )


@bp.post("/criteria/<int:criterion_id>/move/<any(up, down):direction>")
@role_required(*RUN_EXPERTISE)
def move_criterion(criterion_id: int, direction: str):
    criterion = db.get_or_404(Criterion, criterion_id)
    version = _section_or_404(criterion.section_id).version
    return _edited(
        version,
        lambda: checklist_versions.move_criterion(criterion, -1 if direction == "up" else 1),
        "Порядок критериев изменён.",
        f"criterion-{criterion.id}",
    )


@bp.post("/checklists/<int:version_id>/publish")
@role_required(*RUN_EXPERTISE)
def publish_checklist(version_id: int):
    version = _version_or_404(version_id)
    form = PublishForm()
    if version.is_published:
        return refusal(checklist_versions.frozen(version), _back_to(version))
    return button_change(
        lambda: checklist_versions.publish(version, form.protocol_ref.data, current_user),
        ExpertiseError,
        back=_back_to(version),
        said=f"Версия {version.number} опубликована.",
        form=form,
        invalid=lambda: _form_again(version, "expertise/_publish_form.html", "publish-form", publish_form=form),
    )


@bp.post("/checklists/<int:version_id>/new-version")
@role_required(*RUN_EXPERTISE)
def new_version(version_id: int):
    version = _version_or_404(version_id)
    return button_change(
        lambda: checklist_versions.new_version(version), ExpertiseError, back=_back_to(version),
        said=lambda draft: f"Черновик версии {draft.number}: правьте его, затем опубликуйте.", then=_back_to,
    )  # fmt: skip


@bp.post("/checklists/<int:version_id>/delete")
@role_required(*RUN_EXPERTISE)
def delete_checklist(version_id: int):
    version = _version_or_404(version_id)
    return button_change(
        lambda: checklist_versions.delete_draft(version), ExpertiseError, back=_back_to(version),
        said="Черновик удалён.", then=lambda _: url_for("expertise.checklists"),
    )  # fmt: skip
