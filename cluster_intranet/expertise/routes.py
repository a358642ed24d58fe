"""Expertise pages: programmes, expert sessions and the experts' checklists (the
checklist editor's pages are in ``checklist_routes``).

Thin: every change is a service call; access is decided by the services' may_*
rules. HTMX requests get fragments (each saved answer, the live progress table);
the same forms work without JavaScript (POST -> 303).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import role_required
from ..auth.models import NO_PERSON_TO_SIGN
from ..auth.roles import RUN_EXPERTISE, Role
from ..documents.grammar import genitive
from ..documents.library import active_template
from ..documents.rendering import render_document
from ..extensions import db
from ..search import search_count_limit
from ..web import (
    DOCX_MIME,
    after_change,
    apply_change,
    button_change,
    form_again,
    form_page,
    fragment,
    page_or_fragment,
    paginate,
    record_form,
    refusal,
    send_download,
    wants_fragment,
)
from ..forms import db_int, options
from . import bp, checklist_versions, documents, scoring, services
from .forms import (
    AnswerForm,
    ConclusionForm,
    ExpertForm,
    ProgrammeForm,
    ReopenForm,
    SessionForm,
    SubmitForm,
)
from .models import (
    ApprovalStatus,
    Assessment,
    ExpertSession,
    Programme,
)
from .services import ExpertiseError

# Scores in pages read the Russian way: «12,5», «83,3 %».
bp.add_app_template_filter(scoring.format_number, "score_number")
bp.add_app_template_filter(scoring.format_percent, "score_percent")

# --- helpers --------------------------------------------------------------------------


def _docx(kind: str, context: dict, filename: str):
    """A filled Word document to download (a broken uploaded template: main.errors explains it)."""
    return send_download(render_document(active_template(kind), context), filename, DOCX_MIME)


def _session_data(session_id: int) -> scoring.SessionData:
    data = scoring.load_session(session_id)
    if data is None:
        abort(404)
    return data


def _assessment_data(assessment_id: int, *, fill: bool = False) -> tuple[scoring.SessionData, Assessment]:
    """The session's data and one expert's checklist; 403 unless the user may see (or fill) it.
    The other experts' answers are read only for the checklist's own expert, the one who may
    see them on it (services.may_see_others); anyone else gets this checklist's answers alone."""
    checklist = db.get_or_404(Assessment, assessment_id)
    answers_of = None if services.is_own(current_user, checklist) else assessment_id
    data = scoring.load_session(checklist.session_id, answers_of)
    if data is None:
        abort(404)
    assessment = next(a for a in data.assessments if a.id == assessment_id)
    allowed = services.may_fill if fill else services.may_view_assessment
    if not allowed(current_user, assessment):
        abort(403)
    return data, assessment


# --- overview -------------------------------------------------------------------------


@bp.get("/")
def index():
    mine = services.my_assessments(current_user)
    # A checklist begun and left says how far it got (an expert has few open at a time).
    begun = {a.id: services.answered_count(a) for a in mine if not a.is_submitted and not a.reopened_at}
    sessions = None
    if services.may_run(current_user) or current_user.role == Role.VIEWER:
        sessions = paginate(services.sessions_query(current_user))
    return page_or_fragment(
        "expertise/index.html", "expertise/_sessions.html", mine=mine, begun=begun, sessions=sessions
    )


# --- programmes -----------------------------------------------------------------------


@bp.get("/programmes")
def programmes():
    q = request.args.get("q", "")
    approval = request.args.get("status", "")
    page = paginate(services.programmes_query(q, approval), count_limit=search_count_limit(q))
    return page_or_fragment(
        "expertise/programmes.html",
        "expertise/_programmes_results.html",
        page=page,
        q=q,
        approval=approval,
        statuses=ApprovalStatus,
    )


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    sessions = [s for s in services.programme_sessions(programme) if services.may_see_results(current_user, s)]
    history = services.programme_history(programme) if services.may_run(current_user) else []
    return render_template("expertise/programme.html", programme=programme, sessions=sessions, history=history)


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def edit_programme(programme_id: int | None = None):
    programme, form = record_form(Programme, programme_id, ProgrammeForm)
    form.college_id.choices = options(services.college_choices(), empty="— выберите —")
    return form_page(
        "expertise/programme_form.html", form, lambda: services.save_programme(programme, form.data_for(*form.FIELDS)),
        ExpertiseError, then=lambda _: url_for("expertise.programme", programme_id=programme.id),
        text="Программа сохранена.", programme=programme,
    )  # fmt: skip


@bp.post("/programmes/<int:programme_id>/delete")
@role_required(*RUN_EXPERTISE)
def delete_programme(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    return button_change(
        lambda: services.delete_programme(programme), ExpertiseError,
        back=url_for("expertise.programme", programme_id=programme_id),
        said="Программа удалена из реестра.", then=lambda _: url_for("expertise.programmes"),
    )  # fmt: skip


@bp.get("/programmes/<int:programme_id>/approval-sheet.docx")
def approval_sheet(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    session = programme.decided_by_session
    if not services.may_run(current_user) and not (session and services.may_see_results(current_user, session)):
        abort(403)
    if session is None:
        return refusal(
            services.Locked(
                "Лист согласования появится, когда по программе будет утверждено заключение экспертной сессии."
            ),
            url_for("expertise.programme", programme_id=programme_id),
        )
    data = _session_data(session.id)
    return _docx("approval_sheet", *documents.document(data, "approval_sheet"))


# --- sessions ---------------------------------------------------------------------------


@bp.route("/sessions/new", methods=["GET", "POST"])
@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*RUN_EXPERTISE)
def edit_session(session_id: int | None = None):
    session, form = record_form(ExpertSession, session_id, SessionForm)
    if session.is_completed:
        return refusal(
            services.Locked("Сессия завершена: её данные не изменяются."),
            url_for("expertise.session", session_id=session_id),
        )
    if not session_id and request.method == "GET":
        form.programme_id.data = request.args.get("programme", type=db_int)
    versions = checklist_versions.published_versions()
    if session_id and session.checklist_version not in versions:
        versions.append(session.checklist_version)
    # A new session: the secretary picks, nothing is preselected.
    form.checklist_version_id.choices = options(
        [(v.id, v.label) for v in versions], empty=None if session_id else "— выберите —"
    )
    if session_id:
        form.programme_id.choices = options([(session.programme_id, session.programme.title)])
        form.programme_id.data = session.programme_id
    else:
        form.programme_id.choices = options(
            services.programme_choices(),
            empty="— выберите —",
        )
    return form_page(
        "expertise/session_form.html", form, lambda: services.save_session(session, form.data_for(*form.FIELDS)),
        ExpertiseError, then=lambda _: url_for("expertise.session", session_id=session.id),
        text="Сессия сохранена.", session=session,
    )  # fmt: skip


@bp.post("/sessions/<int:session_id>/delete")
@role_required(*RUN_EXPERTISE)
def delete_session(session_id: int):
    session = db.get_or_404(ExpertSession, session_id)
    return button_change(
        lambda: services.delete_session(session), ExpertiseError,
        back=url_for("expertise.session", session_id=session_id),
        said="Сессия удалена.", then=lambda _: url_for("expertise.index"),
    )  # fmt: skip


def _session_context(data: scoring.SessionData, conclusion_form: ConclusionForm | None = None) -> dict:
    result = scoring.results(data)
    if conclusion_form is None:
        conclusion_form = ConclusionForm(formdata=None, verdict=result.proposal.value if result.proposal else None)
    return dict(
        data=data,
        session=data.session,
        results=result,
        progress=[scoring.Progress(a, *data.counted(a)) for a in data.assessments],
        problems=services.conclusion_problems(data),
        conclusion_form=conclusion_form,
        min_experts=services.min_experts(),
    )


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    data = _session_data(session_id)
    if not services.may_see_results(current_user, data.session):
        own = next((a for a in data.assessments if services.is_own(current_user, a)), None)
        if own is None:
            abort(403)
        return redirect(url_for("expertise.assessment", assessment_id=own.id))
    context = _session_context(data)
    if services.may_run(current_user) and not data.session.is_completed:
        context["expert_form"] = ExpertForm(formdata=None)
        context["expert_form"].person_id.choices = options(
            [(p.id, f"{p.short_name} — {p.organization.short_name}") for p in services.eligible_experts(data.session)],
            empty="— выберите —",
        )
    return page_or_fragment("expertise/session.html", "expertise/_session_results.html", **context)


@bp.get("/sessions/<int:session_id>/progress")
@role_required(*RUN_EXPERTISE)
def progress(session_id: int):
    """The live table of the experts' progress; says so when a checklist was submitted meanwhile."""
    session = db.get_or_404(ExpertSession, session_id)
    rows = scoring.progress(session)
    submitted = sum(1 for row in rows if row.assessment.is_submitted)
    known = request.args.get("known", type=db_int)
    changed = known is not None and known != submitted
    return fragment(
        "expertise/_progress.html", session=session, progress=rows, trigger="assessmentsChanged" if changed else None
    )


@bp.post("/sessions/<int:session_id>/experts")
@role_required(*RUN_EXPERTISE)
def add_expert(session_id: int):
    session = db.get_or_404(ExpertSession, session_id)
    return button_change(
        lambda: services.add_expert(session, request.form.get("person_id", type=db_int)), ExpertiseError,
        back=url_for("expertise.session", session_id=session_id, _anchor="experts"), said="Эксперт добавлен в сессию.",
    )  # fmt: skip


@bp.post("/assessments/<int:assessment_id>/remove")
@role_required(*RUN_EXPERTISE)
def remove_expert(assessment_id: int):
    assessment = db.get_or_404(Assessment, assessment_id)
    return button_change(
        lambda: services.remove_expert(assessment), ExpertiseError,
        back=url_for("expertise.session", session_id=assessment.session_id, _anchor="experts"),
        said="Эксперт исключён из сессии.",
    )  # fmt: skip


@bp.post("/sessions/<int:session_id>/conclusion")
@role_required(*RUN_EXPERTISE)
def confirm_conclusion(session_id: int):
    data = _session_data(session_id)
    back = url_for("expertise.session", session_id=session_id)
    if data.session.is_completed:
        return refusal(services.Locked("Заключение уже утверждено."), back)
    form = ConclusionForm()

    def confirm():
        if current_user.person is None:  # the documents sign with a name, never an e-mail
            raise ExpertiseError(NO_PERSON_TO_SIGN)
        return documents.confirm_conclusion(data, form.verdict.data, form.text.data or "", current_user)

    def refused(error: ExpertiseError | None = None):
        if error is not None:
            form.form_errors.append(str(error))
        return form_again("expertise/_conclusion.html", "conclusion",
                          lambda: refusal(ValueError(form.error_text()), back + "#conclusion"),
                          **_session_context(data, form))  # fmt: skip

    return apply_change(form, confirm, ExpertiseError, invalid=refused, back=refused,
                        done=lambda _: after_change(back, "Заключение утверждено, статус программы обновлён."))  # fmt: skip


@bp.get("/sessions/<int:session_id>/conclusion.docx")
def conclusion_document(session_id: int):
    data = _session_data(session_id)
    if not services.may_see_results(current_user, data.session):
        abort(403)
    if not data.session.is_completed:
        return refusal(
            services.Locked("Экспертное заключение формируется после утверждения заключения сессии."),
            url_for("expertise.session", session_id=session_id),
        )
    return _docx("expert_conclusion", *documents.document(data, "conclusion"))


# --- an expert's checklist ---------------------------------------------------------------


def _assessment_page(data, assessment, status=200, submit_form=None, reopen_form=None, problems=()):
    show_others = services.may_see_others(current_user, assessment)
    context = dict(
        data=data,
        session=data.session,
        assessment=assessment,
        numbered=scoring.numbered_sections(data.sections),
        editable=services.may_fill(current_user, assessment)
        and not assessment.is_submitted
        and not data.session.is_completed,
        on_behalf=not services.is_own(current_user, assessment),
        answered=data.counted(assessment),
        results=scoring.results(data) if show_others else None,
        own_score=scoring.assessment_score(data, assessment),
        submit_form=submit_form
        or SubmitForm(formdata=None, verdict=assessment.verdict or "", remarks=assessment.remarks),
        reopen_form=reopen_form or ReopenForm(formdata=None),
        problems=list(problems),
        needs_comment=services.needs_comment,
    )
    return render_template("expertise/assessment.html", **context), status


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int):
    data, assessment = _assessment_data(assessment_id)
    return _assessment_page(data, assessment)


@bp.post("/assessments/<int:assessment_id>/answers/<int:criterion_id>")
def save_answer(assessment_id: int, criterion_id: int):
    """One answer and its comment, saved as the expert goes (HTMX), or by the row's button."""
    assessment = services.assessment_with_session(assessment_id) or abort(404)
    if not services.may_fill(current_user, assessment):
        abort(403)
    criterion = services.session_criterion(assessment.session_id, criterion_id)
    if criterion is None:
        abort(404)
    form = AnswerForm()
    back = url_for("expertise.assessment", assessment_id=assessment_id, _anchor=f"criterion-{criterion_id}")

    def save():
        by = services.on_behalf_name(current_user, assessment)
        answer = services.save_answer(assessment, criterion, form.value.data, form.comment.data or "", by)
        if not wants_fragment():
            return redirect(back, 303)
        # The answer's mark, drawn before the commit expires the objects it shows: no reloading them.
        return fragment("expertise/_answer_status.html", criterion=criterion, answer=answer, error=None,
                        answered=services.answered_count(assessment), needs_comment=services.needs_comment)  # fmt: skip

    def refused(error: ExpertiseError):
        """Next to the answer for HTMX (the error's status), else a flash and back."""
        if not wants_fragment():
            return refusal(error, back)
        return fragment("expertise/_answer_status.html", error.status, criterion=criterion, answer=None,
                        error=str(error), answered=None)  # fmt: skip

    return apply_change(
        form, save, ExpertiseError, done=lambda answered: answered, back=refused,
        invalid=lambda: refused(ExpertiseError(form.error_text())),
    )  # fmt: skip


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int):
    data, assessment = _assessment_data(assessment_id, fill=True)
    form = SubmitForm()
    back = url_for("expertise.assessment", assessment_id=assessment_id)

    def unfinished(problems: list[str]):
        """The checklist again with what keeps it from being sent (422)."""
        return form_again("expertise/_submit_form.html", "submit-block",
                          lambda: _assessment_page(data, assessment, 422, submit_form=form, problems=problems),
                          assessment=assessment, submit_form=form, problems=problems)  # fmt: skip

    def refused(error: ExpertiseError):
        return unfinished(error.problems) if isinstance(error, services.SubmitRefused) else refusal(error, back)

    by = services.on_behalf_name(current_user, assessment)
    # The others' scores are the expert's news; a secretary sending a paper copy sees them anyway.
    sent = (f"Чек-лист эксперта {genitive(assessment.person.short_name)} отправлен." if by
            else "Чек-лист отправлен. Теперь вам видны оценки других экспертов.")  # fmt: skip
    return apply_change(
        form, lambda: services.submit(data, assessment, form.verdict.data, form.remarks.data or "", by), ExpertiseError,
        invalid=lambda: unfinished([form.error_text()]), back=refused,
        done=lambda _: after_change(back, sent),
    )  # fmt: skip


@bp.post("/assessments/<int:assessment_id>/reopen")
@role_required(*RUN_EXPERTISE)
def reopen(assessment_id: int):
    data, assessment = _assessment_data(assessment_id)
    form = ReopenForm()
    reopenable = assessment.is_submitted and not data.session.is_completed
    return button_change(
        lambda: services.reopen(assessment, form.reason.data or "", current_user),
        ExpertiseError,
        back=url_for("expertise.assessment", assessment_id=assessment_id),
        said="Чек-лист возвращён эксперту на доработку.",
        form=form if reopenable else None,  # else the service says why there is nothing to return
        invalid=lambda: form_again(
            "expertise/_reopen_form.html",
            "reopen-block",
            lambda: _assessment_page(data, assessment, 422, reopen_form=form),
            assessment=assessment,
            reopen_form=form,
        ),
    )


@bp.get("/assessments/<int:assessment_id>/checklist.docx")
def checklist_document(assessment_id: int):
    data, assessment = _assessment_data(assessment_id)
    return _docx("expert_checklist", *documents.document(data, "checklist", assessment))
