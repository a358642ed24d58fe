"""The pages: «Контроль поручений» with its filters and summary, «Мои поручения» with
changes in place (HTMX), the decision page, and the refusals."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from cluster_intranet.auth.roles import Role
from cluster_intranet.decisions import queries, services
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from tests import factories
from tests.decisions import support
from tests.decisions.support import TODAY, deadline_data, status_data
from tests.messages import said

ROW = re.compile(r'id="decision-row-(\d+)"')


def rows(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return [int(n) for n in ROW.findall(response.get_data(as_text=True))]


@pytest.fixture
def register(world):
    """Decisions of two councils in several states (today is 20.11.2021)."""
    other_council = factories.council(name="Экспертный совет", name_genitive="Экспертного совета")
    later = support.meeting(world.council, on=date(2021, 11, 10))
    expert = support.meeting(other_council, on=date(2021, 11, 15))
    made = {
        "overdue": support.decision(world.meeting, world.lead, deadline=date(2021, 11, 1), status="in_progress"),
        "soon": support.decision(world.meeting, world.lead, world.co, deadline=date(2021, 11, 25)),
        "later": support.decision(later, world.co, deadline=date(2022, 3, 1)),
        "undated": support.decision(later, world.lead),
        "on_time": support.done(
            world.meeting, world.lead, deadline=date(2021, 11, 10), report="В срок.", on=date(2021, 11, 9)
        ),
        "late": support.done(
            expert, world.lead, deadline=date(2021, 11, 16), report="С опозданием.", on=date(2021, 11, 18)
        ),
        "cancelled": support.decision(
            expert, world.co, deadline=date(2021, 11, 1), status="cancelled", cancel_reason="Не нужно."
        ),
    }
    db.session.commit()
    return {name: d.id for name, d in made.items()} | {"expert_council": other_council.id, "expert_meeting": expert.id}


def test_the_control_list_shows_what_is_unfinished_by_default(world, register, secretary):
    r = register
    assert rows(secretary.get("/decisions/")) == [r["overdue"], r["soon"], r["later"], r["undated"]]  # by deadline
    page = secretary.get("/decisions/").get_data(as_text=True)
    assert "просрочено на 19 дней" in page
    assert sorted(rows(secretary.get("/decisions/?status=all"))) == sorted(
        v for k, v in r.items() if "_" not in k or k == "on_time"
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=done", ["on_time", "late"]),
        ("status=cancelled", ["cancelled"]),
        ("status=all&overdue=1", ["overdue"]),
        ("status=all&council={expert_council}", ["late", "cancelled"]),
        ("status=all&meeting={expert_meeting}", ["late", "cancelled"]),
        ("status=all&person={co}", ["soon", "later", "cancelled"]),
        ("status=all&from=2021-11-10&to=2021-11-30", ["on_time", "late", "soon"]),
        ("status=all&to=2021-11-05", ["overdue", "cancelled"]),
        ("status=active&person={lead}&from=2021-11-20", ["soon"]),
    ],
)
def test_filters(world, register, secretary, query, expected):
    url = "/decisions/?" + query.format(co=world.co.id, lead=world.lead.id, **register) + "&sort=deadline"
    got = rows(secretary.get(url))
    assert sorted(got) == sorted(register[name] for name in expected)


def test_chosen_meeting_and_person_are_named_in_the_filters(world, register, secretary):
    page = secretary.get(f"/decisions/?status=all&meeting={register['expert_meeting']}&person={world.co.id}").get_data(
        as_text=True
    )
    assert "Заседание: Протокол №" in page and 'value="Кузнецова Н.В."' in page
    # Nothing matches: the names still show (read from the database instead of the rows).
    page = secretary.get(f"/decisions/?status=open&meeting={register['expert_meeting']}&person={world.co.id}").get_data(
        as_text=True
    )
    assert "Заседание: Протокол №" in page and 'value="Кузнецова Н.В."' in page
    assert "Нет решений с такими условиями." in page


def test_sorting(world, register, secretary):
    by_deadline = rows(secretary.get("/decisions/?status=all&sort=deadline"))
    assert by_deadline[-1] == register["undated"]  # no deadline: last either way
    backwards = rows(secretary.get("/decisions/?status=all&sort=-deadline"))
    assert backwards[0] == register["later"] and backwards[-1] == register["undated"]
    by_meeting = rows(secretary.get("/decisions/?status=all&sort=meeting"))
    assert by_meeting[:2] == [register["late"], register["cancelled"]]  # the newest meeting first


def test_counts_per_status_ignore_the_status_filter(world, register, secretary):
    page = secretary.get("/decisions/?status=done").get_data(as_text=True)
    counts = dict(re.findall(r'>\s*([А-Яа-я ]+?) <span class="badge[^"]*">(\d+)</span>', page))
    assert counts == {
        "На исполнении": "4",
        "Просрочено": "1",
        "Открыто": "3",
        "В работе": "1",
        "Исполнено": "2",
        "Отменено": "1",
        "Всего": "7",
    }


def test_pages_of_the_list(world, secretary, app):
    for n in range(30):
        support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1 + n % 28))
    db.session.commit()
    first = rows(secretary.get("/decisions/"))
    second = rows(secretary.get("/decisions/?page=2"))
    assert len(first) == app.config["PER_PAGE"] and len(second) == 30 - len(first)
    assert not set(first) & set(second)
    assert "Всего: 30" in secretary.get("/decisions/?page=2").get_data(as_text=True)


def test_the_per_person_summary(world, register, secretary):
    page = secretary.get("/decisions/summary").get_data(as_text=True)

    def numbers(person):
        row = re.search(rf'id="person-summary-{person.id}">(.*?)</tr>', page, re.S).group(1)
        return [int(n) for n in re.findall(r">(\d+)<", row)]

    # assigned, done on time, done late, overdue, in work on time
    assert numbers(world.lead) == [5, 1, 1, 1, 2]
    assert numbers(world.co) == [2, 0, 0, 0, 2]  # the cancelled one is not counted as assigned
    assert f'id="person-summary-{world.other.id}"' not in page
    people, total = queries.person_summary(queries.Filters(today=TODAY, council_id=register["expert_council"]))
    assert total == 2 and [(p.name, p.done_late) for p in people] == [("Пояркова О.Н.", 1), ("Кузнецова Н.В.", 0)]


def my_groups(page: str) -> dict[str, tuple[str, list[int]]]:
    """The groups of «Мои поручения»: (the count in the header, the ids of the rows shown)."""
    return {
        key: (re.search(r'<span class="badge[^"]*">(\d+)</span>', part).group(1), [int(n) for n in ROW.findall(part)])
        for key, part in re.findall(r'<section class="mb-4" id="group-(\w+)">(.*?)</section>', page, re.S)
    }


def test_my_assignments_are_grouped(world, register, signed_in):
    client = signed_in(world.lead_user)
    page = client.get("/decisions/my").get_data(as_text=True)
    # Overdue and due soon shown at once; the rest counted, shown on request.
    assert my_groups(page) == {
        "overdue": ("1", [register["overdue"]]),
        "soon": ("1", [register["soon"]]),
        "later": ("0", []),
        "undated": ("1", []),
    }
    undated = re.search(r'id="group-undated">(.*?)</section>', page, re.S).group(1)
    assert 'hx-get="/decisions/my?group=undated&amp;page=1"' in undated and ">Показать</a>" in undated
    assert 'href="/decisions/my?group=undated&amp;page=1#group-undated"' in undated  # without JavaScript
    # With HTMX the group's rows alone, in place of the button; without, the page with the group open.
    response = client.hx("get", "/decisions/my?group=undated&page=1")
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<section" not in fragment and rows(response) == [register["undated"]]
    assert "Показать" not in fragment and "HX-Request" in response.headers["Vary"]
    opened = my_groups(client.get("/decisions/my?group=undated").get_data(as_text=True))
    assert opened["undated"] == ("1", [register["undated"]]) and opened["overdue"] == ("1", [register["overdue"]])


def test_unknown_group_or_page_shows_the_page(world, register, signed_in):
    client = signed_in(world.lead_user)
    for query in ("group=nothing", "group=later&page=x", "group=overdue&page=-3", "group=soon&page=9", "person=0"):
        response = client.get(f"/decisions/my?{query}")
        assert response.status_code == 200 and my_groups(response.get_data(as_text=True))["overdue"] == (
            "1",
            [register["overdue"]],
        )
    assert rows(client.hx("get", "/decisions/my?group=soon&page=9")) == []


def test_someone_elses_assignments_are_for_secretaries(world, register, signed_in, secretary):
    assert signed_in(world.lead_user).get(f"/decisions/my?person={world.co.id}").status_code == 403
    assert signed_in(world.lead_user).hx("get", f"/decisions/my?person={world.co.id}&group=later").status_code == 403
    page = secretary.get(f"/decisions/my?person={world.co.id}").get_data(as_text=True)
    assert "Поручения: Кузнецова Н.В." in page
    assert set(ROW.findall(page)) == {str(register["soon"])}
    assert f'hx-get="/decisions/my?person={world.co.id}&amp;group=later&amp;page=1"' in page
    assert rows(secretary.hx("get", f"/decisions/my?person={world.co.id}&group=later&page=1")) == [register["later"]]
    assert secretary.get("/decisions/my?person=999999").status_code == 404
    assert "не связана с сотрудником" in secretary.get("/decisions/my").get_data(as_text=True)
    assert secretary.hx("get", "/decisions/my?group=later").status_code == 404  # nobody's groups


def test_the_decision_page_shows_the_history(world, secretary):
    d = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    services.move_deadline(d, world.secretary, date(2022, 1, 20), "Ждём ответа департамента.")
    db.session.commit()
    page = secretary.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert "первоначальный срок: 01.12.2021" in page
    assert "Срок перенесён: 01.12.2021 → 20.01.2022" in page and "Ждём ответа департамента." in page
    assert "control@cluster.test" in page  # who (a user without a person: the e-mail)
    assert "20.11.2021 10:00" in page  # when, in Tomsk time


@pytest.mark.parametrize("link", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"])
def test_a_stored_report_link_that_is_not_http_is_shown_as_text(world, secretary, link):
    """The service takes http(s) links only; one stored otherwise (before it checked) is no link."""
    d = support.done(world.meeting, world.lead, report_link=link)
    db.session.commit()
    page = secretary.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert link.strip() in page and 'href="' + link.strip() not in page and 'href="' + link not in page


def test_a_status_change_in_place(world, signed_in):
    d = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    db.session.commit()
    client = signed_in(world.lead_user)
    response = client.hx("post", f"/decisions/{d.id}/status", data={**status_data(d, "in_progress"), "view": "row"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith(
        f'<li class="list-group-item decision-row " id="decision-row-{d.id}"'
    )
    assert "В работе" in body and "Отчитаться об исполнении" in body
    assert said(response) == {"text": "Статус поручения изменён.", "category": "success", "focus": None}
    assert json.loads(response.headers["HX-Trigger"]) == {
        "decisionsChanged": True,
        "noticeShown": {"focus": None},
    }
    assert db.session.get(Decision, d.id).status == "in_progress"


def test_a_corrected_report_says_so_not_that_the_status_changed(world, signed_in):
    """«Исправить отчёт» of a done decision keeps its status: the message says what was done."""
    d = support.done(world.meeting, world.lead)
    db.session.commit()
    client = signed_in(world.lead_user)
    data = status_data(d, "done", report_text="Сделано: план утверждён.", report_date=TODAY.isoformat())
    response = client.hx("post", f"/decisions/{d.id}/status", data=data)
    assert response.status_code == 200
    assert said(response)["text"] == "Отчёт об исполнении исправлен."
    assert db.session.get(Decision, d.id).report_text == "Сделано: план утверждён."


def test_done_without_a_report_shows_the_error_next_to_the_field(world, signed_in):
    d = support.decision(world.meeting, world.lead, status="in_progress")
    db.session.commit()
    client = signed_in(world.lead_user)
    data = {**status_data(d, "done", report_text="", report_date="2021-11-20"), "view": "row"}
    response = client.hx("post", f"/decisions/{d.id}/status", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="decision-row-{d.id}"' in body
    assert re.search(
        r'is-invalid[^>]*>\s*</textarea>\s*<div class="invalid-feedback">Напишите отчёт об исполнении', body
    )
    assert re.search(r"<details class=\"action\" id=\"report-\d+\" open", body)
    data[f"d{d.id}-report_text"] = "Сделано: протокол № 5."
    response = client.hx("post", f"/decisions/{d.id}/status", data=data)
    assert response.status_code == 200
    decision = db.session.get(Decision, d.id)
    assert (decision.status, decision.report_text, decision.report_date) == ("done", "Сделано: протокол № 5.", TODAY)


def test_a_deadline_move_without_a_reason_is_refused_on_the_page(world, secretary):
    d = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    db.session.commit()
    response = secretary.hx("post", f"/decisions/{d.id}/deadline", data=deadline_data(d, "2022-01-10", ""))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f'<div id="decision-{d.id}"' in body
    assert "Укажите причину переноса срока." in body
    assert db.session.get(Decision, d.id).deadline == date(2021, 12, 1)
    response = secretary.hx("post", f"/decisions/{d.id}/deadline", data=deadline_data(d, "2022-01-10", "Праздники."))
    assert response.status_code == 200 and "Срок перенесён: 01.12.2021 → 10.01.2022" in response.get_data(as_text=True)


def test_changes_by_someone_else_or_a_viewer_are_forbidden(world, signed_in, login_as):
    watcher = factories.person()
    d = support.decision(world.meeting, world.lead, watcher)
    db.session.commit()
    viewer = login_as("viewer", "viewer@cluster.test", watcher.id)  # responsible, but a viewer
    for client in (signed_in(world.other_user), viewer):
        assert client.hx("post", f"/decisions/{d.id}/status", data=status_data(d, "in_progress")).status_code == 403
        assert client.post(f"/decisions/{d.id}/status", data=status_data(d, "in_progress")).status_code == 403
    # The executor may not move the deadline, even of their own assignment.
    lead = signed_in(world.lead_user)
    assert lead.hx("post", f"/decisions/{d.id}/deadline", data=deadline_data(d, "2022-01-10", "x")).status_code == 403
    assert db.session.get(Decision, d.id).status == "open"
    page = viewer.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert (
        "Взять в работу" not in page
        and "роль вашей учётной записи («Наблюдатель») позволяет только просматривать" in page
    )


def test_without_javascript_a_change_redirects_back(world, signed_in):
    d = support.decision(world.meeting, world.lead)
    db.session.commit()
    client = signed_in(world.lead_user)
    response = client.post(f"/decisions/{d.id}/status", data=status_data(d, "in_progress"))
    assert response.status_code == 303 and response.location.endswith(f"/decisions/{d.id}")
    response = client.post(
        f"/decisions/{d.id}/status", data={**status_data(db.session.get(Decision, d.id), "done"), "view": "row"}
    )
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)  # the page with the error
    assert "Напишите отчёт об исполнении" in response.get_data(as_text=True)
    assert client.post(f"/decisions/{d.id}/status", data=status_data(d, "in_progress"), csrf=False).status_code == 400


def test_a_stale_form_is_refused(world, signed_in, secretary):
    d = support.decision(world.meeting, world.lead)
    db.session.commit()
    stale = status_data(d, "in_progress")
    assert signed_in(world.lead_user).hx("post", f"/decisions/{d.id}/status", data=stale).status_code == 200
    response = secretary.hx(
        "post",
        f"/decisions/{d.id}/status",
        data={**stale, f"d{d.id}-status": "cancelled", f"d{d.id}-comment": "Не нужно."},
    )
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#messages"
    assert "Изменено пользователем Пояркова О.Н. в 10:00, обновите страницу." in response.get_data(as_text=True)
    assert db.session.get(Decision, d.id).status == "in_progress"


def test_a_save_that_loses_a_race_is_refused(world, signed_in, monkeypatch, app):
    """Someone saves between our read and our write: the version counter refuses our write."""
    d = support.decision(world.meeting, world.lead)
    db.session.commit()
    original = services.change_status

    def racing(decision, *args, **kwargs):
        with db.engine.begin() as other:  # another request, committed first
            other.execute(sa.text("UPDATE decisions SET version = version + 1 WHERE id = :id"), {"id": decision.id})
        return original(decision, *args, **kwargs)

    monkeypatch.setattr(services, "change_status", racing)
    response = signed_in(world.lead_user).hx("post", f"/decisions/{d.id}/status", data=status_data(d, "in_progress"))
    assert response.status_code == 409
    assert "обновите страницу" in response.get_data(as_text=True)
    assert db.session.get(Decision, d.id).status == "open"


def test_fragments_for_htmx(world, register, secretary):
    fragment = secretary.hx("get", "/decisions/?status=all").get_data(as_text=True)
    assert "<html" not in fragment and "decision-row-" in fragment and "Сводка по исполнителям" in fragment
    assert "HX-Request" in secretary.hx("get", "/decisions/?status=all").headers["Vary"]
    summary = secretary.hx("get", "/decisions/summary").get_data(as_text=True)
    assert "<html" not in summary and "person-summary-" in summary


def test_the_dashboard_panels(world, register, signed_in, viewer):
    page = signed_in(world.lead_user).get("/").get_data(as_text=True)
    assert "Просроченные поручения" in page and f'id="dashboard-decision-{register["overdue"]}"' in page
    assert f'id="dashboard-decision-{register["soon"]}"' in page
    assert f'id="dashboard-decision-{register["later"]}"' not in page  # not due within 7 days
    assert "Поручения кластера" in page and "Всего решений: 7." in page
    assert "status-bar-overdue" in page
    assert "не связана с сотрудником" in viewer.get("/").get_data(as_text=True)


def test_the_dashboards_overdue_count_is_not_read_as_a_part_of_those_in_work(world, register, viewer):
    """«В работе 0 / Из них просрочено 3» (the demo's home page once nothing was in work): the
    overdue count comes first, as «Просрочено», like the control list's tab."""
    page = viewer.get("/").get_data(as_text=True)
    panel = page[page.index('id="panel-decision-counts"') :]
    labels = re.findall(r"<dt><a [^>]*>([^<]+)</a></dt>", panel)
    assert labels == ["Просрочено", "Открыто", "В работе", "Исполнено", "Отменено"]


def test_a_long_group_shows_a_page_and_the_rest_on_request(world, signed_in):
    made = [support.decision(world.meeting, world.lead, deadline=date(2021, 11, 1)).id for n in range(53)]
    db.session.commit()
    client = signed_in(world.lead_user)
    page = client.get("/decisions/my").get_data(as_text=True)
    overdue = re.search(r'id="group-overdue">(.*?)</section>', page, re.S).group(1)
    assert my_groups(page)["overdue"] == ("53", made[:25])
    assert "Показать ещё 25 из 28</a>" in overdue and 'hx-get="/decisions/my?group=overdue&amp;page=2"' in overdue
    second = client.hx("get", "/decisions/my?group=overdue&page=2").get_data(as_text=True)
    assert [int(n) for n in ROW.findall(second)] == made[25:50]
    assert "Показать ещё 3</a>" in second and 'hx-get="/decisions/my?group=overdue&amp;page=3"' in second
    third = client.hx("get", "/decisions/my?group=overdue&page=3").get_data(as_text=True)
    assert [int(n) for n in ROW.findall(third)] == made[50:] and "Показать" not in third
    # Without JavaScript the button opens the page with the group shown up to that page.
    assert my_groups(client.get("/decisions/my?group=overdue&page=2").get_data(as_text=True))["overdue"] == (
        "53",
        made[:50],
    )


def test_a_row_opens_its_report_form_on_request(world, signed_in):
    d = support.decision(world.meeting, world.lead, status="in_progress", deadline=date(2021, 11, 25))
    db.session.commit()
    client = signed_in(world.lead_user)
    listing = client.get("/decisions/my").get_data(as_text=True)
    assert f'hx-get="/decisions/{d.id}/row?form=report"' in listing
    assert f'href="/decisions/{d.id}#report-{d.id}"' in listing  # without JavaScript: the decision's page
    assert f'name="d{d.id}-report_text"' not in listing  # the form itself only when asked
    row = client.hx("get", f"/decisions/{d.id}/row?form=report").get_data(as_text=True)
    assert (
        row.lstrip().startswith("<li")
        and f'name="d{d.id}-report_text"' in row
        and '<details class="action" id="report-' in row
    )
    assert "open" in re.search(r'<details class="action" id="report-\d+"([^>]*)>', row).group(1)
    page = client.get(f"/decisions/{d.id}").get_data(as_text=True)
    assert f'id="report-{d.id}"' in page and f'name="d{d.id}-report_text"' in page


def test_a_responsible_viewer_is_told_why_they_cannot_report(world, signed_in, viewer):
    """Пояркова with a viewer's account opens her own decision: not «Статус и отчёт меняют
    ответственные исполнители и секретарь» (she is the responsible executor and still may not),
    but that her role only reads and the secretary records it."""
    decision = support.decision(world.meeting, world.lead, deadline=date(2021, 12, 1))
    world.lead_user.role = Role.VIEWER.value
    db.session.commit()
    responsible = signed_in(world.lead_user)
    page = responsible.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Вы — ответственный исполнитель" in page and "(«Наблюдатель») позволяет только просматривать" in page
    assert "Статус и отчёт меняют" not in page and "Взять в работу" not in page
    other = viewer.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Статус и отчёт меняют ответственные исполнители и секретарь." in other
    assert "Вы — ответственный исполнитель" not in other
