"""The checklists the Expert Council approves: a template and its numbered versions.
A draft is edited freely (title, sections, criteria and their order); a published
version is frozen (sessions use it) and changed only through a new draft copied from
it. Like ``services``, functions flush and never commit; a change of a published
version is refused with ``Locked``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..auth.models import User
from ..extensions import db
from ..model_mixins import copied, neighbour, next_position
from .models import (
    ChecklistSection,
    ChecklistStatus,
    ChecklistTemplate,
    ChecklistVersion,
    Criterion,
    Scale,
)
from .services import ExpertiseError, Locked


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


def add_section(version: ChecklistVersion, title: str) -> ChecklistSection:
    _ensure_draft(version)
    section = ChecklistSection(title=title, position=next_position(version.sections))
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
    criterion = Criterion(**_criterion_fields(data), position=next_position(section.criteria))
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


def _move(items: list, item, step: int) -> None:
    """Swaps ``item`` with its neighbour (``step`` -1 up, 1 down); positions are renumbered 1..n."""
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    other = neighbour(ordered, item, step, ExpertiseError)
    index, other_index = ordered.index(item), ordered.index(other)
    ordered[index], ordered[other_index] = other, item
    for position, each in enumerate(ordered, start=1):
        each.position = position


def move_section(section: ChecklistSection, step: int) -> None:
    _ensure_draft(section.version)
    _move(section.version.sections, section, step)
    db.session.flush()
    db.session.expire(section.version, ["sections"])  # re-read in the new order


def move_criterion(criterion: Criterion, step: int) -> None:
    _ensure_draft(criterion.section.version)
    _move(criterion.section.criteria, criterion, step)
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
                    Criterion(**copied(c, "wording", "hint", "scale", "max_points", "weight", "required", "position"))
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
