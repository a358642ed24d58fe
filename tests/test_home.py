"""The home page: each person's inbox (what to do next) and the cluster's summary below."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from cluster_intranet import clock
from cluster_intranet.auth.roles import Role
from cluster_intranet.expertise.models import SessionStatus
from cluster_intranet.extensions import db
from cluster_intranet.media import builders as media
from cluster_intranet.meetings.models import AgendaItem, MeetingStatus
from tests import factories
from tests.conftest import make_user
from tests.decisions import support
from tests.expertise.conftest import build_session

TODAY = support.TODAY  # 20 November 2021, 10:00 in Tomsk
SECTION = re.compile(r'<section class="card h-100 inbox-group[^"]*" id="inbox-(\w+)"(.*?)</section>', re.S)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: support.NOW)


def inbox(page: str) -> dict[str, str]:
    """The inbox's groups shown: key -> its HTML."""
    return {key: body for key, body in SECTION.findall(page)}


def count_of(body: str) -> int:
    return int(re.search(r'aria-label="всего: (\d+)"', body).group(1))


@pytest.fixture
def home(app):
    """``home(user)``: the home page as that user sees it."""

    def get(user) -> str:
        client = app.test_client()
        assert client.login(user.email).status_code == 303
        response = client.get("/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def test_an_executor_sees_his_overdue_and_due_assignments_newest_pressure_first(ctx, home):
    lead = factories.person(surname="Пояркова", first_name="Ольга")
    user = make_user(Role.VIEWER, "lead@cluster.test", lead.id)
    meeting = support.meeting()
    old = support.decision(meeting, lead, deadline=date(2021, 10, 1), text="Давно просроченное")
    recent = support.decision(meeting, lead, deadline=date(2021, 11, 19), text="Вчерашнее")
    soon = support.decision(meeting, lead, deadline=date(2021, 11, 25), text="На этой неделе")
    support.decision(meeting, lead, deadline=date(2021, 12, 25), text="Через месяц")
    support.decision(meeting, lead, deadline=date(2021, 11, 1), status="done", text="Исполненное")
    support.decision(meeting, factories.person(), deadline=date(2021, 11, 1), text="Чужое")
    db.session.commit()
    groups = inbox(home(user))
    assert list(groups) == ["overdue", "due"]  # a viewer prepares no meetings, has no checklists or media items
    assert re.findall(r'id="dashboard-decision-(\d+)"', groups["overdue"]) == [str(recent.id), str(old.id)]
    assert count_of(groups["overdue"]) == 2 and "просрочено на" in groups["overdue"]
    assert re.findall(r'id="dashboard-decision-(\d+)"', groups["due"]) == [str(soon.id)]
    assert 'href="/decisions/my"' in groups["due"]


def test_an_expert_sees_the_checklists_still_to_fill(ctx, home):
    session, assigned = build_session(experts=2)
    (mine, _), (sent, _) = assigned
    sent.submitted_at = support.NOW
    closed, _ = build_session(experts=1)
    closed.status = SessionStatus.COMPLETED.value
    db.session.commit()
    page = home(_user_of(mine.person_id))
    groups = inbox(page)
    assert list(groups) == ["checklists"]
    assert count_of(groups["checklists"]) == 1
    assert f'href="/expertise/assessments/{mine.id}"' in groups["checklists"]
    assert "15.02.08 Технология машиностроения" in groups["checklists"]
    # The one who has sent hers has nothing to do.
    assert "inbox-checklists" not in home(_user_of(sent.person_id))


def _user_of(person_id: int):
    from sqlalchemy import select

    from cluster_intranet.auth.models import User

    return db.session.scalar(select(User).where(User.person_id == person_id))


def test_a_secretary_sees_the_protocols_to_approve_and_the_meetings_without_agenda(ctx, home):
    user = make_user(Role.SECRETARY, "sec@cluster.test")
    council = factories.council(name="Координационный совет")
    draft = support.meeting(council, on=date(2021, 11, 1), status=MeetingStatus.DRAFT.value)
    held = support.meeting(council, on=date(2021, 11, 15), status=MeetingStatus.HELD.value)
    support.meeting(council, on=date(2021, 10, 1))  # approved
    bare = support.meeting(council, on=TODAY + timedelta(days=10), status=MeetingStatus.PLANNED.value)
    prepared = support.meeting(council, on=TODAY + timedelta(days=5), status=MeetingStatus.PLANNED.value)
    prepared.agenda_items.append(AgendaItem(text="О медиаплане"))
    support.meeting(council, on=TODAY + timedelta(days=30), status=MeetingStatus.PLANNED.value)  # not yet
    db.session.commit()
    page = home(user)
    groups = inbox(page)
    assert list(groups) == ["protocols", "agenda"]  # no person: no assignments, a hint how to link one
    assert re.findall(r'href="/meetings/(\d+)"', groups["protocols"]) == [str(draft.id), str(held.id)]
    assert "Протокол: черновик" in groups["protocols"] and "Проведено" in groups["protocols"]
    assert re.findall(r'href="/meetings/(\d+)"', groups["agenda"]) == [str(bare.id)]
    assert 'id="link-account"' in page and "Попросите администратора" in page


def test_a_secretary_sees_the_clusters_overdue_decisions_to_follow_up(ctx, home):
    """Not only the bars of the summary: the overdue decisions of the whole cluster, the most
    recently missed first, each with its responsible, and how many there are; a viewer not."""
    meeting = support.meeting()
    lead = factories.person(surname="Кузнецова", first_name="Наталья", patronymic="Викторовна")
    old = support.decision(meeting, lead, deadline=date(2021, 9, 1), text="Давно просроченное")
    recent = [
        support.decision(meeting, lead, deadline=date(2021, 11, day), text=f"Поручение {day}") for day in range(10, 16)
    ]
    support.decision(meeting, lead, deadline=date(2021, 11, 1), status="done", text="Исполненное")
    support.decision(meeting, lead, deadline=date(2021, 12, 1), text="Срок не наступил")
    db.session.commit()
    groups = inbox(home(make_user(Role.SECRETARY, "sec@cluster.test")))
    control = groups["control"]
    assert list(groups)[0] == "control" and "Просроченные поручения кластера" in control
    shown = re.findall(r'id="dashboard-control-(\d+)"', control)
    assert shown == [str(d.id) for d in recent[::-1][:5]] and str(old.id) not in shown
    assert count_of(control) == 7 and "и ещё 2" in control and "Кузнецова Н.В." in control
    assert 'href="/decisions/?status=active&amp;overdue=1"' in control
    assert "control" not in inbox(home(make_user(Role.VIEWER, "viewer@cluster.test", lead.id)))


def test_a_long_group_shows_five_and_says_how_many_more(ctx, home):
    user = make_user(Role.SECRETARY, "sec@cluster.test")
    council = factories.council()
    for day in range(8):
        support.meeting(council, on=date(2021, 11, 1) + timedelta(days=day), status=MeetingStatus.DRAFT.value)
    db.session.commit()
    body = inbox(home(user))["protocols"]
    assert count_of(body) == 8 and len(re.findall(r'href="/meetings/\d+"', body)) == 5 and "и ещё 3" in body


def test_an_editor_sees_his_media_items_and_the_gaps_of_his_organization(ctx, home):
    college = media.participant(factories.organization(short_name="ОГБПОУ «ТИТ»"))
    editor = factories.person(surname="Кузнецова", organization=college)
    user = make_user(Role.EDITOR, "editor@cluster.test", editor.id)
    plan = media.approved_plan()
    mine = media.event(plan, title="Моё мероприятие", responsible_id=editor.id, starts_on=date(2021, 12, 1))
    media.event(plan, title="Моё опубликованное", responsible_id=editor.id, status="published")
    gap = media.due(plan, title="Не опубликовано у нас")
    covered = media.due(plan, title="Уже на сайте")
    media.publication(covered, college)
    db.session.commit()
    groups = inbox(home(user))
    assert list(groups) == ["media", "coverage"]
    assert f'href="/media/events/{mine.id}"' in groups["media"] and "Моё опубликованное" not in groups["media"]
    assert f'href="/media/events/{gap.id}"' in groups["coverage"] and "Уже на сайте" not in groups["coverage"]
    assert 'href="/media/todo"' in groups["coverage"]
    # A viewer of the same organization records nothing: the gaps are not his.
    viewer = make_user(Role.VIEWER, "viewer@cluster.test", factories.person(organization=college).id)
    db.session.commit()
    assert "inbox-coverage" not in home(viewer)


def test_nothing_to_do_is_one_line_and_the_cluster_summary_follows(ctx, home):
    person = factories.person(first_name="Евгений")
    user = make_user(Role.EXPERT, "calm@cluster.test", person.id)
    db.session.commit()
    page = home(user)
    assert inbox(page) == {}
    assert 'id="inbox-empty"' in page and "Срочного ничего нет" in page
    assert "Евгений!" in page and 'id="link-account"' not in page
    assert "Ближайшие заседания" in page and "Поручения кластера" in page and "Советы кластера" in page


def test_an_admin_without_a_person_is_shown_where_to_link_his_account(ctx, home):
    admin = make_user(Role.ADMIN, "root@cluster.test")
    page = home(admin)
    assert f'href="/admin/users/{admin.id}"' in page and "«Сотрудник»" in page


def test_the_home_page_reads_each_part_once(ctx, app, count_queries):
    """A secretary linked to a person of a participant: every part of the inbox, each one query."""
    college = media.participant(factories.organization())
    person = factories.person(organization=college)
    user = make_user(Role.SECRETARY, "busy@cluster.test", person.id)
    council = factories.council(members=3)
    meeting = support.meeting(council, on=date(2021, 11, 1), status=MeetingStatus.DRAFT.value)
    for n in range(10):
        support.decision(meeting, person, deadline=date(2021, 11, 10) + timedelta(days=n))
    plan = media.approved_plan()
    for _ in range(10):
        media.due(plan, responsible_id=person.id)
    db.session.commit()
    client = app.test_client()
    client.login(user.email)
    client.get("/")
    with count_queries() as counter:
        assert client.get("/").status_code == 200
    # user, assignments, checklists, meetings, media items, participant?, gaps, next meetings,
    # decision counts, councils (and the session's person).
    assert counter.count <= 11, counter.statements


def test_a_linked_account_is_named_by_its_person_not_its_e_mail(ctx, app):
    """The greeting, the navigation's user menu and a decision's history name the person."""
    from cluster_intranet.decisions import services as decisions

    person = factories.person(surname="Жарких", first_name="Елена", patronymic="Викторовна")
    user = make_user(Role.SECRETARY, "zharkikh@cluster.test", person.id)
    decision = support.decision(support.meeting(), person, deadline=date(2021, 12, 1))
    decisions.move_deadline(decision, user, date(2022, 1, 20), "Ждём ответа департамента.")
    db.session.commit()
    client = app.test_client()
    client.login(user.email)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>\w[\w ]+, Елена!</h1>", home)
    assert re.search(r'class="nav-link dropdown-toggle user-menu"[^>]*>Жарких Е\.В\.</a>', home)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    row = re.search(r'<tr id="decision-event-\d+">(.*?)</tr>', page, re.S).group(1)
    assert "Срок перенесён" in row and re.search(r"<td[^>]*>Жарких Е.В.</td>", row)
    assert "zharkikh@cluster.test" not in home + page


@pytest.mark.parametrize("path", ["/", "/profile"])
def test_an_unlinked_account_is_told_where_the_admin_links_it(ctx, app, path):
    """The home page and the profile say the same: the admin's page of users, not the directory
    («в разделе «Сотрудники»» sent people to a section where no account is linked)."""
    user = make_user(Role.EDITOR, "unlinked@cluster.test")
    client = app.test_client()
    client.login(user.email)
    page = client.get(path).get_data(as_text=True)
    assert "Ваша учётная запись не связана с сотрудником справочника" in page
    assert "(Админ → «Пользователи» → ваша почта → поле «Сотрудник»)" in page
    assert "разделе «Сотрудники»" not in page and "/admin/users/" not in page


def test_the_clusters_overdue_list_is_kept_with_the_control_lists_counts(ctx, app, count_queries):
    """The counts and the overdue rows under one read of the stamps: kept, the home page reads
    no decision; the counts are the control list's own entry, so after /decisions/ the home
    page reads only its rows; a change shows at once."""
    meeting = support.meeting()
    lead = factories.person(surname="Кузнецова", first_name="Наталья")
    decision = support.decision(meeting, lead, deadline=date(2021, 11, 10), text="Просроченное")
    client = app.test_client()
    client.login(make_user(Role.SECRETARY, "sec@cluster.test").email)  # commits

    def decision_reads(url: str) -> list[str]:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert sum("feed_changes" in statement for statement in counter.statements) == 1
        return [statement for statement in counter.statements if "FROM decisions" in statement]

    client.get("/decisions/")
    (rows,) = decision_reads("/")
    assert "GROUP BY" not in rows and "UNION ALL" in rows
    assert decision_reads("/") == []
    control = inbox(client.get("/").get_data(as_text=True))["control"]
    assert f'id="dashboard-control-{decision.id}"' in control and "Кузнецова Н." in control

    decision.status = "done"
    db.session.commit()
    assert len(decision_reads("/")) == 2  # the counts and the rows anew
    assert "control" not in inbox(client.get("/").get_data(as_text=True))
