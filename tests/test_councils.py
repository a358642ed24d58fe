"""Councils: the members' roles (one chair, at most one secretary), adding, removing and
re-roling members over HTMX and without JavaScript, the council form's quorum, the page
on a phone."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select

from cluster_intranet.councils.models import Council, CouncilMember, MemberRole
from cluster_intranet.extensions import db
from tests import factories
from tests.messages import said

MEMBER = MemberRole.MEMBER.value
CHAIR = MemberRole.CHAIR.value
DEPUTY = MemberRole.DEPUTY.value
SECRETARY = MemberRole.SECRETARY.value
QUORUM_MESSAGE = "Введите целое число от 1 до 99."


def shown(response) -> tuple[str, str]:
    """(category, text) of the message the answer shows in the page's message area (web.notice)."""
    message = said(response)
    return message["category"], message["text"]


def _council_with(*roles: str, **fields) -> Council:
    """A council whose members have these roles, in this order."""
    council = factories.council(**fields)
    for position, role in enumerate(roles, start=1):
        council.members.append(CouncilMember(person=factories.person(), role=role, position=position))
    db.session.commit()
    return council


def _roles(council_id: int) -> list[str]:
    db.session.expire_all()
    stmt = select(CouncilMember.role).where(CouncilMember.council_id == council_id).order_by(CouncilMember.position)
    return list(db.session.scalars(stmt))


def _member_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CouncilMember))


def _selected_role(html: str, council_id: int) -> str:
    """The option selected in the «add a member» form's role menu: what the browser shows."""
    select_html = re.search(rf'<select[^>]*id="role-{council_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    selected = re.findall(r'<option([^>]*)value="([^"]+)"([^>]*)>', select_html)
    chosen = [value for before, value, after in selected if "selected" in before + after]
    # No «selected» at all: the browser shows the first option.
    return chosen[0] if chosen else selected[0][1]


# 1. The role menu of the «add a member» form.


def test_add_form_defaults_to_a_plain_member(app, secretary, ctx):
    council = _council_with()
    assert _selected_role(secretary.get(f"/councils/?edit={council.id}").get_data(as_text=True), council.id) == MEMBER


def test_add_form_goes_back_to_member_after_an_add(app, secretary, ctx):
    council = _council_with()
    chair, deputy = factories.person(), factories.person()
    db.session.commit()
    over_htmx = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": chair.id, "role": CHAIR})
    assert over_htmx.status_code == 200
    assert _selected_role(over_htmx.get_data(as_text=True), council.id) == MEMBER
    without_js = secretary.post(
        f"/councils/{council.id}/members", data={"person_id": deputy.id, "role": DEPUTY}, follow_redirects=True
    )
    assert _selected_role(without_js.get_data(as_text=True), council.id) == MEMBER
    assert _roles(council.id) == [CHAIR, DEPUTY]


def test_a_member_added_without_a_role_is_a_plain_member(app, secretary, ctx):
    council = _council_with()
    person = factories.person()
    db.session.commit()
    assert secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id}).status_code == 200
    assert _roles(council.id) == [MEMBER]


# 2. One chair, at most one secretary, any number of deputies.


@pytest.mark.parametrize(
    "role, holder_role, message",
    [
        (
            CHAIR,
            CHAIR,
            "Председатель совета уже назначен: {} Сначала смените роль этого члена совета или исключите его из совета.",
        ),
        (
            SECRETARY,
            SECRETARY,
            "Секретарь совета уже назначен: {} Сначала смените роль этого члена совета или исключите его из совета.",
        ),
    ],
    ids=[CHAIR, SECRETARY],
)
def test_a_second_chair_or_secretary_is_refused(app, secretary, ctx, role, holder_role, message):
    council = _council_with(MEMBER, holder_role)
    holder = council.members[1].person
    newcomer = factories.person()
    db.session.commit()
    before = _member_count()
    response = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": newcomer.id, "role": role})
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#messages"
    assert message.format(holder.short_name) in response.get_data(as_text=True)
    assert _member_count() == before and _roles(council.id) == [MEMBER, holder_role]
    # Without JavaScript: the same refusal, flashed after the redirect.
    page = secretary.post(
        f"/councils/{council.id}/members", data={"person_id": newcomer.id, "role": role}, follow_redirects=True
    ).get_data(as_text=True)
    assert message.format(holder.short_name) in page
    assert _member_count() == before


def test_deputies_may_be_several_and_chair_and_secretary_one_each(app, secretary, ctx):
    council = _council_with()
    people = [factories.person() for _ in range(4)]
    db.session.commit()
    for person, role in zip(people, [CHAIR, DEPUTY, DEPUTY, SECRETARY]):
        response = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id, "role": role})
        assert response.status_code == 200, response.get_data(as_text=True)
    assert _roles(council.id) == [CHAIR, DEPUTY, DEPUTY, SECRETARY]


def test_another_councils_chair_is_no_obstacle(app, secretary, ctx):
    _council_with(CHAIR, SECRETARY)
    council = _council_with(MEMBER)
    person = factories.person()
    db.session.commit()
    response = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id, "role": CHAIR})
    assert response.status_code == 200
    assert _roles(council.id) == [MEMBER, CHAIR]


def test_a_chair_removed_can_be_replaced(app, secretary, ctx):
    council = _council_with(CHAIR, MEMBER)
    chair = council.members[0]
    successor = factories.person()
    db.session.commit()
    assert secretary.hx("post", f"/councils/members/{chair.id}/delete").status_code == 200
    response = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": successor.id, "role": CHAIR})
    assert response.status_code == 200
    assert _roles(council.id) == [MEMBER, CHAIR]


def test_quorum_counts_every_member_whatever_the_role(app, secretary, ctx):
    council = _council_with(CHAIR, DEPUTY, DEPUTY, SECRETARY)
    page = secretary.get("/councils/").get_data(as_text=True)
    # 4 members, more than 50 % present: 3.
    assert "Членов совета: 4. Кворум: присутствует более 50% членов, то есть не менее 3." in page
    assert db.session.get(Council, council.id).quorum_needed() == 3


def test_two_chairs_added_at_once_make_one_chair(app, ctx):
    """Two secretaries add a chair to the same council at the same moment: the second
    waits for the first to commit, then sees its chair and is refused."""
    import threading

    from cluster_intranet.councils import services

    council = _council_with(MEMBER)
    first, second = factories.person(), factories.person()
    db.session.commit()
    council_id, first_id, second_id = council.id, first.id, second.id
    first_added, second_done = threading.Event(), threading.Event()
    outcome = {}

    def add_second_chair():
        with app.app_context():
            try:
                services.add_member(db.session.get(Council, council_id), second_id, CHAIR)
                db.session.commit()
                outcome["second"] = "added"
            except services.CouncilError as error:
                db.session.rollback()
                outcome["second"] = str(error)
            finally:
                db.session.remove()
                second_done.set()

    def add_first_chair():
        with app.app_context():
            services.add_member(db.session.get(Council, council_id), first_id, CHAIR)
            first_added.set()
            # Still uncommitted: the second writer must wait, not read around it.
            second_done.wait(1.0)
            outcome["second_waited"] = not second_done.is_set()
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=add_first_chair), threading.Thread(target=add_second_chair)]
    threads[0].start()
    assert first_added.wait(10)
    threads[1].start()
    for thread in threads:
        thread.join(30)
    assert outcome["second_waited"] is True
    assert outcome["second"].startswith("Председатель совета уже назначен:")
    assert _roles(council_id) == [MEMBER, CHAIR]


# 3. The message area after an add or a removal.


def test_a_successful_add_replaces_the_old_message(app, secretary, ctx):
    council = _council_with(CHAIR)
    chair = council.members[0].person
    person = factories.person(surname="Новикова", first_name="Анна", patronymic="Петровна")
    db.session.commit()
    refused = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id, "role": CHAIR})
    assert refused.status_code == 422 and chair.short_name in refused.get_data(as_text=True)
    added = secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id, "role": MEMBER})
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    # The members block for the target; the confirmation takes the place of the refusal
    # in the page's message area.
    assert shown(added) == ("success", "Член совета добавлен: Новикова А.П.")
    assert "Новикова А.П." in html and "уже назначен" not in html


def test_a_removal_over_htmx_is_confirmed_in_the_message_area(app, secretary, ctx):
    council = _council_with(CHAIR, MEMBER)
    member = council.members[1]
    name = member.person.short_name
    response = secretary.hx("post", f"/councils/members/{member.id}/delete")
    assert response.status_code == 200
    assert shown(response) == ("success", f"Член совета исключён: {name}")
    assert _roles(council.id) == [CHAIR]


def test_without_javascript_a_flash_confirms_after_the_redirect(app, secretary, ctx):
    council = _council_with(CHAIR)
    person = factories.person(surname="Орлов", first_name="Игорь", patronymic="Сергеевич")
    db.session.commit()
    response = secretary.post(f"/councils/{council.id}/members", data={"person_id": person.id, "role": MEMBER})
    assert response.status_code == 303 and response.location.endswith(
        f"/councils/?edit={council.id}#council-{council.id}"
    )
    page = secretary.get(response.location).get_data(as_text=True)
    assert "alert-success" in page and "Член совета добавлен: Орлов И.С." in page
    member_id = db.session.scalar(select(CouncilMember.id).where(CouncilMember.person_id == person.id))
    removed = secretary.post(f"/councils/members/{member_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Член совета исключён: Орлов И.С." in removed


def test_htmx_changes_leave_no_flash_for_the_next_page(app, secretary, ctx):
    council = _council_with()
    person = factories.person()
    db.session.commit()
    assert secretary.hx("post", f"/councils/{council.id}/members", data={"person_id": person.id}).status_code == 200
    assert "alert-success" not in secretary.get("/councils/").get_data(as_text=True)


# 4. The council form's quorum.


def _council_form(**changes) -> dict:
    data = {
        "name": "Совет директоров",
        "name_genitive": "Совета директоров",
        "short_genitive": "Совета директоров",
        "quorum_percent": "50",
        "protocol_form": "short",
    }
    return {**data, **changes}


@pytest.mark.parametrize("value", ["0", "50.5", "50,5", "abc", "100", "-1", "1e2"])
def test_a_bad_quorum_is_explained_next_to_the_field(app, secretary, ctx, value):
    council = _council_with(quorum_percent=60)
    response = secretary.post(f"/councils/{council.id}/edit", data=_council_form(quorum_percent=value))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(
        r'<input[^>]*name="quorum_percent"[^>]*>\s*((?:<div class="invalid-feedback">[^<]*</div>\s*)*)', html
    )
    assert field and "is-invalid" in field.group(0)
    assert re.findall(r'<div class="invalid-feedback">([^<]*)</div>', field.group(1)) == [QUORUM_MESSAGE]
    assert "Заполните это поле." not in html
    db.session.expire_all()
    assert db.session.get(Council, council.id).quorum_percent == 60
    assert db.session.get(Council, council.id).name != "Совет директоров"


def test_an_empty_quorum_asks_for_a_value(app, secretary, ctx):
    response = secretary.post("/councils/new", data=_council_form(quorum_percent=""))
    assert response.status_code == 422
    assert re.search(
        r'name="quorum_percent"[^>]*>\s*<div class="invalid-feedback">Заполните это поле.</div>',
        response.get_data(as_text=True),
    )
    assert db.session.scalar(select(func.count()).select_from(Council)) == 0


@pytest.mark.parametrize("value", ["1", "99", " 66 "])
def test_a_good_quorum_is_saved(app, secretary, ctx, value):
    response = secretary.post("/councils/new", data=_council_form(quorum_percent=value))
    assert response.status_code == 303
    assert db.session.scalar(select(Council.quorum_percent)) == int(value)


# 5. Changing a member's role in place.


def test_role_is_changed_in_place_over_htmx(app, secretary, ctx):
    council = _council_with(CHAIR, MEMBER)
    member = council.members[1]
    name = member.person.short_name
    response = secretary.hx("post", f"/councils/members/{member.id}/role", data={"role": DEPUTY})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert shown(response) == ("success", f"Роль изменена: {name} — Заместитель председателя.")
    # The row's menu shows the new role.
    row_menu = re.search(rf'action="/councils/members/{member.id}/role".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{DEPUTY}" selected>', row_menu)
    assert _roles(council.id) == [CHAIR, DEPUTY]


def test_role_change_without_javascript(app, secretary, ctx):
    council = _council_with(MEMBER)
    member = council.members[0]
    response = secretary.post(f"/councils/members/{member.id}/role", data={"role": SECRETARY})
    assert response.status_code == 303 and response.location.endswith(
        f"/councils/?edit={council.id}#council-{council.id}"
    )
    assert "Роль изменена" in secretary.get(response.location).get_data(as_text=True)
    assert _roles(council.id) == [SECRETARY]
    # The page offers the form with a submit button for browsers without JavaScript.
    page = secretary.get(f"/councils/?edit={council.id}").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/councils/members/{member.id}/role".*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in form and 'hx-trigger="change"' in form
    assert re.search(r"<noscript>\s*<button[^>]*type=\"submit\"", form)


@pytest.mark.parametrize(
    "role, holder_role, wording",
    [(CHAIR, CHAIR, "Председатель"), (SECRETARY, SECRETARY, "Секретарь")],
    ids=[CHAIR, SECRETARY],
)
def test_role_change_to_a_taken_single_role_is_refused(app, secretary, ctx, role, holder_role, wording):
    council = _council_with(holder_role, MEMBER)
    holder, member = council.members
    holder_name = holder.person.short_name
    response = secretary.hx("post", f"/councils/members/{member.id}/role", data={"role": role})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = f"{wording} совета уже назначен: {holder_name} Сначала смените роль этого члена совета или исключите его из совета."
    assert shown(response) == ("danger", message)
    # The members block comes back too, so the row's menu shows the role that was kept.
    row_menu = re.search(rf'action="/councils/members/{member.id}/role".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{MEMBER}" selected>', row_menu)
    assert _roles(council.id) == [holder_role, MEMBER]
    page = secretary.post(f"/councils/members/{member.id}/role", data={"role": role}, follow_redirects=True)
    assert message in page.get_data(as_text=True)
    assert _roles(council.id) == [holder_role, MEMBER]


def test_the_chair_may_keep_the_role_and_hand_it_over(app, secretary, ctx):
    council = _council_with(CHAIR, MEMBER)
    chair, member = council.members
    assert secretary.hx("post", f"/councils/members/{chair.id}/role", data={"role": CHAIR}).status_code == 200
    assert secretary.hx("post", f"/councils/members/{chair.id}/role", data={"role": DEPUTY}).status_code == 200
    assert secretary.hx("post", f"/councils/members/{member.id}/role", data={"role": CHAIR}).status_code == 200
    assert _roles(council.id) == [DEPUTY, CHAIR]


@pytest.mark.parametrize("data", [{"role": "president"}, {}], ids=["unknown", "missing"])
def test_an_unknown_role_is_refused(app, secretary, ctx, data):
    council = _council_with(MEMBER)
    member = council.members[0]
    response = secretary.hx("post", f"/councils/members/{member.id}/role", data=data)
    assert response.status_code == 422
    assert shown(response)[0] == "danger"
    assert _roles(council.id) == [MEMBER]


# One client per test: within ``ctx``, conftest's Client.csrf_token() reads the token
# in the test's own app context, where Flask-WTF keeps the first client's token in ``g``.


def test_role_change_is_forbidden_to_a_viewer(app, viewer, ctx):
    council = _council_with(MEMBER)
    member = council.members[0]
    assert viewer.hx("post", f"/councils/members/{member.id}/role", data={"role": CHAIR}).status_code == 403
    assert viewer.post(f"/councils/members/{member.id}/role", data={"role": CHAIR}).status_code == 403
    page = viewer.get("/councils/").get_data(as_text=True)
    assert "/role" not in page and "<select" not in page
    assert re.search(r"<td[^>]*>\s*Член совета\s*</td>", page)  # the role as text
    assert _roles(council.id) == [MEMBER]


def test_role_change_needs_the_csrf_token(app, secretary, ctx):
    council = _council_with(MEMBER)
    member = council.members[0]
    response = secretary.hx("post", f"/councils/members/{member.id}/role", data={"role": CHAIR}, csrf=False)
    assert response.status_code == 400
    assert _roles(council.id) == [MEMBER]
    assert secretary.hx("post", "/councils/members/999999/role", data={"role": CHAIR}).status_code == 404


def test_role_change_by_an_admin(app, admin, ctx):
    council = _council_with(MEMBER)
    member = council.members[0]
    assert admin.hx("post", f"/councils/members/{member.id}/role", data={"role": CHAIR}).status_code == 200
    assert _roles(council.id) == [CHAIR]


# 6. Tables never make the page scroll sideways.


def test_members_table_scrolls_inside_its_own_box(app, secretary, viewer, ctx):
    _council_with(CHAIR, MEMBER)
    for client in (secretary, viewer):
        html = client.get("/councils/").get_data(as_text=True)
        assert html.count("<table") == 1
        assert re.search(r'<div class="table-responsive">\s*<table', html)


# The same in a real browser: HTMX swaps and a phone-sized window.

CHROMIUM_PRESENT = os.path.exists("/usr/bin/chromium")
BROWSER_PASSWORD = "browser-password-1"


def _prepare_browser_world():
    from cluster_intranet.auth.services import create_user
    from cluster_intranet.demo import seed

    seed()
    create_user("secretary@cluster.local", BROWSER_PASSWORD, "secretary")
    return db.session.scalar(select(Council.id).where(Council.name.startswith("Координационный")))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM_PRESENT, reason="Debian's chromium is not installed")
def test_in_a_browser_on_a_phone(tmp_path, request):
    from playwright.sync_api import expect

    from tests.live_server import browser_page, serve

    with serve(tmp_path, _prepare_browser_world) as (base, _, council_id):
        with browser_page(request, signed_in=(base, "secretary@cluster.local", BROWSER_PASSWORD)) as page:
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(base + "/councils/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.evaluate("window.__noReload = true")
            box = page.locator(f"#council-members-{council_id}")
            # Read first: no role menus, no «Исключить» until the editing is asked for.
            expect(box.locator("select")).to_have_count(0)
            box.get_by_role("link", name="Изменить состав").click()
            # The add form offers a plain member.
            expect(box.locator(f"#role-{council_id}")).to_have_value(MEMBER)
            # Try to add a second chair: refused in the message area.
            box.locator(f"#picker-member-{council_id}").fill("Пояркова")  # not yet a member of this council
            box.locator("[data-pick-person]").first.click()
            box.locator(f"#role-{council_id}").select_option(CHAIR)
            box.get_by_role("button", name="Добавить в совет").click()
            expect(page.locator("#messages .alert-danger")).to_contain_text(
                "Председатель совета уже назначен: Беляев Е.В."
            )
            # A member's role changed in place; the red message gives way to the confirmation.
            row = box.locator("tr", has_text="Бенсон Г.Ф.")
            row.locator("select").select_option(DEPUTY)
            expect(page.locator("#messages .alert-success")).to_contain_text("Роль изменена: Бенсон Г.Ф.")
            expect(page.locator("#messages .alert-danger")).to_have_count(0)
            expect(box.locator("tr", has_text="Бенсон Г.Ф.").locator("select")).to_have_value(DEPUTY)
            expect(box.locator(f"#role-{council_id}")).to_have_value(MEMBER)
            # A refused add, then a good one: the refusal goes, the add is confirmed.
            box.locator(f"#picker-member-{council_id}").fill("Пояркова")
            box.locator("[data-pick-person]").first.click()
            box.locator(f"#role-{council_id}").select_option(SECRETARY)
            box.get_by_role("button", name="Добавить в совет").click()
            expect(page.locator("#messages .alert-danger")).to_contain_text(
                "Секретарь совета уже назначен: Жарких Е.В."
            )
            # The form kept the person picked: only the role is corrected.
            box.locator(f"#role-{council_id}").select_option(MEMBER)
            box.get_by_role("button", name="Добавить в совет").click()
            expect(page.locator("#messages .alert-success")).to_contain_text("Член совета добавлен: Пояркова О.Н.")
            expect(page.locator("#messages .alert")).to_have_count(1)
            expect(box.locator("tr", has_text="Пояркова О.Н.").locator("select")).to_have_value(MEMBER)
            assert page.evaluate("window.__noReload === true")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_councils_page_reads_and_edits_on_request(app, secretary, viewer, ctx):
    council = _council_with(CHAIR, MEMBER)
    page = secretary.get("/councils/").get_data(as_text=True)
    block = page[page.index(f'id="council-members-{council.id}"') :]
    assert "<select" not in block and "Исключить" not in block and "Добавить в совет" not in block
    assert f'hx-get="/councils/{council.id}/members?edit=1"' in block and "Изменить состав" in block
    editing = secretary.hx("get", f"/councils/{council.id}/members?edit=1").get_data(as_text=True)
    assert editing.count("<select") == 3 and editing.count(">Исключить<") == 2 and "Готово" in editing
    # A change keeps the block in edit mode; a viewer never gets the controls.
    member = council.members[1]
    changed = secretary.hx("post", f"/councils/members/{member.id}/role", data={"role": DEPUTY}).get_data(as_text=True)
    assert "Готово" in changed and "<select" in changed
    assert "Изменить состав" not in viewer.get("/councils/").get_data(as_text=True)
    assert "<select" not in viewer.hx("get", f"/councils/{council.id}/members?edit=1").get_data(as_text=True)
