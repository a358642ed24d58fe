"""Programmes, checklist templates and their versions, expert sessions and answers.

A checklist template is a family of versions. A version is a draft until it is
published; a published version never changes (services refuse it), and the
sessions that used it keep pointing at it. Answers reference criteria of the
session's version, so they stay meaningful for ever.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..auth.models import User
from ..directory.models import Organization, Person
from ..documents.grammar import points
from ..extensions import db
from ..model_mixins import LabeledEnum, SearchableMixin, TimestampMixin, UTCDateTime


class StudyForm(LabeledEnum):
    FULL_TIME = "full_time", "очная"
    PART_TIME = "part_time", "очно-заочная"
    EXTRAMURAL = "extramural", "заочная"


class ApprovalStatus(LabeledEnum):
    NOT_EVALUATED = "not_evaluated", "Не проходила экспертизу"
    IN_EVALUATION = "in_evaluation", "На экспертизе"
    APPROVED = "approved", "Согласована"
    APPROVED_AFTER_REVISION = "approved_after_revision", "Согласована при условии доработки"
    NOT_APPROVED = "not_approved", "Не согласована"


class Scale(LabeledEnum):
    YES_NO = "yes_no", "да / нет"
    POINTS_2 = "points_2", "0–2 балла"
    POINTS_N = "points_n", "0–N баллов"
    CONFORMITY = "conformity", "соответствует / частично / не соответствует"

    def max_value(self, max_points: int | None = None) -> int:
        """The best answer; a 0–N scale takes its N from the criterion."""
        if self is Scale.POINTS_N:
            return max_points or 0
        return 1 if self is Scale.YES_NO else 2

    def options(self, max_points: int | None = None) -> list[tuple[int, str]]:
        """(value, label) of every possible answer, in the order the form shows them."""
        if self is Scale.YES_NO:
            return [(1, "да"), (0, "нет")]
        if self is Scale.CONFORMITY:
            return [(2, "соответствует"), (1, "частично соответствует"), (0, "не соответствует")]
        return [(value, str(value)) for value in range(self.max_value(max_points) + 1)]

    def answer_label(self, value: int | None, max_points: int | None = None) -> str:
        if value is None:
            return ""
        return dict(self.options(max_points)).get(value, str(value))


class ChecklistStatus(LabeledEnum):
    DRAFT = "draft", "Черновик"
    PUBLISHED = "published", "Опубликована"


class SessionStatus(LabeledEnum):
    OPEN = "open", "Идёт экспертиза"
    COMPLETED = "completed", "Завершена"


class Verdict(LabeledEnum):
    """An expert's recommendation, and the session's conclusion; from mildest to strictest."""

    RECOMMEND = "recommend", "Рекомендовать к согласованию"
    REVISE = "revise", "Рекомендовать к согласованию после доработки"
    REJECT = "reject", "Не рекомендовать к согласованию"

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)

    @property
    def approval_status(self) -> ApprovalStatus:
        return {
            Verdict.RECOMMEND: ApprovalStatus.APPROVED,
            Verdict.REVISE: ApprovalStatus.APPROVED_AFTER_REVISION,
            Verdict.REJECT: ApprovalStatus.NOT_APPROVED,
        }[self]


class Programme(SearchableMixin, TimestampMixin, db.Model):
    """An educational programme of secondary vocational education [ООП/ОПОП СПО]."""

    __tablename__ = "programmes"
    __table_args__ = (
        UniqueConstraint("code", "college_id", "study_form", "intake_year"),
        {"info": {"label": "образовательные программы"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), index=True)  # «15.02.08»
    name: Mapped[str] = mapped_column(String(300))
    qualification: Mapped[str] = mapped_column(String(300))
    college_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    study_form: Mapped[str] = mapped_column(String(20), default=StudyForm.FULL_TIME.value)
    intake_year: Mapped[int] = mapped_column(Integer)
    approval_status: Mapped[str] = mapped_column(String(30), default=ApprovalStatus.NOT_EVALUATED.value)
    decided_on: Mapped[date | None] = mapped_column(Date)
    # The session whose confirmed conclusion set approval_status. Sessions point at
    # programmes too: use_alter breaks the cycle when tables are created or sorted.
    decided_by_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_sessions.id", ondelete="SET NULL", use_alter=True)
    )

    college: Mapped[Organization] = relationship()
    # post_update: the row cycle programme <-> session is closed by a second UPDATE.
    decided_by_session: Mapped[ExpertSession | None] = relationship(
        foreign_keys=[decided_by_session_id], post_update=True
    )

    def __repr__(self) -> str:
        return f"<Programme {self.code} {self.name}>"

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"

    def search_values(self):
        return [self.code, self.name, self.qualification]

    study_form_label = StudyForm.label_of("study_form")

    @property
    def status(self) -> ApprovalStatus:
        return ApprovalStatus(self.approval_status)


class ChecklistTemplate(TimestampMixin, db.Model):
    """A family of checklist versions; its name is the title of its latest version."""

    __tablename__ = "checklist_templates"

    id: Mapped[int] = mapped_column(primary_key=True)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="ChecklistVersion.number"
    )

    @property
    def latest(self) -> ChecklistVersion:
        return self.versions[-1]

    @property
    def latest_published(self) -> ChecklistVersion | None:
        return next((v for v in reversed(self.versions) if v.is_published), None)

    @property
    def draft(self) -> ChecklistVersion | None:
        return next((v for v in self.versions if not v.is_published), None)


class ChecklistVersion(TimestampMixin, db.Model):
    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"), {"info": {"label": "версии чек-листов"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=ChecklistStatus.DRAFT.value)
    # The Expert Council protocol that approved this version: «Протокол № 1 от 15.11.2021».
    # A reference to the meetings table can join it once meetings exist.
    protocol_ref: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions")
    sections: Mapped[list[ChecklistSection]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ChecklistSection.position"
    )
    published_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ChecklistVersion {self.title} v{self.number} {self.status}>"

    @property
    def is_published(self) -> bool:
        return self.status == ChecklistStatus.PUBLISHED

    status_label = ChecklistStatus.label_of("status")

    @property
    def label(self) -> str:
        return f"{self.title}, версия {self.number}"

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for section in self.sections for criterion in section.criteria]


class ChecklistSection(db.Model):
    __tablename__ = "checklist_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))

    version: Mapped[ChecklistVersion] = relationship(back_populates="sections")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Criterion.position"
    )


class Criterion(db.Model):
    __tablename__ = "checklist_criteria"
    __table_args__ = {"info": {"label": "критерии чек-листов"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("checklist_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    wording: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    scale: Mapped[str] = mapped_column(String(20), default=Scale.POINTS_2.value)
    max_points: Mapped[int | None] = mapped_column(Integer)  # the N of a 0–N scale
    weight: Mapped[float] = mapped_column(Numeric(6, 2, asdecimal=False), default=1.0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    section: Mapped[ChecklistSection] = relationship(back_populates="criteria")

    scale_enum = Scale.member_of("scale")

    @property
    def scale_label(self) -> str:
        if self.scale == Scale.POINTS_N:
            return points(f"0–{self.max_points}")
        return self.scale_enum.label

    @property
    def max_value(self) -> int:
        return self.scale_enum.max_value(self.max_points)

    @property
    def max_weighted(self) -> float:
        return self.max_value * self.weight

    @property
    def options(self) -> list[tuple[int, str]]:
        return self.scale_enum.options(self.max_points)

    def answer_label(self, value: int | None) -> str:
        return self.scale_enum.answer_label(value, self.max_points)


class ExpertSession(TimestampMixin, db.Model):
    """An expert evaluation of one programme against one checklist version."""

    __tablename__ = "expert_sessions"
    __table_args__ = {"info": {"label": "экспертные сессии"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)  # the meeting of the session
    deadline: Mapped[date | None] = mapped_column(Date)  # the experts send their checklists by then
    place: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.OPEN.value)
    conclusion: Mapped[str | None] = mapped_column(String(20))  # a Verdict, once confirmed
    conclusion_text: Mapped[str] = mapped_column(Text, default="")
    concluded_on: Mapped[date | None] = mapped_column(Date)
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The conclusion's documents as confirmed (contexts and file names, expertise/documents.py
    # freeze): a programme edited later does not rewrite them, like an approved protocol's versions.
    documents_snapshot: Mapped[dict | None] = mapped_column(JSON)

    programme: Mapped[Programme] = relationship(foreign_keys=[programme_id])
    checklist_version: Mapped[ChecklistVersion] = relationship()
    concluded_by: Mapped[User | None] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Assessment.position"
    )

    def __repr__(self) -> str:
        return f"<ExpertSession {self.id} {self.held_on}>"

    @property
    def is_completed(self) -> bool:
        return self.status == SessionStatus.COMPLETED

    status_label = SessionStatus.label_of("status")

    conclusion_label = Verdict.label_of("conclusion")


class Assessment(TimestampMixin, db.Model):
    """One expert's checklist in a session: answers, verdict and remarks."""

    __tablename__ = "expert_assessments"
    __table_args__ = (UniqueConstraint("session_id", "person_id"), {"info": {"label": "чек-листы экспертов"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("expert_sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str | None] = mapped_column(String(20))
    remarks: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # «секретарь Петрова А.А.» when the secretary sent it for the expert (a paper checklist,
    # or a correction after it was returned); "" when the expert did.
    submitted_by_name: Mapped[str] = mapped_column(String(200), default="")
    # When the expert last sent it himself: only answers changed after that are marked as
    # changed by someone else; a checklist entered from paper has none.
    expert_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ExpertSession] = relationship(back_populates="assessments")
    person: Mapped[Person] = relationship()
    reopened_by: Mapped[User | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    verdict_label = Verdict.label_of("verdict")


class Answer(db.Model):
    __tablename__ = "expert_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("expert_assessments.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("checklist_criteria.id"), index=True)
    value: Mapped[int | None] = mapped_column(Integer)  # None: only a comment so far
    comment: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: clock.utcnow())
    # Who changed it when not the expert («секретарь Петрова А.А.»), once the expert had sent
    # the checklist himself (Assessment.expert_submitted_at); the expert's own save clears it.
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
