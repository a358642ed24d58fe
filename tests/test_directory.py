"""The directory: organizations and people, search, inline editing, deletion rules."""

import json
import re

import pytest
from sqlalchemy import func, select

from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import make_user
from tests.messages import said, without_message


def test_short_name_is_derived(ctx):
    assert Person(surname="Беляев", first_name="Евгений", patronymic="Викторович").short_name == "Беляев Е.В."
    assert Person(surname="Беляев", first_name="Е.", patronymic="В.").short_name == "Беляев Е.В."
    assert Person(surname="Smith", first_name="John", patronymic="").short_name == "Smith J."


def test_live_search_is_case_insensitive_in_cyrillic(app, viewer, ctx):
    factories.person(surname="Пояркова", first_name="Ольга", patronymic="Николаевна")
    factories.person(surname="Кузнецова", first_name="Наталья", patronymic="Викторовна")
    db.session.commit()
    page = viewer.hx("get", "/directory/people?q=ПОЯР")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Пояркова" in body and "Кузнецова" not in body
    assert "<html" not in body  # the fragment, not the page
    assert "HX-Request" in page.headers["Vary"]
    full = viewer.get("/directory/people?q=ольга")
    assert "<html" in full.get_data(as_text=True) and "Пояркова" in full.get_data(as_text=True)


def test_search_treats_wildcards_literally(app, viewer, ctx):
    factories.person(surname="Иванов")
    db.session.commit()
    assert "Иванов" not in viewer.hx("get", "/directory/people?q=%25").get_data(as_text=True)


def test_people_list_is_paginated(app, viewer, ctx):
    for n in range(30):
        factories.person(surname=f"Сидоров{n:02}")
    db.session.commit()
    first = viewer.get("/directory/people").get_data(as_text=True)
    second = viewer.get("/directory/people?page=2").get_data(as_text=True)
    assert first.count('id="people-row-') == 25 and second.count('id="people-row-') == 5
    assert "Всего: 30" in first


def test_a_searched_list_shows_the_surnames_that_begin_with_the_text_first(app, viewer, ctx):
    college, plant = factories.organization(), factories.organization()
    for n in range(27):
        factories.person(
            surname="Кузнецов", first_name=f"Иван{n:02}", patronymic="", organization=college if n % 3 else plant
        )
    factories.person(surname="Бабкузнецов", first_name="Пётр", patronymic="", organization=college)
    factories.person(surname="Антонов", first_name="Кузнец", patronymic="", organization=plant)
    db.session.commit()

    def rows(url: str) -> list[str]:
        body = viewer.get(url).get_data(as_text=True)
        return re.findall(r'id="people-row-\d+">\s*<td[^>]*>([^<]+)<div', body)

    first, second = rows("/directory/people?q=кузнец"), rows("/directory/people?q=кузнец&page=2")
    assert first == [f"Кузнецов Иван{n:02}" for n in range(25)]
    assert second == ["Кузнецов Иван25", "Кузнецов Иван26", "Антонов Кузнец", "Бабкузнецов Пётр"]
    body = viewer.get("/directory/people?q=кузнец").get_data(as_text=True)
    assert "Всего: 29" in body and "Сначала те, чья фамилия начинается с «кузнец»" in body
    in_plant = rows(f"/directory/people?q=кузнец&organization={plant.id}")
    assert in_plant == [f"Кузнецов Иван{n:02}" for n in range(0, 27, 3)] + ["Антонов Кузнец"]


def test_empty_states(app, viewer):
    assert "Справочник сотрудников пуст" in viewer.get("/directory/people").get_data(as_text=True)
    assert "Никого не нашлось" in viewer.get("/directory/people?q=zzz").get_data(as_text=True)


def test_secretary_adds_a_person_inline(app, secretary, ctx):
    org = factories.organization()
    db.session.commit()
    form = secretary.hx("get", "/directory/people/new")
    assert form.status_code == 200 and "<tr" in form.get_data(as_text=True)
    data = {
        "surname": " Пояркова ",
        "first_name": "Ольга",
        "patronymic": "Николаевна",
        "organization_id": org.id,
        "position": "заместитель директора",
        "email": "poyarkova@example.ru",
        "phone": "",
    }
    response = secretary.hx("post", "/directory/people/new", data=data)
    assert response.status_code == 200
    # the form row goes, the list reloads, and the page says what was added
    assert without_message(response).strip() == ""
    assert said(response) == {"text": "Сотрудник «Пояркова О.Н.» добавлен.", "category": "success", "focus": None}
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger == {
        "directoryChanged": True,
        "noticeShown": {"focus": None},
    }
    person = db.session.scalar(select(Person))
    assert person.surname == "Пояркова" and person.organization_id == org.id


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"surname": ""}, "Заполните это поле."),
        ({"email": "not-an-email"}, "Неверный адрес электронной почты."),
        ({"position": "д" * 501}, "Не длиннее 500 символов."),
    ],
)
def test_bad_person_input_is_refused_next_to_the_field(app, secretary, ctx, changes, message):
    data = {
        "surname": "Иванов",
        "first_name": "Иван",
        "patronymic": "",
        "organization_id": "",
        "position": "",
        "email": "",
        "phone": "",
    }
    response = secretary.hx("post", "/directory/people/new", data={**data, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_duplicate_organization_name_is_refused(app, secretary, ctx):
    factories.organization(short_name="ОГБПОУ «ТИТ»")
    db.session.commit()
    response = secretary.post("/directory/organizations/new", data={"short_name": "ОГБПОУ «ТИТ»", "kind": "college"})
    assert response.status_code == 409  # a conflict with a row that exists: perhaps the form sent twice
    assert "уже есть" in response.get_data(as_text=True)


def test_inline_edit_row_and_cancel(app, secretary, ctx):
    person = factories.person(surname="Беляев")
    db.session.commit()
    edit = secretary.hx("get", f"/directory/people/{person.id}/edit")
    assert 'name="surname"' in edit.get_data(as_text=True)
    saved = secretary.hx(
        "post",
        f"/directory/people/{person.id}/edit",
        data={
            "surname": "Беляев",
            "first_name": "Евгений",
            "patronymic": "Викторович",
            "organization_id": "",
            "position": "директор",
            "email": "",
            "phone": "",
        },
    )
    assert saved.status_code == 200 and "Беляев Е.В." in saved.get_data(as_text=True)
    cancel = secretary.hx("get", f"/directory/people/{person.id}/row")
    assert f'id="people-row-{person.id}"' in cancel.get_data(as_text=True)


def test_delete_person_and_organization_in_use(app, secretary, ctx):
    org = factories.organization()
    person = factories.person(organization=org)
    lonely = factories.person()
    db.session.commit()
    org_id, person_id, lonely_id = org.id, person.id, lonely.id
    refused = secretary.hx("post", f"/directory/organizations/{org.id}/delete")
    assert refused.status_code == 409
    assert "Нельзя удалить организацию: есть связанные записи" in refused.get_data(as_text=True)
    assert "сотрудники (1)" in refused.get_data(as_text=True)
    deleted = secretary.hx("post", f"/directory/people/{lonely_id}/delete")
    assert deleted.status_code == 200 and "удалён" in said(deleted)["text"]
    assert db.session.get(Person, lonely_id) is None
    assert db.session.get(Organization, org_id) is not None and db.session.get(Person, person_id) is not None


def test_viewer_cannot_change_the_directory(app, viewer, ctx):
    person = factories.person()
    db.session.commit()
    assert viewer.post(f"/directory/people/{person.id}/delete").status_code == 403
    forbidden = viewer.get("/directory/people/new")
    assert forbidden.status_code == 403 and "Доступ запрещён" in forbidden.get_data(as_text=True)


def test_unknown_ids_give_the_404_page(app, secretary):
    response = secretary.get("/directory/people/999999/edit")
    assert response.status_code == 404 and "Страница не найдена" in response.get_data(as_text=True)


def test_suggestions_for_the_person_picker(app, viewer, ctx):
    factories.person(surname="Жарких", first_name="Елена", patronymic="Владимировна")
    db.session.commit()
    body = viewer.get("/directory/people/suggest?q=жар").get_data(as_text=True)
    assert 'data-pick-label="Жарких Е.В."' in body


def test_suggestions_put_the_surnames_that_begin_with_the_text_first(app, viewer, ctx):
    for surname, first_name in [
        ("Ковальская", "Анна"),
        ("Кузнецова", "Ольга"),
        ("Кузнецов", "Иван"),
        ("Бабкузнецов", "Пётр"),
        ("кузнецова", "Мария"),
        ("Иванов", "Кузнец"),
    ]:
        factories.person(surname=surname, first_name=first_name, patronymic="")
    db.session.commit()

    def labels(query: str) -> list[str]:
        body = viewer.get(f"/directory/people/suggest?q={query}").get_data(as_text=True)
        return re.findall(r'data-pick-label="([^"]+)"', body)

    # «Кузнецов…» in name order (case folded, as search folds it: a surname written in small
    # letters too), then the other words containing the text, in name order: nothing twice.
    assert labels("кузнец") == ["Кузнецов И.", "кузнецова М.", "Кузнецова О.", "Бабкузнецов П.", "Иванов К."]
    assert labels("КУЗНЕЦОВА") == ["кузнецова М.", "Кузнецова О."]
    assert labels("ова") == ["Ковальская А.", "кузнецова М.", "Кузнецова О."]  # no surname begins so


def test_suggestions_stop_at_ten(app, viewer, ctx):
    db.session.add_all(Person(surname="Кузнецов", first_name=f"Иван{n:02}") for n in range(12))
    db.session.add(Person(surname="Бабкузнецов", first_name="Пётр"))
    db.session.commit()
    body = viewer.get("/directory/people/suggest?q=кузн").get_data(as_text=True)
    found = re.findall(r'data-pick-label="([^"]+)"', body)
    assert len(found) == 10 and all(label.startswith("Кузнецов ") for label in found)


def test_a_person_with_an_account_is_not_deleted(app, secretary, ctx):
    person = factories.person(surname="Беляев")
    make_user("viewer", "belyaev@cluster.test", person.id)
    person_id = person.id
    refused = secretary.hx("post", f"/directory/people/{person_id}/delete")
    assert refused.status_code == 409
    assert "связана учётная запись belyaev@cluster.test" in refused.get_data(as_text=True)
    assert db.session.get(Person, person_id) is not None


def test_an_edit_based_on_an_older_version_is_refused(app, secretary, ctx):
    person = factories.person(surname="Беляев", position="директор", phone="")
    db.session.commit()
    form = secretary.hx("get", f"/directory/people/{person.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {
        "version": version,
        "surname": "Беляев",
        "first_name": person.first_name,
        "patronymic": person.patronymic,
        "organization_id": "",
        "email": "",
        "position": "директор",
        "phone": "",
    }
    first = secretary.hx("post", f"/directory/people/{person.id}/edit", data={**data, "position": "ректор"})
    assert first.status_code == 200
    second = secretary.hx("post", f"/directory/people/{person.id}/edit", data={**data, "phone": "+7 3822 000000"})
    assert second.status_code == 422 and "Запись уже изменил" in second.get_data(as_text=True)
    db.session.refresh(person)
    assert (person.position, person.phone) == ("ректор", "")  # the first save stands, nothing of the second


@pytest.mark.parametrize(
    ("typed", "stored", "error"),
    [
        ("tpu.ru", "https://tpu.ru", None),
        ("http://college.local/about", "http://college.local/about", None),
        ("просто текст", None, "Неверный адрес сайта"),
        ("javascript:alert(document.domain)", None, "начинается с http:// или https://"),
    ],
)
def test_the_website_is_a_web_address(app, secretary, ctx, typed, stored, error):
    response = secretary.hx(
        "post",
        "/directory/organizations/new",
        data={"short_name": "ТПУ", "full_name": "", "kind": "college", "website": typed, "city": "Томск"},
    )
    saved = db.session.scalar(select(Organization.website).where(Organization.short_name == "ТПУ"))
    if error:
        assert response.status_code == 422 and error in response.get_data(as_text=True) and saved is None
    else:
        assert response.status_code == 200 and saved == stored


def test_a_page_past_the_end_says_so(app, viewer, ctx):
    for _ in range(3):
        factories.person()
    db.session.commit()
    body = viewer.get("/directory/people?page=7").get_data(as_text=True)
    assert "На странице 7 ничего нет: в списке 1 стр." in body and "page=1" in body


def test_a_name_of_initials_is_not_repeated_as_its_short_form(app, viewer, ctx):
    factories.person(surname="Кузнецова", first_name="Н.", patronymic="В.")
    factories.person(surname="Беляев", first_name="Евгений", patronymic="Викторович")
    db.session.commit()
    body = viewer.get("/directory/people").get_data(as_text=True)
    assert body.count("Кузнецова Н.") == 1  # «Кузнецова Н. В.» alone
    assert "Беляев Евгений Викторович" in body and '<div class="small text-muted">Беляев Е.В.</div>' in body


def test_a_picked_person_s_chip_comes_as_the_picker_writes_its_own(app, viewer, ctx):
    """A multiple picker's new chip is the server's (app.js adds it): the same markup as the chips
    the form starts with, the person's short name, a hidden input of the picker's field; its ×
    says whom it takes away in the accusative («Убрать Пояркову О.Н.», not «Убрать Пояркова О.Н.»)."""
    person = factories.person(surname="Пояркова", first_name="Ольга", patronymic="Николаевна")
    db.session.commit()
    chip = viewer.get(f"/directory/people/chip?person={person.id}&name=responsible_ids").get_data(as_text=True)
    assert chip.strip() == (
        f'<span class="badge text-bg-primary picker-chip" data-chip>Пояркова О.Н.<input type="hidden" '
        f'name="responsible_ids" value="{person.id}"><button type="button" class="btn-close btn-close-white" '
        f'data-unpick aria-label="Убрать Пояркову О.Н."></button></span>'
    )
    assert viewer.get("/directory/people/chip?name=responsible_ids").status_code == 400
    assert viewer.get(f"/directory/people/chip?person={person.id + 1}&name=x").status_code == 404
