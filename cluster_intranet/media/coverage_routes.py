"""Coverage pages of the media plan: the matrix of who published what, a cell's
publications, the participants and «what we still have to publish»."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from .. import changes, clock
from ..auth.access import role_required
from ..auth.roles import EDIT_ALL_COVERAGE, EDIT_MEDIA
from ..cache import remembered
from ..extensions import db
from ..forms import db_int
from ..web import (
    after_change,
    apply_change,
    button_change,
    fragment,
    notice,
    page_number,
    page_or_fragment,
    refusal,
    wants_fragment,
)
from . import bp, coverage, services
from .coverage import Rights
from .forms import PublicationForm
from .markup import matrix_cells
from .models import MediaEvent, MediaParticipant, MediaPlan, Publication


@bp.get("/plans/<int:plan_id>/coverage", endpoint="coverage")
def coverage_page(plan_id: int):
    plan = db.get_or_404(MediaPlan, plan_id)
    filters = services.EventFilters.from_args(request.args)
    filters.status = filters.channel = filters.responsible_id = None  # the matrix filters by month and organizer
    # The matrix is read far more often than publications are recorded, and building it
    # costs the page its benchmark target: kept until the media change (cache.py).
    inputs = (plan.id, tuple(sorted(filters.as_args().items())), page_number())
    matrix = remembered(
        "media.coverage", inputs, {changes.MEDIA}, lambda: coverage.coverage_matrix(plan, filters, page_number())
    )
    # Only the page has the filters; the fragment names the chosen organizer (its filter chip).
    organizers = services.plan_organizers(plan) if not wants_fragment() or filters.organizer_id else []
    rights = Rights.of(current_user)
    return page_or_fragment(
        "media/coverage.html", "media/_matrix.html", plan=plan, matrix=matrix, filters=filters, rights=rights,
        organizers=organizers, may_columns=[rights.may(p.id) for p in matrix.participants], matrix_cells=matrix_cells,
    )  # fmt: skip


@bp.get("/events/<int:event_id>/slot/<int:organization_id>")
def slot(event_id: int, organization_id: int):
    """One participant's publications of one event (a cell of the matrix); the «cancel» of its form."""
    event = db.get_or_404(MediaEvent, event_id)
    return fragment(
        "media/_slot.html",
        event=event,
        cell=coverage.matrix_cell(event, organization_id),
        rights=Rights.of(current_user),
    )


@bp.route("/events/<int:event_id>/publications", methods=["GET", "POST"])
@role_required(*EDIT_MEDIA)
def record_publication(event_id: int):
    event = db.get_or_404(MediaEvent, event_id)
    requested = request.form.get("organization_id", type=db_int)
    if requested and not coverage.may_record(current_user, requested):
        abort(403)  # an editor speaks for the own organization only
    form = PublicationForm().with_organizations(coverage.recordable_organizations(current_user))
    if request.method == "GET":
        form.organization_id.data = request.args.get("organization", type=db_int) or coverage.user_organization_id(
            current_user
        )
        form.published_on.data = clock.local_today()

    def page(status: int = 422):
        slot_org = form.organization_id.data if isinstance(form.organization_id.data, int) else None
        cell = coverage.matrix_cell(event, slot_org) if slot_org and Rights.of(current_user).may(slot_org) else None
        return page_or_fragment(
            "media/publication_form.html",
            "media/_slot_form.html",
            status,
            form=form,
            event=event,
            cell=cell,
            slot_org=slot_org,
        )

    def recorded(_):
        return _slot_changed(event, form.organization_id.data, "Публикация отмечена.")

    def refused(error: Exception):
        if isinstance(error, PermissionError):
            abort(403)
        form.form_errors.append(str(error))
        return page()

    if request.method == "GET":
        return page(200)
    return apply_change(
        form, lambda: coverage.record_publication(event, current_user, form.data_for("organization_id", "channel", "url", "published_on")),
        (services.MediaError, PermissionError), done=recorded, invalid=page, back=refused,
    )  # fmt: skip


def _slot_changed(event: MediaEvent, organization_id: int, said: str):
    """A publication marked or removed: the matrix's cell again for HTMX (the matrix's
    totals follow on ``coverageChanged``), the event's coverage otherwise."""
    if wants_fragment():
        cell = coverage.matrix_cell(event, organization_id)
        trigger = {"coverageChanged": True, **notice(said)}
        return fragment("media/_slot.html", event=event, cell=cell, rights=Rights.of(current_user), trigger=trigger)
    return after_change(url_for("media.event", event_id=event.id, _anchor="coverage"), said)


@bp.post("/publications/<int:publication_id>/delete")
@role_required(*EDIT_MEDIA)
def delete_publication(publication_id: int):
    publication = db.get_or_404(Publication, publication_id)
    event, organization_id = publication.event, publication.organization_id

    return apply_change(
        None,
        lambda: coverage.delete_publication(publication, current_user),
        PermissionError,
        done=lambda _: _slot_changed(event, organization_id, "Отметка о публикации удалена."),
        back=lambda _: abort(403),
    )


@bp.get("/participants")
def participants():
    return render_template(
        "media/participants.html", participants=coverage.participants(),
        records=coverage.participant_records(), choices=coverage.non_participant_choices(),
    )  # fmt: skip


@bp.post("/participants")
@role_required(*EDIT_ALL_COVERAGE)
def add_participant():
    organization_id = request.form.get("organization_id", type=db_int)
    back = url_for("media.participants")
    if not organization_id:
        return refusal(services.MediaError("Выберите организацию из списка."), back)
    return button_change(
        lambda: coverage.add_participant(organization_id),
        services.MediaError,
        back=back,
        said="Организация добавлена в участники освещения.",
    )


@bp.post("/participants/<int:participant_id>/delete")
@role_required(*EDIT_ALL_COVERAGE)
def remove_participant(participant_id: int):
    participant = db.get_or_404(MediaParticipant, participant_id)
    return button_change(
        lambda: coverage.remove_participant(participant), services.MediaError, back=url_for("media.participants"),
        said="Организация больше не участвует в освещении; её прежние публикации сохранены.",
    )  # fmt: skip


@bp.get("/todo")
def todo():
    """«What we still have to publish»: for the user's organization, or the one a secretary picks."""
    rights = Rights.of(current_user)
    own = coverage.user_organization_id(current_user)
    may_choose = rights.all or not own  # those who record for the cluster, or not for their own organization
    organization_id = (may_choose and request.args.get("organization", type=db_int)) or own
    participant = coverage.is_participant(organization_id)
    plan_id = request.args.get("plan", type=db_int)
    events = coverage.still_to_publish(organization_id, plan_id) if participant else []
    recent = coverage.recent_publications(organization_id) if participant else []
    return render_template(
        "media/todo.html", events=events, recent=recent, organization_id=organization_id, rights=rights, may_choose=may_choose,
        participant=participant, organizations=coverage.participant_choices(), plan_id=plan_id,
        plans=[(plan.id, plan.title) for plan, _ in services.plans_overview()],
    )  # fmt: skip
