"""User management and password rules: the admin's user pages, «change my password»,
the `users create` command — each refusal says why, next to the right field, and writes nothing."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select

from cluster_intranet.auth import services
from cluster_intranet.auth.models import User, UserSession
from cluster_intranet.auth.roles import Role
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import PASSWORD, make_user

DUPLICATE_EMAIL = "Пользователь с такой электронной почтой уже есть."
RULE = "Пароль должен содержать и буквы, и цифры или знаки."


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    db.session.refresh(found)
    return found


def sessions(email: str) -> set[str]:
    """The account's signed-in sessions (their keys' hashes)."""
    return set(db.session.scalars(select(UserSession.key_hash).join(User).where(User.email == email)))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html).group(0)


def after_field(html: str, name: str, next_name: str | None) -> str:
    """The markup from the field `name` to the next field: its errors and help text."""
    start = html.index(input_tag(html, name))
    end = html.index(input_tag(html, next_name), start) if next_name else len(html)
    return html[start:end]


def edit_data(target: User, **changes) -> dict:
    return {"email": target.email, "role": target.role, "person_id": target.person_id or 0, **changes}


# 1. A duplicate e-mail on the edit page ---------------------------------------------------------


def test_duplicate_email_on_edit_is_shown_under_the_email_field(app, admin, ctx):
    make_user(Role.VIEWER, "taken@cluster.test")
    editor = make_user(Role.EDITOR, "editor@cluster.test")
    response = admin.post(f"/admin/users/{editor.id}", data=edit_data(editor, email="Taken@cluster.test"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is-invalid" in input_tag(html, "email")
    assert DUPLICATE_EMAIL in after_field(html, "email", "role")
    assert DUPLICATE_EMAIL not in after_field(html, "role", "person_id")
    assert "is-invalid" not in input_tag(html, "role")
    assert user("editor@cluster.test").role == Role.EDITOR.value


def test_duplicate_email_on_create_is_shown_under_the_email_field(app, admin, ctx):
    make_user(Role.VIEWER, "taken@cluster.test")
    before = user_count()
    response = admin.post(
        "/admin/users/new",
        data={"email": "taken@cluster.test", "role": "viewer", "person_id": 0, "password": "long-password-1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is-invalid" in input_tag(html, "email") and DUPLICATE_EMAIL in after_field(html, "email", "role")
    assert user_count() == before


# 2. The password rule, one for every way a password is set -----------------------------------

WEAK = {
    "          1": "пробел",
    "1          ": "пробел",
    "1234567890!": RULE,  # no letter
    "abcdefghijk": RULE,
    "correct horse battery": RULE,  # spaces are not symbols
    "abc\u2003def\u2003ghi": RULE,  # nor is an em space
    "пароль\u00a0\u00a0\u00a0\u00a0\u00a0": "пробел",  # a no-break space is whitespace too
    "            ": "из одних пробелов",
    " password-12": "пробел",
    "password-12\t": "пробел",
    "password-12 ": "пробел",
    "pass-1": "не короче 10 символов",
}
STRONG = ["password-12", "пароль12345", "correct horse 7", "Пароль-без-цифр", "ÅngströmTest!"]


@pytest.mark.parametrize("password", list(WEAK), ids=repr)
def test_weak_passwords_are_refused_with_a_reason(app, ctx, password):
    problem = services.password_problem(password)
    assert problem is not None and WEAK[password] in problem


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_are_accepted(app, ctx, password):
    assert services.password_problem(password) is None


def test_the_rule_is_kept_by_the_services_too(app, ctx):
    with pytest.raises(services.UserError, match="буквы"):
        services.create_user("weak@cluster.test", "1234567890!")
    target = make_user(Role.VIEWER, "v@cluster.test")
    with pytest.raises(services.UserError, match="пробел"):
        services.change_password(target, "          1")
    db.session.rollback()
    assert user("v@cluster.test").check_password(PASSWORD)


def test_generated_passwords_keep_the_rule(app, ctx, monkeypatch):
    candidates = iter(["OnlyLettersHereAb", "letters-and-1-digit"])
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n: next(candidates))
    assert services.generate_password() == "letters-and-1-digit"


@pytest.mark.parametrize(
    "password, problem",
    [
        *(
            pytest.param(p, WEAK[p], id=repr(p))
            for p in ["          1", "1234567890!", "correct horse battery", "            "]
        ),
        pytest.param(PASSWORD, "Новый пароль совпадает с текущим.", id="the current password"),
    ],
)
def test_profile_refuses_a_weak_new_password_or_the_current_one(app, login_as, ctx, password, problem):
    client = login_as(Role.SECRETARY, "s@cluster.test")
    signed_in = sessions("s@cluster.test")
    response = client.post(
        "/profile", data={"current_password": PASSWORD, "new_password": password, "confirm": password}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is-invalid" in input_tag(html, "new_password")
    assert problem in after_field(html, "new_password", "confirm")
    assert user("s@cluster.test").check_password(PASSWORD)
    assert signed_in and sessions("s@cluster.test") == signed_in  # the other sessions go on
    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize("password", ["          1", "1234567890!", " password-12"], ids=repr)
def test_admin_create_refuses_a_weak_password(app, admin, ctx, password):
    before = user_count()
    response = admin.post(
        "/admin/users/new", data={"email": "new@cluster.test", "role": "viewer", "person_id": 0, "password": password}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is-invalid" in input_tag(html, "password") and WEAK[password] in after_field(html, "password", None)
    assert user_count() == before


@pytest.mark.parametrize("password", ["          1", "1234567890!", "password-12 "], ids=repr)
def test_admin_reset_refuses_a_weak_password(app, admin, ctx, password):
    target = make_user(Role.VIEWER, "v@cluster.test")
    assert app.test_client().login("v@cluster.test").status_code == 303
    target_sessions = sessions("v@cluster.test")
    assert target_sessions
    response = admin.post(f"/admin/users/{target.id}/password", data={"password": password})
    assert response.status_code == 422
    assert WEAK[password] in response.get_data(as_text=True)
    refreshed = user("v@cluster.test")
    assert refreshed.check_password(PASSWORD) and sessions("v@cluster.test") == target_sessions


def test_admin_reset_with_a_strong_password(app, admin, ctx):
    target = make_user(Role.VIEWER, "v@cluster.test")
    assert admin.post(f"/admin/users/{target.id}/password", data={"password": "новый-пароль-7"}).status_code == 303
    assert user("v@cluster.test").check_password("новый-пароль-7")


@pytest.mark.parametrize("password", ["1234567890!", "          1"], ids=repr)
def test_cli_create_refuses_a_weak_password(app, runner, ctx, password):
    result = runner.invoke(args=["users", "create", "cli@cluster.test", "--password", password])
    assert result.exit_code != 0 and WEAK[password] in result.output
    assert user_count() == 0
    ok = runner.invoke(args=["users", "create", "cli@cluster.test", "--password", "cli-password-1"])
    assert ok.exit_code == 0, ok.output
    assert user_count() == 1


# 3. The rules shown under every field that sets a password -----------------------------------


def test_password_fields_show_the_rules(app, admin, ctx):
    target = make_user(Role.VIEWER, "v@cluster.test")
    minimum = app.config["PASSWORD_MIN_LENGTH"]
    pages = {"/profile": "new_password", "/admin/users/new": "password", f"/admin/users/{target.id}": "password"}
    for url, name in pages.items():
        html = admin.get(url).get_data(as_text=True)
        tag = input_tag(html, name)
        help_id = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
        help_text = re.search(rf'id="{help_id}"[^>]*>([^<]+)<', html).group(1)
        assert f"не короче {minimum} символов" in help_text, url
        assert "буква" in help_text and "цифра или знак" in help_text and "пробел" in help_text, url


# 4. One directory person, one account ---------------------------------------------------------


def test_a_person_linked_to_an_account_cannot_be_linked_to_another(app, admin, ctx):
    person = factories.person(surname="Беляев", first_name="Евгений", patronymic="Викторович")
    db.session.commit()
    make_user(Role.SECRETARY, "linked@cluster.test", person.id)
    other = make_user(Role.VIEWER, "other@cluster.test")
    message = "Этот сотрудник уже связан с учётной записью linked@cluster.test."
    before = user_count()

    created = admin.post(
        "/admin/users/new",
        data={"email": "new@cluster.test", "role": "viewer", "person_id": person.id, "password": "long-password-1"},
    )
    html = created.get_data(as_text=True)
    assert created.status_code == 422
    assert "is-invalid" in input_tag(html, "person_id") and message in after_field(html, "person_id", "password")
    assert user_count() == before

    edited = admin.post(f"/admin/users/{other.id}", data=edit_data(other, person_id=person.id))
    html = edited.get_data(as_text=True)
    assert edited.status_code == 422
    assert "is-invalid" in input_tag(html, "person_id") and message in html
    assert user("other@cluster.test").person_id is None

    # The account already linked keeps its person when saved again; a free person links.
    linked = user("linked@cluster.test")
    assert admin.post(f"/admin/users/{linked.id}", data=edit_data(linked, role="editor")).status_code == 303
    assert user("linked@cluster.test").person_id == person.id
    free = factories.person()
    db.session.commit()
    assert admin.post(f"/admin/users/{other.id}", data=edit_data(other, person_id=free.id)).status_code == 303
    assert user("other@cluster.test").person_id == free.id


# 5. Active or not, on the edit page; an admin cannot lock himself out -------------------------


def test_edit_page_shows_the_state_and_offers_the_opposite(app, admin, ctx):
    target = make_user(Role.VIEWER, "v@cluster.test")
    html = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "Учётная запись активна" in html
    deactivate = re.search(r'<form[^>]*action="/admin/users/%d/active\?active=0[^"]*"[^>]*>' % target.id, html).group(0)
    assert 'data-confirm="Отключить v@cluster.test?' in deactivate
    assert "Включить" not in html

    assert admin.post(f"/admin/users/{target.id}/active?active=0&back=edit").status_code == 303
    refreshed = user("v@cluster.test")
    assert refreshed.active is False
    html = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "Учётная запись отключена" in html
    assert re.search(r'action="/admin/users/%d/active\?active=1' % target.id, html)

    back = admin.post(f"/admin/users/{target.id}/active?active=1&back=edit")
    assert back.status_code == 303 and back.location == f"/admin/users/{target.id}"
    assert user("v@cluster.test").active is True


def test_a_stale_button_does_not_flip_the_state_back(app, admin, ctx):
    target = make_user(Role.VIEWER, "v@cluster.test")
    # Two admins press «Включить» on pages shown before: the second press changes nothing.
    assert admin.post(f"/admin/users/{target.id}/active?active=1").status_code == 303
    assert user("v@cluster.test").active is True
    assert admin.post(f"/admin/users/{target.id}/active").status_code == 400  # which state is wanted?
    assert user("v@cluster.test").active is True


def test_activation_needs_csrf_and_an_admin(app, admin, secretary, ctx):
    target = make_user(Role.VIEWER, "v@cluster.test")
    assert admin.post(f"/admin/users/{target.id}/active?active=0", csrf=False).status_code == 400
    assert secretary.post(f"/admin/users/{target.id}/active?active=0").status_code == 403
    assert user("v@cluster.test").active is True


def test_an_admin_cannot_deactivate_himself(app, admin, ctx):
    make_user(Role.ADMIN, "second-admin@cluster.test")  # not the last admin: the self rule alone refuses
    me = user("admin@cluster.test")
    html = admin.get(f"/admin/users/{me.id}").get_data(as_text=True)
    assert "Свою учётную запись отключить нельзя" in html
    assert f"/admin/users/{me.id}/active?active=0" not in html

    response = admin.post(f"/admin/users/{me.id}/active?active=0", follow_redirects=True)
    assert "Нельзя отключить свою учётную запись." in response.get_data(as_text=True)
    refreshed = user("admin@cluster.test")
    assert refreshed.active is True
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_an_admin_cannot_remove_his_own_admin_role(app, admin, ctx):
    make_user(Role.ADMIN, "second-admin@cluster.test")
    me = user("admin@cluster.test")
    response = admin.post(f"/admin/users/{me.id}", data=edit_data(me, role="viewer", email="renamed@cluster.test"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is-invalid" in input_tag(html, "role")
    assert "Нельзя снять роль администратора с самого себя." in after_field(html, "role", "person_id")
    assert user("admin@cluster.test").role == Role.ADMIN.value  # the e-mail did not change either
    # Another admin may.
    second = user("second-admin@cluster.test")
    assert admin.post(f"/admin/users/{second.id}", data=edit_data(second, role="viewer")).status_code == 303
    assert user("second-admin@cluster.test").role == Role.VIEWER.value


# 6. The users list on a phone ------------------------------------------------------------------


def test_users_table_scrolls_inside_its_own_box(app, admin, ctx):
    html = admin.get("/admin/users").get_data(as_text=True)
    assert re.search(r'<div class="table-responsive">\s*<table', html)


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Debian's chromium is not installed")
def test_users_page_does_not_scroll_sideways_on_a_phone(tmp_path, request):
    from tests.live_server import browser_page, serve

    def prepare():
        services.create_user("admin@cluster.local", "browser-password-1", Role.ADMIN)
        for n in range(3):
            services.create_user(
                f"a.very.long.address.of.someone-{n}@industrial-cluster.tomsk.example", "browser-password-1"
            )

    with (
        serve(tmp_path, prepare) as (base, _, _),
        browser_page(request, signed_in=(base, "admin@cluster.local", "browser-password-1")) as page,
    ):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/admin/users")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        table = page.query_selector("table")
        assert table.evaluate("t => t.closest('.table-responsive') !== null")


def test_the_person_select_names_the_organization_and_an_existing_account(app, admin, ctx):
    """The «Сотрудник» of a user's form: «Беляев Е.В. — ООО «Гарантийный фонд…» · linked@…»,
    as the directory names people (it read «Беляев Е. В.», namesakes of two organizations
    alike, and a person who has an account was refused only on saving)."""
    from cluster_intranet.directory.models import Organization

    fund = Organization(short_name="ООО «Гарантийный фонд Томской области»", full_name="ООО «Гарантийный фонд»")
    db.session.add(fund)
    linked = factories.person(surname="Беляев", first_name="Е.", patronymic="В.", organization=fund)
    free = factories.person(surname="Беляев", first_name="Евгений", patronymic="Иванович")
    db.session.commit()
    make_user(Role.SECRETARY, "linked@cluster.test", linked.id)
    html = admin.get("/admin/users/new").get_data(as_text=True)
    options = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', html))
    assert options[str(linked.id)] == "Беляев Е.В. — ООО «Гарантийный фонд Томской области» · linked@cluster.test"
    assert options[str(free.id)] == "Беляев Е.И."


def test_switching_an_account_off_and_on_names_it(app, admin, ctx):
    """On the list of accounts «Учётная запись отключена.» did not say which one."""
    target = make_user(Role.VIEWER, "petrenko@cluster.test")
    off = admin.post(f"/admin/users/{target.id}/active?active=0", follow_redirects=True).get_data(as_text=True)
    assert "Учётная запись petrenko@cluster.test отключена." in off
    on = admin.post(f"/admin/users/{target.id}/active?active=1", follow_redirects=True).get_data(as_text=True)
    assert "Учётная запись petrenko@cluster.test включена." in on
