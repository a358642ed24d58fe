"""Expert evaluation of programmes: scoring, access rules, and every change of data.

Functions take the acting user and the data explicitly, flush but never commit:
the route or the CLI commits once. Refusals raise ExpertiseError (422: bad
input) or Locked (409: the thing may no longer change) with a Russian message.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from flask import current_app
from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit.services import audit_query
from ..auth.models import User
from ..auth.roles import RUN_EXPERTISE, Role
from ..directory.models import NAME_ORDER, Organization, OrganizationKind, Person
from ..extensions import db
from ..references import deletion_refusal
from ..search import contains_text
from ..text import short_date
from .models import (
    Answer,
    ApprovalStatus,
    Assessment,
    ChecklistSection,
    ChecklistStatus,
    ChecklistTemplate,
    ChecklistVersion,
    Criterion,
    ExpertSession,
    Programme,
    Scale,
    SessionStatus,
    StudyForm,
    Verdict,
)


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


# --- scoring: pure arithmetic on plain values ------------------------------------
#
# A criterion answered with value v (0..max) scores v × weight points out of
# max × weight. An unanswered (optional) criterion is "not assessed": it adds
# neither points nor maximum, so skipping it neither helps nor hurts. A session's
# criterion score uses the mean of the experts' answers.


@dataclass(frozen=True)
class Score:
    points: float = 0.0
    maximum: float = 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.points + other.points, self.maximum + other.maximum)

    @property
    def share(self) -> float | None:
        """Points as a share of the maximum (0..1); None when nothing was assessed."""
        return self.points / self.maximum if self.maximum else None


def criterion_score(value: float | None, max_value: int, weight: float) -> Score:
    if value is None:
        return Score()
    return Score(value * weight, max_value * weight)


def total(scores: Iterable[Score]) -> Score:
    return sum(scores, Score())


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the answers given; None if nobody answered."""
    given = [value for value in values if value is not None]
    return sum(given) / len(given) if given else None


def verdict_for_share(share: float | None, approve_share: float, revision_share: float) -> Verdict | None:
    if share is None:
        return None
    if share >= approve_share:
        return Verdict.RECOMMEND
    return Verdict.REVISE if share >= revision_share else Verdict.REJECT


def majority_verdict(verdicts: Iterable[Verdict]) -> Verdict | None:
    """The strictest verdict that at least half of the experts gave or were stricter than."""
    ranked = sorted((Verdict(v) for v in verdicts), key=lambda v: v.rank, reverse=True)
    if not ranked:
        return None
    for count, verdict in enumerate(ranked, start=1):
        if count * 2 >= len(ranked):
            return verdict
    return ranked[-1]  # pragma: no cover - the loop always returns


def propose_conclusion(
    share: float | None, verdicts: Iterable[Verdict], approve_share: float, revision_share: float
) -> Verdict | None:
    """The stricter of what the score says (thresholds) and what the experts' majority says."""
    candidates = [
        v
        for v in (verdict_for_share(share, approve_share, revision_share), majority_verdict(verdicts))
        if v is not None
    ]
    return max(candidates, key=lambda v: v.rank) if candidates else None


def format_number(value: float | None) -> str:
    """12.5 -> «12,5», 12.0 -> «12», 1.3333 -> «1,33»; None -> «—»."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def format_percent(share: float | None) -> str:
    """0.8333 -> «83,3 %» (with a no-break space); None -> «—»."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".replace(".", ",").removesuffix(",0") + "\u00a0%"


def thresholds() -> tuple[float, float]:
    config = current_app.config
    return config["EXPERTISE_APPROVE_SHARE"], config["EXPERTISE_REVISION_SHARE"]


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
        select(Organization.id, Organization.short_name).where(Organization.kind.in_(kinds)).order_by(Organization.short_name)
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
    reason = deletion_refusal(programme, "программу")
    if reason:
        raise Locked(reason)
    db.session.delete(programme)
    db.session.flush()


def programme_sessions(programme: Programme) -> list[ExpertSession]:
    stmt = (
        select(ExpertSession)
        .where(ExpertSession.programme_id == programme.id)
        .options(joinedload(ExpertSession.checklist_version))
        .order_by(ExpertSession.held_on.desc(), ExpertSession.id.desc())
    )
    return list(db.session.scalars(stmt))


# --- checklists --------------------------------------------------------------------


def checklist_templates() -> list[ChecklistTemplate]:
    stmt = select(ChecklistTemplate).options(selectinload(ChecklistTemplate.versions)).order_by(ChecklistTemplate.id)
    return list(db.session.scalars(stmt))


def load_version(version_id: int) -> ChecklistVersion | None:
    """A version with its sections and criteria in two queries."""
    stmt = (
        select(ChecklistVersion)
        .where(ChecklistVersion.id == version_id)
        .options(
            joinedload(ChecklistVersion.template).selectinload(ChecklistTemplate.versions),
            selectinload(ChecklistVersion.sections).selectinload(ChecklistSection.criteria),
        )
    )
    return db.session.scalar(stmt)


def create_checklist(title: str) -> ChecklistVersion:
    version = ChecklistVersion(title=title, number=1, status=ChecklistStatus.DRAFT.value)
    db.session.add(ChecklistTemplate(versions=[version]))
    db.session.flush()
    return version


def frozen(version: ChecklistVersion) -> Locked:
    return Locked(
        f"Версия {version.number} чек-листа опубликована и не изменяется. Чтобы внести правки, создайте новую версию."
    )


def _ensure_draft(version: ChecklistVersion) -> None:
    if version.is_published:
        raise frozen(version)


def rename_checklist(version: ChecklistVersion, title: str) -> None:
    _ensure_draft(version)
    version.title = title
    db.session.flush()


def _next_position(items) -> int:
    return max((item.position for item in items), default=0) + 1


def add_section(version: ChecklistVersion, title: str) -> ChecklistSection:
    _ensure_draft(version)
    section = ChecklistSection(title=title, position=_next_position(version.sections))
    version.sections.append(section)
    db.session.flush()
    return section


def save_section(section: ChecklistSection, title: str) -> None:
    _ensure_draft(section.version)
    section.title = title
    db.session.flush()


def delete_section(section: ChecklistSection) -> None:
    _ensure_draft(section.version)
    section.version.sections.remove(section)
    db.session.flush()


def _criterion_fields(data: dict) -> dict:
    scale = Scale(data["scale"])
    max_points = data.get("max_points")
    if scale is Scale.POINTS_N:
        if not max_points or not 1 <= max_points <= 100:
            raise ExpertiseError("Для шкалы 0–N укажите N — целое число от 1 до 100.")
    else:
        max_points = None
    weight = data.get("weight")
    if weight is None or not 0 < weight <= 100:
        raise ExpertiseError("Вес — число больше 0 и не больше 100.")
    return dict(
        wording=data["wording"],
        hint=data.get("hint") or "",
        scale=scale.value,
        max_points=max_points,
        weight=round(float(weight), 2),
        required=bool(data.get("required")),
    )


def add_criterion(section: ChecklistSection, data: dict) -> Criterion:
    _ensure_draft(section.version)
    criterion = Criterion(**_criterion_fields(data), position=_next_position(section.criteria))
    section.criteria.append(criterion)
    db.session.flush()
    return criterion


def save_criterion(criterion: Criterion, data: dict) -> None:
    _ensure_draft(criterion.section.version)
    for name, value in _criterion_fields(data).items():
        setattr(criterion, name, value)
    db.session.flush()


def delete_criterion(criterion: Criterion) -> None:
    _ensure_draft(criterion.section.version)
    criterion.section.criteria.remove(criterion)
    db.session.flush()


def _move(items: list, item, direction: str) -> None:
    """Swaps ``item`` with its neighbour; positions are renumbered 1..n."""
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise ExpertiseError("Неизвестное направление перемещения.")
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered, start=1):
        each.position = position


def move_section(section: ChecklistSection, direction: str) -> None:
    _ensure_draft(section.version)
    _move(section.version.sections, section, direction)
    db.session.flush()
    db.session.expire(section.version, ["sections"])  # re-read in the new order


def move_criterion(criterion: Criterion, direction: str) -> None:
    _ensure_draft(criterion.section.version)
    _move(criterion.section.criteria, criterion, direction)
    db.session.flush()
    db.session.expire(criterion.section, ["criteria"])


def publish(version: ChecklistVersion, protocol_ref: str, user: User) -> None:
    _ensure_draft(version)
    if not version.sections or any(not section.criteria for section in version.sections):
        raise ExpertiseError("Опубликовать можно чек-лист, в каждом разделе которого есть хотя бы один критерий.")
    version.status = ChecklistStatus.PUBLISHED.value
    version.protocol_ref = protocol_ref
    version.published_at = clock.utcnow()
    version.published_by_id = user.id
    db.session.flush()


def new_version(version: ChecklistVersion) -> ChecklistVersion:
    """The next draft of the template, a copy of ``version``; an existing draft is returned as is."""
    template = version.template
    if template.draft is not None:
        return template.draft
    draft = ChecklistVersion(
        title=version.title,
        number=max(v.number for v in template.versions) + 1,
        status=ChecklistStatus.DRAFT.value,
        sections=[
            ChecklistSection(
                title=section.title,
                position=section.position,
                criteria=[
                    Criterion(
                        wording=c.wording,
                        hint=c.hint,
                        scale=c.scale,
                        max_points=c.max_points,
                        weight=c.weight,
                        required=c.required,
                        position=c.position,
                    )
                    for c in section.criteria
                ],
            )
            for section in version.sections
        ],
    )
    template.versions.append(draft)
    db.session.flush()
    return draft


def delete_draft(version: ChecklistVersion) -> None:
    _ensure_draft(version)
    template = version.template
    template.versions.remove(version)
    if not template.versions:
        db.session.delete(template)
    db.session.flush()


def published_versions() -> list[ChecklistVersion]:
    stmt = (
        select(ChecklistVersion)
        .where(ChecklistVersion.status == ChecklistStatus.PUBLISHED.value)
        .order_by(ChecklistVersion.template_id, ChecklistVersion.number.desc())
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
    assessment = Assessment(person=person, position=_next_position(session.assessments))
    session.assessments.append(assessment)
    db.session.flush()
    return assessment


def remove_expert(assessment: Assessment) -> None:
    if assessment.session.is_completed or assessment.is_submitted:
        raise Locked("Чек-лист эксперта уже отправлен: исключить эксперта нельзя.")
    assessment.session.assessments.remove(assessment)
    db.session.flush()


# --- one session's data in a fixed number of queries -------------------------------


class AnswerRow(Protocol):
    """What pages read of an answer (an Answer, or a row of its columns)."""

    value: int | None
    comment: str
    saved_at: datetime
    changed_by_name: str


@dataclass
class SessionData:
    session: ExpertSession
    sections: list[ChecklistSection]
    assessments: list[Assessment]
    answers: dict[tuple[int, int], AnswerRow]  # (assessment id, criterion id) -> the answer

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for section in self.sections for criterion in section.criteria]

    @property
    def submitted(self) -> list[Assessment]:
        return [a for a in self.assessments if a.is_submitted]

    def answer(self, assessment: Assessment, criterion: Criterion) -> AnswerRow | None:
        return self.answers.get((assessment.id, criterion.id))

    def answered_count(self, assessment: Assessment) -> int:
        return sum(1 for c in self.criteria if (a := self.answer(assessment, c)) and a.value is not None)

    def counted(self, assessment: Assessment) -> tuple[int, int]:
        """(answered, out of): the required criteria and the optional ones answered — an
        optional criterion left unscored is not missing («8 из 8», not «7 из 8»)."""
        answered = [c for c in self.criteria if (a := self.answer(assessment, c)) and a.value is not None]
        total = sum(1 for c in self.criteria if c.required) + sum(1 for c in answered if not c.required)
        return len(answered), total


def _experts_checklists(session_id: int) -> list[Assessment]:
    """The session's checklists in the experts' order, each with its expert and organization."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.session_id == session_id)
            .options(joinedload(Assessment.person).joinedload(Person.organization))
            .order_by(Assessment.position, Assessment.id)
        )
    )


def load_session(session_id: int) -> SessionData | None:
    """The session, its programme and checklist, experts and all answers: four queries
    whatever the number of experts and criteria."""
    session = db.session.scalar(
        select(ExpertSession)
        .where(ExpertSession.id == session_id)
        .options(
            joinedload(ExpertSession.programme).joinedload(Programme.college),
            joinedload(ExpertSession.checklist_version),
            joinedload(ExpertSession.concluded_by).joinedload(User.person),
        )
    )
    if session is None:
        return None
    sections = list(
        db.session.scalars(
            select(ChecklistSection)
            .where(ChecklistSection.version_id == session.checklist_version_id)
            .options(joinedload(ChecklistSection.criteria))
            .order_by(ChecklistSection.position, ChecklistSection.id)
        ).unique()
    )
    set_committed_value(session.checklist_version, "sections", sections)
    assessments = _experts_checklists(session.id)
    set_committed_value(session, "assessments", assessments)
    # Plain rows, not ORM objects: a page shows hundreds of answers and only reads them.
    answers = db.session.execute(
        select(Answer.assessment_id, Answer.criterion_id, Answer.value, Answer.comment, Answer.saved_at, Answer.changed_by_name)
        .join(Answer.assessment)
        .where(Assessment.session_id == session.id)
    ).all()
    return SessionData(session, sections, assessments, {(a.assessment_id, a.criterion_id): a for a in answers})


# --- results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One expert's answer in the results table, ready to print."""

    value: int | None
    label: str  # «частично соответствует»; «нет ответа»
    below: bool  # below the criterion's maximum
    comment: str
    expert: str  # «Соколов А.В.», to sign the comment
    changed_by: str = ""  # «секретарь Петрова А.А.» when not the expert entered it


@dataclass
class CriterionResult:
    criterion: Criterion
    number: str  # «2.3»
    cells: list[Cell]  # one per column (submitted checklist)
    mean: float | None
    score: Score


@dataclass
class SectionResult:
    section: ChecklistSection
    number: int
    rows: list[CriterionResult]
    score: Score


@dataclass
class Results:
    columns: list[Assessment]  # the submitted checklists, in the session's order
    sections: list[SectionResult]
    total: Score
    expert_totals: dict[int, Score]  # assessment id -> that expert's own score
    verdicts: list[Verdict]
    proposal: Verdict | None
    section_totals: dict[tuple[int, int], Score] = field(default_factory=dict)  # (assessment id, section id)


def assessment_score(data: SessionData, assessment: Assessment, section: ChecklistSection | None = None) -> Score:
    sections = [section] if section else data.sections
    return total(
        criterion_score(answer.value if answer else None, c.max_value, c.weight)
        for s in sections
        for c in s.criteria
        for answer in [data.answer(assessment, c)]
    )


def results(data: SessionData, columns: list[Assessment] | None = None) -> Results:
    """Per criterion the answers and their mean, per section and in total the score,
    and the proposed conclusion — over the submitted checklists (or ``columns``)."""
    columns = data.submitted if columns is None else columns
    names = [a.person.short_name for a in columns]
    sections = []
    expert_totals = {a.id: Score() for a in columns}
    section_totals = {}
    for number, section in enumerate(data.sections, start=1):
        rows = []
        points = [0.0] * len(columns)  # each expert's points and maximum in this section
        maxima = [0.0] * len(columns)
        for index, criterion in enumerate(section.criteria, start=1):
            top, weight, labels = criterion.max_value, criterion.weight, dict(criterion.options)
            cells = []
            for column, assessment in enumerate(columns):
                answer = data.answers.get((assessment.id, criterion.id))
                value = answer.value if answer else None
                if value is not None:  # criterion_score, inlined: this loop runs experts × criteria times
                    points[column] += value * weight
                    maxima[column] += top * weight
                cells.append(Cell(value, labels.get(value, "нет ответа"), value is not None and value < top,
                                  answer.comment if answer else "", names[column], answer.changed_by_name if answer else ""))
            average = mean(cell.value for cell in cells)
            rows.append(CriterionResult(criterion, f"{number}.{index}", cells, average, criterion_score(average, top, weight)))
        sections.append(SectionResult(section, number, rows, total(row.score for row in rows)))
        for column, assessment in enumerate(columns):
            own = Score(points[column], maxima[column])
            section_totals[(assessment.id, section.id)] = own
            expert_totals[assessment.id] += own
    overall = total(s.score for s in sections)
    verdicts = [Verdict(a.verdict) for a in columns if a.verdict]
    approve, revise = thresholds()
    return Results(
        columns=columns,
        sections=sections,
        total=overall,
        expert_totals=expert_totals,
        verdicts=verdicts,
        proposal=propose_conclusion(overall.share, verdicts, approve, revise),
        section_totals=section_totals,
    )


def numbered_sections(sections: list[ChecklistSection]) -> list[tuple[int, ChecklistSection, list[tuple[str, Criterion]]]]:
    """(section number, section, [(«1.2», criterion)]) for pages and documents."""
    return [
        (n, section, [(f"{n}.{i}", c) for i, c in enumerate(section.criteria, start=1)])
        for n, section in enumerate(sections, start=1)
    ]


# --- progress ------------------------------------------------------------------------


@dataclass
class Progress:
    assessment: Assessment
    answered: int
    total: int

    @property
    def state(self) -> str:
        if self.assessment.is_submitted:
            return "submitted"
        return "in_progress" if self.answered or self.assessment.last_answer_at else "not_started"

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(session: ExpertSession) -> list[Progress]:
    """Each expert's answered count out of the criteria that count (SessionData.counted):
    three queries, for the secretary's live table."""
    required = db.session.scalar(
        select(func.count(Criterion.id))
        .join(Criterion.section)
        .where(ChecklistSection.version_id == session.checklist_version_id, Criterion.required.is_(True))
    )
    assessments = _experts_checklists(session.id)
    counts = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            select(Answer.assessment_id, func.count(Answer.id), func.count(case((Criterion.required.is_(False), 1))))
            .join(Answer.assessment)
            .join(Criterion, Criterion.id == Answer.criterion_id)
            .where(Assessment.session_id == session.id, Answer.value.is_not(None))
            .group_by(Answer.assessment_id)
        )
    }
    progress = []
    for a in assessments:
        answered, optional = counts.get(a.id, (0, 0))
        progress.append(Progress(a, answered, (required or 0) + optional))
    return progress


# --- answering -----------------------------------------------------------------------


def _ensure_open(assessment: Assessment) -> None:
    if assessment.session.is_completed:
        raise Locked("Экспертная сессия завершена: ответы не изменяются.")
    if assessment.is_submitted:
        raise Locked("Чек-лист отправлен и закрыт для изменений. Вернуть его на доработку может секретарь.")


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
    elif answer.id is None or (answer.value, answer.comment) != (value, comment):
        answer.changed_by_name = by[:200]
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
    return bool(answer and answer.value is not None and answer.value < criterion.max_value and not answer.comment.strip())


def submit(data: SessionData, assessment: Assessment, verdict: str | None, remarks: str, by: str = "") -> None:
    """Sends the checklist; ``by`` names who did when not the expert (on_behalf_name)."""
    _ensure_open(assessment)
    problems = []
    numbered = [(number, c) for _, _, criteria in numbered_sections(data.sections) for number, c in criteria]
    unanswered = [n for n, c in numbered if c.required and not ((a := data.answer(assessment, c)) and a.value is not None)]
    uncommented = [n for n, c in numbered if needs_comment(c, data.answer(assessment, c))]
    if unanswered:
        problems.append(f"не {'отвечены обязательные критерии' if len(unanswered) > 1 else 'отвечен обязательный критерий'} "
                        f"{', '.join(unanswered)}.")
    if uncommented:
        problems.append(f"нет комментария к оценке ниже максимальной: {'критерии' if len(uncommented) > 1 else 'критерий'} "
                        f"{', '.join(uncommented)}.")
    if verdict not in {v.value for v in Verdict}:
        problems.append("не выбрана итоговая рекомендация.")
    if problems:
        raise SubmitRefused([p[0].upper() + p[1:] for p in problems])
    assessment.verdict = Verdict(verdict).value
    assessment.remarks = remarks
    assessment.submitted_at = clock.utcnow()
    assessment.submitted_by_name = by
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
        problems.append(f"Не отправили чек-листы: {', '.join(waiting)}.")
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
