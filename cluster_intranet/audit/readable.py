"""The audit log as a person reads it: Russian names of tables and fields, values as the
pages show them (dates «01.12.2021», times in the cluster's zone, statuses by their
labels, yes/no, a reference by the name of what it refers to), «было → стало»."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Table, select

from ..auth.roles import Role
from ..councils.models import MemberRole
from ..decisions.models import DecisionStatus
from ..directory.models import OrganizationKind
from ..expertise.models import ApprovalStatus, ChecklistStatus, Scale, SessionStatus, StudyForm, Verdict
from ..extensions import db
from ..media.models import Channel, EventFormat, EventStatus, PlanStatus
from ..meetings.models import AttendanceMode, MeetingFormat, MeetingStatus
from ..text import local_datetime, short_date
from .listeners import SKIPPED

TABLE_LABELS = {
    "users": "пользователи",
    "organizations": "организации",
    "councils": "советы",
    "media_participants": "участники медиаплана",
    "media_plans": "медиапланы",
    "agenda_items": "вопросы повестки",
    "checklist_templates": "экспертные чек-листы",
    "checklist_sections": "разделы чек-листов",
    "expert_answers": "ответы экспертов",
    "decision_responsibles": "ответственные исполнители",
}
FIELD_LABELS = {
    "email": "почта",
    "password_hash": "пароль",
    "role": "роль",
    "active": "активен",
    "person_id": "сотрудник",
    "session_generation": "поколение сессий",
    "last_login_at": "последний вход",
    "short_name": "краткое название",
    "full_name": "полное название",
    "kind": "вид",
    "website": "сайт",
    "city": "город",
    "name": "название",
    "name_genitive": "название в родительном падеже",
    "short_genitive": "краткое в родительном",
    "quorum_percent": "кворум, %",
    "protocol_form": "форма протокола",
    "surname": "фамилия",
    "first_name": "имя",
    "patronymic": "отчество",
    "organization_id": "организация",
    "position": "порядок",
    "phone": "телефон",
    "council_id": "совет",
    "number": "номер",
    "year": "год",
    "date": "дата",
    "start_time": "начало",
    "end_time": "окончание",
    "place": "место",
    "format": "формат",
    "connection_link": "ссылка для подключения",
    "status": "статус",
    "chair_id": "председатель",
    "secretary_id": "секретарь",
    "approved_at": "утверждено",
    "approved_by_id": "утвердил",
    "approved_by_name": "утвердил",
    "approved_by_position": "должность утвердившего",
    "deleted_at": "удалено",
    "meeting_id": "заседание",
    "mode": "участие",
    "job_title": "должность",
    "organization": "организация",
    "text": "текст",
    "speaker_id": "докладчик",
    "speaker_name": "докладчик",
    "speaker_summary": "доклад",
    "discussion": "обсуждение",
    "recurring": "повторяется",
    "agenda_item_id": "вопрос повестки",
    "deadline": "срок",
    "votes_for": "за",
    "votes_against": "против",
    "votes_abstained": "воздержались",
    "report_text": "отчёт об исполнении",
    "report_date": "дата исполнения",
    "report_link": "ссылка на отчёт",
    "cancel_reason": "причина отмены",
    "decision_id": "решение",
    "code": "код",
    "qualification": "квалификация",
    "college_id": "колледж",
    "study_form": "форма обучения",
    "intake_year": "год набора",
    "approval_status": "согласование",
    "decided_on": "решено",
    "decided_by_session_id": "по итогам сессии",
    "template_id": "чек-лист",
    "title": "название",
    "protocol_ref": "протокол утверждения",
    "published_at": "опубликовано",
    "published_by_id": "опубликовал",
    "version_id": "версия",
    "section_id": "раздел",
    "wording": "формулировка",
    "hint": "подсказка",
    "scale": "шкала",
    "max_points": "наибольший балл",
    "weight": "вес",
    "required": "обязательный",
    "programme_id": "программа",
    "checklist_version_id": "версия чек-листа",
    "held_on": "дата сессии",
    "conclusion": "заключение",
    "conclusion_text": "текст заключения",
    "concluded_on": "дата заключения",
    "concluded_by_id": "утвердил заключение",
    "session_id": "сессия",
    "verdict": "вывод эксперта",
    "remarks": "замечания",
    "submitted_at": "отправлен",
    "last_answer_at": "последний ответ",
    "reopen_reason": "причина возврата",
    "reopened_at": "возвращён",
    "reopened_by_id": "вернул",
    "assessment_id": "чек-лист эксперта",
    "criterion_id": "критерий",
    "value": "ответ",
    "comment": "комментарий",
    "saved_at": "сохранён",
    "content": "файл",
    "size": "размер",
    "filename": "имя файла",
    "uploaded_by_id": "загрузил",
    "uploaded_at": "загружен",
    "is_active": "действующий",
    "plan_id": "медиаплан",
    "description": "описание",
    "starts_on": "начало",
    "ends_on": "окончание",
    "organizer_id": "организатор",
    "responsible_id": "ответственный",
    "is_public": "публичное",
    "release_text": "текст пресс-релиза",
    "internal_note": "служебная заметка",
    "period_start": "начало периода",
    "period_end": "конец периода",
    "added_at": "добавлен",
    "event_id": "мероприятие",
    "channel": "канал",
    "url": "ссылка",
    "published_on": "дата публикации",
    "recorded_by_id": "записал",
}
# A column named alike in several tables for different things: a person's «position» is a
# job, elsewhere it is the row's order in its list.
TABLE_FIELD_LABELS = {("people", "position"): "должность"}
LOGIN_FIELDS = {"last_login_at"}  # an update of only these is a sign-in, hidden by default
_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_REPR = re.compile(r"^<\w+ (.*)>$", re.S)
# Flask-SQLAlchemy's repr of a model without its own, as a new row's is written: «<Answer
# (pending 139622086030736)>» names nothing (the fields below say what the row is).
_NAMELESS = re.compile(r"^<\w+ \((?:transient|pending) \d+\)>$")
_USER_REPR = re.compile(r"^<User (\S+) (\w+)>$")  # auth.models.User.__repr__
# Tables whose entries keep the summary written with them: an account reads «a@b.ru (Роль)».
SUMMARY_TABLES = {"users"}
# How a referred row is named, the first of these it has (else the summary of its repr).
NAME_ATTRIBUTES = ("display_name", "heading", "short_name", "title", "name")


@dataclass
class Change:
    label: str
    old: str | None  # None: there was nothing (a new row)
    new: str | None  # None: nothing is left (a deleted row)


def table_label(table: str) -> str:
    if table in TABLE_LABELS:
        return TABLE_LABELS[table]
    found = db.metadata.tables.get(table)
    return (found.info.get("label") if found is not None else None) or table


@functools.cache
def _enum_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(table, field) -> the labels of its values, from the models' LabeledEnums."""
    enums = {
        ("users", "role"): Role,
        ("meetings", "status"): MeetingStatus,
        ("meetings", "format"): MeetingFormat,
        ("attendances", "mode"): AttendanceMode,
        ("decisions", "status"): DecisionStatus,
        ("media_events", "status"): EventStatus,
        ("media_events", "format"): EventFormat,
        ("media_publications", "channel"): Channel,
        ("media_plans", "status"): PlanStatus,
        ("expert_sessions", "status"): SessionStatus,
        ("expert_sessions", "conclusion"): Verdict,
        ("expert_assessments", "verdict"): Verdict,
        ("checklist_versions", "status"): ChecklistStatus,
        ("programmes", "approval_status"): ApprovalStatus,
        ("programmes", "study_form"): StudyForm,
        ("organizations", "kind"): OrganizationKind,
        ("council_members", "role"): MemberRole,
        ("checklist_criteria", "scale"): Scale,
    }
    return {key: {member.value: member.label for member in enum} for key, enum in enums.items()}


def show_value(value, choices: dict[str, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if value in choices:  # a status by its label, a reference by its row's name
        return choices[value]
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            return local_datetime(datetime.fromisoformat(value))
        if _ISO_DATE.match(value):
            return short_date(value)
    return str(value)


def _referred(table: str, field: str) -> Table | None:
    """The table a field of an audited table refers to (a foreign key), if it does."""
    found = db.metadata.tables.get(table)
    column = found.c.get(field) if found is not None else None
    keys = list(column.foreign_keys) if column is not None else []
    return keys[0].column.table if keys else None


def _row_name(row) -> str | None:
    """None for a row with no name of its own (an agenda item's repr is only «<AgendaItem 8>»)."""
    for attribute in NAME_ATTRIBUTES:
        value = getattr(row, attribute, None)
        if isinstance(value, str) and value:
            return value
    return None if type(row).__repr__ is db.Model.__repr__ else summary(str(row))


def names(entries) -> dict[tuple[str, int], str]:
    """(table, id) -> the name of each row the entries are about and their references point to,
    read with one query per table: «сотрудник: было — → стало Пояркова О.Н.», not «стало 12»;
    a meeting «Заседание 18.02.2027», not «1 №1/2027» (its repr when written)."""
    wanted: dict[Table, set[int]] = defaultdict(set)
    for entry in entries:
        own = db.metadata.tables.get(entry.table_name)
        if own is not None and entry.row_id and entry.table_name not in SUMMARY_TABLES:
            wanted[own].add(entry.row_id)  # the entry's own row, named as the pages name it
        for field, values in (entry.changes or {}).items():
            target = _referred(entry.table_name, field)
            if target is not None:
                wanted[target] |= {value for value in values if isinstance(value, int) and not isinstance(value, bool)}
    models = {mapper.local_table: mapper.class_ for mapper in db.Model.registry.mappers}
    found = {}
    for target, ids in wanted.items():
        model = models.get(target)
        if model is None or not ids:
            continue
        for row in db.session.scalars(select(model).where(target.c.id.in_(ids))):
            if (name := _row_name(row)) is not None:
                found[target.name, row.id] = name
    return found


def changes(table: str, values: dict, action: str, referred: dict[tuple[str, int], str] | None = None) -> list[Change]:
    """The entry's fields as «было → стало»; a new row lists its filled fields only. A reference
    reads as the name in ``referred`` (from ``names``), «№ 12» for a row no longer there."""
    rows = []
    for field, (old, new) in values.items():
        if field == "id" or field in SKIPPED or (action == "create" and new in (None, "", False)):
            continue  # SKIPPED: entries written before a derived column was left out
        choices = _enum_labels().get((table, field), {})
        target = _referred(table, field)
        if target is not None:
            choices = _reference_choices(target.name, (old, new), referred or {})
        rows.append(
            Change(
                TABLE_FIELD_LABELS.get((table, field)) or FIELD_LABELS.get(field, field),
                None if action == "create" else show_value(old, choices),
                None if action == "delete" else show_value(new, choices),
            )
        )
    return rows


def _reference_choices(target: str, values, referred: dict[tuple[str, int], str]) -> dict:
    return {value: referred.get((target, value), f"№ {value}") for value in values if isinstance(value, int)}


def summary(text: str) -> str:
    """«<Person Пояркова О.Н.>» reads «Пояркова О.Н.»; «<User a@b.ru editor>» reads
    «a@b.ru (Редактор медиаплана)»; a new row of a model without a repr of its own, nothing."""
    if _NAMELESS.match(text or ""):
        return ""
    found = _REPR.match(text or "")
    if not found:
        return text
    account = _USER_REPR.match(text)
    if account and account.group(2) in _enum_labels()["users", "role"]:
        return f"{account.group(1)} ({_enum_labels()['users', 'role'][account.group(2)]})"
    return found.group(1)
