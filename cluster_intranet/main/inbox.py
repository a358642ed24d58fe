"""The home page's inbox: what this person must do next, the most pressing first.

Each area answers for its own part (a plain service function); this module only asks
the parts that concern the user — a part that cannot hold anything for them is not
asked at all, so an expert's page reads no meetings and a secretary without a linked
person reads no assignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..auth.models import User
from ..auth.roles import EDIT_MEETINGS
from ..decisions.queries import DUE_SOON_DAYS, OverdueDecision, my_deadlines
from ..expertise.services import checklists_to_fill
from ..media import coverage as media_coverage
from ..meetings.queries import DRAFT_PROTOCOLS, PREPARE_DAYS, WITHOUT_AGENDA, meetings_to_prepare

SHOWN = 5  # items of a group on the home page; the group's link leads to the rest


@dataclass
class Group:
    key: str  # the template's block for its rows, and the section's id: inbox-<key>
    title: str
    items: list = field(default_factory=list)
    total: int = 0
    overdue: bool = False  # drawn as an alarm

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Inbox:
    groups: list[Group]  # in order of pressure; each concerns the user
    today: date

    @property
    def waiting(self) -> list[Group]:
        return [group for group in self.groups if group.total]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def _group(key: str, title: str, rows: list, overdue: bool = False, total: int | None = None) -> Group:
    return Group(key, title, rows[:SHOWN], len(rows) if total is None else total, overdue)


def follows_execution(user: User) -> bool:
    """Whether the user follows up the execution of the cluster's decisions (secretaries and
    admins): their inbox lists the overdue ones, not only the summary's bars."""
    return user.has_role(*EDIT_MEETINGS)


def inbox(user: User, today: date, cluster_overdue: int = 0, latest_overdue: Sequence[OverdueDecision] = ()) -> Inbox:
    """``cluster_overdue``: how many decisions of the cluster are overdue, ``latest_overdue``
    the first SHOWN of them (decisions.queries.cluster_decisions, which the home page reads
    with its counts), for those who follow up their execution."""
    groups: list[Group] = []
    overdue, due_soon = my_deadlines(user, today) if user.person_id else ([], [])
    if user.person_id:
        # The most recently missed first: an assignment overdue for years is no news.
        groups.append(_group("overdue", "Просроченные поручения", overdue[::-1], overdue=True))
        groups.append(_group("checklists", "Чек-листы к заполнению", checklists_to_fill(user)))
    if follows_execution(user):
        rows = list(latest_overdue[:SHOWN])
        groups.append(Group("control", "Просроченные поручения кластера", rows, cluster_overdue, overdue=True))
        meetings = meetings_to_prepare(today, SHOWN)
        groups.append(Group("protocols", "Протоколы не утверждены", *meetings[DRAFT_PROTOCOLS]))
        groups.append(
            Group("agenda", f"Заседания ближайших {PREPARE_DAYS} дней без повестки", *meetings[WITHOUT_AGENDA])
        )
    if user.person_id:
        groups.append(_group("due", f"Срок в ближайшие {DUE_SOON_DAYS} дней", due_soon))
        groups.append(_group("media", "Мои материалы медиаплана", media_coverage.my_events(user.person_id)))
    gaps = media_coverage.coverage_gaps(user)
    if gaps is not None:
        groups.append(_group("coverage", "Не опубликовано на сайте моей организации", gaps))
    return Inbox(groups, today)
