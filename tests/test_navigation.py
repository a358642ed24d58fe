"""Navigation and wording that every role meets: one active item, the documents on their own,
feeds for sites only for those who publish, meetings named by what they have."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import MeetingStatus
from tests import factories
from tests.decisions import support

ACTIVE = re.compile(r'<a class="nav-link[^"]*\bactive\b[^"]*"[^>]*>([^<]+)</a>')


@pytest.mark.parametrize(
    "path, item",
    [
        ("/", "Главная"),
        ("/media/", "Медиаплан"),
        ("/media/calendar", "Календари"),
        ("/calendar/", "Календари"),
        ("/documents/", "Документы"),
        ("/directory/people", "Справочники"),
        ("/councils/", "Справочники"),
    ],
)
def test_one_item_of_the_navigation_is_active(app, ctx, viewer, path, item):
    page = viewer.get(path).get_data(as_text=True)
    assert ACTIVE.findall(page) == [item]


def test_documents_are_not_a_directory(app, ctx, viewer):
    page = viewer.get("/").get_data(as_text=True)
    menu = page[page.index(">Справочники<") :]
    menu = menu[: menu.index("</ul>")]
    assert "/documents/" not in menu and 'href="/documents/">Документы</a>' in page


def test_feeds_for_sites_only_for_those_who_publish(app, ctx, login_as):
    for role, offered in ((Role.VIEWER, False), (Role.EXPERT, False), (Role.EDITOR, True), (Role.SECRETARY, True)):
        page = login_as(role).get("/media/").get_data(as_text=True)
        assert ("Ленты для сайтов" in page) is offered, role


def test_a_planned_meeting_is_named_by_its_day_and_the_whole_row_opens_it(app, ctx, viewer):
    council = factories.council(name="Координационный совет")
    planned = support.meeting(council, on=date(2027, 2, 18), status=MeetingStatus.PLANNED.value)
    held = support.meeting(council, on=date(2021, 10, 22))
    db.session.commit()
    page = viewer.get(f"/meetings/{planned.id}").get_data(as_text=True)
    assert "<title>Заседание 18.02.2027" in page and "Протокол №" not in page.split("<h1")[1].split("</h1>")[0]
    assert "Протокол № " in viewer.get(f"/meetings/{held.id}").get_data(as_text=True).split("<h1")[1].split("</h1>")[0]
    listing = viewer.get("/meetings/").get_data(as_text=True)
    row = re.search(rf'<tr id="meeting-row-{planned.id}" class="row-link">(.*?)</tr>', listing, re.S).group(1)
    assert f'<a class="stretched-link" href="/meetings/{planned.id}">18.02.2027</a>' in row and "ещё нет" in row


def test_my_assignments_with_nothing_is_one_line(app, ctx, login_as):
    person = factories.person()
    db.session.commit()
    page = login_as(Role.EXPERT, "calm@cluster.test", person.id).get("/decisions/my").get_data(as_text=True)
    assert 'id="my-empty"' in page and "У вас нет незавершённых поручений." in page
    assert 'id="group-overdue"' not in page
