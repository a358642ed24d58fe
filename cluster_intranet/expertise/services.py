"""Expert evaluation of programmes: access rules, and every change of the registry of
programmes, of the sessions, of the experts' answers and of the conclusion.

Functions take the acting user and the data explicitly, flush but never commit:
the route or the CLI commits once. Refusals raise ExpertiseError (422: bad
input) or Locked (409: the thing may no longer change) with a Russian message.
What the pages read of a session (scores, results, progress) is in ``scoring``;
the checklists themselves (drafts, versions, publishing) in ``checklist_versions``.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from .. import clock
from ..audit.services import audit_query
from ..auth.models import User
from ..auth.roles import RUN_EXPERTISE, Role
from ..directory.models import NAME_ORDER, Organization, OrganizationKind, Person
from ..extensions import db
from ..model_mixins import next_position
from ..references import delete_unreferenced
from ..search import contains_text
from ..text import sentence, short_date
from .models import (
    Answer,
    ApprovalStatus,
    Assessment,
    ChecklistSection,
    ChecklistVersion,
    Criterion,
    ExpertSession,
    Programme,
    SessionStatus,
    StudyForm,
    Verdict,
)
from .scoring import SessionData, numbered_sections


class ExpertiseError(ValueError):
    """A change refused for a reason the user should read."""

    status = 422


class Locked(ExpertiseError):
    """The thing may no longer change: a published checklist, a submitted checklist, a completed session."""

    status = 409


class SubmitRefused(ExpertiseError):
    """A checklist that cannot be submitted yet; ``problems`` lists what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__("Чек-лист нельзя отправить: " + " ".join(problems))
        self.problems = problems


# --- access rules (in one place; the routes call these with current_user) --------


def may_run(user: User) -> bool:
    return user.has_role(*RUN_EXPERTISE)


def is_own(user: User, assessment: Assessment) -> bool:
    return user.person_id is not None and user.person_id == assessment.person_id


def on_behalf_name(user: User, assessment: Assessment) -> str:
    """«секретарь Петрова А.А.» when ``user`` fills the checklist for its expert; "" for the expert."""
    if is_own(user, assessment):
        return ""
    role = "секретарь" if user.role == Role.SECRETARY else "администратор"
    return f"{role} {user.person.short_name}" if user.person else role


def may_fill(user: User, assessment: Assessment) -> bool:
    """The assigned expert, or a secretary entering a paper checklist for them."""
    return is_own(user, assessment) or may_run(user)


def may_see_results(user: User, session: ExpertSession) -> bool:
    return may_run(user) or (session.is_completed and user.role == Role.VIEWER)


def may_view_assessment(user: User, assessment: Assessment) -> bool:
    return may_fill(user, assessment) or may_see_results(user, assessment.session)


def may_see_others(user: User, assessment: Assessment) -> bool:
    """On their own checklist, experts see the other experts' answers once they submitted
    theirs (secretaries and viewers see them all on the session's page)."""
    return is_own(user, assessment) and (assessment.is_submitted or assessment.session.is_completed)


# --- programmes --------------------------------------------------------------------


PROGRAMME_FIELDS = {
    "code": "Код", "name": "Название", "qualification": "Квалификация", "college_id": "Колледж",
    "study_form": "Форма обучения", "intake_year": "Год набора", "approval_status": "Статус",
}  # fmt: skip


def programme_history(programme: Programme) -> list[tuple]:
    """What changed in the programme, newest first, from the audit log: (when, who,
    [(field, old, new)]) — its approved documents keep what it was (freeze)."""
    names = {str(s.value): s.label for s in ApprovalStatus} | {str(f.value): f.label for f in StudyForm}
    colleges = dict(college_choices())
    history = []
    for entry in db.session.scalars(audit_query(table="programmes", row_id=programme.id).limit(50)):
        changes = [
            (label, *(colleges.get(v, v) if key == "college_id" else names.get(str(v), v) for v in entry.changes[key]))
            for key, label in PROGRAMME_FIELDS.items() if key in entry.changes and entry.action == "update"
        ]  # fmt: skip
        if changes:
            who = entry.user.person.short_name if entry.user and entry.user.person else ("—" if not entry.user else "")
            history.append((entry.at, who, changes))
    return history


def programme_choices() -> list[tuple[int, str]]:
    """Every programme for a new session's select: «title — college, intake year»."""
    return [
        (p.id, f"{p.title} — {p.college.short_name}, {p.intake_year}") for p in db.session.scalars(programmes_query())
    ]


def programmes_query(text: str = "", status: str = "", college_id: int | None = None) -> Select:
    # The college joined: one query; a many-to-one join keeps one row per programme, so the LIMIT holds.
    stmt = (
        select(Programme)
        .options(joinedload(Programme.college))
        .order_by(Programme.code, Programme.intake_year.desc(), Programme.id)
    )
    if text.strip():
        stmt = stmt.where(contains_text(Programme, text))
    if status in {s.value for s in ApprovalStatus}:
        stmt = stmt.where(Programme.approval_status == status)
    if college_id:
        stmt = stmt.where(Programme.college_id == college_id)
    return stmt


def college_choices() -> list[tuple[int, str]]:
    kinds = (OrganizationKind.COLLEGE.value, OrganizationKind.TECHNICAL_SCHOOL.value)
    rows = db.session.execute(
        select(Organization.id, Organization.short_name)
        .where(Organization.kind.in_(kinds))
        .order_by(Organization.short_name)
    )
    return [(row.id, row.short_name) for row in rows]


def save_programme(programme: Programme, data: dict) -> Programme:
    if data["college_id"] not in dict(college_choices()):
        raise ExpertiseError("Выберите колледж или техникум из списка.")
    duplicate = db.session.scalar(
        select(Programme.id).where(
            Programme.code == data["code"],
            Programme.college_id == data["college_id"],
            Programme.study_form == data["study_form"],
            Programme.intake_year == data["intake_year"],
            Programme.id != programme.id,
        )
    )
    if duplicate:
        raise ExpertiseError("Такая программа (код, колледж, форма обучения, год набора) уже есть в реестре.")
    for name, value in data.items():
        setattr(programme, name, value)
    db.session.add(programme)
    db.session.flush()
    return programme


def delete_programme(programme: Programme) -> None:
    delete_unreferenced(programme, "программу", Locked)


def programme_sessions(programme: Programme) -> list[ExpertSession]:
    stmt = (
        select(ExpertSession)
        .where(ExpertSession.programme_id == programme.id)
        .options(joinedload(ExpertSession.checklist_version))
        .order_by(ExpertSession.held_on.desc(), ExpertSession.id.desc())
    )
    return list(db.session.scalars(stmt))


# --- sessions ----------------------------------------------------------------------


def sessions_query(user: User) -> Select:
    """The sessions ``user`` may open: all for a secretary, completed ones for a
    viewer, the assigned ones for an expert."""
    stmt = (
        select(ExpertSession)
        .options(
            selectinload(ExpertSession.programme).selectinload(Programme.college),
            selectinload(ExpertSession.checklist_version),
        )
        .order_by(ExpertSession.held_on.desc(), ExpertSession.id.desc())
    )
    if may_run(user):
        return stmt
    if user.role == Role.VIEWER:
        return stmt.where(ExpertSession.status == SessionStatus.COMPLETED.value)
    return stmt.where(
        ExpertSession.id.in_(select(Assessment.session_id).where(Assessment.person_id == (user.person_id or -1)))
    )


def my_assessments(user: User) -> list[Assessment]:
    if user.person_id is None:
        return []
    stmt = (
        select(Assessment)
        .where(Assessment.person_id == user.person_id)
        .options(joinedload(Assessment.session).joinedload(ExpertSession.programme).joinedload(Programme.college))
        .join(Assessment.session)
        .order_by(ExpertSession.held_on.desc())
    )
    return list(db.session.scalars(stmt))


def checklists_to_fill(user: User) -> list[Assessment]:
    """The expert's checklists not yet sent, of sessions still open: the oldest session first."""
    if user.person_id is None:
        return []
    stmt = (
        select(Assessment)
        .join(Assessment.session)
        .where(
            Assessment.person_id == user.person_id,
            Assessment.submitted_at.is_(None),
            ExpertSession.status == SessionStatus.OPEN.value,
        )
        .options(
            contains_eager(Assessment.session).joinedload(ExpertSession.programme),
            load_only(Assessment.id, Assessment.session_id, Assessment.last_answer_at),
        )
        .order_by(ExpertSession.held_on, ExpertSession.id)
    )
    return list(db.session.scalars(stmt))


def save_session(session: ExpertSession, data: dict) -> ExpertSession:
    """Creates (no id yet) or edits a session: date, place, and its checklist version
    while nobody has answered; the programme is chosen once, at creation."""
    if session.is_completed:
        raise Locked("Сессия завершена: её данные не изменяются.")
    version = db.session.get(ChecklistVersion, data["checklist_version_id"])
    if version is None or not version.is_published:
        raise ExpertiseError("Выберите опубликованную версию чек-листа.")
    if session.id is None:
        programme = db.session.get(Programme, data["programme_id"])
        if programme is None:
            raise ExpertiseError("Выберите программу из реестра.")
        busy = db.session.scalar(
            select(ExpertSession.id).where(
                ExpertSession.programme_id == programme.id, ExpertSession.status == SessionStatus.OPEN.value
            )
        )
        if busy:
            raise ExpertiseError("По этой программе уже идёт экспертная сессия: завершите её или удалите.")
        session.programme = programme
        programme.approval_status = ApprovalStatus.IN_EVALUATION.value
    elif version.id != session.checklist_version_id and _has_answers(session):
        raise Locked("Эксперты уже отвечают по текущей версии чек-листа: сменить её нельзя.")
    session.checklist_version = version
    session.held_on = data["held_on"]
    session.deadline = data.get("deadline")
    if session.deadline and session.deadline > session.held_on:
        raise ExpertiseError("Срок для экспертов — не позже даты заседания.")
    session.place = data["place"]
    db.session.add(session)
    db.session.flush()
    return session


def _has_answers(session: ExpertSession) -> bool:
    stmt = select(Answer.id).join(Answer.assessment).where(Assessment.session_id == session.id).limit(1)
    return db.session.scalar(stmt) is not None


def delete_session(session: ExpertSession) -> None:
    if session.is_completed or _has_answers(session):
        raise Locked("Удалить можно только сессию, в которой ещё никто не отвечал.")
    programme = session.programme
    db.session.delete(session)
    db.session.flush()
    _restore_programme_status(programme)


def _restore_programme_status(programme: Programme) -> None:
    """The programme's status as its last confirmed conclusion left it."""
    decided = programme.decided_by_session
    programme.approval_status = (
        Verdict(decided.conclusion).approval_status.value if decided else ApprovalStatus.NOT_EVALUATED.value
    )
    db.session.flush()


def eligible_experts(session: ExpertSession) -> list[Person]:
    """People of employer organizations with an active expert account, not yet in the session."""
    assigned = {assessment.person_id for assessment in session.assessments}
    stmt = (
        select(Person)
        .join(Person.organization)
        .join(User, User.person_id == Person.id)
        .where(
            Organization.kind == OrganizationKind.EMPLOYER.value,
            User.role == Role.EXPERT.value,
            User.active.is_(True),
        )
        .options(joinedload(Person.organization))
        .order_by(*NAME_ORDER)
        .distinct()
    )
    return [person for person in db.session.scalars(stmt) if person.id not in assigned]


def add_expert(session: ExpertSession, person_id: int | None) -> Assessment:
    if session.is_completed:
        raise Locked("Сессия завершена: состав экспертов не изменяется.")
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        raise ExpertiseError("Выберите эксперта из списка.")
    if person.organization is None or person.organization.kind != OrganizationKind.EMPLOYER:
        raise ExpertiseError("Эксперт должен представлять организацию-работодателя.")
    has_account = db.session.scalar(
        select(User.id).where(User.person_id == person.id, User.role == Role.EXPERT.value, User.active.is_(True))
    )
    if not has_account:
        raise ExpertiseError(
            f"У сотрудника {person.short_name} нет учётной записи эксперта: создайте пользователя с ролью "
            "«Эксперт» и свяжите его с сотрудником."
        )
    if any(a.person_id == person.id for a in session.assessments):
        raise ExpertiseError(f"{person.short_name} уже участвует в этой сессии.")
    assessment = Assessment(person=person, position=next_position(session.assessments))
    session.assessments.append(assessment)
    db.session.flush()
    return assessment


def remove_expert(assessment: Assessment) -> None:
    if assessment.session.is_completed or assessment.is_submitted:
        raise Locked("Чек-лист эксперта уже отправлен: исключить эксперта нельзя.")
    assessment.session.assessments.remove(assessment)
    db.session.flush()


# --- answering -----------------------------------------------------------------------


def _ensure_open(assessment: Assessment) -> None:
    if assessment.session.is_completed:
        raise Locked("Экспертная сессия завершена: ответы не изменяются.")
    if assessment.is_submitted:
        raise Locked("Чек-лист отправлен и закрыт для изменений. Вернуть его на доработку может секретарь.")


def assessment_with_session(assessment_id: int) -> Assessment | None:
    """A checklist and its session in one query (an answer is saved against both)."""
    return db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id).options(joinedload(Assessment.session))
    )


def session_criterion(session_id: int, criterion_id: int) -> Criterion | None:
    """The criterion if it belongs to the checklist version of the session."""
    return db.session.scalar(
        select(Criterion)
        .join(Criterion.section)
        .join(ExpertSession, ExpertSession.checklist_version_id == ChecklistSection.version_id)
        .where(Criterion.id == criterion_id, ExpertSession.id == session_id)
    )


def parse_value(criterion: Criterion, raw: str | None) -> int | None:
    """The answer from the form: '' means «not answered» (allowed for optional criteria)."""
    raw = (raw or "").strip()
    if raw == "":
        return None
    allowed = {value for value, _ in criterion.options}
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or int(raw) not in allowed:
        raise ExpertiseError("Выберите один из предложенных вариантов ответа.")
    return int(raw)


def save_answer(
    assessment: Assessment, criterion: Criterion, raw_value: str | None, comment: str, by: str = ""
) -> Answer:
    """Saves one answer and its comment; ``by`` names who entered it when not the expert
    (on_behalf_name). Cheap: one guarded update, one select, one write."""
    value = parse_value(criterion, raw_value)
    if len(comment) > 2000:
        raise ExpertiseError("Комментарий не длиннее 2000 символов.")
    now = clock.utcnow()
    # The guard and the touch in one statement: a checklist submitted meanwhile is not changed.
    touched = db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.submitted_at.is_(None))
        .values(last_answer_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not touched or assessment.session.is_completed:
        db.session.refresh(assessment)
        _ensure_open(assessment)
        raise Locked("Чек-лист закрыт для изменений.")
    answer = db.session.scalar(
        select(Answer).where(Answer.assessment_id == assessment.id, Answer.criterion_id == criterion.id)
    )
    if answer is None:
        answer = Answer(assessment_id=assessment.id, criterion_id=criterion.id)
        db.session.add(answer)
    if not by:
        answer.changed_by_name = ""  # the expert's own answer
    elif assessment.expert_submitted_at is not None and (
        answer.id is None or (answer.value, answer.comment) != (value, comment)
    ):
        answer.changed_by_name = by[:200]  # a change to what the expert sent (a paper checklist: none)
    answer.value = value
    answer.comment = comment
    answer.saved_at = now
    db.session.flush()
    return answer


def answered_count(assessment: Assessment) -> tuple[int, int]:
    """(answered, out of) for one checklist, as SessionData.counted gives it."""
    required = (
        select(func.count(Criterion.id))
        .join(Criterion.section)
        .where(ChecklistSection.version_id == assessment.session.checklist_version_id, Criterion.required.is_(True))
        .scalar_subquery()
    )
    answered, optional, required = db.session.execute(  # one query: the answer's save counts its queries
        select(func.count(Answer.id), func.count(case((Criterion.required.is_(False), 1))), required)
        .join(Criterion, Criterion.id == Answer.criterion_id)
        .where(Answer.assessment_id == assessment.id, Answer.value.is_not(None))
    ).one()
    return answered, (required or 0) + optional


def needs_comment(criterion: Criterion, answer: Answer | None) -> bool:
    """An answer below the maximum must say why."""
    return bool(
        answer and answer.value is not None and answer.value < criterion.max_value and not answer.comment.strip()
    )


def submit(data: SessionData, assessment: Assessment, verdict: str | None, remarks: str, by: str = "") -> None:
    """Sends the checklist; ``by`` names who did when not the expert (on_behalf_name)."""
    _ensure_open(assessment)
    problems = []
    numbered = [(number, c) for _, _, criteria in numbered_sections(data.sections) for number, c in criteria]
    unanswered = [
        n for n, c in numbered if c.required and not ((a := data.answer(assessment, c)) and a.value is not None)
    ]
    uncommented = [n for n, c in numbered if needs_comment(c, data.answer(assessment, c))]
    if unanswered:
        problems.append(
            f"не {'отвечены обязательные критерии' if len(unanswered) > 1 else 'отвечен обязательный критерий'} "
            f"{', '.join(unanswered)}."
        )
    if uncommented:
        problems.append(
            f"нет комментария к оценке ниже максимальной: {'критерии' if len(uncommented) > 1 else 'критерий'} "
            f"{', '.join(uncommented)}."
        )
    if verdict not in {v.value for v in Verdict}:
        problems.append("не выбрана итоговая рекомендация.")
    if problems:
        raise SubmitRefused([p[0].upper() + p[1:] for p in problems])
    assessment.verdict = Verdict(verdict).value
    assessment.remarks = remarks
    assessment.submitted_at = clock.utcnow()
    assessment.submitted_by_name = by
    if not by:
        assessment.expert_submitted_at = assessment.submitted_at
    db.session.flush()


def reopen(assessment: Assessment, reason: str, user: User) -> None:
    if assessment.session.is_completed:
        raise Locked("Экспертная сессия завершена: чек-листы не возвращаются на доработку.")
    if not assessment.is_submitted:
        raise ExpertiseError("Чек-лист ещё не отправлен: возвращать нечего.")
    if not reason.strip():
        raise ExpertiseError("Укажите причину возврата чек-листа.")
    assessment.submitted_at = None
    assessment.reopen_reason = reason
    assessment.reopened_at = clock.utcnow()
    assessment.reopened_by_id = user.id
    db.session.flush()


# --- the conclusion --------------------------------------------------------------------


def min_experts() -> int:
    return current_app.config["EXPERTISE_MIN_EXPERTS"]


def conclusion_problems(data: SessionData) -> list[str]:
    """Why the conclusion cannot be confirmed yet (empty when it can)."""
    problems = []
    if data.session.is_completed:
        problems.append("Заключение уже утверждено.")
    waiting = [a.person.short_name for a in data.assessments if not a.is_submitted]
    if waiting:
        problems.append(sentence(f"Не отправили чек-листы: {', '.join(waiting)}"))
    needed = min_experts()
    if len(data.submitted) < needed:
        problems.append(f"Нужно не менее {needed} экспертов, отправивших чек-листы; сейчас {len(data.submitted)}.")
    return problems


def confirm_conclusion(data: SessionData, verdict: str | None, text: str, user: User | None) -> None:
    """Completes the session and sets the programme's approval status."""
    if data.session.is_completed:
        raise Locked("Заключение уже утверждено.")
    problems = conclusion_problems(data)
    if problems:
        raise ExpertiseError(" ".join(problems))
    if verdict not in {v.value for v in Verdict}:
        raise ExpertiseError("Выберите заключение.")
    session = data.session
    if clock.local_today() < session.held_on:
        raise ExpertiseError(f"Заключение утверждают не раньше экспертной сессии ({short_date(session.held_on)}).")
    session.status = SessionStatus.COMPLETED.value
    session.conclusion = Verdict(verdict).value
    session.conclusion_text = text
    session.concluded_on = clock.local_today()
    session.concluded_by = user  # None: demo data, imports
    programme = session.programme
    programme.approval_status = Verdict(verdict).approval_status.value
    programme.decided_on = session.concluded_on
    programme.decided_by_session = session
    db.session.flush()
