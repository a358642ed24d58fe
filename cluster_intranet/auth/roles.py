"""Roles and what each may do: the one place access rules are written."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    EDITOR = "editor"
    EXPERT = "expert"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Администратор",
    Role.SECRETARY: "Секретарь",
    Role.EDITOR: "Редактор медиаплана",
    Role.EXPERT: "Эксперт",
    Role.VIEWER: "Наблюдатель",
}

# Who may change what. An admin may do everything.
MANAGE_USERS = (Role.ADMIN,)
EDIT_DIRECTORY = (Role.ADMIN, Role.SECRETARY)
EDIT_COUNCILS = (Role.ADMIN, Role.SECRETARY)
EDIT_MEETINGS = (Role.ADMIN, Role.SECRETARY)
EDIT_DECISIONS = (Role.ADMIN, Role.SECRETARY)
EDIT_MEDIA = (Role.ADMIN, Role.SECRETARY, Role.EDITOR)
EDIT_TEMPLATES = (Role.ADMIN, Role.SECRETARY)
RUN_EXPERTISE = (Role.ADMIN, Role.SECRETARY)
