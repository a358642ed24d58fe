"""The one person picker in every form that picks people, in a real browser (Playwright +
Debian's chromium, headless): suggestions by typing, picking by click and by keyboard,
chips in the decision forms (add and edit), a media plan's event added and edited in its
row and on its own edit page, «+ Новый сотрудник» in place; and the
meeting page's forms: empty after an add, the agenda's choices at once, no shared ids."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare() -> dict:
    from sqlalchemy import select

    from cluster_intranet.demo import seed
    from cluster_intranet.extensions import db
    from cluster_intranet.media.models import MediaEvent, MediaPlan
    from cluster_intranet.meetings.models import Meeting
    from tests.factories import demo_without_the_second_protocol

    seed()
    demo_without_the_second_protocol()  # its new person and organisation are created in place here
    return {
        "meeting": db.session.scalar(select(Meeting.id).where(Meeting.year == 2027)),
        "plan": db.session.scalar(select(MediaPlan.id)),
        "press_meeting": db.session.scalar(
            select(MediaEvent.id).where(MediaEvent.title.startswith("Рабочая встреча пресс-служб"))
        ),
    }


live, page = signed_in_fixtures(_prepare)


def _watch(page) -> list[str]:
    """The page's script errors and failed requests, collected while the test runs; and a
    flag that survives HTMX swaps but not a page load."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 500 else None,
    )
    page.evaluate("window.__noReload = true")
    return errors


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def _open_meeting(page, live) -> list[str]:
    base, _, data = live
    page.goto(f"{base}/meetings/{data['meeting']}")
    return _watch(page)


def _new_decision(page, live, text: str) -> list[str]:
    """The meeting page with «Добавить решение» open and its text typed; the errors watched."""
    errors = _open_meeting(page, live)
    page.click("#decisions summary:has-text('Добавить решение')")
    page.fill("#decision-new-text", text)
    return errors


def _suggestions_of(picker):
    return picker.locator("[data-suggestions] [data-pick-person]")


def _pick_by_keyboard(picker, typed: str):
    """Types into the picker's box and, its suggestions shown, picks the first by ↓ and Enter;
    the box."""
    search = picker.locator("[data-picker-search]")
    search.fill(typed)
    expect(_suggestions_of(picker).first).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    return search


def test_decision_add_and_edit_pick_responsibles(live, page):
    errors = _new_decision(page, live, "Подготовить методические рекомендации")
    form = page.locator("#decisions form[action$='/decisions']")
    picker = form.locator("[data-person-picker]")
    search = picker.locator("[data-picker-search]")
    search.fill("Поярк")
    expect(_suggestions_of(picker)).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")  # picks, does not submit the form
    search.fill("Кузн")
    picker.locator("[data-pick-label='Кузнецова Н.В.']").click()
    search.fill("Елисе")
    expect(_suggestions_of(picker).first).to_be_visible()
    search.press("Enter")  # the first suggestion
    chips = picker.locator("[data-chip]")
    expect(chips).to_have_count(3)
    chips.nth(2).locator("[data-unpick]").click()
    expect(chips).to_have_count(2)
    form.locator("button:has-text('Добавить решение')").click()
    row = page.locator("#decisions li[id^=decision-row]:has-text('Подготовить методические рекомендации')")
    expect(row).to_contain_text("Пояркова О.Н., Кузнецова Н.В.")

    # The edit form: its chips, its own suggestions (under its box, styled as a list), a click adds.
    row.locator("a[title='Изменить']").click()
    edit = page.locator("#decisions li form[action*='/meetings/decisions/']")
    picker = edit.locator("[data-person-picker]")
    expect(picker.locator("[data-chip]")).to_have_count(2)
    picker.locator("[data-picker-search]").fill("Елисе")
    suggestion = _suggestions_of(picker).first
    expect(suggestion).to_be_visible()
    assert suggestion.evaluate("e => getComputedStyle(e.parentElement).position") == "absolute"
    assert picker.locator("[data-chosen]").count() == 1  # the chips are still there
    suggestion.click()
    expect(picker.locator("[data-chip]")).to_have_count(3)
    picker.locator("[data-chip]").first.locator("[data-unpick]").click()  # Пояркова goes: Кузнецова leads
    edit.locator("button:has-text('Сохранить')").click()
    row = page.locator("#decisions li[id^=decision-row]:has-text('Подготовить методические рекомендации')")
    expect(row).to_contain_text("Кузнецова Н.В., Елисеев В.А.")
    assert not errors and _not_reloaded(page)


def test_attendee_and_speaker_are_picked_by_keyboard(live, page):
    errors = _open_meeting(page, live)
    search = page.locator("#picker-attendee")
    search.fill("Петренко")
    expect(_suggestions_of(page.locator("#attendees [data-person-picker]"))).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(search).to_have_value("Петренко О.И.")
    page.click("#attendees button:has-text('Добавить')")
    expect(page.locator("#attendees li:has-text('Петренко О.И.')")).to_be_visible()
    expect(page.locator("#picker-attendee")).to_have_value("")  # the form starts afresh

    page.click("#agenda summary:has-text('Добавить вопрос')")
    page.fill("#agenda-new-text", "О структуре экспертного чек-листа")
    speaker = page.locator("#picker-agenda-new")
    speaker.fill("Поярк")
    expect(_suggestions_of(page.locator("#agenda [data-person-picker]"))).to_have_count(1)
    speaker.press("ArrowDown")
    speaker.press("Escape")  # closes the suggestions, picks nobody
    expect(_suggestions_of(page.locator("#agenda [data-person-picker]"))).to_have_count(0)
    speaker.fill("Поярко")
    page.locator("#agenda [data-pick-label='Пояркова О.Н.']").click()
    page.click("#agenda button:has-text('Добавить вопрос')")
    expect(page.locator("#agenda li:has-text('О структуре экспертного чек-листа')")).to_contain_text("Пояркова О.Н.")
    # The new item is a choice of «По вопросу повестки» at once.
    page.click("#decisions summary:has-text('Добавить решение')")
    expect(
        page.locator("#decision-new-agenda_item_id option:has-text('О структуре экспертного чек-листа')")
    ).to_have_count(1)
    assert not errors and _not_reloaded(page)


def test_add_decision_opened_again_is_empty(live, page):
    errors = _new_decision(page, live, "Провести экспертную сессию")
    page.fill("#picker-decision-new", "Соколов")
    page.locator("#decisions [data-pick-label='Соколов А.В.']").click()
    page.fill("#decision-new-deadline", "2027-04-01")
    # A vote on this decision alone is folded away (the item carries the usual one).
    page.click("#decisions summary:has-text('Голосовали по этому решению отдельно')")
    page.fill("#decision-new-votes_for", "3")  # no more than those present
    page.click("#decisions button:has-text('Добавить решение')")
    expect(page.locator("#decisions li:has-text('Провести экспертную сессию')")).to_be_visible()
    page.click("#decisions summary:has-text('Добавить решение')")
    expect(page.locator("#decision-new-text")).to_have_value("")
    expect(page.locator("#decision-new-deadline")).to_have_value("")
    expect(page.locator("#decision-new-votes_for")).to_have_value("")
    expect(page.locator("#decision-new-votes_for")).to_be_hidden()  # folded again
    expect(page.locator("#decisions form[action$='/decisions'] [data-chip]")).to_have_count(0)
    assert not errors and _not_reloaded(page)


def test_a_new_person_is_created_in_place_and_picked(live, page):
    errors = _new_decision(page, live, "Подготовить рекомендации для экспертов")
    page.fill("#decision-new-deadline", "2027-05-01")
    page.fill("#picker-decision-new", "Мельникова-Гросс")
    page.locator("#decisions [data-suggestions] [data-new-person]").click()
    dialog = page.locator("#person-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#new-person-surname")).to_have_value("Мельникова-Гросс")
    dialog.locator("#new-person-first_name").fill("Юлия")
    dialog.locator("#new-person-patronymic").fill("Андреевна")
    dialog.locator("#new-person-new_organization").fill(
        "ОГБУ «Региональный центр развития профессионального образования»"
    )
    dialog.locator("#new-person-position").fill("методист")
    dialog.locator("button:has-text('Добавить и выбрать')").click()
    expect(dialog).to_be_hidden()
    chips = page.locator("#decisions form[action$='/decisions'] [data-chip]")
    expect(chips).to_have_text(["Мельникова-Гросс Ю.А."])
    expect(page.locator("#decision-new-text")).to_have_value("Подготовить рекомендации для экспертов")  # kept
    expect(page.locator("#decision-new-deadline")).to_have_value("2027-05-01")

    # A refusal stays in the dialog, next to its field; «Отмена» closes it.
    page.fill("#picker-attendee", "Новиков")
    page.locator("#attendees [data-suggestions] [data-new-person]").click()
    expect(dialog).to_be_visible()
    dialog.locator("#new-person-first_name").fill("")
    dialog.locator("button:has-text('Добавить и выбрать')").click()
    expect(dialog.locator(".invalid-feedback")).to_contain_text("Заполните это поле.")
    dialog.locator("button:has-text('Отмена')").click()
    expect(dialog).to_be_hidden()
    assert not errors and _not_reloaded(page)


def test_no_two_elements_share_an_id_with_every_form_open(live, page):
    errors = _open_meeting(page, live)
    if not page.locator("#attendees a[title='Изменить']").count():  # the module's first test to run
        page.fill("#picker-attendee", "Елисеев")
        page.locator("#attendees [data-pick-label='Елисеев В.А.']").click()
        page.click("#attendees button:has-text('Добавить')")
    page.click("#attendees a[title='Изменить'] >> nth=0")
    page.click("#agenda a[title='Изменить'] >> nth=0")
    page.click("#agenda summary:has-text('Добавить вопрос')")
    page.click("#decisions summary:has-text('Добавить решение')")
    if page.locator("#decisions a[title='Изменить']").count():
        page.click("#decisions a[title='Изменить'] >> nth=0")
    expect(page.locator("#attendees li form:has(button:has-text('Сохранить'))")).to_have_count(1)
    expect(page.locator("#agenda li form:has(button:has-text('Сохранить'))")).to_have_count(1)
    page.fill("#picker-attendee", "Поярк")
    page.locator("#attendees [data-suggestions] [data-new-person]").click()
    expect(page.locator("#person-dialog")).to_be_visible()
    repeated = page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
        return ids.filter((id, index) => ids.indexOf(id) !== index);
    }""")
    assert repeated == []
    # The label «Решение» focuses the decision's text, not the agenda's.
    page.keyboard.press("Escape")
    page.click("label[for=decision-new-text]")
    assert page.evaluate("document.activeElement.id") == "decision-new-text"
    assert not errors


def test_media_plan_inline_event_picks_its_responsible(live, page):
    base, _, data = live
    page.goto(f"{base}/media/plans/{data['plan']}")
    errors = _watch(page)
    rows_before = page.locator("#event-rows > tr").count()
    page.click("a:has-text('Добавить мероприятие')")
    form = page.locator("#event-rows form.event-form")
    expect(form).to_be_visible()
    page.click("a:has-text('Добавить мероприятие')")  # a second press opens no second form
    expect(form).to_have_count(1)
    search = _pick_by_keyboard(form.locator("[data-person-picker]"), "Кузн")
    expect(search).to_have_value(re.compile("Кузнецова"))
    assert form.locator("[data-picked]").input_value().isdigit()
    assert page.locator("#event-rows > tr").count() == rows_before + 1  # the list is not replaced
    assert not errors and _not_reloaded(page)


def test_an_event_being_typed_outlives_the_plans_reload(live, page):
    """The plan's list reloads after a change in any row (mediaEventsChanged): a status
    marked in another row threw away the new event's form with what had been typed in it.
    A reload finding a form typed into is skipped; the form's own saving reloads the list."""
    base, _, data = live
    page.goto(f"{base}/media/plans/{data['plan']}")
    errors = _watch(page)
    page.click("a:has-text('Добавить мероприятие')")
    form = page.locator("#event-rows form.event-form")
    form.locator("input[name=title]").fill("Форум «Кадры для промышленности»")
    with page.expect_response(lambda response: f"/media/plans/{data['plan']}" in response.url):
        page.evaluate("htmx.trigger(document.body, 'mediaEventsChanged')")
    page.wait_for_load_state("networkidle")
    expect(form.locator("input[name=title]")).to_have_value("Форум «Кадры для промышленности»")

    form.locator("input[name=title]").fill("")  # nothing typed any more: the next reload comes in
    with page.expect_response(lambda response: f"/media/plans/{data['plan']}" in response.url):
        page.evaluate("htmx.trigger(document.body, 'mediaEventsChanged')")
    expect(form).to_have_count(0)
    assert not errors and _not_reloaded(page)


def test_media_plan_event_edited_in_its_row_picks_another_responsible(live, page):
    base, _, data = live
    page.goto(f"{base}/media/plans/{data['plan']}")
    errors = _watch(page)
    row = page.locator(f"#event-row-{data['press_meeting']}")
    expect(row).to_contain_text("Кузнецова Н.В.")
    row.get_by_role("link", name="Изменить").click()
    form = row.locator("form.event-form")
    expect(form.locator("[data-picker-search]")).to_have_value("Кузнецова Н.В.")
    expect(_pick_by_keyboard(form.locator("[data-person-picker]"), "Жарк")).to_have_value("Жарких Е.В.")
    form.get_by_role("button", name="Сохранить").click()
    expect(row.locator("td[data-label='Ответственный:']")).to_have_text("Жарких Е.В.")
    assert not errors and _not_reloaded(page)


def test_media_event_edit_page_picks_another_responsible(live, page):
    """The event's own edit page (the form without its row, sent without HTMX): the same picker."""
    base, _, data = live
    page.goto(f"{base}/media/plans/{data['plan']}")
    page.get_by_role("link", name="День знаний: первокурсники целевого обучения").click()
    page.wait_for_url(re.compile(r"/media/events/\d+$"))  # not a row's «Изменить» of the plan
    page.get_by_role("link", name="Изменить", exact=True).click()
    # Loaded: the picker's box typed into before htmx processed the page asks for no suggestions.
    page.wait_for_url(re.compile(r"/media/events/\d+/edit$"))
    errors = _watch(page)
    expect(page.locator("form.event-form [data-picker-search]")).to_have_value("Кускова Е.В.")
    expect(_pick_by_keyboard(page.locator("form.event-form [data-person-picker]"), "Петре")).to_have_value(
        "Петренко О.И."
    )
    page.locator("form.event-form").get_by_role("button", name="Сохранить").click()
    expect(page.locator(".event-details")).to_contain_text("Петренко О.И.")
    assert not errors


def test_the_control_list_filter_applies_the_person_picked_by_keyboard(live, page):
    base = live[0]
    page.goto(f"{base}/decisions/")
    errors = _watch(page)
    search = _pick_by_keyboard(page.locator(".decision-filters [data-person-picker]"), "Кузнец")
    # Picked: the filter applies at once.
    page.wait_for_url(re.compile(r"person=\d+"))
    expect(search).to_have_value("Кузнецова Н.В.")
    assert not errors and _not_reloaded(page)


def test_the_media_plan_form_and_a_council_pick_by_click(live, page):
    base, _, data = live
    page.goto(f"{base}/media/plans/{data['plan']}/edit")
    search = page.locator("#picker-plan")
    search.fill("Кузнец")
    page.locator("[data-pick-label='Кузнецова Н.В.']").click()
    expect(search).to_have_value("Кузнецова Н.В.")
    page.click("button:has-text('Сохранить')")
    page.wait_for_url(re.compile(rf"/media/plans/{data['plan']}$"))

    page.goto(f"{base}/councils/")
    errors = _watch(page)
    box = page.locator("[id^=council-members-]").first
    box.get_by_role("link", name="Изменить состав").click()  # the councils page reads until asked to edit
    box.locator("[data-picker-search]").fill("Петренко")
    box.locator("[data-pick-label='Петренко О.И.']").click()
    box.locator("button:has-text('Добавить в совет')").click()
    expect(box).to_contain_text("Петренко О.И.")
    assert not errors and _not_reloaded(page)
