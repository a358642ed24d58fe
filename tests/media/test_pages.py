"""The media pages over HTTP: filters, in-place editing (HTMX), statuses, coverage
permissions, bad input, the calendar."""

from __future__ import annotations

import json
import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import Organization
from cluster_intranet.extensions import db
from cluster_intranet.media import builders
from cluster_intranet.media.models import Channel, MediaEvent, MediaPlan, Publication
from cluster_intranet.meetings import builders as meetings
from tests import factories
from tests.messages import said as notice_of


def ids_of_rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="event-row-(\d+)"', html)]


@pytest.fixture
def plan_case(app, ctx):
    org_a = factories.organization(short_name="ОГБПОУ «Северский промышленный колледж»")
    org_b = factories.organization(short_name="ОГБПОУ «Томский индустриальный техникум»")
    person = factories.person(surname="Кузнецова", first_name="Наталья", patronymic="Викторовна")
    plan = builders.plan()
    events = {
        "fair": builders.event(plan, title="Ярмарка вакансий", starts_on=date(2022, 3, 23), organizer_id=org_a.id,
                           channels=(Channel.WEBSITES, Channel.VK), responsible_id=person.id),
        "champ": builders.due(plan, title="Чемпионат", starts_on=date(2022, 2, 28), ends_on=date(2022, 3, 2),
                     organizer_id=org_b.id, channels=(Channel.TELEGRAM,)),
        "tv": builders.event(plan, title="Интервью", starts_on=date(2022, 4, 5), organizer_id=org_b.id,
                         status="published", channels=(Channel.TV,)),
    }  # fmt: skip
    db.session.commit()
    return plan, events, (org_a, org_b), person


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["champ", "fair", "tv"]),
        ("month=2022-03", ["champ", "fair"]),  # the championship reaches into March
        ("month=2022-02", ["champ"]),
        ("status=published", ["tv"]),
        ("channel=vk", ["fair"]),
        ("organizer={org_b}", ["champ", "tv"]),
        ("responsible={person}", ["fair"]),
        ("month=2022-03&organizer={org_b}", ["champ"]),
    ],
)
def test_the_plan_table_filters(viewer, plan_case, query, expected):
    plan, events, (org_a, org_b), person = plan_case
    url = f"/media/plans/{plan.id}?" + query.format(org_b=org_b.id, person=person.id)
    response = viewer.hx("get", url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "HX-Request" in response.headers["Vary"]
    assert ids_of_rows(html) == [events[name].id for name in expected]


def test_the_full_page_has_the_filters_and_the_rows(viewer, plan_case):
    plan, events, _, _ = plan_case
    html = viewer.get(f"/media/plans/{plan.id}?channel=tv").get_data(as_text=True)
    assert "<html" in html and 'name="month"' in html
    assert ids_of_rows(html) == [events["tv"].id]


def _event_form(**changes) -> dict:
    return {"title": "Экскурсия на ТЭМЗ", "format": "report", "starts_on": "2022-04-14", "ends_on": "",
            "start_time": "09:30", "end_time": "", "place": "", "organizer_id": "", "responsible_id": "",
            "channels": ["websites", "vk"], "is_public": "y", "description": "", "release_text": "",
            "internal_note": "", **changes}  # fmt: skip


def said(response) -> str:
    """What an in-place change says in the page's message area (web.notice)."""
    return notice_of(response)["text"]


def test_an_editor_adds_an_event_in_place(login_as, plan_case):
    plan, _, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    form = editor.hx("get", f"/media/plans/{plan.id}/events/new").get_data(as_text=True)
    assert '<tr class="table-active"' in form and 'hx-post="/media/plans/' in form
    response = editor.hx("post", f"/media/plans/{plan.id}/events/new", data=_event_form())
    assert response.status_code == 200
    assert said(response) == "Мероприятие добавлено в медиаплан." and "mediaEventsChanged" in json.loads(
        response.headers["HX-Trigger"]
    )
    event = db.session.scalar(select(MediaEvent).where(MediaEvent.title == "Экскурсия на ТЭМЗ"))
    assert ids_of_rows(response.get_data(as_text=True)) == [event.id]
    assert (event.ends_on, event.start_time, event.channels, event.is_public) == (
        date(2022, 4, 14),
        time(9, 30),
        ["websites", "vk"],
        True,
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (dict(title=""), "title", "Заполните это поле."),
        (dict(starts_on="32.13.2022"), "starts_on", "Введите дату в виде ДД.ММ.ГГГГ."),
        (dict(ends_on="2022-04-01"), "ends_on", "Дата окончания раньше даты начала."),
        (dict(start_time="", end_time="12:00"), "end_time", "Укажите и время начала."),
        (dict(start_time="12:00", end_time="11:00"), "end_time", "Окончание должно быть позже начала."),
        (dict(starts_on="2023-02-01"), "starts_on", "Дата вне периода медиаплана"),
        (dict(channels=["websites", "pigeon"]), "channels", "Значения «pigeon» нет в списке."),
        (dict(format="poem"), "format", "Выберите значение из списка."),
        (dict(organizer_id="abc"), "organizer_id", "Выберите значение из списка."),
    ],
)
def test_bad_event_input_is_refused_next_to_the_field_and_nothing_is_saved(
    login_as, plan_case, changes, field, message
):
    plan, _, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    before = db.session.scalar(select(func.count(MediaEvent.id)))
    response = editor.hx("post", f"/media/plans/{plan.id}/events/new", data=_event_form(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'name="{field}"[^>]*>|id="{field}-0"', html)
    assert message in html
    assert db.session.scalar(select(func.count(MediaEvent.id))) == before


def test_editing_in_place_swaps_the_row(login_as, plan_case):
    plan, events, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    fair = events["fair"]
    form = editor.hx("get", f"/media/events/{fair.id}/edit").get_data(as_text=True)
    assert f'id="event-row-{fair.id}"' in form and 'value="Ярмарка вакансий"' in form
    assert re.search(r'value="vk"[^>]*checked|checked[^>]*value="vk"', form)
    response = editor.hx(
        "post", f"/media/events/{fair.id}/edit", data=_event_form(title="Ярмарка вакансий 2022", starts_on="2022-03-23")
    )
    assert response.status_code == 200 and said(response) == "Изменения сохранены."
    assert ids_of_rows(response.get_data(as_text=True)) == [fair.id]
    assert db.session.get(MediaEvent, fair.id).title == "Ярмарка вакансий 2022"
    cancel = editor.hx("get", f"/media/events/{fair.id}/row").get_data(as_text=True)
    assert "Ярмарка вакансий 2022" in cancel and '<form method="post" action="/media/events' in cancel


def test_status_buttons_move_the_event_and_refusals_are_explained(login_as, plan_case):
    _, events, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    fair = events["fair"]
    row = editor.hx("post", f"/media/events/{fair.id}/status", data={"status": "material_ready"})
    assert row.status_code == 200 and "Материал готов" in row.get_data(as_text=True)
    assert said(row) == "Статус: Материал готов."

    refused = editor.hx("post", f"/media/events/{events['tv'].id}/status", data={"status": "planned", "reason": "x"})
    assert refused.status_code == 422 and refused.headers["HX-Retarget"] == "#messages"
    assert "Нельзя перевести мероприятие из статуса «Опубликовано» в «Запланировано»" in refused.get_data(as_text=True)
    no_reason = editor.hx("post", f"/media/events/{events['tv'].id}/status", data={"status": "material_ready"})
    assert no_reason.status_code == 422 and "Укажите причину исправления статуса" in no_reason.get_data(as_text=True)
    corrected = editor.hx(
        "post",
        f"/media/events/{events['tv'].id}/status",
        data={"status": "material_ready", "reason": "Ссылка была не та"},
    )
    assert corrected.status_code == 200 and db.session.get(MediaEvent, events["tv"].id).status == "material_ready"
    page = editor.get(f"/media/events/{events['tv'].id}").get_data(as_text=True)
    assert "Исправление статуса: Опубликовано → Материал готов" in page and "Ссылка была не та" in page

    no_reason = editor.hx("post", f"/media/events/{fair.id}/status", data={"status": "cancelled", "reason": ""})
    assert no_reason.status_code == 422 and "Укажите причину отмены" in no_reason.get_data(as_text=True)
    assert db.session.get(MediaEvent, fair.id).status == "material_ready"

    plain = editor.post(f"/media/events/{fair.id}/status", data={"status": "cancelled", "reason": "Перенесено"})
    assert plain.status_code == 303
    assert db.session.get(MediaEvent, fair.id).cancel_reason == "Перенесено"


def test_a_refused_status_change_without_javascript_says_why_on_the_events_page(login_as, plan_case):
    """Not back to wherever the Referer points (another site, or a page that shows no
    messages): to the event's own page, with the reason."""
    _, events, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    tv = events["tv"]
    for referrer in ("https://elsewhere.example/news", None):
        headers = {"Referer": referrer} if referrer else {}
        refused = editor.post(
            f"/media/events/{tv.id}/status", data={"status": "planned", "reason": "x"}, headers=headers
        )
        assert refused.status_code == 303 and refused.headers["Location"] == f"/media/events/{tv.id}"
        page = editor.get(refused.headers["Location"]).get_data(as_text=True)
        assert "Нельзя перевести мероприятие из статуса «Опубликовано» в «Запланировано»" in page
    assert db.session.get(MediaEvent, tv.id).status == "published"


def test_viewers_read_but_do_not_change(viewer, plan_case):
    plan, events, _, _ = plan_case
    html = viewer.get(f"/media/plans/{plan.id}").get_data(as_text=True)
    assert "Ярмарка вакансий" in html and "Изменить" not in html and "Добавить мероприятие" not in html
    assert (
        viewer.post(f"/media/events/{events['fair'].id}/status", data={"status": "material_ready"}).status_code == 403
    )
    assert db.session.get(MediaEvent, events["fair"].id).status == "planned"


def test_approving_the_plan_swaps_its_header(login_as, plan_case):
    plan, _, _, person = plan_case
    unlinked = login_as(Role.SECRETARY, "unlinked@cluster.test")
    refused = unlinked.hx("post", f"/media/plans/{plan.id}/approve")
    assert refused.status_code == 409 and "не связана с сотрудником справочника" in refused.get_data(as_text=True)
    secretary = login_as(Role.SECRETARY, person_id=person.id)
    response = secretary.hx("post", f"/media/plans/{plan.id}/approve")
    assert response.status_code == 200 and 'id="plan-header"' in response.get_data(as_text=True)
    assert "Вернуть в черновики" in response.get_data(as_text=True)
    assert db.session.get(MediaPlan, plan.id).is_approved and "Утвердил Кузнецова Н.В." in response.get_data(
        as_text=True
    )
    again = secretary.hx("post", f"/media/plans/{plan.id}/approve")
    assert again.status_code == 409 and "уже утверждён" in again.get_data(as_text=True)


def test_plan_form_refuses_a_period_that_ends_before_it_starts(login_as, app, ctx):
    editor = login_as(Role.EDITOR)
    response = editor.post(
        "/media/plans/new", data={"title": "План", "period_start": "2022-01-01", "period_end": "2021-01-01"}
    )
    assert response.status_code == 422 and "Конец периода раньше его начала." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MediaPlan.id))) == 0
    created = editor.post(
        "/media/plans/new", data={"title": "План", "period_start": "01.01.2022", "period_end": "31.12.2022"}
    )
    assert created.status_code == 303


# --- coverage ---------------------------------------------------------------------


@pytest.fixture
def coverage_case(app, ctx):
    own = builders.participant(factories.organization(short_name="ОГБПОУ «Томский аграрный колледж»"))
    other = builders.participant(factories.organization(short_name="ОГБПОУ «Томский политехнический техникум»"))
    editor_person = factories.person(organization_id=own.id)
    plan = builders.plan()
    event = builders.due(plan, title="Чемпионат", starts_on=date(2022, 3, 1))
    theirs = builders.publication(event, other)
    db.session.commit()
    return plan, event, own, other, editor_person, theirs


def _publication(org, **changes):
    return {
        "organization_id": str(org.id),
        "channel": "websites",
        "url": "https://tak.tomsk.ru/news/1",
        "published_on": "2022-03-02",
        **changes,
    }


def test_an_editor_records_the_own_publication_in_a_matrix_cell(login_as, coverage_case):
    plan, event, own, other, person, _ = coverage_case
    editor = login_as(Role.EDITOR, person_id=person.id)
    matrix = editor.get(f"/media/plans/{plan.id}/coverage").get_data(as_text=True)
    # Columns by name: «Томский аграрный» (own, a gap), «Томский политехнический» (published).
    headers = re.findall(r'<th class="matrix-org"[^>]*data-org="(\d+)"', matrix)
    assert headers == [str(own.id), str(other.id)]
    assert re.findall(r'<td class="(gap|done)( may)?">', matrix) == [
        ("gap", " may"),
        ("done", ""),
    ]  # only the own column opens
    assert f'data-slot-url="/media/events/{event.id}/publications"' in matrix

    form = editor.hx("get", f"/media/events/{event.id}/publications?organization={own.id}").get_data(as_text=True)
    assert f'id="slot-{event.id}-{own.id}"' in form and 'name="url"' in form
    response = editor.hx("post", f"/media/events/{event.id}/publications", data=_publication(own))
    assert response.status_code == 200 and said(response) == "Публикация отмечена."
    assert "coverageChanged" in json.loads(response.headers["HX-Trigger"])
    cell = response.get_data(as_text=True)
    assert f'id="slot-{event.id}-{own.id}"' in cell and "slot-done" in cell and "https://tak.tomsk.ru/news/1" in cell
    assert db.session.scalar(select(func.count(Publication.id)).where(Publication.organization_id == own.id)) == 1


def test_the_matrix_shows_every_change_at_once(viewer, coverage_case):
    """The matrix is kept until the media change (cache.py): a participant that joins, a
    renamed one, a publication deleted — the next page shows each."""
    plan, _, own, other, _, theirs = coverage_case
    url = f"/media/plans/{plan.id}/coverage"

    def matrix() -> tuple[list[str], list[str]]:
        html = viewer.get(url).get_data(as_text=True)
        return re.findall(r'<th class="matrix-org"[^>]*data-org="(\d+)"', html), re.findall(
            r'<td class="(gap|done)', html
        )

    assert matrix() == ([str(own.id), str(other.id)], ["gap", "done"])
    newcomer = factories.organization(short_name="ОГБПОУ «Асиновский техникум»")
    db.session.commit()
    assert matrix() == ([str(own.id), str(other.id)], ["gap", "done"])
    builders.participant(newcomer)  # an organization of the directory joins
    db.session.commit()
    assert matrix() == ([str(newcomer.id), str(own.id), str(other.id)], ["gap", "gap", "done"])
    db.session.get(Organization, other.id).short_name = "ОГБПОУ «Алтайский техникум»"
    db.session.commit()
    assert matrix() == ([str(other.id), str(newcomer.id), str(own.id)], ["done", "gap", "gap"])
    db.session.delete(db.session.get(Publication, theirs.id))
    db.session.commit()
    assert matrix()[1] == ["gap", "gap", "gap"]


def test_a_cells_form_records_for_its_own_column(login_as, coverage_case):
    # A secretary's form opened in a cell of the matrix offered every participant: one chosen
    # there was recorded in another column while the form sat in this one.
    _, event, own, _, _, _ = coverage_case
    secretary = login_as(Role.SECRETARY)
    form = secretary.hx("get", f"/media/events/{event.id}/publications?organization={own.id}").get_data(as_text=True)
    assert 'select name="organization_id"' not in form and '<select id="organization_id"' not in form
    assert f'<input type="hidden" name="organization_id" value="{own.id}">' in form
    page = secretary.get(f"/media/events/{event.id}/publications").get_data(as_text=True)
    assert 'id="organization_id"' in page  # the page of its own lets the participant be chosen


def test_an_editor_cannot_record_or_delete_for_another_organization(login_as, coverage_case):
    _, event, own, other, person, theirs = coverage_case
    editor = login_as(Role.EDITOR, person_id=person.id)
    assert editor.hx("post", f"/media/events/{event.id}/publications", data=_publication(other)).status_code == 403
    assert editor.hx("post", f"/media/publications/{theirs.id}/delete").status_code == 403
    assert db.session.scalar(select(func.count(Publication.id))) == 1
    unlinked = login_as(Role.EDITOR, "unlinked@cluster.test")
    assert unlinked.hx("post", f"/media/events/{event.id}/publications", data=_publication(own)).status_code == 403


def test_a_secretary_records_and_deletes_for_anyone(login_as, coverage_case):
    _, event, own, other, _, theirs = coverage_case
    secretary = login_as(Role.SECRETARY)
    assert secretary.hx("post", f"/media/events/{event.id}/publications", data=_publication(own)).status_code == 200
    deleted = secretary.hx("post", f"/media/publications/{theirs.id}/delete")
    assert deleted.status_code == 200 and "slot-gap" in deleted.get_data(as_text=True)
    assert said(deleted) == "Отметка о публикации удалена."
    assert [p.organization_id for p in db.session.scalars(select(Publication))] == [own.id]


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(url="tak.tomsk.ru/news"), "Адрес должен начинаться с http:// или https://."),
        (dict(url=""), "Укажите адрес публикации."),
        (dict(published_on="2022-03-11"), "Дата публикации ещё не наступила."),
        (dict(published_on="2021-12-01"), "Дата публикации больше чем за месяц до мероприятия (01.03.2022)"),
        (dict(published_on="вчера"), "Введите дату в виде ДД.ММ.ГГГГ."),
        (dict(channel="fax"), "Выберите значение из списка."),
    ],
)
def test_bad_publications_get_a_russian_message_and_nothing_is_saved(login_as, coverage_case, changes, message):
    _, event, own, _, person, _ = coverage_case
    editor = login_as(Role.EDITOR, person_id=person.id)
    response = editor.hx("post", f"/media/events/{event.id}/publications", data=_publication(own, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Publication.id))) == 1


def test_what_we_still_have_to_publish(login_as, coverage_case):
    _, event, own, other, person, _ = coverage_case
    editor = login_as(Role.EDITOR, person_id=person.id)
    html = editor.get("/media/todo").get_data(as_text=True)
    assert f'id="todo-row-{event.id}"' in html and f'id="slot-{event.id}-{own.id}"' in html
    # A post in another channel is shown beside, but the event still waits for the website.
    assert (
        editor.post(f"/media/events/{event.id}/publications", data=_publication(own, channel="vk")).status_code == 303
    )
    html = editor.get("/media/todo").get_data(as_text=True)
    assert f'id="todo-row-{event.id}"' in html and "ещё нет на официальном сайте" in html
    editor.post(f"/media/events/{event.id}/publications", data=_publication(own))
    assert "Всё опубликовано" in editor.get("/media/todo").get_data(as_text=True)


def test_the_event_page_lists_every_participant(viewer, coverage_case):
    _, event, own, other, _, _ = coverage_case
    html = viewer.get(f"/media/events/{event.id}").get_data(as_text=True)
    assert "Опубликовали на своих сайтах 1 из 2 (50 %)" in html
    assert f'id="slot-{event.id}-{own.id}" class="slot slot-gap"' in html
    assert f'id="slot-{event.id}-{other.id}" class="slot slot-done"' in html


def test_a_planned_events_page_shows_no_gaps_it_cannot_fill(viewer, coverage_case):
    # Its page showed every participant as a red gap («0 из 2») with a «+» whose form was refused
    # («Мероприятие ещё в плане: …»).
    plan, _, own, _, _, _ = coverage_case
    planned = builders.event(plan, title="Форум", starts_on=date(2022, 4, 1))
    db.session.commit()
    html = viewer.get(f"/media/events/{planned.id}").get_data(as_text=True)
    assert "Материал ещё не готов: участники публикуют мероприятие, когда он готов." in html
    assert "slot-gap" not in html and "Опубликовали на своих сайтах" not in html


# --- the month calendar -----------------------------------------------------------


def test_the_calendar_browses_month_by_month_without_a_reload(viewer, app, ctx):
    plan = builders.plan()
    builders.event(plan, title="Экспертные сессии", starts_on=date(2021, 12, 8), ends_on=date(2021, 12, 10))
    council = factories.council(name="Координационный совет", name_genitive="Координационного совета")
    meetings.meeting(council, date(2021, 12, 9), number=3, start_time=time(10))
    db.session.commit()

    page = viewer.get("/media/calendar?month=2021-12").get_data(as_text=True)
    assert "<html" in page and "Декабрь 2021" in page
    assert page.count(">Экспертные сессии</a>") == 3  # on each of its three days
    assert "10:00</span> Заседание Координационного совета" in page

    fragment = viewer.hx("get", "/media/calendar?month=2022-01")
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "Январь 2022" in html and "Экспертные сессии" not in html
    assert 'hx-get="/media/calendar?month=2021-12"' in html and 'hx-get="/media/calendar?month=2022-02"' in html
    assert 'hx-target="#calendar"' in html


def test_the_calendar_opens_on_the_current_month(viewer):
    assert "Март 2022" in viewer.get("/media/calendar").get_data(as_text=True)  # the frozen clock's month


def test_the_embed_page_shows_the_code_as_text_and_a_preview(viewer, app, ctx):
    builders.event(builders.approved_plan(), title="Анонс для сайтов", starts_on=date(2022, 3, 15))
    db.session.commit()
    html = viewer.get("/media/embed").get_data(as_text=True)
    assert "&lt;script&gt;" in html and "<script>\n  fetch(" not in html  # shown, never run (CSP)
    assert "http://intranet.test/media/public/upcoming.html?limit=5" in html
    assert 'class="cluster-events__title">Анонс для сайтов</span>' in html


def test_a_secretary_manages_the_participants(login_as, app, ctx):
    from cluster_intranet.media.models import MediaParticipant

    org = factories.organization(short_name="ООО «Томскнефтехим»")
    db.session.commit()
    editor = login_as(Role.EDITOR)
    assert editor.post("/media/participants", data={"organization_id": org.id}).status_code == 403
    secretary = login_as(Role.SECRETARY)
    assert "ООО «Томскнефтехим»" in secretary.get("/media/participants").get_data(as_text=True)  # offered in the form
    assert secretary.post("/media/participants", data={"organization_id": org.id}).status_code == 303
    record = db.session.scalar(select(MediaParticipant))
    assert record.organization_id == org.id
    twice = secretary.post("/media/participants", data={"organization_id": org.id}, follow_redirects=True)
    assert "Организация уже участвует в освещении." in twice.get_data(as_text=True)
    assert secretary.post(f"/media/participants/{record.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(MediaParticipant.id))) == 0


def test_a_stale_inline_edit_is_refused_and_nothing_is_lost(login_as, plan_case):
    _, events, _, _ = plan_case
    fair = events["fair"]
    first, second = login_as(Role.EDITOR), login_as(Role.SECRETARY)
    stale_version = str(fair.version)
    saved = first.hx("post", f"/media/events/{fair.id}/edit", data=_event_form(title="Ярмарка: новое название",
                                                                           starts_on="2022-03-23", version=stale_version))  # fmt: skip
    assert saved.status_code == 200
    refused = second.hx("post", f"/media/events/{fair.id}/edit", data=_event_form(title="Старое поверх нового",
                                                                              starts_on="2022-03-23", version=stale_version))  # fmt: skip
    assert refused.status_code == 422 and "Запись уже изменил" in refused.get_data(as_text=True)
    assert db.session.get(MediaEvent, fair.id).title == "Ярмарка: новое название"


def test_the_responsible_person_comes_from_the_picker(login_as, plan_case):
    _, events, _, person = plan_case
    editor = login_as(Role.EDITOR)
    fair = events["fair"]
    form = editor.hx("get", f"/media/events/{fair.id}/edit").get_data(as_text=True)
    assert form.count('name="responsible_id"') == 1  # the picker's own, not a second one from hidden_tag()
    assert f'name="responsible_id" value="{person.id}"' in form and 'value="Кузнецова Н.В."' in form
    assert 'hx-get="/directory/people/suggest"' in form
    unknown = editor.hx(
        "post", f"/media/events/{fair.id}/edit", data=_event_form(starts_on="2022-03-23", responsible_id="999999")
    )
    assert unknown.status_code == 422 and "Такого сотрудника нет в справочнике" in unknown.get_data(as_text=True)
    cleared = editor.hx(
        "post", f"/media/events/{fair.id}/edit", data=_event_form(starts_on="2022-03-23", responsible_id="")
    )
    assert cleared.status_code == 200 and db.session.get(MediaEvent, fair.id).responsible_id is None


def test_the_matrix_page_follows_every_change_of_its_data(login_as, coverage_case, count_queries):
    """The page reuses a built matrix while the data's fingerprint stays the same."""
    from cluster_intranet.directory.models import Organization
    from cluster_intranet.media.models import MediaParticipant

    plan, event, own, other, _, theirs = coverage_case
    secretary = login_as(Role.SECRETARY)
    url = f"/media/plans/{plan.id}/coverage"

    def page() -> str:
        return secretary.hx("get", url).get_data(as_text=True)

    def gaps() -> int:
        return int(re.search(r"Пробелов:</span> <strong>(\d+)", page()).group(1))

    assert gaps() == 1
    with count_queries() as first:
        page()
    assert gaps() == 1
    with count_queries() as again:
        page()
    assert again.count < first.count + 1 and again.count <= 5  # the user, the plan, the fingerprint: no matrix queries
    secretary.hx("post", f"/media/events/{event.id}/publications", data=_publication(own))
    assert gaps() == 0
    secretary.hx("post", f"/media/publications/{theirs.id}/delete")
    assert gaps() == 1

    with secretary.application.app_context():
        db.session.get(Organization, other.id).short_name = "ОГБПОУ «Переименованный техникум»"
        db.session.commit()
    assert "Переименованный техникум" in page()

    with secretary.application.app_context():
        db.session.delete(
            db.session.scalar(select(MediaParticipant).where(MediaParticipant.organization_id == other.id))
        )
        db.session.commit()
    assert "Переименованный техникум" not in page() and gaps() == 0

    assert f'id="coverage-row-{event.id}"' in page()
    secretary.post(f"/media/events/{event.id}/status", data={"status": "cancelled", "reason": "Перенесено"})
    assert f'id="coverage-row-{event.id}"' not in page()  # no longer due: out of the matrix


def test_a_one_day_event_moved_in_its_edit_form_stays_one_day(login_as, plan_case):
    """The form pre-fills no end date for a one-day event: moving the start later is
    accepted, moving it earlier does not stretch the event over the days between."""
    _, events, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    fair = events["fair"]  # 23.03.2022, one day
    form = editor.get(f"/media/events/{fair.id}/edit").get_data(as_text=True)
    assert re.search(r'name="ends_on"[^>]*value=""', form) or not re.search(r'name="ends_on"[^>]*value="2', form)
    for day in ("2022-03-30", "2022-03-15"):
        response = editor.post(
            f"/media/events/{fair.id}/edit",
            data=_event_form(
                title="Ярмарка вакансий", starts_on=day, version=str(db.session.get(MediaEvent, fair.id).version)
            ),
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        db.session.expire_all()
        event = db.session.get(MediaEvent, fair.id)
        assert (event.starts_on, event.ends_on) == (date.fromisoformat(day), date.fromisoformat(day))
    champ = events["champ"]  # several days: its end stays in the form
    assert 'value="2022-03-02"' in editor.get(f"/media/events/{champ.id}/edit").get_data(as_text=True)


def test_postponing_keeps_the_old_date_in_the_history_and_says_so(login_as, plan_case):
    _, events, _, _ = plan_case
    editor = login_as(Role.EDITOR)
    champ = events["champ"]  # 28.02 – 02.03.2022
    form = editor.get(f"/media/events/{champ.id}/postpone")
    assert form.status_code == 200 and "Причина переноса" in form.get_data(as_text=True)
    # The end is left empty (the same length): prefilled with 02.03, a new start alone was refused
    # («Дата окончания раньше даты начала»), as the browser sends what the form holds.
    assert 'value="2022-03-02"' not in form.get_data(as_text=True)
    no_reason = editor.post(f"/media/events/{champ.id}/postpone", data={"starts_on": "2022-04-04", "reason": ""})
    assert (
        no_reason.status_code == 422
        and "Обязательное поле" in no_reason.get_data(as_text=True)
        or no_reason.status_code == 422
    )
    outside = editor.post(f"/media/events/{champ.id}/postpone", data={"starts_on": "2023-04-04", "reason": "Ремонт"})
    assert outside.status_code == 422 and "Дата вне периода медиаплана" in outside.get_data(as_text=True)
    done = editor.post(
        f"/media/events/{champ.id}/postpone", data={"starts_on": "2022-04-04", "reason": "Ремонт площадки"}
    )
    assert done.status_code == 303
    db.session.expire_all()
    event = db.session.get(MediaEvent, champ.id)
    assert (event.starts_on, event.ends_on, event.postponed_from) == (
        date(2022, 4, 4),
        date(2022, 4, 6),
        date(2022, 2, 28),
    )
    assert event.when == "04.04.2022 – 06.04.2022 (перенесено с 28.02.2022)"
    (change,) = event.changes
    assert change.text == "28.02.2022 – 02.03.2022 → 04.04.2022 – 06.04.2022" and change.reason == "Ремонт площадки"
    page = editor.get(f"/media/events/{champ.id}").get_data(as_text=True)
    assert "перенесено с 28.02.2022" in page and "Перенос: 28.02.2022 – 02.03.2022 → 04.04.2022 – 06.04.2022" in page
    assert "Ремонт площадки" in page


def test_coverage_counts_the_official_websites_only(login_as, coverage_case):
    plan, event, own, other, person, _ = coverage_case
    builders.publication(event, own, channel=Channel.VK)
    db.session.commit()
    editor = login_as(Role.EDITOR, person_id=person.id)
    matrix = editor.get(f"/media/plans/{plan.id}/coverage").get_data(as_text=True)
    # The own VK post shows in the cell but leaves it a gap; the total stays at 50 %.
    assert re.findall(r'<td class="(gap|done)( may)?">', matrix) == [("gap", " may"), ("done", "")]
    assert ">ВК</a>" in matrix and 'Общий охват:</span> <strong class="pct-mid">50 %' in matrix
    html = editor.get("/media/todo").get_data(as_text=True)
    assert f'id="todo-row-{event.id}"' in html  # still to publish on the website


def test_no_publication_on_a_planned_event_and_no_gaps_on_a_cancelled_one(login_as, coverage_case):
    plan, _, own, other, person, _ = coverage_case
    planned = builders.event(plan, title="Ещё в плане")
    cancelled = builders.event(plan, title="Отменённое", status="cancelled", cancel_reason="Карантин")
    builders.publication(cancelled, other)
    db.session.commit()
    editor = login_as(Role.EDITOR, person_id=person.id)
    refused = editor.hx("post", f"/media/events/{planned.id}/publications", data=_publication(own))
    assert refused.status_code == 422 and "Мероприятие ещё в плане" in refused.get_data(as_text=True)
    page = editor.get(f"/media/events/{cancelled.id}").get_data(as_text=True)
    assert "Мероприятие отменено: публиковать нечего." in page and "slot-gap" not in page and "из 2" not in page
    assert f'id="slot-{cancelled.id}-{other.id}"' in page  # what was published before stays visible


def test_what_we_still_have_to_publish_puts_the_current_plan_first_and_filters_by_plan(login_as, coverage_case):
    current, event, own, _, person, _ = coverage_case  # the current plan: 2021–2022, «today» is 10.03.2022
    old = builders.plan(title="Медиаплан 2020 года", period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))
    old_event = builders.due(old, title="Старое мероприятие", starts_on=date(2020, 5, 5))
    db.session.commit()
    editor = login_as(Role.EDITOR, person_id=person.id)
    html = editor.get("/media/todo").get_data(as_text=True)
    assert html.index(f'id="todo-row-{event.id}"') < html.index(f'id="todo-row-{old_event.id}"')
    only_old = editor.get(f"/media/todo?plan={old.id}").get_data(as_text=True)
    assert f'id="todo-row-{old_event.id}"' in only_old and f'id="todo-row-{event.id}"' not in only_old
    assert f'<option value="{old.id}" selected>' in only_old


def test_a_plan_is_copied_to_the_next_year_and_an_event_duplicated(login_as, plan_case):
    plan, events, _, person = plan_case
    plan.title = "Медиаплан кластера на 2021–2022 годы"
    events["tv"].status, events["tv"].cancel_reason = "cancelled", "Не состоялось"
    db.session.commit()
    editor = login_as(Role.EDITOR)
    response = editor.post(f"/media/plans/{plan.id}/copy")
    assert response.status_code == 303
    new = db.session.scalar(select(MediaPlan).where(MediaPlan.id != plan.id))
    assert (new.title, new.period_start, new.period_end, new.status) == (
        "Медиаплан кластера на 2022–2023 годы",
        date(2022, 11, 1),
        date(2023, 12, 31),
        "draft",
    )
    copied = db.session.scalars(
        select(MediaEvent).where(MediaEvent.plan_id == new.id).order_by(MediaEvent.starts_on)
    ).all()
    assert [(e.title, e.starts_on, e.ends_on, e.status) for e in copied] == [
        ("Чемпионат", date(2023, 2, 28), date(2023, 3, 2), "planned"),
        ("Ярмарка вакансий", date(2023, 3, 23), date(2023, 3, 23), "planned"),
    ]  # the cancelled interview stays behind
    assert copied[1].channels == ["websites", "vk"] and copied[1].responsible_id == person.id

    fair = events["fair"]
    duplicated = editor.post(f"/media/events/{fair.id}/duplicate")
    assert duplicated.status_code == 303 and duplicated.headers["Location"].endswith("/edit")
    copy = db.session.scalar(select(MediaEvent).where(MediaEvent.title == "Ярмарка вакансий (копия)"))
    assert (copy.plan_id, copy.starts_on, copy.status, copy.channels) == (
        plan.id,
        fair.starts_on,
        "planned",
        ["websites", "vk"],
    )


def test_the_calendar_filters_media_events_and_lists_an_agenda(viewer, plan_case):
    _, events, (org_a, org_b), _ = plan_case
    council = factories.council(name="Координационный совет", name_genitive="Координационного совета")
    meetings.meeting(council, date(2022, 3, 9), number=3, start_time=time(10))
    db.session.commit()
    page = viewer.get("/media/calendar?month=2022-03").get_data(as_text=True)
    assert ">Ярмарка вакансий</a>" in page and ">Чемпионат</a>" in page and "Заседание Координационного совета" in page
    only_vk = viewer.hx("get", "/media/calendar?month=2022-03&channel=vk").get_data(as_text=True)
    assert ">Ярмарка вакансий</a>" in only_vk and ">Чемпионат</a>" not in only_vk
    assert "Заседание Координационного совета" not in only_vk  # a meeting has no channel
    assert "channel=vk" in only_vk and "month=2022-04" in only_vk  # the arrows keep the filter
    by_organizer = viewer.hx("get", f"/media/calendar?month=2022-03&organizer={org_b.id}").get_data(as_text=True)
    assert ">Чемпионат</a>" in by_organizer and ">Ярмарка вакансий</a>" not in by_organizer
    by_status = viewer.hx("get", "/media/calendar?month=2022-03&status=material_ready").get_data(as_text=True)
    assert ">Чемпионат</a>" in by_status and ">Ярмарка вакансий</a>" not in by_status

    agenda = viewer.hx("get", "/media/calendar?month=2022-03&view=agenda").get_data(as_text=True)
    assert 'class="calendar-agenda"' in agenda and "calendar-grid" not in agenda
    days = re.findall(r'<h3 class="h6 mb-1">([^<]+)</h3>', agenda)
    assert days == ["1 марта, вторник", "2 марта, среда", "9 марта, среда", "23 марта, среда"]


def test_the_calendar_says_a_postponed_event_was_moved_and_the_agenda_gives_its_end(viewer, plan_case):
    from cluster_intranet.media import services

    _, events, _, _ = plan_case
    services.postpone_event(
        events["fair"], None, {"starts_on": date(2022, 3, 30), "start_time": time(10), "end_time": time(12),
                               "reason": "Совпадает с областной ярмаркой"},
    )  # fmt: skip
    db.session.commit()
    agenda = viewer.get("/media/calendar?month=2022-03&view=agenda").get_data(as_text=True)
    day = agenda[agenda.index("30 марта, среда") :]
    assert re.search(r'<span class="cal-time">10:00–12:00</span>\s*Ярмарка вакансий</a>', day)
    assert "Запланировано · перенесено с 23.03.2022" in day
    assert "23 марта" not in agenda  # no longer on its old day
    grid = viewer.get("/media/calendar?month=2022-03").get_data(as_text=True)
    assert 'title="Ярмарка вакансий — Запланировано, перенесено с 23.03.2022"' in grid
    assert '<span class="cal-time">10:00</span>' in grid  # the grid's cell keeps the start alone
