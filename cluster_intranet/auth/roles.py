"""Roles and what each may do: the one place access rules are written."""

from __future__ import annotations

from ..model_mixins import LabeledEnum


class Role(LabeledEnum):
    ADMIN = "admin", "Администратор"
    SECRETARY = "secretary", "Секретарь"
    EDITOR = "editor", "Редактор медиаплана"
    EXPERT = "expert", "Эксперт"
    VIEWER = "viewer", "Наблюдатель"


# Who may change what. An admin may do everything.
MANAGE_USERS = (Role.ADMIN,)
EDIT_DIRECTORY = (Role.ADMIN, Role.SECRETARY)
EDIT_COUNCILS = (Role.ADMIN, Role.SECRETARY)
EDIT_MEETINGS = (Role.ADMIN, Role.SECRETARY)
EDIT_DECISIONS = (Role.ADMIN, Role.SECRETARY)
EDIT_MEDIA = (Role.ADMIN, Role.SECRETARY, Role.EDITOR)
EDIT_ALL_COVERAGE = (Role.ADMIN, Role.SECRETARY)  # editors record publications of their own organization only
EDIT_TEMPLATES = (Role.ADMIN, Role.SECRETARY)
RUN_EXPERTISE = (Role.ADMIN, Role.SECRETARY)
