"""The directory in a real browser (Playwright + Debian's chromium, headless): live
search, inline add and delete — the list keeps the search the user is in, and each
change says it was done, without a page load."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.auth.services import create_user
    from cluster_intranet.directory.models import Person
    from cluster_intranet.extensions import db

    db.session.add_all(Person(surname="Кротов", first_name=f"Иван{n}", patronymic="") for n in range(3))
    db.session.add_all(Person(surname=f"Сидоров{n:02}", first_name="Пётр", patronymic="") for n in range(30))
    db.session.flush()
    with_account = db.session.scalar(select(Person).where(Person.surname == "Сидоров20"))
    create_user("sidorov20@cluster.test", "browser-password-1", "viewer", with_account.id)


live, page = signed_in_fixtures(_prepare)


def test_search_add_and_delete_keep_the_search(live, page):
    base = live[0]
    page.goto(f"{base}/directory/people")
    page.evaluate("window.__noReload = true")
    rows = page.locator("#people-rows tr")
    expect(rows).to_have_count(25)

    page.fill("input[name=q]", "кротов")
    expect(rows).to_have_count(3)
    assert page.url.endswith("q=%D0%BA%D1%80%D0%BE%D1%82%D0%BE%D0%B2")

    page.once("dialog", lambda dialog: dialog.accept())  # «Удалить сотрудника …?»
    rows.first.locator("button:has-text('Удалить')").click()
    expect(page.locator("#messages")).to_contain_text("Сотрудник «Кротов И.» удалён.")
    expect(rows).to_have_count(2)  # still the search, not the whole directory
    expect(rows.first).to_contain_text("Кротов")

    page.click("a:has-text('Добавить')")
    page.click("a:has-text('Добавить')")  # a second click does not open a second form
    expect(page.locator("#people-new form")).to_have_count(1)
    page.fill("#people-new input[name=surname]", "Кротова")
    page.click("a:has-text('Добавить')")  # pressed again while typing: the form and its text stay
    expect(page.locator("#people-new input[name=surname]")).to_have_value("Кротова")
    expect(page.locator("#people-new input[name=surname]")).to_be_focused()
    page.fill("#people-new input[name=first_name]", "Анна")
    page.click("#people-new button:has-text('Сохранить')")
    expect(page.locator("#messages")).to_contain_text("Сотрудник «Кротова А.» добавлен.")
    expect(rows).to_have_count(3)
    expect(page.locator("#people-new form")).to_have_count(0)
    assert page.evaluate("window.__noReload === true")


def test_an_open_add_form_outlives_the_lists_reload(live, page):
    """The list reloads after every change (directoryChanged). A reload asked for before
    «Добавить» was pressed — the delete just before it — and answered after it wiped the new
    form with what had been typed (CI caught it as «#people-new form» count 0)."""
    base = live[0]
    page.goto(f"{base}/directory/people")
    page.click("a:has-text('Добавить')")
    page.fill("#people-new input[name=surname]", "Кротова")
    with page.expect_response(lambda response: response.url.startswith(f"{base}/directory/people")):
        page.evaluate("htmx.trigger(document.body, 'directoryChanged')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#people-new input[name=surname]")).to_have_value("Кротова")
    expect(page.locator("#people-rows tr")).to_have_count(25)


def test_add_puts_the_focus_in_the_new_form(live, page):
    """«Добавить» opens the form under itself with the focus on «Фамилия» (it stayed on the
    button: the user had to click into the form to type); a refused form puts it on the
    field to fix."""
    base = live[0]
    page.goto(f"{base}/directory/people")
    page.click("a:has-text('Добавить')")
    expect(page.locator("#people-new input[name=surname]")).to_be_focused()
    page.keyboard.type("Кротова")
    page.fill("#people-new input[name=first_name]", "Анна")
    page.fill("#people-new input[name=email]", "krotova@example")
    page.click("#people-new button:has-text('Сохранить')")
    expect(page.locator("#people-new input[name=email]")).to_be_focused()
    expect(page.locator("#people-new input[name=surname]")).to_have_value("Кротова")


def test_a_refused_delete_far_down_the_list_is_seen(live, page):
    """«Удалить» of a person with an account, far down the list: the refusal is brought into
    sight (it was written in the message area at the top of the page, off the screen, and
    nothing seemed to happen)."""
    base = live[0]
    page.set_viewport_size({"width": 1366, "height": 600})
    page.goto(f"{base}/directory/people")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#people-rows tr", has_text="Сидоров20").locator("button:has-text('Удалить')").click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Нельзя удалить сотрудника")
    expect(messages).to_be_in_viewport()


def test_a_delete_sent_while_the_list_reloads_is_not_lost(live, page):
    """Two rows deleted in quick succession (or on a slow network): the list's reload after the
    first, answered while the second's delete was on its way, replaced the row that had sent
    it; that delete's answer then went to a row no longer on the page — the row stayed, no
    message said it was deleted, and the list did not reload. A reload answered while a change
    in the list is on its way is now skipped; that change's own answer reloads the list."""
    base = live[0]
    page.goto(f"{base}/directory/people?q=Сидоров0")
    rows = page.locator("#people-rows tr")
    expect(rows).to_have_count(10)
    messages = page.locator("#messages")
    second = rows.filter(has_text="Сидоров02")
    held = []  # the list's reload and the second delete, kept from the server until let go

    def hold(route):
        reload = route.request.method == "GET" and route.request.headers.get("hx-request") and not held
        if reload or (route.request.method == "POST" and route.request.url.endswith("/delete") and held):
            held.append(route)
        else:
            route.continue_()

    page.route("**/directory/people**", hold)
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_request(lambda request: request.method == "GET"):  # the reload it asks for
        rows.filter(has_text="Сидоров01").locator("button:has-text('Удалить')").click()
    expect(messages).to_contain_text("Сотрудник «Сидоров01 П.» удалён.")
    with page.expect_request(lambda request: request.method == "POST"):
        second.locator("button:has-text('Удалить')").click()

    # Resolves when the page is done with the reload's answer (swapped or skipped).
    answered = page.evaluate_handle("""() => ({ done: new Promise((resolve) => document.querySelector('#results')
        .addEventListener('htmx:afterRequest', resolve, { once: true })) })""")
    assert len(held) == 2, [route.request.url for route in held]
    held[0].continue_()  # the reload, made before the second delete
    page.evaluate("answered => answered.done.then(() => true)", answered)
    held[1].continue_()  # then the second delete's answer
    expect(messages).to_contain_text("Сотрудник «Сидоров02 П.» удалён.")
    expect(second).to_have_count(0)
    expect(rows).to_have_count(8)
