"""Every page reachable from the navigation, as each role, on a phone (390×844) and a laptop
(1366×768): no horizontal overflow, no error in the console, and no axe-core violation of
impact «serious» or «critical» (axe-core from the npm registry, node_modules/, injected by
Playwright into each page). Screenshots of every page go to test-output/pages/ (git-ignored):
look at them after a change of layout.

One browser for the module, one context per role, one page reused for all its visits.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.live_server import BROKEN_WORDS, BROWSER_TESTS, CHROMIUM, REPO, TEST_OUTPUT, serve, sign_in

pytestmark = BROWSER_TESTS

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = TEST_OUTPUT / "pages"
PASSWORD = "browser-password-1"
WIDTHS = {"phone": (390, 844), "laptop": (1366, 768)}
# The demo's people, one account per role (the demo makes the secretary's and the experts').
ACCOUNTS = {
    "admin": ("admin@cluster.local", None),
    "secretary": ("zharkikh@cluster.local", None),
    "editor": ("poyarkova@cluster.local", "Пояркова"),
    "expert": ("ivanova@cluster.local", None),
    "viewer": ("belyaev@cluster.local", "Беляев"),
}
# Pages the navigation leads to that a role may see besides those in its menus: a record of
# each kind (the demo's), so the detail pages are checked too, and the pages one step from a
# menu's (a plan's table and coverage, the tabs of the control, the media plan and expertise).
DETAILS = [
    "/meetings/{meeting}",
    "/meetings/{planned}",
    "/decisions/{decision}",
    "/decisions/my",
    "/decisions/summary",
    "/media/events/{event}",
    "/media/plans/{plan}",
    "/media/plans/{plan}/coverage",
    "/media/todo",
    "/expertise/sessions/{session}",
    "/expertise/programmes",
    "/expertise/checklists",
]


def _prepare():
    from sqlalchemy import select

    from cluster_intranet.auth.models import User
    from cluster_intranet.auth.services import create_user
    from cluster_intranet.decisions.models import Decision
    from cluster_intranet.demo import seed
    from cluster_intranet.directory.models import Person
    from cluster_intranet.expertise.models import ExpertSession
    from cluster_intranet.extensions import db
    from cluster_intranet.media.coverage import still_to_publish
    from cluster_intranet.media.models import MediaEvent, MediaParticipant, MediaPlan
    from cluster_intranet.meetings.models import Meeting

    seed()
    for role, (email, surname) in ACCOUNTS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            person = db.session.scalar(select(Person).where(Person.surname == surname))
            user = create_user(email, PASSWORD, role, person.id)
        user.set_password(PASSWORD, "pbkdf2:sha256:1000")
    db.session.flush()
    return {
        "meeting": db.session.scalar(select(Meeting.id).where(Meeting.year == 2021, Meeting.number == 2)),
        "decision": db.session.scalar(select(Decision.id).order_by(Decision.id)),
        "event": db.session.scalar(select(MediaEvent.id).order_by(MediaEvent.id)),
        "session": db.session.scalar(select(ExpertSession.id).order_by(ExpertSession.id)),
        "planned": db.session.scalar(select(Meeting.id).where(Meeting.year == 2027)),
        "plan": db.session.scalar(select(MediaPlan.id).order_by(MediaPlan.id)),
        "participant": next(
            org for org in db.session.scalars(select(MediaParticipant.organization_id)) if still_to_publish(org)
        ),
    }


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (npm ci)")
    with serve(tmp_path_factory.mktemp("live"), _prepare) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def secretary_cookies(live, browser):
    """The secretary signed in once for the module's tests: more than ten sign-ins of one
    account a minute meet the login limit (LOGIN_RATE_LIMIT)."""
    context = browser.new_context()
    try:
        sign_in(context.new_page(), live[0], ACCOUNTS["secretary"][0], PASSWORD)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def page(browser, secretary_cookies):
    """A phone-sized page (390 × 844) signed in as the secretary."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=secretary_cookies)
    try:
        yield context.new_page()
    finally:
        context.close()


def _nav_links(page, base: str) -> list[str]:
    """The pages the navigation bar leads to (menus included), in order, without the sign-out."""
    hrefs = page.eval_on_selector_all("nav.navbar a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = []
    for href in hrefs:
        if href.startswith("#") or href.startswith("http") and not href.startswith(base):
            continue
        path = href.removeprefix(base)
        if path not in paths:
            paths.append(path)
    return paths


def _check(page, path: str, width: str, errors: list[str]) -> list[str]:
    problems = []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        wide = page.evaluate("""() => {
            const limit = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > limit + 1)
              .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'));
        }""")
        problems.append(f"{overflow} px wider than the screen: {wide}")
    if width == "phone":
        # A list scrolling in its own box hides its columns sideways: on a phone it is cards
        # (table-cards). Only a matrix (criteria × experts, events × participants) scrolls.
        hidden = page.evaluate("""() => [...document.querySelectorAll('.table-responsive')]
            .filter(box => box.offsetParent && box.scrollWidth > box.clientWidth + 1
                           && !box.querySelector('table.results-table, table.matrix'))
            .map(box => `table.${[...box.querySelector('table').classList].join('.')} +${box.scrollWidth - box.clientWidth} px`)""")
        problems += [f"a list scrolls sideways: {table}" for table in hidden]
    # Words whole (`overflow-wrap: anywhere` broke «Из/ме/ни/ть» in buttons and «Коорд/инаци/онный»
    # in tables): buttons, badges and headings everywhere; table cells too on a laptop, where only
    # a link longer than its cell may break (a phone may break an address anywhere).
    cells = ", main td:not(:has(a[href^=http]))" if width == "laptop" else ""
    broken = page.evaluate(BROKEN_WORDS, f"main .btn, main .badge, main th, main h1, main h2, main h3{cells}")
    if broken:
        problems.append(f"words broken across lines: {broken[:5]}")
    problems += [f"console: {text}" for text in errors]
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
    problems += [f"axe {v}" for v in violations]
    return [f"{width} {path}: {p}" for p in problems]


def _slug(path: str) -> str:
    return re.sub(r"[^\w]+", "-", path).strip("-") or "home"


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_fits_a_phone_and_passes_axe(live, browser, role):
    base, _, ids = live
    email, _ = ACCOUNTS[role]
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS["laptop"])))
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_navigation_timeout(90_000)  # a loaded CI machine
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        sign_in(page, base, email, PASSWORD)
        paths = list(dict.fromkeys(_nav_links(page, base) + [detail.format(**ids) for detail in DETAILS]))
        assert "/" in paths and len(paths) > 8, paths
        problems = []
        for width, (w, h) in WIDTHS.items():
            page.set_viewport_size({"width": w, "height": h})
            for path in paths:
                errors.clear()
                response = page.goto(base + path)
                if response.status == 403:
                    continue  # a detail page this role may not open: the navigation does not offer it
                assert response.status == 200, f"{path}: {response.status}"
                problems += _check(page, path, width, list(errors))
                page.screenshot(path=str(SHOTS / f"{role}-{width}-{_slug(path)}.png"), full_page=True)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_an_in_place_change_says_so_and_moves_the_focus_to_what_changed(live, page):
    """A change made without a reload confirms itself in the one message area (read out:
    aria-live) and puts the focus on the part it changed, not on the page's body."""
    base, _, ids = live
    page.goto(f"{base}/meetings/{ids['planned']}")
    first = page.locator("#agenda li").first.inner_text().split("\n")[1]  # after its number
    moved = page.locator("#agenda li").first.get_attribute("id")
    page.evaluate("window.__noReload = true")
    page.locator("#agenda").get_by_role("button", name="Переместить ниже").first.click()
    page.wait_for_selector("#messages .alert-success")
    assert "Повестка изменена." in page.inner_text("#messages")
    assert page.get_attribute("#messages", "aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == moved  # the row it moved, not the whole section
    assert page.locator("#agenda li").nth(1).inner_text().split("\n")[1] == first  # moved down, in place
    assert page.evaluate("window.__noReload === true")


@pytest.mark.parametrize("path", ["/meetings/{planned}", "/media/todo?organization={participant}"])
def test_symbol_only_controls_are_named_and_44_px_to_touch(live, page, path):
    """↑ ↓ ✎ × on a meeting's agenda, + and ✎ of a publication: a name a screen reader reads,
    and a target of at least 44 × 44 px on a phone."""
    base, _, ids = live
    page.goto(base + path.format(**ids))
    controls = page.evaluate("""() => [...document.querySelectorAll('a, button, summary')]
        .filter(e => e.offsetParent && /^[^\\p{L}\\p{N}]{1,2}$/u.test(e.innerText.trim()))
        .map(e => { const box = e.getBoundingClientRect();
                    return [e.innerText.trim(), e.getAttribute('aria-label') || '', box.width, box.height]; })""")
    assert controls, "no symbol-only control on the page"
    for symbol, name, width, height in controls:
        assert name and width >= 44 and height >= 44, (symbol, name, width, height)


def test_a_status_changed_in_the_media_plan_says_so_and_keeps_the_focus_on_its_row(live, page):
    """The row is swapped, then the plan's list reloads (mediaEventsChanged): the focus stays on
    the row's new copy, not on the page's body."""
    base, _, ids = live
    page.goto(f"{base}/media/plans/{ids['plan']}")
    row = page.locator("#event-rows > tr", has=page.get_by_role("button", name="Материал готов")).first
    row_id = row.get_attribute("id")
    page.evaluate("window.__noReload = true")
    row.get_by_role("button", name="Материал готов").click()
    page.wait_for_selector("#messages .alert-success")
    assert "Статус: Материал готов." in page.inner_text("#messages")
    expect(page.locator(f"#{row_id}")).to_be_focused()
    expect(page.locator(f"#{row_id} .status-cell .badge")).to_have_text("Материал готов")  # not the button
    assert page.evaluate("window.__noReload === true")


def test_a_section_added_to_a_checklist_says_so_and_takes_the_focus(live, page):
    """The checklist editor swaps its whole body: the focus goes to the new section in it."""
    base, _, _ = live
    page.goto(f"{base}/expertise/checklists/new")
    page.fill("input[name=title]", "Чек-лист для проверки редактора")
    page.get_by_role("button", name="Создать").click()
    # The editor fully loaded (htmx bound to its forms), not only parsed up to #section-add:
    # a click before that submits the form without htmx.
    page.wait_for_url(re.compile(r"/expertise/checklists/\d+"), wait_until="load")
    page.evaluate("window.__noReload = true")
    page.fill("#section-add input[name=title]", "Практика на предприятиях")
    page.get_by_role("button", name="Добавить раздел").click()
    page.wait_for_selector("#messages .alert-success")
    assert "Раздел добавлен." in page.inner_text("#messages")
    section = page.locator(".checklist-section", has_text="Практика на предприятиях")
    expect(section).to_be_focused()
    assert page.evaluate("window.__noReload === true")


@pytest.mark.parametrize(
    "path",
    [
        "/decisions/?status=all",
        "/decisions/summary",
        "/meetings/",
        "/media/plans/{plan}",
        "/media/todo?organization={participant}",
        "/expertise/",
        "/expertise/programmes",
        "/councils/",
        "/directory/people",
        "/directory/organizations",
        "/documents/templates",
        "/expertise/sessions/{session}",
    ],
)
def test_on_a_phone_each_list_row_is_a_card_with_its_status_first(live, page, path):
    """Below 576 px a list's table becomes cards: no column is hidden in a sideways scroll, and
    each card begins with the cells marked `card-lead` (status, deadline, date)."""
    base, _, ids = live
    page.goto(base + path.format(**ids))
    tables = page.locator("table.table-cards")
    assert tables.count() >= 1
    for table in tables.all():
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
        assert not table.locator("thead").is_visible()
        row = table.locator("tbody > tr").first
        cells = row.evaluate("""tr => [...tr.children].filter(td => td.offsetParent)
            .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top
                         || a.getBoundingClientRect().left - b.getBoundingClientRect().left)
            .map(td => td.className)""")
        leads = [i for i, c in enumerate(cells) if "card-lead" in c]
        assert leads and leads == list(range(len(leads))), cells


def test_a_media_card_has_its_status_under_its_date_and_a_named_publication_button(live, page):
    """Every card of the media plan puts the status and its buttons on a line of their own (beside
    a short date they were indented into a column); «Что нам опубликовать» says «Отметить
    публикацию» beside its «+» on the card's width."""
    base, _, ids = live
    page.goto(f"{base}/media/plans/{ids['plan']}")
    offsets = page.eval_on_selector_all(
        "#event-rows > tr",
        "rows => rows.map(tr => tr.querySelector('.status-cell').getBoundingClientRect().left"
        " - tr.querySelector('.card-title').getBoundingClientRect().left)",
    )
    assert len(offsets) > 5 and set(offsets) == {0}, offsets
    page.goto(f"{base}/media/todo?organization={ids['participant']}")
    add = page.locator("td.slot .slot-add").first
    assert add.evaluate("a => getComputedStyle(a, '::after').content").strip('"').strip() == "Отметить публикацию"
    assert add.bounding_box()["width"] >= 0.9 * page.locator("td.slot").first.bounding_box()["width"]


@pytest.mark.parametrize(
    ("role", "path", "item"),
    [
        ("admin", "/admin/users", None),
        ("expert", "/", "#inbox-overdue li"),
        ("expert", "/", "#inbox-checklists li"),
    ],
)
def test_on_a_phone_other_lists_fit_too(live, browser, role, path, item):
    """The admin's accounts are cards too (the role first); the home page's «Что сделать» gives
    a title the card's width and puts its date below it, not a title squeezed into a column
    beside «просрочено на 1830 дней»."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, live[0], ACCOUNTS[role][0], PASSWORD)
        page.goto(live[0] + path)
        if item is None:
            table = page.locator("table.table-cards")
            assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
            first = table.locator("tbody > tr").first.evaluate(
                "tr => [...tr.children].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0].className"
            )
            assert "card-lead" in first
        else:
            link, when, row = (
                page.locator(item).first.locator(part).bounding_box() for part in ("a", "> span", "xpath=.")
            )
            assert link["width"] > 0.8 * row["width"] and when["y"] >= link["y"] + link["height"] - 1
    finally:
        context.close()


def test_on_a_laptop_the_cards_of_what_to_do_end_with_their_footers(live, browser):
    """Two cards of «Что сделать» side by side are one height: the shorter one's footer is at its
    bottom, not above a strip of white inside its red border."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        sign_in(page, live[0], ACCOUNTS["expert"][0], PASSWORD)
        gaps = page.eval_on_selector_all(
            ".inbox-group",
            "cards => cards.map(c => c.getBoundingClientRect().bottom - c.querySelector('.card-footer').getBoundingClientRect().bottom)",
        )
        assert len(gaps) >= 2 and max(gaps) <= 2, gaps
    finally:
        context.close()


def test_on_a_phone_the_month_is_a_list_of_its_days_with_events(live, page):
    """The month's grid (669–686 px wide) becomes, at 390 px, the list of the days that have
    something, each on the screen's width; at 1366 px it is the grid of every day."""
    base, _, _ = live
    page.goto(f"{base}/media/calendar?month=2022-04")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    days = page.eval_on_selector_all(
        ".calendar-grid td",
        """cells => cells.filter(td => td.offsetParent).map(td => [td.querySelectorAll('.cal-entry').length,
            td.getBoundingClientRect().width / td.closest('table').getBoundingClientRect().width])""",
    )
    assert len(days) >= 2 and all(entries and share > 0.95 for entries, share in days), days
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.locator(".calendar-grid td:visible").count() >= 28


# Pages the walk above does not reach from the navigation, where a person goes from a page it
# does reach: the home page's «Из них просрочено», the participants and the feeds' addresses
# (the latter with the server's real address, http://127.0.0.1:5000, longer than a phone allows
# a <code> to run).
OFF_THE_NAVIGATION = [
    "/media/participants",
    "/media/embed",
    "/decisions/?status=active&overdue=1",
    "/documents/templates",
]


@pytest.mark.parametrize("path", OFF_THE_NAVIGATION)
def test_pages_off_the_navigation_fit_a_phone_and_pass_axe(live, browser, secretary_cookies, path):
    base, _, _ = live
    context = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS["phone"])), storage_state=secretary_cookies
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        assert page.goto(base + path).status == 200
        problems = _check(page, path, "phone", errors)
        assert not problems, "\n".join(problems)
        if path == "/media/embed":
            assert page.locator(".feed-list code").first.evaluate("c => c.scrollWidth <= c.clientWidth")
            assert page.locator("pre.embed-code").first.evaluate("p => p.scrollWidth <= p.clientWidth")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/directory/organizations", "/media/participants"])
def test_on_a_laptop_a_website_in_a_table_is_not_broken(live, page, path):
    """At 1366 px a site's address keeps its width («https://temz.example.ru» on one line), the
    table gives the room to it rather than break it in the middle of its host."""
    base, _, _ = live
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base + path)
    assert page.locator("main td a[href^='http']").count() >= 3
    assert page.evaluate(BROKEN_WORDS, "main td") == []  # at this width only: a phone may break a link


def test_filters_fold_behind_a_button_on_a_phone_only(live, page):
    base, _, _ = live
    page.goto(base + "/meetings/?year=2021")
    form = page.locator(".filters-fold form")
    assert not form.is_visible()
    page.get_by_text("Фильтры", exact=True).click()
    assert form.is_visible()
    page.get_by_role("link", name="Убрать фильтр Год: 2021").click()
    page.wait_for_url(base + "/meetings/")
    assert page.locator(".filter-chip").count() == 0
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base + "/meetings/")
    assert page.locator(".filters-fold form").is_visible()
    assert not page.get_by_text("Фильтры", exact=True).is_visible()
    # The screen turned wider after the page was folded on a phone: the filters unfold.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/meetings/")
    assert not page.locator(".filters-fold form").is_visible()
    page.set_viewport_size({"width": 800, "height": 844})
    expect(page.locator(".filters-fold form")).to_be_visible()


@pytest.mark.parametrize("width", [390, 1366])
def test_without_javascript_the_filters_are_never_hidden(live, browser, secretary_cookies, width):
    """The fold does not depend on ::details-content (Firefox has none) nor on app.js: the
    <details> comes open, so a wide screen shows the filters without «Фильтры», and a phone
    shows them with «Фильтры» to fold them away."""
    context = browser.new_context(
        viewport={"width": width, "height": 844}, java_script_enabled=False, storage_state=secretary_cookies
    )
    try:
        page = context.new_page()
        page.goto(live[0] + "/decisions/")
        assert page.locator("details.filters-fold").evaluate("d => d.open")
        assert page.locator(".filters-fold form").is_visible()
        assert page.get_by_text("Фильтры", exact=True).is_visible() == (width < 576)
    finally:
        context.close()


def test_a_refused_in_place_form_keeps_its_buttons_and_focuses_the_invalid_field(live, page):
    base, _, ids = live
    page.goto(f"{base}/meetings/{ids['planned']}")
    page.evaluate("window.__noReload = true")
    agenda = page.locator("#agenda")
    agenda.locator("summary", has_text="Добавить вопрос").click()
    agenda.locator("form").get_by_role("button", name="Добавить вопрос").click()
    page.wait_for_selector("#agenda .is-invalid")
    assert page.evaluate("document.activeElement.classList.contains('is-invalid')")
    assert page.evaluate("document.activeElement.closest('#agenda') !== null")
    assert agenda.locator("form").get_by_role("button", name="Добавить вопрос").is_visible()
    assert page.evaluate("window.__noReload === true")


def test_the_more_menu_closes_on_a_click_outside_and_on_escape(live, page):
    base, _, ids = live
    page.goto(f"{base}/meetings/{ids['meeting']}")
    menu = page.locator("details.more-menu")
    menu.locator("summary").click()
    assert menu.evaluate("d => d.open")
    # Open on a phone, it fits the screen (an approved version's line pushed it 48 px off).
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.locator("h1").click()
    assert not menu.evaluate("d => d.open")
    menu.locator("summary").click()
    page.keyboard.press("Escape")
    assert not menu.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # Opened by a click that left the focus on the page (Safari does not focus a <summary>).
    page.evaluate("document.activeElement.blur()")
    menu.evaluate("d => { d.open = true; }")
    page.keyboard.press("Escape")
    assert not menu.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_the_more_menu_works_by_keyboard_and_closes_when_the_focus_leaves_it(live, page):
    """Enter opens «Ещё», Tab reaches its items; tabbing past its last one closes it (it no longer
    covers the page under it), and Esc inside it closes it and gives the focus back to «Ещё»."""
    base, _, ids = live
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/meetings/{ids['meeting']}")
    menu = page.locator("details.more-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    assert menu.evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Выписка из протокола…"
    page.keyboard.press("Escape")
    assert not menu.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    menu.locator("button").last.focus()  # its last item: a date field's parts take a Tab each
    assert menu.evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert not menu.evaluate("(d) => d.open || d.contains(document.activeElement)")


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_more_menu_opens_on_the_screen_when_it_wraps_to_the_left(live, page, width):
    """A planned meeting's buttons (the protocol's .docx and PDF, the calendar, «Изменить
    сведения») fill the row, so «Ещё» wraps to the left under them: its menu, aligned to the
    button's right edge, ran off the screen on the left (its first words cut)."""
    base, _, ids = live
    page.set_viewport_size({"width": width, "height": 768})
    page.goto(f"{base}/meetings/{ids['planned']}")
    menu = page.locator("details.more-menu")
    assert menu.bounding_box()["x"] < 19 * 16  # «Ещё» wrapped: less room on its left than the menu's width
    menu.locator("summary").click()
    box = menu.locator(".dropdown-menu").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    menu.locator("summary").click()  # closed and opened again where there is room: the same
    menu.locator("summary").click()
    assert menu.locator(".dropdown-menu").bounding_box()["x"] >= 0


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_navigation_bar_stays_on_the_page_between_phone_and_laptop(live, browser, width):
    """An admin's bar, the longest, at widths the every-page walk does not visit: it fits one
    line from 1280 px, and wraps rather than runs off the page below that."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live[0], ACCOUNTS["admin"][0], PASSWORD)
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        links = page.locator("nav.navbar .navbar-nav.me-auto > .nav-item")
        rows = {round(box["y"]) for box in (item.bounding_box() for item in links.all())}
        assert len(rows) == (1 if width >= 1280 else 2), rows
    finally:
        context.close()


def test_the_coverage_matrix_is_filled_by_keyboard(live, page):
    """The matrix is one tab stop; the arrows move between the cells the user may fill, and
    Enter opens the cell's form in place, as a click does."""
    base, _, ids = live
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/media/plans/{ids['plan']}/coverage")
    assert page.locator(".matrix td.may[tabindex='0']").count() == 1
    page.locator(".matrix td.may[tabindex='0']").focus()
    start = page.evaluate("[document.activeElement.parentElement.id, document.activeElement.cellIndex]")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("[document.activeElement.parentElement.id, document.activeElement.cellIndex]") == [
        start[0],
        start[1] + 1,
    ]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.parentElement.id") != start[0]
    assert page.locator(".matrix td.may[tabindex='0']").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_selector(".matrix form")


def test_typing_in_one_form_then_sending_another_asks_before_it_is_lost(live, browser):
    """The admin's user page has two forms: a new password typed in «Задать новый пароль», then
    the profile's «Сохранить» pressed, would leave the page without it. The browser asks first;
    «Отмена» keeps the page and what was typed, «OK» sends the profile."""
    base, _, _ = live
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, base, ACCOUNTS["admin"][0], PASSWORD)
        page.goto(f"{base}/admin/users")
        page.get_by_role("link", name=ACCOUNTS["viewer"][0]).click()
        page.wait_for_url(re.compile(r"/admin/users/\d+"), wait_until="load")
        user_page = page.url
        reset = page.locator("form", has_text="Задать новый пароль")
        reset.locator("input[type=password]").fill("new-password-typed-1")
        asked: list[str] = []

        def answer(dialog, accept: bool):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda dialog: answer(dialog, False))
        page.get_by_role("button", name="Сохранить").click()
        assert asked == ["Введённое в форме «Задать новый пароль» не сохранено и пропадёт. Всё равно отправить?"]
        assert page.url == user_page
        assert reset.locator("input[type=password]").input_value() == "new-password-typed-1"

        page.once("dialog", lambda dialog: answer(dialog, True))
        with page.expect_navigation():
            page.get_by_role("button", name="Сохранить").click()
        assert len(asked) == 2 and "Изменения сохранены" in page.inner_text("#messages")
    finally:
        context.close()
